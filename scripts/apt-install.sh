#!/usr/bin/env bash
# Installs Debian packages with apt (through sudo unless root), for what the scripts need and a machine lacks:
# PostgreSQL's server (scripts/local-postgres.sh) and Chromium (scripts/test.sh). Writes only to stderr.
#
#   scripts/apt-install.sh postgresql
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
