#!/usr/bin/env python3
"""Fault: thousands of sockets that announce a body and never send it.

Serves honoraria on a fresh SQLite database with a 2 s body time-out and a cap of 100
connections per address, then opens 2,000 sockets from 127.0.0.1 that each send the head of
an application with `Content-Length: 100000` and one byte of body, and wait. Checks:
  - /health keeps answering within 1 s throughout, on fresh connections from another loopback
    address (127.0.0.2): one address cannot take every connection;
  - every stalled socket is closed by the server within the body time-out + 2 s: the ones
    admitted after a 408 naming the body, the ones over the cap at once;
  - the server holds fewer than half as many descriptors as there are stalled sockets, never
    exits, never panics.
Stops by itself within 60 s.

    python3 scripts/fault-stalled-bodies.py [path/to/honoraria]
"""

import os
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "debug", "honoraria")

SOCKETS = 2000
PER_ADDRESS = 100
BODY_TIMEOUT = 2
GRACE = 2
HARD_STOP = 60


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def health(port):
    """One GET /health on a fresh connection from 127.0.0.2; the time it took, or None."""
    started = time.monotonic()
    try:
        with socket.socket() as s:
            s.settimeout(1)
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := s.recv(4096):
                answer += chunk
    except OSError:
        return None
    spent = time.monotonic() - started
    return spent if answer.startswith(b"HTTP/1.1 200") and spent <= 1 else None


def main():
    started = time.monotonic()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < SOCKETS + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, SOCKETS + 500), hard))
    work = tempfile.mkdtemp(prefix="honoraria-stalled-")
    url = f"sqlite://{work}/stalled.db"
    port = free_port()
    env = dict(os.environ, RUST_LOG="warn", HONORARIA_PUBLIC_RATE_LIMIT="0",
               HONORARIA_OUTBOX_DIR=os.path.join(work, "outbox"),
               HONORARIA_CLIENT_BODY_TIMEOUT_SECS=str(BODY_TIMEOUT),
               HONORARIA_MAX_CONNECTIONS_PER_ADDRESS=str(PER_ADDRESS))
    subprocess.run([BIN, "migrate", "--database-url", url], check=True, env=env, cwd=work,
                   stdout=subprocess.DEVNULL)
    log_path = os.path.join(work, "serve.log")
    server_log = open(log_path, "w")
    server = subprocess.Popen([BIN, "serve", "--bind", f"127.0.0.1:{port}", "--database-url", url],
                              env=env, cwd=work, stdout=server_log, stderr=server_log)
    failures = []
    sockets = {}  # socket -> [sent_at, closed_at, first bytes]
    try:
        for _ in range(100):
            if health(port) is not None:
                break
            time.sleep(0.1)
        else:
            failures.append("the server did not start")
            return failures

        probes = []  # (at, seconds or None)
        descriptors = []
        stop = threading.Event()

        def probe():
            while not stop.is_set():
                probes.append((time.monotonic(), health(port)))
                try:
                    descriptors.append(len(os.listdir(f"/proc/{server.pid}/fd")))
                except OSError:
                    pass
                time.sleep(0.2)

        prober = threading.Thread(target=probe)
        prober.start()

        head = (f"POST /api/v1/campaigns/{uuid.uuid4()}/applications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{").encode()
        selector = selectors.DefaultSelector()
        for _ in range(SOCKETS):
            if time.monotonic() - started > HARD_STOP / 2:
                failures.append(f"opening the sockets took over {HARD_STOP / 2:.0f} s")
                break
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(head)
            except OSError:
                # Refused before the head was out: closed at once, which is what a cap does.
                sockets[s] = [time.monotonic(), time.monotonic(), b""]
                s.close()
                continue
            s.setblocking(False)
            sockets[s] = [time.monotonic(), None, b""]
            selector.register(s, selectors.EVENT_READ)

        deadline = time.monotonic() + BODY_TIMEOUT + GRACE + 3
        while selector.get_map() and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.2):
                s = key.fileobj
                try:
                    chunk = s.recv(4096)
                except (ConnectionResetError, BrokenPipeError):
                    chunk = b""
                if chunk:
                    sockets[s][2] += chunk
                    continue
                sockets[s][1] = time.monotonic()
                selector.unregister(s)
                s.close()
        time.sleep(0.5)
        stop.set()
        prober.join()

        still_open = [s for s, (_, closed, _) in sockets.items() if closed is None]
        late = [closed - sent for sent, closed, _ in sockets.values()
                if closed is not None and closed - sent > BODY_TIMEOUT + GRACE]
        answered = [got for _, _, got in sockets.values() if got]
        timed_out = [got for got in answered if got.startswith(b"HTTP/1.1 408") and b'"field":"body"' in got]
        failed_probes = [at - started for at, spent in probes if spent is None]
        print(f"{len(sockets)} stalled sockets: {len(timed_out)} answered 408 naming the body, "
              f"{len(sockets) - len(answered)} closed unanswered (over the cap), {len(still_open)} still open")
        print(f"/health: {len(probes)} probes, slowest "
              f"{max((p for _, p in probes if p is not None), default=0):.3f} s, {len(failed_probes)} failed")
        print(f"server descriptors: at most {max(descriptors, default=0)}")
        if still_open:
            failures.append(f"{len(still_open)} stalled sockets were never closed")
        if late:
            failures.append(f"{len(late)} stalled sockets were closed late (slowest {max(late):.1f} s)")
        if len(timed_out) != len(answered):
            other = next(g for g in answered if g not in timed_out)
            failures.append(f"a stalled socket got something else than 408: {other[:200]!r}")
        if not timed_out:
            failures.append("no stalled socket was answered 408")
        if failed_probes:
            failures.append(f"/health did not answer within 1 s at {failed_probes[:5]} s")
        # Refused sockets hold a descriptor for the moment it takes to close them, longer on a
        # busy machine (255 alone, 758 beside two compilers); what must not happen is one per
        # stalled socket.
        if max(descriptors, default=0) > SOCKETS // 2:
            failures.append(f"the server held {max(descriptors)} descriptors")
        if server.poll() is not None:
            failures.append(f"the server exited: {server.returncode}")
        server_log.flush()
        with open(log_path) as f:
            if "panicked" in f.read():
                failures.append("the server panicked")
    finally:
        for s in sockets:
            s.close()
        server.terminate()
        try:
            server.wait(timeout=max(1, HARD_STOP - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            server.kill()
            failures.append("the server did not stop on SIGTERM")
        shutil.rmtree(work, ignore_errors=True)
    return failures


if __name__ == "__main__":
    failures = main()
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("Stalled bodies: each closed within the time-out, /health answered throughout")
