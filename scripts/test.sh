#!/usr/bin/env bash
# Runs every test: first every test module but the distributed one and the chaos suite, in parallel
# (dotnet test's default), then tests/BoxOffice.Distributed.Tests alone, then tests/BoxOffice.Chaos.Tests
# alone. The distributed module starts a dozen processes on RabbitMQ and PostgreSQL; on a 2-core
# machine, next to the other modules (the PostgreSQL twin of the host tests, the messaging core's
# kill -9 tests on the same broker), its waits ran out in CI. The chaos suite restarts RabbitMQ and
# stops PostgreSQL on purpose, which would break any test running beside it; it runs at CI sizes
# here (scripts/chaos.sh runs the full sizes).
# Arguments are passed to every run (e.g. --no-build). Exits non-zero when any run fails.
set -uo pipefail
cd "$(dirname "$0")/.."

# The solution minus the distributed tests, as a solution filter made from the solution itself, so
# a project added to BoxOffice.slnx is never left out.
mkdir -p artifacts
filter=artifacts/BoxOffice.in-parallel.slnf
{
  printf '{\n  "solution": {\n    "path": "../BoxOffice.slnx",\n    "projects": [\n'
  grep -o 'Project Path="[^"]*"' BoxOffice.slnx | cut -d'"' -f2 | grep -v -e '/BoxOffice.Distributed.Tests/' -e '/BoxOffice.Chaos.Tests/' \
    | sed 's/.*/      "&"/' | paste -sd, | sed 's/,/,\n/g'
  printf '    ]\n  }\n}\n'
} > "$filter"

dotnet test --solution "$filter" "$@"
first=$?
dotnet test --project tests/BoxOffice.Distributed.Tests "$@"
second=$?
dotnet test --project tests/BoxOffice.Chaos.Tests "$@"
third=$?

[ "$first" -eq 0 ] && [ "$second" -eq 0 ] && [ "$third" -eq 0 ]
