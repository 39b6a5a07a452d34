#!/usr/bin/env bash
# The benchmarks (docs/benchmarks.md). Not part of the test command.
#
#   scripts/bench.sh                         # every measurement with its defaults, then the engine
#   scripts/bench.sh store --events 3000     # one mode, with its own options (each prints them on a bad one)
#   scripts/bench.sh engine                  # the engine's BenchmarkDotNet run only
#
# Modes: store (appends, time travel), http (single-move POSTs against a raw INSERT and a trivial GET), daemon (the
# async daemon's catch-up and rebuilds against a raw read), side-effects (webhook lag and delivery rate), live (live
# streams' lag on one node and across two, moves with and without spectators, a frame's CPU and a stream's memory),
# cluster (webhook lag on 2 and 3 nodes, the shards' hand-over when a node is killed or stopped), storage (what a game
# leaves in PostgreSQL, table by table, before and after retention and archiving), engine. Each
# PostgreSQL mode creates its own database, drops it at the end and rewrites its own section of
# docs/benchmarks.md;
# the engine's results stay in BenchmarkDotNet.Artifacts (its section of the doc is written by hand). The API modes
# run the API's Release build as a separate process.
#
# EVENTAPI_BENCH_PG names the server (an Npgsql connection string to a database the bench may create databases
# from); without it, the local cluster of scripts/local-postgres.sh is started if needed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

modes=(store http daemon side-effects live cluster storage engine)
if [ $# -gt 0 ]; then
  modes=("$1")
  shift
fi

if [ -z "${EVENTAPI_BENCH_PG:-}" ]; then
  EVENTAPI_BENCH_PG="$(scripts/local-postgres.sh start)"
fi
export EVENTAPI_BENCH_PG

dotnet build src/Api -c Release -nologo -v quiet
dotnet build bench/EventApi.Bench -c Release -nologo -v quiet
dotnet build bench/EventApi.Floor -c Release -nologo -v quiet

for mode in "${modes[@]}"; do
  echo "== $mode"
  if [ "$mode" = engine ]; then
    # Run from the project folder, where the artifacts of earlier runs are.
    (cd bench/EventApi.Bench && dotnet run -c Release --no-build -- --filter '*' "$@")
  else
    dotnet run -c Release --no-build --project bench/EventApi.Bench -- "$mode" --markdown docs/benchmarks.md "$@"
  fi
done
