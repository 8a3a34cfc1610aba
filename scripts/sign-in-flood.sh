#!/usr/bin/env bash
# Does a flood of wrong sign-ins starve intake? For each hashing cap in CAPS, a fresh server
# (release binary, SQLite or PostgreSQL, email worker on, public rate limit off) takes new
# applications from wrk (1 thread, INTAKE connections) for SECS seconds alone, then again for
# SECS seconds while a second wrk sends wrong sign-ins (1 thread, FLOOD connections), each for
# its own email from its own address (X-Forwarded-For, believed because the server is told
# 127.0.0.1 is its proxy), so no lockout stops them; meanwhile a person signs in with the
# right password ten times, one every half second, from an address of their own.
#
#   cargo build --release
#   scripts/sign-in-flood.sh sqlite                 # or: postgres (uses $PG)
#   CAPS="1024 2 default" SECS=10 INTAKE=50 FLOOD=200 scripts/sign-in-flood.sh sqlite
#
# CAPS: values of HONORARIA_STAFF_SIGN_IN_CONCURRENCY; 1024 is as good as no cap, `default`
# leaves it unset (half the CPUs). Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="$(readlink -f "${HONORARIA_BIN:-${CARGO_TARGET_DIR:-target}/release/honoraria}")"
caps="${CAPS:-1024 default}"; secs="${SECS:-10}"; intake="${INTAKE:-50}"; flood="${FLOOD:-200}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
form="abcdefghijklmnopqrstuvwxyz012345"
password="correct-horse-battery-staple-42"
server=""; work=""; name=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$name" ]; then psql "$PG/postgres" -qc "drop database $name with (force)"; fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
  server=""; work=""; name=""
}
trap cleanup EXIT
echo "backend=$backend cpus=$(nproc) secs=$secs intake_connections=$intake flood_connections=$flood"

run_one() {
  local cap="$1" port url
  work="$(mktemp -d)"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if [ "$backend" = postgres ]; then
    name="flood_$$_$RANDOM"; psql "$PG/postgres" -qc "create database $name"; url="$PG/$name"
  else
    url="sqlite://$work/flood.db"
  fi
  local env=(HONORARIA_PUBLIC_RATE_LIMIT=0 HONORARIA_TRUSTED_PROXIES=127.0.0.1 RUST_LOG=warn)
  [ "$cap" != default ] && env+=(HONORARIA_STAFF_SIGN_IN_CONCURRENCY="$cap")
  (cd "$work"; exec env "${env[@]}" "$bin" serve --bind "127.0.0.1:$port" --database-url "$url" >"$work/serve.log" 2>&1) &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  local token campaign
  token="$(cd "$work" && "$bin" token create --role admin --name flood --database-url "$url" 2>/dev/null)"
  echo "$password" | (cd "$work" && "$bin" staff add --email staff@example.jp --name 事務局 \
    --role secretariat --password-stdin --database-url "$url")
  campaign="$(python3 - "$port" "$token" <<'PY'
import json, sys, time, urllib.request
port, token = sys.argv[1], sys.argv[2]
t = time.gmtime(time.time() - 86400); d = time.gmtime(time.time() + 30 * 86400); e = time.gmtime(time.time() + 150 * 86400)
body = {"code": "flood", "name": "flood", "region_code": "132039", "region_name": "武蔵野市",
        "opens_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", t), "deadline": time.strftime("%Y-%m-%d", d),
        "ends_on": time.strftime("%Y-%m-%d", e), "total_slots": 50, "model_slots": 10,
        "reserved_seminar_slots": 0, "max_referrals": 1,
        "honoraria": {"general": 26000, "model": 31000, "referred": 26000}}
req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/campaigns", json.dumps(body).encode(),
                             {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
print(json.load(urllib.request.urlopen(req))["id"])
PY
)"
  local apply="http://127.0.0.1:$port/api/v1/campaigns/$campaign/applications"
  echo "cap=${cap}"
  echo -n "  intake alone:      "
  wrk -t1 -c"$intake" -d"${secs}s" -s benches/load/wrk-apply.lua "$apply" -- 0 | tail -1
  wrk -t1 -c"$intake" -d"${secs}s" -s benches/load/wrk-apply.lua "$apply" -- 5000000 >"$work/intake.out" &
  local intake_pid=$!
  wrk -t1 -c"$flood" -d"${secs}s" -s benches/load/wrk-sign-in-flood.lua "http://127.0.0.1:$port/staff/sign-in" >"$work/flood.out" &
  local flood_pid=$!
  sleep 1
  local codes=""
  for _ in $(seq 1 10); do
    codes+="$(curl -s -o /dev/null -w '%{http_code} %{time_total}s, ' -H "Cookie: honoraria_form=$form" \
      -H "X-Forwarded-For: 192.0.2.10" \
      --data "csrf_token=$form&email=staff%40example.jp&password=$password&totp=&next=" \
      "http://127.0.0.1:$port/staff/sign-in")"
    sleep 0.5
  done
  wait "$intake_pid" "$flood_pid"
  echo -n "  intake with flood: "; tail -1 "$work/intake.out"
  echo -n "  the flood:         "; tail -1 "$work/flood.out"
  echo "  the right password meanwhile: ${codes%, }"
  cleanup
}

for cap in $caps; do run_one "$cap"; done
