#!/usr/bin/env python3
"""The whole money path at national scale, over HTTP, against a release binary.

    python3 scripts/national-path.py --binary target/release/honoraria --backend sqlite --offices 30000
    python3 scripts/national-path.py --binary target/release/honoraria --backend postgres --offices 30000 \
        [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Starts `honoraria serve` in its default configuration (email worker on, emails written as .eml
files into a temporary directory; only the public rate limit is turned off, as every benchmark
here does, since all clients share 127.0.0.1) on a fresh database: a SQLite file in a temporary
directory, or a PostgreSQL database created for the run and dropped after it. Tokens are minted
with `honoraria token create` against the same database URL: an admin who drafts and a
secretariat member who approves.

Then, as a national secretariat would, for N offices: a campaign with N slots; N single-office
applications from 24 client threads (keep-alive HTTP/1.1); the checkpoint sheet of N rows (one
office in ten has not answered the end survey); reminders; the campaign ended today (deadline
and ends_on, with a reason); the usage list of N rows as of today; the year-end check; its
result mails; a payout batch drafted by the admin and approved by the secretariat; the ledger as
CSV, JSON and XLSX; the payer and N bank accounts (one PUT per office, 24 threads); the 全銀 file
for the next bank business day; an office register of the N offices and the campaign's
outcome (JSON and its chart); and the time the email worker then needs to empty the outbox,
while the public slot counter is asked every half second. With --smtp-sink the emails go over SMTP to a sink in this script instead of .eml files.

One line per step: name, HTTP status(es), seconds, answer bytes, the outbox's outstanding messages
(every status but sent and failed, from /metrics) after the step, and the server's peak RSS during the step. A step answered 5xx or timed out is printed
FAILED with its body's start; steps that need what it would have made print "skipped". 404, 409
and 422 are printed as they come (an older binary may lack an endpoint or a rule).
"""

import argparse
import collections
import datetime as dt
import http.client
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from fixture_offices import corporate_number, office_number

CLIENTS = 24
BIG = 600  # seconds allowed to one big request
SMALL = 60  # seconds allowed to one small request
JST = dt.timezone(dt.timedelta(hours=9))
# Outbox states that need the worker no more; the rest (queued, sending, retrying; `pending` on
# binaries that call it so) are outstanding.
DONE = {"sent", "failed"}

# 国民の祝日 etc. for the dates this script may choose (the server keeps the full table); a date
# the server refuses with 422 is followed by the next candidate anyway.
HOLIDAYS = {
    "2026-01-01", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29",
    "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11",
    "2026-09-21", "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23",
    "2027-01-01", "2027-01-11", "2027-02-11", "2027-02-23", "2027-03-21", "2027-03-22",
    "2027-04-29", "2027-05-03", "2027-05-04", "2027-05-05", "2027-07-19", "2027-08-11",
    "2027-09-20", "2027-09-23", "2027-10-11", "2027-11-03", "2027-11-23",
}


def application(n):
    return {"tier": "general_single",
            "contact": {"name": "山田 花子", "email": f"c{n}@example.jp"},
            "offices": [{"office_number": office_number(n), "name": f"全国負荷試験居宅介護支援事業所{n}",
                         "kind": "care_management", "corporate_number": corporate_number(n),
                         "corporation_name": f"社会福祉法人全国{n}", "municipality_code": "132039",
                         "address": "東京都武蔵野市緑町2-2-28", "email": f"o{n}@example.jp",
                         "using_system_since": None}]}


def bank_account(n):
    return {"bank_code": "0005", "branch_code": f"{n % 1000:03d}", "account_type": "ordinary",
            "account_number": f"{n % 10_000_000:07d}", "holder_kana": f"シャカイフクシホウジン　ゼンコク{n}"}


