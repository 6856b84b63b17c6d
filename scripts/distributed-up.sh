#!/usr/bin/env bash
# Brings BoxOffice up distributed on this machine: PostgreSQL and RabbitMQ on loopback (installed
# with apt-get when missing), a database role, a RabbitMQ vhost and user, and the shared keys, all
# generated once into .distributed/ (git-ignored, readable by you only); then one build, the
# payment gateway simulator, every service as its own process (two Tickets, two Payments) and the
# API gateway on http://localhost:5080. Waits until each answers /health/ready and prints the URL.
# Safe to run again: what runs already is left alone, what exists is reused.
# Stop it with scripts/distributed-down.sh (README, "Distributed").
#   BOXOFFICE_PREFIX   names the databases (<prefix>_<service>) and the broker's exchanges and queues (default boxoffice)
#   BOXOFFICE_VHOST    the RabbitMQ vhost (default: the prefix)
#   BOXOFFICE_SEED_ORGANIZER_PASSWORD / BOXOFFICE_SEED_BUYER_PASSWORD
#                      the demo logins' passwords, the first time (default: generated, in .distributed/secrets.env)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
state=$root/.distributed
prefix=${BOXOFFICE_PREFIX:-boxoffice}
vhost=${BOXOFFICE_VHOST:-$prefix}
gateway_url=http://localhost:5080
simulator_port=5081
# name:port: the services in start order; two instances of Tickets and of Payments compete for
# their queues and take turns behind the gateway.
instances=(accounts:5101 tickets:5102 tickets-2:5112 payments:5103 payments-2:5113 notifications:5104 recommendations:5105 loyalty:5106)
# The web app (--service web), in front of which the gateway puts every path outside /api.
web_port=5107

