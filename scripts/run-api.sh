#!/usr/bin/env bash
# Runs the API on http://127.0.0.1:5080. Without ConnectionStrings__Postgres in the environment it starts a
# throwaway local PostgreSQL (scripts/local-postgres.sh) and uses a database named eventapi on it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  server="$(scripts/local-postgres.sh start)"
  ConnectionStrings__Postgres="${server/Database=postgres/Database=eventapi}"
  psql "host=127.0.0.1 port=$(cat .pg/port) user=postgres dbname=postgres" -qtAc \
    "select 1 from pg_database where datname = 'eventapi'" | grep -q 1 \
    || psql "host=127.0.0.1 port=$(cat .pg/port) user=postgres dbname=postgres" -qc "create database eventapi" >/dev/null
  export ConnectionStrings__Postgres
  echo "Using the local PostgreSQL in .pg/ (scripts/local-postgres.sh stop to stop it)." >&2
fi

# The daily challenge's secret: kept in .local/ (ignored by git), made once per checkout.
if [ -z "${EventApi__Challenges__Secret:-}" ]; then
  mkdir -p .local
  [ -s .local/challenge-secret ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 > .local/challenge-secret)
  EventApi__Challenges__Secret="$(cat .local/challenge-secret)"
  export EventApi__Challenges__Secret
fi

# The webhooks' signing key (every session's webhook secret is derived from it): kept in .local/ too, made once per
# checkout.
if [ -z "${EventApi__Webhooks__SigningKey:-}" ]; then
  mkdir -p .local
  [ -s .local/webhook-signing-key ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 > .local/webhook-signing-key)
  EventApi__Webhooks__SigningKey="$(cat .local/webhook-signing-key)"
  export EventApi__Webhooks__SigningKey
fi

# The admin key (X-Admin-Key on /admin): kept in .local/ too, made once per checkout. Read it from the file; it is
# never printed.
if [ -z "${EventApi__AdminKey:-}" ]; then
  mkdir -p .local
  [ -s .local/admin-key ] || (umask 077 && head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=' > .local/admin-key)
  EventApi__AdminKey="$(cat .local/admin-key)"
  export EventApi__AdminKey
fi

# JasperFx's command line takes `help <command>`; accept the usual `<command> --help` too.
if [ "$#" -eq 2 ] && { [ "$2" = "--help" ] || [ "$2" = "-h" ]; }; then
  set -- help "$1"
fi

# The JasperFx command line takes no --urls; the address comes from the environment.
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
# Build first, saying so: the first build restores packages and compiles for a minute or two, silently otherwise.
echo "Building the API (Release); the first build takes a minute or two..." >&2
dotnet build src/Api -c Release -nologo -v quiet -clp:ErrorsOnly
echo "Starting the API on $ASPNETCORE_URLS (Ctrl+C stops it)." >&2
exec dotnet run --project src/Api -c Release --no-launch-profile --no-build -- "$@"
