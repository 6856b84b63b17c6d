#!/usr/bin/env bash
# Stops what scripts/distributed-up.sh started: the gateway, the services and the payment gateway
# simulator (by the pids it kept in .distributed/pids/), each with SIGTERM so it finishes the work
# in hand, SIGKILL after 30 s. PostgreSQL and RabbitMQ keep running (other things may use them);
# --servers stops them too, if distributed-up.sh was the one that started them. The data, the
# generated passwords and keys stay in .distributed/ for the next start (rm -rf .distributed, and
# drop the <prefix>_* databases, to start afresh). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$PWD/.distributed
servers=false
case ${1:-} in
  --servers) servers=true ;;
  "") ;;
  *) echo "usage: scripts/distributed-down.sh [--servers]" >&2; exit 2 ;;
esac
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The gateway first (no new requests), the simulator last (payments may still call it).
stopped=0
for name in gateway accounts tickets tickets-2 payments payments-2 notifications recommendations loyalty web $(
  cd "$state/pids" 2>/dev/null && ls -- *.pid 2>/dev/null | sed 's/\.pid$//' | grep -vxE 'gateway|payment-gateway'
) payment-gateway; do
  file=$state/pids/$name.pid
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  # Only a process of ours: a pid reused since by something else is left alone.
  if kill -0 "$pid" 2>/dev/null && grep -qa BoxOffice "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name (pid $pid) did not stop in 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $name (pid $pid)"
    stopped=$((stopped + 1))
  fi
  rm -f "$file"
done
[ "$stopped" -gt 0 ] || echo "No BoxOffice process of distributed-up.sh was running."

if $servers; then
  if [ -f "$state/servers-started" ]; then
    while read -r server version; do
      case $server in
        rabbitmq) echo "stopping RabbitMQ"; as_root rabbitmqctl -q stop >/dev/null 2>&1 || true ;;
        postgresql) echo "stopping PostgreSQL $version"; as_root pg_ctlcluster "$version" main stop || true ;;
      esac
    done < "$state/servers-started"
    rm -f "$state/servers-started"
  else
    echo "distributed-up.sh started no server (they were running already): left running."
  fi
fi
