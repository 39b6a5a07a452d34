#!/usr/bin/env bash
# Runs every test: the unit tests and the integration tests (the real API against a real PostgreSQL, and the web
# client in a real Chromium), then the tests of the JavaScript engine (node --test tests/js).
#
# PostgreSQL for the integration tests, in this order:
#   1. EVENTAPI_TEST_POSTGRES, a connection string to a server you already run (each test host creates its own database);
#   2. a Testcontainers PostgreSQL, when a Docker engine answers;
#   3. otherwise a throwaway local PostgreSQL (scripts/local-postgres.sh), started here and stopped afterwards.
#
# Chromium for the browser tests (tests/Integration/Browser), in this order: EVENTAPI_CHROMIUM; Debian's
# /usr/bin/chromium; Google Chrome (as on GitHub's runners); otherwise Debian's chromium package, installed here.
#
# Ends with one line: `tests: N passed, M failed`, counting both. Extra arguments go to `dotnet test` (e.g. --filter
# Name~moves); the JavaScript tests run whatever they are.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

stop_postgres=0
if [ -z "${EVENTAPI_TEST_POSTGRES:-}" ]; then
  if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
    echo "A Docker engine answers: the integration tests use Testcontainers."
  else
    scripts/local-postgres.sh status >/dev/null 2>&1 || stop_postgres=1
    if ! EVENTAPI_TEST_POSTGRES="$(scripts/local-postgres.sh start)"; then
      echo "Could not start a local PostgreSQL (scripts/local-postgres.sh start)." >&2
      echo "tests: 0 passed, 0 failed"
      exit 1
    fi
    export EVENTAPI_TEST_POSTGRES
    echo "No Docker engine: the integration tests use the local PostgreSQL in .pg/."
  fi
fi
[ "$stop_postgres" -eq 1 ] && trap 'scripts/local-postgres.sh stop >/dev/null 2>&1 || true' EXIT

if [ -z "${EVENTAPI_CHROMIUM:-}" ]; then
  for candidate in /usr/bin/chromium "$(command -v google-chrome || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { EVENTAPI_CHROMIUM="$candidate"; break; }
  done
  if [ -z "${EVENTAPI_CHROMIUM:-}" ]; then
    echo "Chromium not found; installing Debian's chromium package for the browser tests." >&2
    if scripts/apt-install.sh chromium && [ -x /usr/bin/chromium ]; then
      EVENTAPI_CHROMIUM=/usr/bin/chromium
    else
      echo "Could not install chromium: the browser tests will fail (set EVENTAPI_CHROMIUM to a Chromium)." >&2
    fi
  fi
fi
[ -n "${EVENTAPI_CHROMIUM:-}" ] && export EVENTAPI_CHROMIUM && echo "The browser tests use $EVENTAPI_CHROMIUM."

results="$root/TestResults"
rm -rf "$results"
dotnet test EventApi.sln --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@"
status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited $status without a failed test (did the build fail?)." >&2
fi

# The JavaScript engine's tests (tests/js), with node's TAP reporter: the failures are shown, the whole report is kept
# in TestResults/js-tests.tap, and its counts go into the totals.
tap="$results/js-tests.tap"
mkdir -p "$results"
if command -v node >/dev/null 2>&1; then
  node --test --test-reporter=tap tests/js >"$tap" 2>&1
  node_status=$?
  count() { n="$(sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$tap" | tail -n 1)"; echo "${n:-0}"; }
  js_passed=$(count pass)
  js_failed=$(($(count fail) + $(count cancelled)))
  js_skipped=$(($(count skipped) + $(count todo)))
  grep -E '^ *not ok ' "$tap" >&2
  echo "JavaScript engine tests (node --test tests/js): $js_passed passed, $js_failed failed; the report is in $tap"
  if [ "$node_status" -ne 0 ] && [ "$js_failed" -eq 0 ]; then
    echo "node --test exited $node_status without a failed test: see $tap." >&2
    js_failed=1
  fi
  passed=$((passed + js_passed))
  failed=$((failed + js_failed))
  skipped=$((skipped + js_skipped))
else
  echo "node is not installed: the JavaScript engine's tests (tests/js) did not run." >&2
  failed=$((failed + 1))
fi
[ "$failed" -gt 0 ] && [ "$status" -eq 0 ] && status=1

if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
exit "$status"
