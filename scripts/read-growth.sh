#!/usr/bin/env bash
# Do the pages everyone reloads slow down as a campaign's waiting list grows? wrk reads the
# public slot counter, the application form, an applicant's status page and the staff list of
# waiting applications on a fresh campaign, then again with 20,000 and 100,000 waiting, against
# the release binary in its default configuration (the public rate limit off, or wrk would
# measure 429s). Prints requests/s per level and its ratio to the fresh campaign, measured in
# the same run.
#
#   cargo build --release
#   scripts/read-growth.sh sqlite          # or: postgres (uses $PG, default the local server)
#   LEVELS="20000 100000" SECONDS_EACH=10 scripts/read-growth.sh postgres
#
# Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="$(readlink -f "${HONORARIA_BIN:-${CARGO_TARGET_DIR:-target}/release/honoraria}")"
levels="${LEVELS:-20000 100000}"; each="${SECONDS_EACH:-10}"; conns="${CONNECTIONS:-50}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
if [ "$backend" = postgres ]; then
  name="reads_$$"; psql "$PG/postgres" -qc "create database $name"; url="$PG/$name"
else
  url="sqlite://$work/reads.db"
fi
(cd "$work"; HONORARIA_PUBLIC_RATE_LIMIT=0 RUST_LOG=warn exec "$bin" serve --bind "127.0.0.1:$port" --database-url "$url" >"$work/serve.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${name:-}" ] && psql "$PG/postgres" -qc "drop database $name with (force)"; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
token="$(cd "$work" && "$bin" token create --role admin --name reads --database-url "$url")"
read -r campaign secret < <(python3 - "$port" "$token" <<'PY'
import json, sys, time, urllib.request
port, token = sys.argv[1], sys.argv[2]
def call(path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", json.dumps(body).encode(),
                                 {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    return json.load(urllib.request.urlopen(req))
t = time.gmtime(time.time() - 86400); d = time.gmtime(time.time() + 30 * 86400); e = time.gmtime(time.time() + 150 * 86400)
campaign = call("/api/v1/campaigns", {"code": "reads", "name": "読み取り計測", "region_code": "132039",
    "region_name": "武蔵野市", "opens_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", t),
    "deadline": time.strftime("%Y-%m-%d", d), "ends_on": time.strftime("%Y-%m-%d", e),
    "total_slots": 50, "model_slots": 10, "reserved_seminar_slots": 0, "max_referrals": 1,
    "honoraria": {"general": 26000, "model": 31000, "referred": 26000}})["id"]
office = {"office_number": "1370000018", "name": "計測用居宅介護支援事業所", "kind": "care_management",
          "corporate_number": "7123456789012", "corporation_name": "社会福祉法人テスト",
          "municipality_code": "132039", "address": "東京都武蔵野市緑町2-2-28",
          "email": "o@example.jp", "using_system_since": None}
made = call(f"/api/v1/campaigns/{campaign}/applications",
            {"tier": "general_single", "contact": {"name": "計測 太郎", "email": "c@example.jp"}, "offices": [office]})
print(campaign, made["status_url"].rsplit("/", 1)[1])
PY
)
target="http://127.0.0.1:$port/api/v1/campaigns/$campaign/applications"
# Fills the waiting list with COUNT applications through the same intake as applicants use.
fill() {
  local count="$1" prefix="$work/fill-$2" first="$3"
  wrk -t2 -c300 -d3600s -s benches/load/wrk-rush.lua "$target" -- $((count / 2)) "$prefix" "$first" >"$prefix.out" &
  local pid=$!
  until [ -e "$prefix-1.done" ] && [ -e "$prefix-2.done" ]; do sleep 0.1; done
  kill -INT "$pid"
  wait "$pid" || true
}
declare -A reads=(
  [slots]="/api/v1/campaigns/$campaign/slots"
  [form]="/apply/reads"
  [status]="/status/$secret"
  [staff_list]="/api/v1/campaigns/$campaign/applications?status=waitlisted&per_page=50"
)
declare -A fresh
printf '%-8s %-9s %-11s %10s %8s\n' backend waiting read "requests/s" "vs fresh"
measure() {
  local waiting
  waiting="$(curl -fs "http://127.0.0.1:$port/api/v1/campaigns/$campaign/slots" | python3 -c 'import sys, json; print(json.load(sys.stdin)["waitlisted"])')"
  for read in slots form status staff_list; do
    local rate
    rate="$(wrk -t2 -c"$conns" -d"${each}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$port${reads[$read]}" | awk '/Requests\/sec/ {print $2}')"
    [ -z "${fresh[$read]:-}" ] && fresh[$read]="$rate"
    printf '%-8s %-9s %-11s %10.0f %8.2f\n' "$backend" "$waiting" "$read" "$rate" "$(python3 -c "print($rate / ${fresh[$read]})")"
  done
}
measure
done_so_far=1
for level in $levels; do
  fill $((level - done_so_far + 50)) "$level" "$((level * 10))"
  done_so_far=$((level + 50))
  measure
done
