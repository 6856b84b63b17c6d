#!/usr/bin/env bash
# Runs every test: first every test module but the distributed one, in parallel (dotnet test's
# default), then tests/BoxOffice.Distributed.Tests alone. That module starts a dozen processes on
# RabbitMQ and PostgreSQL; on a 2-core machine, next to the other modules (the PostgreSQL twin of the
# host tests, the messaging core's kill -9 tests on the same broker), its waits ran out in CI.
# Arguments are passed to both runs (e.g. --no-build). Exits non-zero when either run fails.
set -uo pipefail
cd "$(dirname "$0")/.."

# The solution minus the distributed tests, as a solution filter made from the solution itself, so
# a project added to BoxOffice.slnx is never left out.
mkdir -p artifacts
filter=artifacts/BoxOffice.without-distributed.slnf
{
  printf '{\n  "solution": {\n    "path": "../BoxOffice.slnx",\n    "projects": [\n'
  grep -o 'Project Path="[^"]*"' BoxOffice.slnx | cut -d'"' -f2 | grep -v '/BoxOffice.Distributed.Tests/' \
    | sed 's/.*/      "&"/' | paste -sd, | sed 's/,/,\n/g'
  printf '    ]\n  }\n}\n'
} > "$filter"

dotnet test --solution "$filter" "$@"
first=$?
dotnet test --project tests/BoxOffice.Distributed.Tests "$@"
second=$?

[ "$first" -eq 0 ] && [ "$second" -eq 0 ]
