#!/usr/bin/env bash
# The opening rush with an outside load tool: wrk (300 connections, 2 threads) sends 10,000
# new applications to a 50-slot campaign that already has WAITING applications in line, against
# the release binary in its default configuration (email worker on, emails written as .eml
# files). Prints wrk's figures, the server-side count, fairness (see below) and, on the same
# database in the same run, the database's own rate for the same transaction.
#
#   cargo build --release
#   scripts/rush-wrk.sh sqlite            # or: postgres (uses $PG, default the local server)
#   WAITING=5000 TOTAL=10000 CONNECTIONS=300 scripts/rush-wrk.sh postgres
#
# Fairness: wrk writes each thread's requests in the order its `request()` numbers them, over
# 150 concurrent connections. For every thread the script compares that sending order with the
# arrival numbers the server gave (`sequence`): the share of pairs of requests answered in the
# opposite order, and how far any request's place moved. Needs wrk (apt-get install wrk) and,
# for postgres, pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="$(readlink -f "${HONORARIA_BIN:-${CARGO_TARGET_DIR:-target}/release/honoraria}")"
total="${TOTAL:-10000}"; waiting="${WAITING:-5000}"; conns="${CONNECTIONS:-300}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
if [ "$backend" = postgres ]; then
  name="rush_$$"; psql "$PG/postgres" -qc "create database $name"; url="$PG/$name"
else
  url="sqlite://$work/rush.db"
fi
(cd "$work"; HONORARIA_PUBLIC_RATE_LIMIT=0 RUST_LOG=warn exec "$bin" serve --bind "127.0.0.1:$port" --database-url "$url" >"$work/serve.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${name:-}" ] && psql "$PG/postgres" -qc "drop database $name with (force)"; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
token="$(cd "$work" && "$bin" token create --role admin --name rush --database-url "$url")"
campaign="$(python3 - "$port" "$token" <<'PY'
import json, sys, time, urllib.request
port, token = sys.argv[1], sys.argv[2]
t = time.gmtime(time.time() - 86400); d = time.gmtime(time.time() + 30 * 86400); e = time.gmtime(time.time() + 150 * 86400)
body = {"code": "rush", "name": "rush", "region_code": "132039", "region_name": "武蔵野市",
        "opens_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", t), "deadline": time.strftime("%Y-%m-%d", d),
        "ends_on": time.strftime("%Y-%m-%d", e), "total_slots": 50, "model_slots": 10,
        "reserved_seminar_slots": 0, "max_referrals": 1,
        "honoraria": {"general": 26000, "model": 31000, "referred": 26000}}
req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/campaigns", json.dumps(body).encode(),
                             {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
print(json.load(urllib.request.urlopen(req))["id"])
PY
)"
target="http://127.0.0.1:$port/api/v1/campaigns/$campaign/applications"
# wrk runs COUNT applications, split over its two threads, then is stopped (SIGINT) so that
# its figures cover only the time they took.
rush() {
  local count="$1" prefix="$2" first="$3"
  wrk -t2 -c"$conns" -d3600s -s benches/load/wrk-rush.lua "$target" -- $((count / 2)) "$prefix" "$first" >"$prefix.out" &
  local pid=$!
  until [ -e "$prefix-1.done" ] && [ -e "$prefix-2.done" ]; do sleep 0.05; done
  kill -INT "$pid"
  wait "$pid" || true
  tail -1 "$prefix.out"
}
if [ "$waiting" -gt 0 ]; then
  rush "$waiting" "$work/before" 9000000 >/dev/null
fi
before="$(curl -fs "http://127.0.0.1:$port/api/v1/campaigns/$campaign/slots")"
echo "backend=$backend connections=$conns before: $before"
echo "wrk, $total applications:"
rush "$total" "$work/rush" 0
stored="$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/campaigns/$campaign/applications?per_page=1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["total"])')"
echo "stored in the campaign: $stored (the waiting ones before, the answered ones, and those in flight when wrk stopped)"
python3 - "$conns" "$work"/rush-[12].txt <<'PY'
import bisect, sys
conns, files = int(sys.argv[1]), sys.argv[2:]
statuses, worst, inverted, pairs, moved = {}, 0, 0, 0, []
for path in files:
    rows = [line.split() for line in open(path)]
    for _, _, status, _ in rows:
        statuses[status] = statuses.get(status, 0) + 1
    taken = sorted((int(sent), int(seq)) for _, sent, status, seq in rows if status == "201")
    seqs = [seq for _, seq in taken]
    rank = {seq: i for i, seq in enumerate(sorted(seqs))}
    seen = []
    for i, seq in enumerate(seqs):
        inverted += len(seen) - bisect.bisect_right(seen, seq)
        bisect.insort(seen, seq)
        moved.append(abs(rank[seq] - i))
    pairs += len(seqs) * (len(seqs) - 1) // 2
moved.sort()
print(f"answers by status: {statuses}")
print(f"fairness: {inverted / max(pairs, 1):.5%} of same-thread pairs answered out of sending order; "
      f"a request's place moved by p50 {moved[len(moved) // 2]}, p99 {moved[len(moved) * 99 // 100]}, max {moved[-1]} "
      f"(of {len(moved)} requests on {len(files)} threads, {conns // len(files)} connections each)")
PY
if [ "$backend" = postgres ]; then
  echo "pgbench, the same transaction (benches/load/submit.pgbench.sql), 16 clients, 5 s:"
  pgbench -n -f benches/load/submit.pgbench.sql -D "campaign='$campaign'" -c 16 -j 2 -T 5 "$url" 2>/dev/null | grep -E "^tps"
else
  echo "SQLite alone, the same transaction (benches/load/submit_sqlite.py), one connection, 5 s:"
  python3 benches/load/submit_sqlite.py "$work/rush.db" "$campaign" 5
fi