def next_business_days(today):
    d = today
    while True:
        d += dt.timedelta(days=1)
        if d.weekday() >= 5 or d.isoformat() in HOLIDAYS:
            continue
        if (d.month, d.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
            continue
        yield d


class SmtpSink:
    """The least SMTP server that takes mail: it answers every command, counts each message it
    is given, and keeps none of it. Each connection is served on its own thread."""

    def __init__(self):
        self.received = 0
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            conn, _ = self.listener.accept()
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        f = conn.makefile("rb")
        conn.sendall(b"220 sink ESMTP\r\n")
        try:
            for line in f:
                verb = line[:4].upper()
                if verb == b"EHLO":
                    conn.sendall(b"250-sink\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    for body in f:
                        if body == b".\r\n":
                            break
                    with self.lock:
                        self.received += 1
                    conn.sendall(b"250 taken\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    break
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            pass
        finally:
            conn.close()


class Client:
    """One keep-alive connection, opened again after an error."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, token=None, ctype=None, timeout=SMALL):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode()
            ctype = ctype or "application/json"
        if ctype:
            headers["Content-Type"] = ctype
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            self.conn.timeout = timeout
            if self.conn.sock is not None:
                self.conn.sock.settimeout(timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (socket.timeout, TimeoutError):
                self.close()
                return "timeout", b""
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                # A keep-alive connection the server closed while idle: once more on a new one.
                self.close()
                if attempt == 2:
                    return f"connection: {e}", b""
            except OSError as e:
                self.close()
                return f"connection: {e}", b""
        return "connection", b""

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Rss:
    """Samples VmRSS and VmHWM of the server every 100 ms."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_kb = 0
        self.window_kb = 0
        self.last_kb = 0
        self.hwm_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
                        self.last_kb = kb
                        self.peak_kb = max(self.peak_kb, kb)
                        self.window_kb = max(self.window_kb, kb)
                    elif line.startswith("VmHWM:"):
                        self.hwm_kb = int(line.split()[1])
        except OSError:
            pass

    def run(self):
        while not self.stop.is_set():
            self.sample()
            time.sleep(0.1)

    def take_window(self):
        self.sample()
        w, self.window_kb = self.window_kb, self.last_kb
        return w


def mb(kb):
    return f"{kb / 1024:.0f} MB"


def excerpt(body):
    return body[:300].decode("utf-8", "replace").replace("\n", " ")


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


class Run:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="honoraria-national-")
        self.pg_admin = None
        self.db_name = None
        self.server = None
        self.rss = None
        self.lines = []

    # ---- set-up -------------------------------------------------------------------------
    def database_url(self):
        if self.args.backend == "sqlite":
            return f"sqlite://{os.path.join(self.work, 'honoraria.db')}"
        self.pg_admin = self.args.pg_url
        self.db_name = f"bench_national_{uuid.uuid4().hex[:12]}"
        subprocess.run(["psql", self.pg_admin, "-q", "-c", f"CREATE DATABASE {self.db_name}"], check=True,
                       stdout=subprocess.DEVNULL)
        return f"{self.pg_admin.rsplit('/', 1)[0]}/{self.db_name}"

    def start(self):
        self.url = self.database_url()
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.env = dict(os.environ, RUST_LOG="warn", HONORARIA_PUBLIC_RATE_LIMIT="0",
                        HONORARIA_OUTBOX_DIR=os.path.join(self.work, "outbox"))
        for k in ("HONORARIA_DATABASE_URL", "HONORARIA_SMTP_URL", "HONORARIA_EMAIL_WORKER", "HONORARIA_BIND"):
            self.env.pop(k, None)
        self.sink = None
        if self.args.smtp_sink:
            self.sink = SmtpSink()
            self.env["HONORARIA_SMTP_URL"] = f"smtp://127.0.0.1:{self.sink.port}"

        def token(role, name):
            return subprocess.run([self.args.binary, "token", "create", "--role", role, "--name", name,
                                   "--database-url", self.url], check=True, capture_output=True, text=True,
                                  env=self.env, cwd=self.work).stdout.strip()

        self.admin = token("admin", "national-admin")
        self.second = token("secretariat", "national-approver")
        self.log = open(os.path.join(self.work, "serve.log"), "w")
        self.server = subprocess.Popen([self.args.binary, "serve", "--bind", f"127.0.0.1:{self.port}",
                                        "--database-url", self.url], env=self.env, cwd=self.work,
                                       stdout=self.log, stderr=self.log)
        self.rss = Rss(self.server.pid)
        c = Client(self.port)
        for _ in range(300):
            try:
                if c.request("GET", "/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if self.server.poll() is not None:
                raise SystemExit(f"the server exited: {open(self.log.name).read()[-2000:]}")
            time.sleep(0.1)
        c.close()
        time.sleep(1)
        self.rss.sample()
        self.idle_kb = self.rss.last_kb

    def stop(self):
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.rss:
            self.rss.stop.set()
        if self.db_name:
            subprocess.run(["psql", self.pg_admin, "-q", "-c", f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.work, ignore_errors=True)

    # ---- reporting ----------------------------------------------------------------------
    def outbox(self):
        status, body = Client(self.port).request("GET", "/metrics", timeout=SMALL)
        if status != 200:
            return None
        counts = {}
        for m in re.finditer(rb'^honoraria_outbox_messages\{status="(\w+)"\} (\d+)', body, re.M):
            counts[m.group(1).decode()] = int(m.group(2))
        counts["outstanding"] = sum(v for k, v in counts.items() if k not in DONE)
        return counts

    def report(self, step, statuses, seconds, size, extra="", failed=None):
        window = self.rss.take_window()
        counts = self.outbox() or {}
        ok = "FAILED" if failed else "ok"
        line = (f"{step:<22} {ok:<6} {statuses:<28} {seconds:>9.2f} s {size:>12,} B  "
                f"outbox {counts.get('outstanding', 0):>7,}  rss<= {mb(window):>7}  {extra}")
        if failed:
            line += f"\n{'':<29}{failed}"
        print(line, flush=True)
        self.lines.append(line)

    def skipped(self, step, why):
        line = f"{step:<22} skipped ({why})"
        print(line, flush=True)
        self.lines.append(line)

    def one(self, step, method, path, body=None, token=None, ctype=None, timeout=BIG, ok=(200, 201)):
        """One request as one step; returns the parsed JSON (or raw bytes) when it succeeded."""
        token = self.admin if token is None else token
        c = Client(self.port)
        started = time.monotonic()
        status, data = c.request(method, path, body=body, token=token, ctype=ctype, timeout=timeout)
        seconds = time.monotonic() - started
        c.close()
        self.last_status = status
        failed = None
        if not isinstance(status, int) or status >= 500:
            failed = f"{status}: {excerpt(data)}"
        extra = ""
        if isinstance(status, int) and status not in ok and not failed:
            extra = f"refused: {excerpt(data)[:200]}"
        self.report(step, str(status), seconds, len(data), extra, failed)
        if status in ok:
            try:
                return json.loads(data)
            except ValueError:
                return data
        return None

    def many(self, step, jobs):
        """`jobs` yields (method, path, body, token); CLIENTS threads, one connection each."""
        q = queue.Queue()
        for j in jobs:
            q.put(j)
        statuses = collections.Counter()
        latencies = []
        bodies = []
        first_bad = []
        lock = threading.Lock()

        def worker():
            c = Client(self.port)
            while True:
                try:
                    method, path, body, token = q.get_nowait()
                except queue.Empty:
                    break
                t0 = time.monotonic()
                status, data = c.request(method, path, body=body, token=token, timeout=SMALL)
                spent = time.monotonic() - t0
                with lock:
                    statuses[status] += 1
                    latencies.append(spent)
                    bodies.append(len(data))
                    if status not in (200, 201) and len(first_bad) < 1:
                        first_bad.append(f"{status}: {excerpt(data)}")
            c.close()

        started = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - started
        summary = " ".join(f"{k}x{v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
        n = sum(statuses.values())
        extra = (f"{n / seconds:,.0f} req/s, p50 {pct(latencies, .5) * 1000:.0f} ms, "
                 f"p99 {pct(latencies, .99) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms")
        bad = sum(v for k, v in statuses.items() if not isinstance(k, int) or k >= 500)
        failed = f"{bad} of {n} failed; first: {first_bad[0]}" if bad else None
        if not failed and first_bad:
            extra += f"; first refusal: {first_bad[0][:200]}"
        self.report(step, summary, seconds, sum(bodies), extra, failed)
        return statuses

    # ---- the path -----------------------------------------------------------------------
    def path(self):
        n = self.args.offices
        now = dt.datetime.now(JST)
        today = now.date()
        offices = [office_number(i) for i in range(1, n + 1)]
        campaign = {
            "code": f"national-{uuid.uuid4().hex[:8]}", "name": "データ連携促進モデルキャンペーン(全国)",
            "region_code": "132039", "region_name": "武蔵野市",
            "opens_at": (now - dt.timedelta(days=1)).isoformat(timespec="seconds"),
            "deadline": (today + dt.timedelta(days=10)).isoformat(),
            "ends_on": (today + dt.timedelta(days=20)).isoformat(),
            "total_slots": n, "model_slots": 0, "reserved_seminar_slots": 0, "max_referrals": 1,
            "honoraria": {"general": 26000, "model": 31000, "referred": 26000}}
        created = self.one("campaign", "POST", "/api/v1/campaigns", campaign, timeout=SMALL)
        if not created:
            return
        cid = created["id"]
        base = f"/api/v1/campaigns/{cid}"

        statuses = self.many("intake", ((("POST", f"{base}/applications", application(i), None))
                                        for i in range(1, n + 1)))
        if statuses.get(201, 0) == 0:
            return self.skipped("the rest", "no application taken")
        self.one("slots", "GET", f"{base}/slots", token="", timeout=SMALL)

        day = today.isoformat()
        sheet = ["office_number,usage_started_on,start_survey_answered,end_survey_answered"]
        for i, o in enumerate(offices, 1):
            sheet.append(f"{o},{day},true,{'' if i % 10 == 0 else 'true'}")
        self.one("checkpoints.csv", "POST", f"{base}/checkpoints", ("\n".join(sheet) + "\n").encode(),
                 ctype="text/csv")
        self.one("reminders", "POST", f"{base}/reminders", {})
        self.one("end campaign", "PATCH", base, {"deadline": day, "ends_on": day, "reason": "年度末の確認のため"},
                 timeout=SMALL)
        usage = "介護保険事業所番号,事業所名\n" + "".join(f"{o},全国負荷試験居宅介護支援事業所{i}\n"
                                                         for i, o in enumerate(offices, 1))
        self.one("usage list", "POST", f"{base}/usage-lists?as_of={day}", usage.encode(), ctype="text/csv")
        check = self.one("year-end check", "POST", f"{base}/year-end-checks", {"as_of": day})
        if isinstance(check, dict):
            print(f"{'':<29}check: {check.get('eligible_count')} eligible, {check.get('total_amount'):,} yen, "
                  f"dry_run {check.get('dry_run')}", flush=True)
            self.one("notify", "POST", f"/api/v1/year-end-checks/{check['id']}/notify", {})
            batch = self.one("payout draft", "POST", f"{base}/payout-batches", {"year_end_check_id": check["id"]})
        else:
            self.skipped("notify", "no check")
            self.skipped("payout draft", "no check")
            batch = None
        if isinstance(batch, dict):
            bid = batch["id"]
            print(f"{'':<29}batch: {batch.get('line_count')} lines, {batch.get('total_amount'):,} yen", flush=True)
            approved = self.one("payout approve", "POST", f"/api/v1/payout-batches/{bid}/approve", {},
                                token=self.second)
            for export in ("ledger.csv", "ledger.json", "ledger.xlsx"):
                self.one(export, "GET", f"/api/v1/payout-batches/{bid}/{export}")
        else:
            bid, approved = None, None
            for s in ("payout approve", "ledger.csv", "ledger.json", "ledger.xlsx"):
                self.skipped(s, "no batch")

        self.one("payer", "PUT", f"{base}/payer",
                 {"requester_code": "1234567890", "requester_name_kana": "ゼンコク　キャンペーンジムキョク",
                  "bank_code": "0001", "branch_code": "123", "account_type": "ordinary",
                  "account_number": "7654321"}, timeout=SMALL)
        self.many("bank accounts", (("PUT", f"{base}/participants/{o}/bank-account", bank_account(i), self.admin)
                                    for i, o in enumerate(offices, 1)))
        if approved is None:
            self.skipped("zengin", "no approved batch")
        else:
            for k, d in enumerate(next_business_days(today)):
                got = self.one(f"zengin {d.isoformat()}", "GET",
                               f"/api/v1/payout-batches/{bid}/zengin?transfer_date={d.isoformat()}")
                if got is not None or k >= 5:
                    break
                # Another date only when the date itself was refused.
                if self.last_status != 422:
                    break

        register = "事業所番号,事業所名,サービスの種類,市区町村コード\n" + "".join(
            f"{o},全国負荷試験居宅介護支援事業所{i},居宅介護支援,132039\n" for i, o in enumerate(offices, 1))
        self.one("office register", "POST", f"/api/v1/office-registers?as_of={day}", register.encode(),
                 ctype="text/csv")
        self.one("outcome", "GET", f"{base}/outcome")
        self.one("outcome.svg", "GET", f"{base}/outcome.svg")
        self.drain(base)

    def drain(self, base):
        started = time.monotonic()
        first = self.outbox()
        if first is None:
            return self.skipped("outbox drain", "/metrics did not answer")
        c = Client(self.port)
        latencies, slot_statuses = [], collections.Counter()
        counts = first
        deadline = started + self.args.drain_timeout
        while time.monotonic() < deadline:
            if counts.get("outstanding", 0) == 0:
                break
            t0 = time.monotonic()
            status, _ = c.request("GET", f"{base}/slots", timeout=SMALL)
            latencies.append(time.monotonic() - t0)
            slot_statuses[status] += 1
            time.sleep(0.5)
            counts = self.outbox() or counts
        seconds = time.monotonic() - started
        c.close()
        left = counts.get("outstanding", 0)
        sent = first.get("outstanding", 0) - left
        slots = " ".join(f"{k}x{v}" for k, v in slot_statuses.items())
        extra = (f"from {first.get('outstanding', 0):,} outstanding; {sent / seconds if seconds else 0:,.0f} msg/s; "
                 f"outbox now {counts}; slots during drain: {slots or 'none'}, "
                 f"p50 {pct(latencies, .5) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms")
        failed = f"{left} still outstanding after {self.args.drain_timeout} s" if left else None
        self.report("outbox drain", "metrics 200", seconds, 0, extra, failed)
        files = 0
        for _, _, names in os.walk(os.path.join(self.work, "outbox")):
            files += sum(1 for x in names if x.endswith(".eml"))
        print(f"{'':<29}.eml files written: {files:,}", flush=True)
        if self.sink:
            print(f"{'':<29}messages the SMTP sink took: {self.sink.received:,}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--offices", type=int, required=True)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                      "postgres://postgres@127.0.0.1:5432/postgres"))
    p.add_argument("--drain-timeout", type=int, default=900)
    p.add_argument("--smtp-sink", action="store_true",
                   help="send email over SMTP to a sink in this script instead of writing .eml files")
    args = p.parse_args()
    if not 1 <= args.offices <= 9_999_999:
        raise SystemExit("--offices 1..9999999")
    args.binary = os.path.abspath(args.binary)
    run = Run(args)
    started = time.monotonic()
    try:
        run.start()
        rev = subprocess.run([args.binary, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"national path: {args.offices:,} offices on {args.backend}, {args.binary} ({rev or '?'}), "
              f"{CLIENTS} client threads, {dt.datetime.now(JST).isoformat(timespec='seconds')}", flush=True)
        print(f"server idle RSS {mb(run.idle_kb)}", flush=True)
        print(f"{'step':<22} {'':<6} {'status':<28} {'seconds':>11} {'answer':>14}  "
              f"{'outbox':>15}  {'peak in step':>12}", flush=True)
        run.path()
        run.rss.sample()
        print(f"server RSS: idle {mb(run.idle_kb)}, peak {mb(run.rss.peak_kb)} (VmHWM {mb(run.rss.hwm_kb)}), "
              f"final {mb(run.rss.last_kb)}", flush=True)
        time.sleep(5)
        run.rss.sample()
        print(f"server RSS 5 s after the drain: {mb(run.rss.last_kb)}", flush=True)
        if run.server.poll() is not None:
            print(f"the server exited with {run.server.returncode}")
        run.log.flush()
        with open(run.log.name, errors="replace") as f:
            log = f.read()
        for marker in ("panicked", "ERROR"):
            hits = [ln for ln in log.splitlines() if marker in ln]
            if hits:
                print(f"server log: {len(hits)} line(s) with {marker}; first: {hits[0][:300]}")
        print(f"total {time.monotonic() - started:.1f} s", flush=True)
    finally:
        run.stop()


if __name__ == "__main__":
    main()
