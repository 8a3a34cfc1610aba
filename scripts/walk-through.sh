#!/usr/bin/env bash
# The README's walk through the API, as a script that runs: a server on a fresh SQLite file, a
# campaign open from yesterday (dates relative to today), an application, the slot counter, a
# deadline change, the audit trail, the applicant's pages, then the year end's first steps
# (checkpoints one by one and as a sheet, a usage list, a check) and a second person for the
# four eyes. CI runs it, so the commands the README shows cannot drift from what works.
#
#   cargo build && scripts/walk-through.sh        # or HONORARIA_BIN=target/release/honoraria
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(readlink -f "${HONORARIA_BIN:-${CARGO_TARGET_DIR:-target}/debug/honoraria}")"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export HONORARIA_DATABASE_URL="sqlite://$work/walk.db" HONORARIA_OUTBOX_DIR="$work/outbox"
export HONORARIA_BIND="127.0.0.1:$port" HONORARIA_PUBLIC_BASE_URL="http://127.0.0.1:$port"
export HONORARIA_SECRET_KEY_FILE="$work/secret.key" RUST_LOG=warn
"$bin" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
API="http://127.0.0.1:$port/api/v1"
# Reads one field of the JSON on stdin: `field id`, `field total.remaining`.
field() { python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"; }
step() { printf '\n== %s\n' "$*"; }

step "an admin token (the README: cargo run --release -q -- token create --role admin --name yamada)"
TOKEN=$("$bin" token create --role admin --name yamada 2>/dev/null)
H="Authorization: Bearer $TOKEN"

step "a campaign open since yesterday for 50 offices, 10 of them model offices"
YESTERDAY=$(date -d yesterday +%F); DEADLINE=$(date -d '+30 days' +%F); ENDS=$(date -d '+120 days' +%F)
CAMPAIGN=$(curl -fsS -H "$H" -H 'Content-Type: application/json' "$API/campaigns" -d '{
  "code": "walk-through", "name": "データ連携促進モデルキャンペーン",
  "region_code": "132039", "region_name": "武蔵野市",
  "opens_at": "'"$YESTERDAY"'T09:00:00+09:00", "deadline": "'"$DEADLINE"'", "ends_on": "'"$ENDS"'",
  "total_slots": 50, "model_slots": 10, "reserved_seminar_slots": 0, "max_referrals": 1,
  "honoraria": {"general": 26000, "model": 31000, "referred": 26000}}' | field id)
echo "CAMPAIGN=$CAMPAIGN"

step "an office applies (no token: the public intake); the Idempotency-Key makes a double click harmless"
KEY=$(python3 -c 'import uuid; print(uuid.uuid4())')
APPLY='{
  "tier": "general_single", "contact": {"name": "山田 花子", "email": "kaigo@example.jp"},
  "offices": [{"office_number": "1370000018", "name": "むさしの居宅介護支援センター",
    "kind": "care_management", "corporate_number": "7123456789012",
    "corporation_name": "社会福祉法人むさしの", "municipality_code": "132039",
    "address": "東京都武蔵野市緑町2-2-28", "email": "office@example.jp", "using_system_since": null}]}'
first=$(curl -fsS -H 'Content-Type: application/json' -H "Idempotency-Key: $KEY" \
  "$API/campaigns/$CAMPAIGN/applications" -d "$APPLY")
again=$(curl -fsS -H 'Content-Type: application/json' -H "Idempotency-Key: $KEY" \
  "$API/campaigns/$CAMPAIGN/applications" -d "$APPLY")
[ "$(field id <<<"$first")" = "$(field id <<<"$again")" ] || { echo "a double click made two applications"; exit 1; }
echo "status: $(field status <<<"$first"), sequence $(field sequence <<<"$first")"

step "the public slot counter"
slots=$(curl -fsS "$API/campaigns/$CAMPAIGN/slots")
echo "$slots"
[ "$(field total.remaining <<<"$slots")" = 49 ]

step "the applicant's pages"
echo "form:   http://127.0.0.1:$port/apply/walk-through"
status_url=$(field status_url <<<"$first")
echo "status: http://127.0.0.1:$port${status_url/\/api\/v1\/status\//\/status\/}"
curl -fsS -H 'Accept: text/html' "http://127.0.0.1:$port/apply/walk-through" | grep -q '残り枠'

step "extend the deadline (kept in deadline_history) and read the audit trail"
LATER=$(date -d '+33 days' +%F)
curl -fsS -X PATCH -H "$H" -H 'Content-Type: application/json' "$API/campaigns/$CAMPAIGN" \
  -d '{"deadline": "'"$LATER"'", "reason": "応募期間の延長"}' | field deadline
curl -fsS -H "$H" "$API/audit-events?campaign_id=$CAMPAIGN" | field total

step "the year end: one office's checkpoints"
STARTED=$(date +%F)
curl -fsS -X PATCH -H "$H" -H 'Content-Type: application/json' \
  "$API/campaigns/$CAMPAIGN/participants/1370000018/checkpoints" -d '{
  "usage_started_on": "'"$STARTED"'", "start_survey_answered": true}' | field checkpoints.start_survey_answered

step "many at once: a sheet with an office number column; a bad row comes back with its line"
printf 'office_number,end_survey_answered\n1370000018,済\n1370000026,済\n' >"$work/checkpoints.csv"
curl -fsS -H "$H" -H 'Content-Type: text/csv' --data-binary @"$work/checkpoints.csv" \
  "$API/campaigns/$CAMPAIGN/checkpoints" | field invalid_rows

step "the usage list as exported, and a check as of today"
printf '事業所番号\n1370000018\n' >"$work/usage.csv"
TODAY=$(date +%F)
curl -fsS -H "$H" -H 'Content-Type: text/csv' --data-binary @"$work/usage.csv" \
  "$API/campaigns/$CAMPAIGN/usage-lists?as_of=$TODAY" | field rows
check=$(curl -fsS -H "$H" -H 'Content-Type: application/json' -d '{"as_of": "'"$TODAY"'"}' \
  "$API/campaigns/$CAMPAIGN/year-end-checks")
echo "check $(field id <<<"$check"): dry_run $(field dry_run <<<"$check") (the campaign ends on $ENDS: no batch is drafted from it)"
refused=$(curl -sS -o /dev/null -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' \
  -d '{"year_end_check_id": "'"$(field id <<<"$check")"'"}' "$API/campaigns/$CAMPAIGN/payout-batches")
[ "$refused" = 409 ] || { echo "a dry run's batch was not refused: $refused"; exit 1; }

step "a second person for the four eyes: a batch is approved by someone other than its author"
printf 'correct horse battery staple\n' | "$bin" staff add --email suzuki@example.jp \
  --name '鈴木 一郎' --role secretariat --password-stdin 2>/dev/null
SECOND_TOKEN=$("$bin" token create --for suzuki@example.jp --role secretariat --name suzuki 2>/dev/null)
curl -fsS -H "Authorization: Bearer $SECOND_TOKEN" "$API/me" | field person.email

printf '\nThe walk-through ran.\n'
