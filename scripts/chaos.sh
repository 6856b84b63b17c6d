#!/usr/bin/env bash
# The chaos suite at its full sizes (docs/reliability.md lists each fault, its CI size and its full
# size). Needs the servers CI sets up: BOXOFFICE_TEST_POSTGRES and BOXOFFICE_TEST_RABBITMQ, root for
# rabbitmqctl, pg_ctlcluster and mounting the small data folder. Arguments go to dotnet test
# (e.g. --no-build, or --filter-class "*CrashingTheHost" for one scenario).
set -uo pipefail
cd "$(dirname "$0")/.."

export BOXOFFICE_CHAOS_FULL=true
exec dotnet test --project tests/BoxOffice.Chaos.Tests "$@"
