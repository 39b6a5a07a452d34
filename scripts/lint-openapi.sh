#!/usr/bin/env bash
# Lints an OpenAPI document with Spectral's stock `spectral:oas` ruleset and Redocly's stock
# `recommended` ruleset (versions pinned in tools/openapi-lint/package-lock.json).
#
#   scripts/lint-openapi.sh FILE
#
# Prints every finding of both tools and exits 0 only when neither reports an error or a warning
# (1: findings, 2: usage, install or tool failure). Works from any cwd. Installs the tools with
# `npm ci` on first use (or when package-lock.json changed); afterwards needs no network.
set -euo pipefail

usage() { echo "usage: $0 FILE   (an OpenAPI document, JSON or YAML)" >&2; exit 2; }
[[ $# -eq 1 && -n "$1" ]] || usage

file=$1
# Through `npm run lint -- FILE` the cwd is the package folder; resolve FILE against the caller's.
if [[ "$file" != /* && -n "${npm_lifecycle_event:-}" && -n "${INIT_CWD:-}" ]]; then
  file="$INIT_CWD/$file"
fi
if [[ ! -f "$file" || ! -r "$file" ]]; then
  echo "lint-openapi: no readable file '$1'" >&2
  exit 2
fi
display=$1
file=$(cd "$(dirname "$file")" && pwd -P)/$(basename "$file")

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
tool_dir="$repo_root/tools/openapi-lint"
spectral_bin="$tool_dir/node_modules/.bin/spectral"
redocly_bin="$tool_dir/node_modules/.bin/redocly"

command -v node >/dev/null || { echo "lint-openapi: node is not on PATH" >&2; exit 2; }
command -v npm >/dev/null || { echo "lint-openapi: npm is not on PATH" >&2; exit 2; }

# Plain output for CI logs; no telemetry, update checks or announcements (they need the network).
export NO_COLOR=1 FORCE_COLOR=0
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true
export SCARF_ANALYTICS=false  # Spectral depends on @scarf/scarf, an install-time telemetry hook

work=$(mktemp -d "${TMPDIR:-/tmp}/lint-openapi.XXXXXX")
trap 'rm -rf "$work"' EXIT

needs_install() {
  # Missing tools, or package-lock.json newer than what npm last installed.
  [[ ! -x "$spectral_bin" || ! -x "$redocly_bin" || ! -f "$tool_dir/node_modules/.package-lock.json" ]] ||
    [[ "$tool_dir/package-lock.json" -nt "$tool_dir/node_modules/.package-lock.json" ]]
}

install_tools() {
  needs_install || return 0
  if ! (cd "$repo_root" && npm ci --prefix tools/openapi-lint --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1; then
    echo "lint-openapi: 'npm ci --prefix tools/openapi-lint' failed:" >&2
    cat "$work/npm.log" >&2
    exit 2
  fi
}

if needs_install; then
  # Parallel callers (e.g. tests) must not run `npm ci` into the same folder at once.
  if command -v flock >/dev/null; then
    lock="${TMPDIR:-/tmp}/lint-openapi-$(printf '%s' "$tool_dir" | cksum | cut -d' ' -f1).lock"
    exec 9>"$lock"
    flock 9
    install_tools
    flock -u 9
    exec 9>&-
  else
    install_tools
  fi
fi

set +e
"$spectral_bin" lint --ruleset "$tool_dir/.spectral.yaml" --fail-severity=warn \
  --format json --output "$work/spectral.json" "$file" >"$work/spectral.out" 2>"$work/spectral.err"
spectral_rc=$?
# Redocly exits non-zero on errors only; report.mjs fails on its warnings (and ignored problems) too.
"$redocly_bin" lint --config "$tool_dir/redocly.yaml" --lint-config=error --max-problems=100000 \
  --format json "$file" >"$work/redocly.json" 2>"$work/redocly.err"
redocly_rc=$?

# Prints every finding; exit 0 clean, 1 findings, 2 a linter did not run properly.
node "$tool_dir/report.mjs" "$display" "$work" "$spectral_rc" "$redocly_rc"
exit $?
