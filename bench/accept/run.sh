#!/usr/bin/env bash
# The accept path under load: one hot ticket type, every request a different buyer, embedded host
# (Release, synchronous=FULL, the gateway simulator at its default 300 ms median latency).
# Usage: bench/accept/run.sh [duration, default 15s] [connections, default 256]
# Needs: wrk (apt-get install -y wrk), python3.
# On PostgreSQL: BENCH_POSTGRES="Host=127.0.0.1;Username=…;Password=…" (a role that may create
# databases) puts every service database there, in databases of this run's own (dropped at the end),
# and measures first, in the same run, the bare group-commit ceiling of the same writes (pg-commit).
# Distributed: BENCH_DISTRIBUTED=1 brings the deployment up with scripts/distributed-up.sh (unless it
# runs already), reserves through its API gateway on http://localhost:5080 with tokens signed by the
# deployment's key (.distributed/secrets.env), and stops it again at the end if it started it.
# BENCH_WARMUP (a wrk duration; default 10s distributed, none embedded) runs the same load first,
# unmeasured, with other buyers: eleven freshly started processes spend their first seconds
# compiling their hot paths (measured: 180 requests/s in a fresh deployment's first 10 s, 510/s in the 15 s after).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
connections=${2:-256}
work=$(mktemp -d)
port=5380
key=$(head -c 32 /dev/urandom | base64)
# The throwaway host's organizer: a password made for this run, like the signing key.
organizer_password="Bench-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
sampler=""
host_pid=""
storage_env=()
if [ -n "${BENCH_POSTGRES:-}" ]; then
  prefix="bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  storage_env=(BoxOffice__Storage=Postgres "ConnectionStrings__Postgres=$BENCH_POSTGRES" BoxOffice__DatabasePrefix="$prefix")
fi
drop_databases() {
  [ -n "${BENCH_POSTGRES:-}" ] || return 0
  dotnet artifacts/bin/BoxOffice.Bench/release/BoxOffice.Bench.dll pg-drop --connection "$BENCH_POSTGRES" --prefix "$prefix" || true
}
trap 'kill $sampler $host_pid 2>/dev/null || true; wait 2>/dev/null; drop_databases; rm -rf "$work"' EXIT

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/accept/run.sh needs $tool (apt-get install -y $tool)." >&2; exit 1; }
done

if [ -n "${BENCH_DISTRIBUTED:-}" ]; then
  [ -z "${BENCH_POSTGRES:-}" ] || { echo "BENCH_DISTRIBUTED and BENCH_POSTGRES do not go together: the deployment has its own databases." >&2; exit 2; }
  started_here=false
  if ! curl -sf -o /dev/null http://localhost:5080/health/ready; then
    echo "Bringing the distributed deployment up (scripts/distributed-up.sh)…"
    scripts/distributed-up.sh
    started_here=true
  fi
  dotnet build -c Release bench/BoxOffice.Bench -v q -nologo >/dev/null
  # shellcheck disable=SC1091
  . .distributed/secrets.env
  key=$AUTH_SIGNING_KEY
  organizer_password=$SEED_ORGANIZER_PASSWORD
  port=5080
  trap 'kill $sampler 2>/dev/null || true; wait 2>/dev/null; if $started_here; then scripts/distributed-down.sh; fi; rm -rf "$work"' EXIT
  echo "Through the gateway on port $port: creating a ticket type of 1,000,000 tickets…"
else
echo "Building the host and the load tool in Release (about a minute the first time)…"
dotnet build -c Release src/BoxOffice.Host -v q -nologo >/dev/null
dotnet build -c Release bench/BoxOffice.Bench -v q -nologo >/dev/null
if [ -z "${BENCH_POSTGRES:-}" ]; then
  # The same-run ceilings, driven by the same wrk script: a bare 202 endpoint, and one that
  # group-commits one SQLite row per request (WAL, FULL, one writer, up to 256 per transaction).
  dotnet build -c Release bench/BoxOffice.LoadTest -v q -nologo >/dev/null
  ceiling_tokens="$work/ceiling-tokens.txt"
  for _ in 1 2 3 4 5 6 7 8; do echo "not-checked-by-the-ceiling"; done >"$ceiling_tokens"
  for kind in noop commit; do
    dotnet artifacts/bin/BoxOffice.LoadTest/release/BoxOffice.LoadTest.dll ceiling-server --kind "$kind" --data "$work/ceiling-$kind" --urls "http://127.0.0.1:$((port + 10))" \
      >"$work/ceiling-$kind.log" 2>&1 &
    ceiling_pid=$!
    until curl -sf "http://127.0.0.1:$((port + 10))/health" >/dev/null; do sleep 0.2; done
    echo "Ceiling, same run: $kind"
    TOKENS="$ceiling_tokens" TICKET_TYPE="$(cat /proc/sys/kernel/random/uuid)" wrk -t2 -c"$connections" -d"$duration" --latency -s bench/accept/reserve.lua \
      "http://127.0.0.1:$((port + 10))" | grep -E 'Requests/sec|  (50|90|99)%|Non-2xx'
    kill "$ceiling_pid"; wait "$ceiling_pid" 2>/dev/null || true
  done