say() { printf '%s\n' "$*"; }
fail() { printf 'distributed-up: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# From /, which the postgres user can always enter (the clone may sit in a private folder).
as_postgres() { (cd / && if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi); }
alive() { [ -f "$state/pids/$1.pid" ] && kill -0 "$(cat "$state/pids/$1.pid")" 2>/dev/null; }

command -v dotnet >/dev/null || fail "needs the .NET 10 SDK on PATH (README, Prerequisites)."
umask 077
mkdir -p "$state/pids" "$state/logs" "$state/data"
chmod 700 "$state"

# --- Servers -------------------------------------------------------------------------------------
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
{ command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]} (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || fail "could not install ${missing[*]}."
fi

pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$pg_version main"; then
  as_root pg_createcluster "$pg_version" main >/dev/null || fail "could not create the PostgreSQL $pg_version cluster."
fi
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" { print $4 }' | grep -q online; then
  say "Starting PostgreSQL $pg_version (loopback: Debian's cluster listens on localhost only)"
  as_root pg_ctlcluster "$pg_version" main start || fail "could not start PostgreSQL $pg_version."
  grep -qx "postgresql $pg_version" "$state/servers-started" 2>/dev/null || echo "postgresql $pg_version" >> "$state/servers-started"
fi
for _ in $(seq 1 30); do as_postgres "psql -qAtc 'SELECT 1'" >/dev/null 2>&1 && break; sleep 1; done
as_postgres "psql -qAtc 'SELECT 1'" >/dev/null 2>&1 || fail "PostgreSQL $pg_version does not answer."
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" { print $3 }')

if ! as_root rabbitmqctl -q status >/dev/null 2>&1; then
  say "Starting RabbitMQ on 127.0.0.1:5672 (about 15 s)"
  # It drops to the rabbitmq user by itself; loopback only, its Erlang distribution included.
  as_root env RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    setsid rabbitmq-server > "$state/logs/rabbitmq-server.log" 2>&1 < /dev/null &
  grep -qx rabbitmq "$state/servers-started" 2>/dev/null || echo rabbitmq >> "$state/servers-started"
fi
# await_startup fails at once while the node is not yet known to epmd: first wait until it answers.
for _ in $(seq 1 120); do as_root rabbitmqctl -q ping >/dev/null 2>&1 && break; sleep 1; done
as_root timeout 120 rabbitmqctl -q await_startup >/dev/null || fail "RabbitMQ did not start; see $state/logs/rabbitmq-server.log."

# --- Secrets: generated once, kept in .distributed/ (0600), never printed ------------------------
secrets=$state/secrets.env
random() { openssl rand -hex 24; }
if [ ! -f "$secrets" ]; then
  say "Generating passwords and keys into $secrets"
  cat > "$secrets" <<EOF
# BoxOffice distributed: generated by scripts/distributed-up.sh. Private: do not commit, do not share.
POSTGRES_USER=${prefix}_services
POSTGRES_PASSWORD=$(random)
RABBITMQ_USER=${prefix}_services
RABBITMQ_PASSWORD=$(random)
AUTH_SIGNING_KEY=$(openssl rand -base64 32)
PAYMENTS_WEBHOOK_SECRET=whsec_$(openssl rand -hex 32)
SEED_ORGANIZER_PASSWORD=${BOXOFFICE_SEED_ORGANIZER_PASSWORD:-Organizer-$(openssl rand -hex 6)}
SEED_BUYER_PASSWORD=${BOXOFFICE_SEED_BUYER_PASSWORD:-Buyer-$(openssl rand -hex 6)}
EOF
fi
if [ ! -f "$state/payments-token.key" ]; then
  # Payments opens buyers' sealed payment tokens with the private key; Tickets seals with the public one.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$state/payments-token.key" 2>/dev/null
  openssl pkey -in "$state/payments-token.key" -pubout -out "$state/payments-token.pub"
fi
chmod 600 "$secrets" "$state/payments-token.key" "$state/payments-token.pub"
# shellcheck disable=SC1090
. "$secrets"

# The PostgreSQL role (each service creates its own database, <prefix>_<service>, at its first start).
printf "SELECT 'CREATE ROLE %s LOGIN CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s')\\gexec\nALTER ROLE %s PASSWORD '%s';\n" \
  "$POSTGRES_USER" "$POSTGRES_USER" "$POSTGRES_USER" "$POSTGRES_PASSWORD" \
  | as_postgres "psql -qAt -v ON_ERROR_STOP=1" >/dev/null || fail "could not create the PostgreSQL role $POSTGRES_USER."
# The RabbitMQ vhost and user (never guest), with rights on that vhost only.
as_root rabbitmqctl -q list_vhosts | grep -qx "$vhost" || as_root rabbitmqctl -q add_vhost "$vhost" >/dev/null
if as_root rabbitmqctl -q list_users | awk '{ print $1 }' | grep -qx "$RABBITMQ_USER"; then
  printf '%s' "$RABBITMQ_PASSWORD" | as_root rabbitmqctl -q change_password "$RABBITMQ_USER" >/dev/null 2>&1 \
    || as_root rabbitmqctl -q change_password "$RABBITMQ_USER" "$RABBITMQ_PASSWORD" >/dev/null
else
  printf '%s' "$RABBITMQ_PASSWORD" | as_root rabbitmqctl -q add_user "$RABBITMQ_USER" >/dev/null 2>&1 \
    || as_root rabbitmqctl -q add_user "$RABBITMQ_USER" "$RABBITMQ_PASSWORD" >/dev/null
fi
as_root rabbitmqctl -q set_permissions -p "$vhost" "$RABBITMQ_USER" ".*" ".*" ".*" >/dev/null

# --- Build once (never under running processes: their files would change beneath them) ----------
running=0
for f in "$state"/pids/*.pid; do
  if [ -e "$f" ] && alive "$(basename "$f" .pid)"; then running=$((running + 1)); fi
done
host_dir=$root/artifacts/bin/BoxOffice.Host/release
gateway_dir=$root/artifacts/bin/BoxOffice.Gateway/release
simulator_dir=$root/artifacts/bin/BoxOffice.PaymentGateway/release
if [ "$running" -eq 0 ]; then
  say "Building (Release; the first build takes a few minutes)"
  dotnet build -c Release --nologo -v q src/BoxOffice.Host > "$state/logs/build.log" 2>&1 || fail "the build failed; see $state/logs/build.log."
  dotnet build -c Release --nologo -v q src/BoxOffice.Gateway >> "$state/logs/build.log" 2>&1 || fail "the build failed; see $state/logs/build.log."
else
  say "$running processes still run: not building again (scripts/distributed-down.sh first to run a new build)"
fi

# --- Processes -----------------------------------------------------------------------------------
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# start NAME PORT DIRECTORY DLL ARGS... (environment: what the caller exported for it)
start() {
  local name=$1 port=$2 dir=$3 dll=$4; shift 4
  if alive "$name"; then say "  $name already runs (pid $(cat "$state/pids/$name.pid"))"; return; fi
  port_taken "$port" && fail "port $port for $name is in use by something else; stop it and run this again."
  mkdir -p "$state/data/$name"
  # setsid: its own session, so a Ctrl+C in this terminal does not reach it.
  setsid dotnet "$dir/$dll" --contentRoot "$dir" --urls "http://127.0.0.1:$port" "$@" > "$state/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$state/pids/$name.pid"
  say "  $name on 127.0.0.1:$port (pid $!, log .distributed/logs/$name.log)"
}

say "Starting the payment gateway simulator, the services and the gateway"
(
  export ASPNETCORE_ENVIRONMENT=Production
  export PaymentGateway__WebhookSecret=$PAYMENTS_WEBHOOK_SECRET
  export PaymentGateway__WebhookUrl=$gateway_url/api/payments/webhook
  export PaymentGateway__DataDirectory=$state/data/payment-gateway
  start payment-gateway "$simulator_port" "$simulator_dir" BoxOffice.PaymentGateway.dll
)
for instance in "${instances[@]}"; do
  name=${instance%%:*}; port=${instance##*:}; service=${name%-[0-9]*}
  (
    export ASPNETCORE_ENVIRONMENT=Production
    export BoxOffice__DataDirectory=$state/data/$name
    export BoxOffice__Storage=Postgres
    export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=$POSTGRES_USER;Password=$POSTGRES_PASSWORD"
    export BoxOffice__DatabasePrefix=$prefix
    # Nine processes share the server's 100 connections.
    export Messaging__PostgresPoolSize=8
    export Messaging__Transport=RabbitMq
    export ConnectionStrings__RabbitMq="amqp://$RABBITMQ_USER:$RABBITMQ_PASSWORD@127.0.0.1:5672/$vhost"
    export Auth__SigningKey=$AUTH_SIGNING_KEY
    export Seed__OrganizerPassword=$SEED_ORGANIZER_PASSWORD
    export Seed__BuyerPassword=$SEED_BUYER_PASSWORD
    case $service in
      tickets) export Tickets__PaymentTokenPublicKey="$(cat "$state/payments-token.pub")" ;;
      payments)
        export Payments__TokenPrivateKey="$(cat "$state/payments-token.key")"
        export Payments__WebhookSecret=$PAYMENTS_WEBHOOK_SECRET
        export Payments__GatewayUrl=http://127.0.0.1:$simulator_port ;;
    esac
    start "$name" "$port" "$host_dir" BoxOffice.Host.dll --service "$service"
  )
done
(
  # The web app: pages only, calling the API through the gateway, which sends it every other path.
  export ASPNETCORE_ENVIRONMENT=Production
  export BoxOffice__DataDirectory=$state/data/web
  export Web__ApiUrl=http://127.0.0.1:5080
  start web "$web_port" "$host_dir" BoxOffice.Host.dll --service web
)
(
  export ASPNETCORE_ENVIRONMENT=Production
  export Gateway__Services__web=http://127.0.0.1:$web_port
  for instance in "${instances[@]}"; do
    name=${instance%%:*}; port=${instance##*:}; service=${name%-[0-9]*}
    var=Gateway__Services__$service
    export "$var=${!var:+${!var};}http://127.0.0.1:$port"
  done
  start gateway 5080 "$gateway_dir" BoxOffice.Gateway.dll
)

# --- Ready? --------------------------------------------------------------------------------------
wait_ready() { # name url
  local name=$1 url=$2
  for _ in $(seq 1 180); do
    curl -sf -o /dev/null "$url" && return 0
    if ! alive "$name"; then
      printf '\n%s stopped; the end of .distributed/logs/%s.log:\n' "$name" "$name" >&2
      tail -n 15 "$state/logs/$name.log" >&2
      fail "$name did not start (scripts/distributed-down.sh stops the others)."
    fi
    sleep 1
  done
  fail "$name did not answer $url within 3 minutes; see .distributed/logs/$name.log."
}
say "Waiting until every process is ready"
# The simulator has no health endpoint: its ledger answering is enough.
wait_ready payment-gateway "http://127.0.0.1:$simulator_port/v1/ledger?reservationId=00000000-0000-0000-0000-000000000000"
for instance in "${instances[@]}"; do
  wait_ready "${instance%%:*}" "http://127.0.0.1:${instance##*:}/health/ready"
done
wait_ready web "http://127.0.0.1:$web_port/health/ready"
wait_ready gateway "$gateway_url/health/ready"

say ""
say "BoxOffice is running distributed on $gateway_url (open it in a browser; the API is under /api)"
say "  demo logins: organizer@boxoffice.local and alice@boxoffice.local (passwords: SEED_ORGANIZER_PASSWORD and"
say "  SEED_BUYER_PASSWORD in .distributed/secrets.env); e-mails in .distributed/data/notifications/mail/"
say "  logs in .distributed/logs/; stop with scripts/distributed-down.sh"
