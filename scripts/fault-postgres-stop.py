#!/usr/bin/env python3
"""Fault: PostgreSQL stops in the middle of a rush and comes back.

Starts a private PostgreSQL cluster (initdb on a free port, so the machine's own database is
not touched), serves honoraria on it in its default configuration, and keeps 8 clients
applying. After 2 s the database is stopped as a crash would stop it (pg_ctl -m immediate);
6 s later it is started again. Checks:
  - while it is down, answers are 503 with Retry-After; never a 500, never a hang (every answer
    within 12 s), the server never stops answering;
  - once it is back, applications are taken again without restarting honoraria;
  - every application answered 201 is there afterwards, sequence numbers have no holes, and the
    slot counter equals the accepted offices.

    python3 scripts/fault-postgres-stop.py [path/to/honoraria]
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "debug", "honoraria")


def pg_bin(name):
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v.split(".")[0]))
    return os.path.join("/usr/lib/postgresql", versions[-1], "bin", name)


def as_postgres(args, **kw):
    """PostgreSQL refuses to run as root; CI does."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=True, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def corporate_number(twelve):
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(twelve), 1))
    return f"{9 - total % 9}{twelve}"


def office_number(n):
    first_nine = f"137{n:06d}"
    total = 0
    for i, c in enumerate(reversed(first_nine)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        total += v // 10 + v % 10
    return f"{first_nine}{(10 - total % 10) % 10}"


def application(n):
    office = {
        "office_number": office_number(n), "name": f"負荷試験事業所{n}", "kind": "service",
        "corporate_number": corporate_number(f"{100000 + n:012d}"),
        "corporation_name": f"社会福祉法人負荷{n}", "municipality_code": "132039",
        "address": "東京都武蔵野市緑町2-2-28", "email": f"o{n}@example.jp", "using_system_since": None,
    }
    return {"tier": "general_single", "contact": {"name": "負荷 太郎", "email": f"c{n}@example.jp"},
            "offices": [office]}


def call(method, url, body=None, token=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def main():
    work = tempfile.mkdtemp(prefix="honoraria-pgstop-")
    os.chmod(work, 0o777)
    data = os.path.join(work, "pgdata")
    port = free_port()
    as_postgres([pg_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres"], stdout=subprocess.DEVNULL)
    pg_opts = f"-p {port} -k {work} -c listen_addresses=127.0.0.1"
    pg_log = os.path.join(work, "pg.log")

    def pg(action, *extra):
        as_postgres([pg_bin("pg_ctl"), "-D", data, "-o", pg_opts, "-l", pg_log, "-w", action, *extra],
                    stdout=subprocess.DEVNULL)

    pg("start")
    url = f"postgres://postgres@127.0.0.1:{port}/postgres"
    http_port = free_port()
    base = f"http://127.0.0.1:{http_port}"
    env = dict(os.environ, RUST_LOG="warn", HONORARIA_PUBLIC_RATE_LIMIT="0",
               HONORARIA_OUTBOX_DIR=os.path.join(work, "outbox"))
    token = subprocess.run([BIN, "token", "create", "--role", "admin", "--name", "fault", "--database-url", url],
                           check=True, capture_output=True, text=True, env=env, cwd=work).stdout.strip()
    server_log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([BIN, "serve", "--bind", f"127.0.0.1:{http_port}", "--database-url", url],
                              env=env, cwd=work, stdout=server_log, stderr=server_log)
    failures = []
    try:
        for _ in range(100):
            try:
                if call("GET", f"{base}/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        now = datetime.now(timezone.utc)
        campaign = {
            "code": "pg-stop", "name": "停止試験", "region_code": "132039", "region_name": "武蔵野市",
            "opens_at": (now - timedelta(days=1)).isoformat(), "deadline": (now + timedelta(days=30)).date().isoformat(),
            "ends_on": (now + timedelta(days=150)).date().isoformat(), "total_slots": 50, "model_slots": 10,
            "reserved_seminar_slots": 0, "max_referrals": 1,
            "honoraria": {"general": 26000, "model": 31000, "referred": 26000},
        }
        status, _, body = call("POST", f"{base}/api/v1/campaigns", campaign, token)
        assert status == 201, body
        cid = json.loads(body)["id"]

        answers = []  # (phase, status, retry_after, seconds)
        taken = []
        phase = ["before"]
        stop = threading.Event()
        counter = iter(range(1, 10**9))
        lock = threading.Lock()

        def client():
            while not stop.is_set():
                with lock:
                    n = next(counter)
                started = time.monotonic()
                try:
                    status, headers, body = call("POST", f"{base}/api/v1/campaigns/{cid}/applications",
                                                 application(n), timeout=30)
                except OSError as e:
                    status, headers, body = f"connection: {e}", {}, b""
                spent = time.monotonic() - started
                retry = {k.lower(): v for k, v in headers.items()}.get("retry-after")
                with lock:
                    answers.append((phase[0], status, retry, spent, body[:300]))
                    if status == 201:
                        taken.append(json.loads(body)["id"])
                if status == 503:
                    time.sleep(0.2)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(2)
        phase[0] = "down"
        pg("stop", "-m", "immediate")
        time.sleep(6)
        phase[0] = "back"
        pg("start")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with lock:
                recovered = sum(1 for a in answers if a[0] == "back" and a[1] == 201)
            if recovered >= 20:
                break
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join()

        by = {}
        for ph, status, *_ in answers:
            by.setdefault(ph, {}).setdefault(status, 0)
            by[ph][status] += 1
        slowest = max(a[3] for a in answers)
        print(f"answers by phase and status: {by}")
        print(f"slowest answer: {slowest:.2f} s")
        for ph, status, retry, spent, body in answers:
            if status not in (201, 503):
                failures.append(f"{ph}: status {status}: {body!r}")
            if status == 503 and retry is None:
                failures.append(f"{ph}: 503 without Retry-After")
            if status == 503 and (b"\\n" in body or b"diesel" in body or b"/src/" in body):
                failures.append(f"{ph}: 503 body says too much: {body!r}")
        if slowest > 12:
            failures.append(f"an answer took {slowest:.1f} s")
        if by.get("down", {}).get(503, 0) == 0:
            failures.append("no 503 while the database was down")
        if by.get("back", {}).get(201, 0) == 0:
            failures.append("no application taken after the database came back")
        if call("GET", f"{base}/ready")[0] != 200:
            failures.append("not ready after the database came back")

        seqs, accepted = [], 0
        page = 1
        while True:
            _, _, body = call("GET", f"{base}/api/v1/campaigns/{cid}/applications?per_page=500&page={page}",
                              token=token)
            items = json.loads(body)["items"]
            if not items:
                break
            for a in items:
                seqs.append(a["sequence"])
                accepted += len(a["participants"]) if a["status"] == "accepted" else 0
            page += 1
        found = set(taken)
        if len(seqs) < len(found):
            failures.append(f"{len(found)} answered 201 but {len(seqs)} stored")
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            failures.append("sequence numbers have holes")
        _, _, body = call("GET", f"{base}/api/v1/campaigns/{cid}/slots")
        if json.loads(body)["total"]["taken"] != accepted:
            failures.append("the slot counter differs from the accepted offices")
        for app_id in taken:
            if call("GET", f"{base}/api/v1/applications/{app_id}", token=token)[0] != 200:
                failures.append(f"answered application {app_id} is missing")
                break
        if server.poll() is not None:
            failures.append(f"the server exited: {server.returncode}")
        server_log.flush()
        with open(os.path.join(work, "serve.log")) as f:
            if "panicked" in f.read():
                failures.append("the server panicked")
    finally:
        server.terminate()
        server.wait(timeout=40)
        try:
            pg("stop", "-m", "fast")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures[:20]))
        sys.exit(1)
    print("PostgreSQL stopped mid-rush and came back: 503 with Retry-After meanwhile, nothing lost, no restart")


if __name__ == "__main__":
    main()