fi
if [ -n "${BENCH_POSTGRES:-}" ]; then
  echo "The ceiling on this server, same run: the accept path's writes without HTTP or decisions…"
  dotnet artifacts/bin/BoxOffice.Bench/release/BoxOffice.Bench.dll pg-commit --connection "$BENCH_POSTGRES" --seconds 10
fi
echo "Starting the host on port $port and creating a ticket type of 1,000,000 tickets…"

# BENCH_ENV adds settings, for example BENCH_ENV="Messaging__BatchSize=100".
# shellcheck disable=SC2086
env "${storage_env[@]}" BoxOffice__DataDirectory="$work/data" Auth__SigningKey="$key" Seed__OrganizerPassword="$organizer_password" \
  PaymentGateway__Urls=http://127.0.0.1:5381 Logging__LogLevel__Default=Warning ${BENCH_ENV:-} \
  dotnet artifacts/bin/BoxOffice.Host/release/BoxOffice.Host.dll --urls "http://127.0.0.1:$port" >"$work/host.log" 2>&1 &
host_pid=$!
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
fi

organizer=$(curl -sf -X POST "http://127.0.0.1:$port/api/accounts/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"organizer@boxoffice.local\",\"password\":\"$organizer_password\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')
starts=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
ticket_type=$(curl -sf -X POST "http://127.0.0.1:$port/api/events" -H "Authorization: Bearer $organizer" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Flash sale\",\"venue\":\"Bench Arena\",\"city\":\"Lisbon\",\"category\":\"concert\",\"performers\":[\"Load\"],\"startsAt\":\"$starts\",\"minimumAge\":0,\"description\":\"bench\",\"ticketTypes\":[{\"name\":\"GA\",\"price\":5000,\"currency\":\"EUR\",\"capacity\":1000000,\"maxPerOrder\":1}]}" \
  | python3 -c 'import sys,json;print(json.load(sys.stdin)["ticketTypes"][0]["id"])')

dotnet artifacts/bin/BoxOffice.Bench/release/BoxOffice.Bench.dll tokens --key "$key" --count 400000 --out "$work/tokens.txt" >/dev/null

if [ -z "${BENCH_DISTRIBUTED:-}" ]; then
  echo 0 >"$work/peak_rss_kb"
  ( peak=0; while kill -0 $host_pid 2>/dev/null; do rss=$(awk '/VmRSS/{print $2}' /proc/$host_pid/status 2>/dev/null || echo 0); [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$work/peak_rss_kb.tmp" && mv "$work/peak_rss_kb.tmp" "$work/peak_rss_kb"; sleep 0.2; done ) &
  sampler=$!
fi
tickets_left() {
  curl -sf "http://127.0.0.1:$port/api/events" | python3 -c "import sys,json;print([t for e in json.load(sys.stdin) for t in e['ticketTypes'] if t['id']=='$ticket_type'][0]['available'])"
}
warmup=${BENCH_WARMUP:-}
[ -z "${BENCH_DISTRIBUTED:-}" ] || warmup=${BENCH_WARMUP:-10s}
if [ -n "$warmup" ] && [ "$warmup" != 0 ]; then
  echo "Warming up for $warmup with other buyers (not measured)…"
  dotnet artifacts/bin/BoxOffice.Bench/release/BoxOffice.Bench.dll tokens --key "$key" --count 200000 --out "$work/warmup-tokens.txt" >/dev/null
  TOKENS="$work/warmup-tokens.txt" TICKET_TYPE="$ticket_type" wrk -t2 -c"$connections" -d"$warmup" -s bench/accept/reserve.lua "http://127.0.0.1:$port" \
    | grep -E 'requests in|Non-2xx' || true
  echo "tickets left after the warm-up: $(tickets_left)"
fi
TOKENS="$work/tokens.txt" TICKET_TYPE="$ticket_type" wrk -t2 -c"$connections" -d"$duration" --latency -s bench/accept/reserve.lua "http://127.0.0.1:$port"

echo "tickets left of 1,000,000: $(tickets_left)"
if [ -n "${BENCH_DISTRIBUTED:-}" ]; then
  # Every process's resident memory, summed (the deployment's pids, kept by distributed-up.sh).
  total=0
  for f in .distributed/pids/*.pid; do
    rss=$(awk '/VmRSS/{print $2}' "/proc/$(cat "$f")/status" 2>/dev/null || echo 0)
    total=$((total + ${rss:-0}))
  done
  echo "RSS of the deployment's processes at the end, summed: $((total / 1024)) MB"
  logs=(.distributed/logs/*.log)
else
  # Written by rename, so never read half-written.
  echo "peak RSS of the host: $(( $(cat "$work/peak_rss_kb") / 1024 )) MB"
  logs=("$work/host.log")
fi
# Anything logged at Warning or above (a refused request's reason, a failed batch).
problems=$(cat "${logs[@]}" 2>/dev/null | grep -cE '^(warn|fail|crit):' || true)
echo "log lines at Warning or above: $problems"
[ "$problems" -eq 0 ] || cat "${logs[@]}" | grep -E -A3 '^(warn|fail|crit):' | grep -v '^ *at \|Generated\|^--' | head -24
