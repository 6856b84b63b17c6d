#!/usr/bin/env bash
# A whole purchase against a running BoxOffice, as a buyer sees it: register a new buyer, log in,
# reserve two tickets, follow the reservation to its final state, then show the ticket codes, the
# e-mail file, the loyalty points and the recommendations.
# Usage: scripts/demo.sh            (BoxOffice started with `dotnet run --project src/BoxOffice.Host`)
#   BOXOFFICE_URL   the API (default http://localhost:5080)
#   BOXOFFICE_DATA  its data folder, for the e-mail file (default src/BoxOffice.Host/data)
#   PAYMENT_TOKEN   tok_visa (default), tok_chargeDeclined, or tok_threeDSecureRequired (prints the challenge link)
# Needs: curl, jq.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${BOXOFFICE_URL:-http://localhost:5080}
data=${BOXOFFICE_DATA:-src/BoxOffice.Host/data}
payment_token=${PAYMENT_TOKEN:-tok_visa}

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "scripts/demo.sh needs $tool (apt-get install -y $tool)." >&2; exit 1; }
done
curl -sf "$url/health/ready" >/dev/null || { echo "Nothing answers at $url/health/ready: start BoxOffice first (dotnet run --project src/BoxOffice.Host)." >&2; exit 1; }

# Fails loudly with the server's problem details when an answer is not the expected status.
call() { # expected-status method path [curl args...]
  local expected=$1 method=$2 path=$3; shift 3
  local body status
  body=$(curl -s -w '\n%{http_code}' -X "$method" "$url$path" "$@")
  status=${body##*$'\n'}; body=${body%$'\n'*}
  if [ "$status" != "$expected" ]; then
    echo "$method $path answered $status (expected $expected):" >&2; echo "$body" | jq . >&2 2>/dev/null || echo "$body" >&2
    exit 1
  fi
  printf '%s' "$body"
}

email="demo-$(date +%s)-$RANDOM@example.test"
password="Demo-pass-$RANDOM$RANDOM"
call 201 POST /api/accounts/register -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\",\"displayName\":\"Demo Buyer\",\"birthDate\":\"1990-05-17\"}" >/dev/null
token=$(call 200 POST /api/accounts/login -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" | jq -r .accessToken)
auth=(-H "Authorization: Bearer $token")
echo "Registered and logged in as $email"

event=$(call 200 GET /api/events | jq -c '[.[] | select(.ticketTypes[0].available >= 2)][0] // empty')
[ -n "$event" ] || { echo "No event has two tickets left; create one as the organizer." >&2; exit 1; }
echo "Reserving 2 tickets for $(jq -r '.name + " (" + .city + ")"' <<<"$event")"
type=$(jq -r '.ticketTypes[0].id' <<<"$event")
accepted=$(call 202 POST /api/reservations "${auth[@]}" -H 'Content-Type: application/json' -H "Idempotency-Key: demo-$(date +%s%N)" \
  -d "{\"ticketTypeId\":\"$type\",\"quantity\":2,\"paymentToken\":\"$payment_token\"}")
id=$(jq -r .id <<<"$accepted")
echo "202 Accepted: reservation $id is $(jq -r .status <<<"$accepted"); payment follows as events"

for _ in $(seq 1 300); do
  reservation=$(call 200 GET "/api/reservations/$id" "${auth[@]}")
  status=$(jq -r .status <<<"$reservation")
  if [ "$status" != Pending ]; then break; fi
  if [ "$(jq -r .paymentStatus <<<"$reservation")" = RequiresAction ]; then
    echo "The payment asks for the buyer's one-time code: open $(jq -r .challengeUrl <<<"$reservation") and enter 123456 (waiting…)"
    sleep 2
  fi
  sleep 0.2
done
echo "Reservation $id is $status"
[ "$status" = Acquired ] || { jq . <<<"$reservation"; exit 1; }
echo "Ticket codes: $(jq -r '[.tickets[].code] | join(", ")' <<<"$reservation")"

mail=""
for _ in $(seq 1 50); do
  mail=$(grep -l "$email" "$data"/mail/*.eml 2>/dev/null | tail -n 1 || true)
  [ -n "$mail" ] && break
  sleep 0.2
done
echo "E-mail: ${mail:-not found under $data/mail (SMTP configured, or another data folder: set BOXOFFICE_DATA)}"
echo "Loyalty points: $(call 200 GET /api/me/loyalty "${auth[@]}" | jq -r .points)"
echo "Recommended next: $(call 200 GET '/api/me/recommendations?limit=3' "${auth[@]}" | jq -r '[.[].name] | join("; ")')"
