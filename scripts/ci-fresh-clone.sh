#!/usr/bin/env bash
# Runs CI the way it runs after a submission: on a fresh clone of what is committed on main.
set -euo pipefail
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q "$top" "$dir"
cd "$dir"
CI=true bash .ci/run
