#!/usr/bin/env bash
# The benchmarks (docs/benchmarks.md): the store measurements against PostgreSQL, which rewrite the "Store" section of
# docs/benchmarks.md, then the engine's BenchmarkDotNet run (its results stay in BenchmarkDotNet.Artifacts; the Engine
# section of the doc is written by hand). Not part of the test command.
#
#   scripts/bench.sh [store options]     # e.g. --events 3000 --rounds 3 --streams 100,1000,10000
#
# EVENTAPI_BENCH_PG names the server (an Npgsql connection string to a database the bench may create databases
# from); without it, the local cluster of scripts/local-postgres.sh is started if needed. BENCH_ENGINE=0 skips
# the engine run. The default run takes a few minutes on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ -z "${EVENTAPI_BENCH_PG:-}" ]; then
  EVENTAPI_BENCH_PG="$(scripts/local-postgres.sh start)"
fi
export EVENTAPI_BENCH_PG

dotnet build bench/EventApi.Bench -c Release -nologo -v quiet
dotnet run -c Release --no-build --project bench/EventApi.Bench -- store --markdown docs/benchmarks.md "$@"

if [ "${BENCH_ENGINE:-1}" != "0" ]; then
  # Run from the project folder, where the artifacts of earlier runs are.
  (cd bench/EventApi.Bench && dotnet run -c Release --no-build -- --filter '*')
fi
