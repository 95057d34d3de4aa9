#!/usr/bin/env python3
"""Chaos run for followupd (SPEC §8: "kill -9 at random points under load: no acknowledged
command lost, no stage done twice, no notification lost").

Starts the real followupd (one node on a throw-away SQLite file, or two nodes sharing a
throw-away PostgreSQL cluster) with durations of a few seconds, a webhook receiver on
127.0.0.1 that fails at random (500s, 503 with Retry-After, slow answers, dropped
connections) and records every request, and a Maildir spool. Worker threads drive mixed load
through the control socket (opens, contacts, returns, refusals, notes, closes, reopens), each
POST with an Idempotency-Key, retried under the same key when no answer came. Meanwhile the
daemon is killed with SIGKILL at random moments (and, with PostgreSQL, the server restarted
twice). Then the load stops, the daemon finishes what is due and drains its outbox, and the
invariants are checked from outside: the control API, the database read-only, the
receiver's record and the Maildir.

Usage: chaos.py --engine sqlite|postgres --bin DIR [--kills N] [--seconds S] [--seed N]
Exit status 0 when every invariant holds, 1 when one is violated, 2 when the run itself
could not be carried out (a daemon that does not come back, PostgreSQL that does not start).
"""

import argparse
import collections
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import standardwebhooks

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def log(message):
    print("chaos %s %s" % (datetime.now().strftime("%H:%M:%S"), message), flush=True)


class RunError(Exception):
    """The run could not be carried out (not an invariant)."""


# ---------------------------------------------------------------- the control socket


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


def call(sock_path, method, path, body=None, key=None, timeout=15):
    """(status, decoded JSON or text). Raises OSError / http.client errors when no answer came."""
    connection = UnixConnection(sock_path, timeout)
    try:
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if key is not None:
            headers["idempotency-key"] = key
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw.decode("utf-8", "replace")
    finally:
        connection.close()


# ---------------------------------------------------------------- the webhook receiver


class Receiver:
    """A Standard Webhooks endpoint on 127.0.0.1 that fails at random and records everything."""

    def __init__(self, directory, seed):
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.records = []
        self.failing = True
        self.log_path = os.path.join(directory, "receiver.jsonl")
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                if len(body) < length:
                    # The sender died in the middle of its request (a kill): nothing was delivered.
                    receiver.record(self.path, headers, None, "torn", 0.0, None)
                    self.close_connection = True
                    return
                receiver.handle(self, body, headers)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # A sender killed in the middle of a request; recorded as torn where it matters.

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def choose(self):
        with self.lock:
            roll = self.random.random()
            if not self.failing:
                return ("answer", 0.0, 200)
            if roll < 0.62:
                return ("answer", 0.0, 200)
            if roll < 0.72:
                return ("answer", 0.0, 500)
            if roll < 0.77:
                return ("answer", 0.0, 503)  # with Retry-After: 1
            if roll < 0.86:
                return ("answer", self.random.uniform(0.3, 1.2), 200)  # slow, within the timeout
            if roll < 0.92:
                return ("answer", self.random.uniform(2.5, 4.0), 200)  # slower than the daemon waits
            return ("close", 0.0, None)

    def handle(self, handler, body, headers):
        verified, error = False, None
        try:
            standardwebhooks.Webhook(SECRET).verify(body, headers)
            verified = True
        except Exception as failure:  # noqa: BLE001 - the reason is recorded
            error = "%s: %s" % (type(failure).__name__, failure)
        kind, seconds, status = self.choose()
        if seconds:
            time.sleep(seconds)
        # A 200 later than the daemon's timeout (2 s) reached no one: recorded as late, not accepted.
        outcome = "close" if kind == "close" else ("late" if seconds > 2 else status)
        self.record(handler.path, headers, body, outcome, seconds, (verified, error))
        if kind == "close":
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        try:
            handler.send_response(status)
            if status == 503:
                handler.send_header("retry-after", "1")
            handler.send_header("content-length", "0")
            handler.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def record(self, path, headers, body, status, seconds, verification):
        try:
            document = json.loads(body) if body is not None else {}
        except ValueError:
            document = {}
        data = document.get("data") if isinstance(document, dict) else None
        verified, error = verification or (None, None)
        entry = {
            "webhook_id": headers.get("webhook-id"),
            "path": path,
            "verified": verified,
            "error": error,
            "status": status,
            "hang": round(seconds, 3),
            "type": document.get("type") if isinstance(document, dict) else None,
            "case": data.get("case") if isinstance(data, dict) else None,
            "at": time.time(),
        }
        with self.lock:
            entry["seq"] = len(self.records)
            self.records.append(entry)
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry) + "\n")

    def all(self):
        with self.lock:
            return list(self.records)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- the database, read-only


class SQLiteReader:
    def __init__(self, path):
        self.path = path

    def rows(self, query, *arguments):
        connection = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True, timeout=30)
        try:
            return connection.execute(query, arguments).fetchall()
        finally:
            connection.close()


class PostgresReader:
    def __init__(self, cluster, database):
        self.cluster = cluster
        self.database = database

    def rows(self, query, *arguments):
        assert not arguments
        output = subprocess.run(
            [self.cluster.binaries + "/psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
             "-h", "127.0.0.1", "-p", str(self.cluster.port), "-U", "postgres", "-d", self.database, "-c", query],
            capture_output=True, text=True, timeout=60, check=True).stdout
        rows = []
        for line in output.splitlines():
            if line == "":
                continue
            rows.append(tuple(None if value == "" else value for value in line.split("\x1f")))
        return rows


class PostgresCluster:
    """A throw-away PostgreSQL cluster as PostgresTestCluster makes one, but durable (fsync on):
    an immediate stop of the server is a crash it must recover from without losing commits."""

    def __init__(self):
        if os.getuid() != 0:
            raise RunError("the PostgreSQL run needs root (the server runs as postgres through runuser)")
        versions = sorted(int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit())
        versions = [v for v in versions if os.access("/usr/lib/postgresql/%d/bin/initdb" % v, os.X_OK)]
        if not versions:
            raise RunError("no PostgreSQL server here; scripts/setup installs it")
        self.binaries = "/usr/lib/postgresql/%d/bin" % versions[-1]
        self.directory = tempfile.mkdtemp(prefix="followupd-chaos-pg-")
        os.chmod(self.directory, 0o700)
        shutil.chown(self.directory, "postgres", "postgres")
        self.port = None
        self.run("initdb", "-D", self.directory + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C")
        for _ in range(5):
            self.port = random.randint(20000, 60000)
            try:
                self.start()
                break
            except subprocess.CalledProcessError:
                continue
        else:
            raise RunError("PostgreSQL did not start: see %s/server.log" % self.directory)

    def run(self, program, *arguments):
        return subprocess.run(["/usr/sbin/runuser", "-u", "postgres", "--", self.binaries + "/" + program]
                              + list(arguments), check=True, capture_output=True, text=True, timeout=120)

    def start(self):
        options = "-k %s -p %d -c listen_addresses=127.0.0.1 -c max_connections=200" % (self.directory, self.port)
        self.run("pg_ctl", "-D", self.directory + "/data", "-l", self.directory + "/server.log", "-w", "-t", "60",
                 "-o", options, "start")

    def stop(self, mode):
        self.run("pg_ctl", "-D", self.directory + "/data", "-m", mode, "-w", "-t", "60", "stop")

    def sql(self, statement):
        subprocess.run([self.binaries + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "postgres", "-d", "postgres", "-c", statement],
                       check=True, capture_output=True, timeout=60)

    def remove(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


# ---------------------------------------------------------------- the daemon


class Node:
    def __init__(self, binary, directory, name):
        self.binary = binary
        self.directory = directory
        self.name = name
        self.config = os.path.join(directory, "followupd.yaml")
        self.socket = os.path.join(directory, "control.sock")
        self.log_path = os.path.join(directory, "daemon.log")
        self.process = None
        self.lock = threading.Lock()
        self.starts = 0

    def start(self):
        with self.lock:
            log_file = open(self.log_path, "a", encoding="utf-8")
            log_file.write("---- start %d at %s\n" % (self.starts + 1, datetime.now(timezone.utc).isoformat()))
            log_file.flush()
            environment = dict(os.environ, FOLLOWUPD_NODE_ID=self.name)
            self.process = subprocess.Popen([self.binary, "--config", self.config], stdout=subprocess.DEVNULL,
                                            stderr=log_file, env=environment, start_new_session=True)
            log_file.close()
            self.starts += 1

    def kill9(self):
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(timeout=30)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def ready(self, timeout=90):
        """Waits (bounded) until GET /v1/status answers 200."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.alive():
                raise RunError("%s exited with %s; see %s" % (self.name, self.process.returncode, self.log_path))
            try:
                status, _ = call(self.socket, "GET", "/v1/status", timeout=5)
                if status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RunError("%s not ready within %d s; see %s" % (self.name, timeout, self.log_path))

    def terminate(self):
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()


def configuration(storage, receiver):
    return """\
%s
control:
  socket: control.sock
policy:
  resend_after: 3s
  max_resends: 1
  report_after: 8s
  owner_reminder_after: 30s
  client_reminder_after: 0
notifications:
  max_attempts: 30
  retry_initial: 1s
  retry_max: 2s
  timeout: 2s
  digest_threshold: 1000
mail:
  from: "Suporte <suporte@desk.example>"
  maildir: ../maildir
webhooks:
  leaders: { url: "%s", format: standard, secret: "%s" }
  owners: { url: "%s", format: standard, secret: "%s" }
leaders:
  - { name: Ana, webhooks: [leaders], ops: true }
owners:
  - { name: joana, email: joana@desk.example, leader: Ana, webhooks: [owners] }
log:
  target: stderr
  level: warning
""" % (storage, receiver.url("/leaders"), SECRET, receiver.url("/owners"), SECRET)


# ---------------------------------------------------------------- the load


class Ledger:
    """Every command sent, with its outcome: acknowledged (2xx), refused (4xx), or unknown."""

    def __init__(self):
        self.lock = threading.Lock()
        self.commands = []
        self.cases = []  # ids learnt from answers
        self.counts = collections.Counter()

    def add(self, command):
        with self.lock:
            self.commands.append(command)
            self.counts[command["outcome"]] += 1
            if command["outcome"] == "acknowledged" and command["op"] == "open":
                self.cases.append(command["case"])

    def some_case(self, rng):
        with self.lock:
            if not self.cases:
                return None
            if rng.random() < 0.3:
                return rng.choice(self.cases)  # old cases too, so they get closed in the end
            # Mostly recent cases, so commands meet cases in every state.
            return self.cases[-1 - min(int(rng.expovariate(1 / 30)), len(self.cases) - 1)]


OPERATIONS = [
    ("open", 30), ("contact", 14), ("reply", 16), ("note", 14), ("close", 8), ("refusal", 4), ("reopen", 6),
    ("retry-same-key", 4),
]


def now_text():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def command_for(op, token, case, rng):
    """(method, path, body) of one command; the token makes its timeline entry findable."""
    if op == "open":
        body = {"client": {"name": "Cliente %s" % token[:8]}, "partner": {"name": "SIEG",
                "emails": ["suporte@sieg.example"]}, "subject": "chaos " + token, "verification": "Verificar",
                "owner": "joana"}
        if rng.random() < 0.2:
            body["send"] = True
        else:
            body["sent_at"] = now_text()
        return "POST", "/v1/cases", body
    if op == "contact":
        return "POST", "/v1/cases/%s/contacts" % case, {"channel": "phone", "note": token}
    if op == "reply":
        kind = rng.choice(["info", "info", "ack", "auto"])
        return "POST", "/v1/cases/%s/returns" % case, {"kind": kind, "note": token}
    if op == "note":
        return "POST", "/v1/cases/%s/notes" % case, {"note": token}
    if op == "close":
        return "POST", "/v1/cases/%s/close" % case, {"resolution": token}
    if op == "refusal":
        return "POST", "/v1/cases/%s/refusal" % case, {"note": token}
    if op == "reopen":
        return "POST", "/v1/cases/%s/reopen" % case, {"reason": token}
    raise ValueError(op)


def worker(index, sockets, ledger, stop, seed):
    rng = random.Random(seed * 1000 + index)
    names = [name for name, _ in OPERATIONS]
    weights = [weight for _, weight in OPERATIONS]
    last, last_answer = None, None
    while not stop.is_set():
        op = rng.choices(names, weights)[0]
        if op == "retry-same-key":
            # A client that sends an acknowledged command again under its key: the first answer back.
            if last is None:
                continue
            command = dict(last)
            command["replay_of"] = last["key"]
        else:
            case = ledger.some_case(rng)
            if op != "open" and case is None:
                op = "open"
            key = str(uuid.uuid4())
            method, path, body = command_for(op, key, case, rng)
            command = {"op": op, "key": key, "token": key, "case": case, "method": method, "path": path,
                       "body": body}
        outcome, status, answer, tries = send(sockets, command, rng, stop)
        command.update(outcome=outcome, status=status, tries=tries)
        if outcome == "acknowledged":
            command["case"] = answer.get("id") if isinstance(answer, dict) else command["case"]
            if "replay_of" not in command:
                last, last_answer = command, (status, answer)
            else:
                # The first answer back, as it was: the same status and the same case JSON.
                command["same_answer"] = (status, answer) == last_answer
        if "replay_of" in command:
            command["outcome"] = "replay-" + outcome
        ledger.add(command)
        time.sleep(rng.uniform(0, 0.25))


def send(sockets, command, rng, stop):
    """Sends under the command's key until an answer comes (bounded: 8 tries over about 40 s)."""
    status, answer = None, None
    for tries in range(1, 9):
        sock = rng.choice(sockets)
        try:
            status, answer = call(sock, command["method"], command["path"], command["body"], command["key"])
        except (OSError, http.client.HTTPException):
            status, answer = None, None
        if status is not None and 200 <= status < 300:
            return "acknowledged", status, answer, tries
        if status is not None and 400 <= status < 500:
            return "refused", status, answer, tries
        # No answer, or 503: the same key again once the daemon is back.
        time.sleep(rng.uniform(0.2, 1.0) * tries)
        if stop.is_set() and tries >= 3:
            break
    return "unknown", status, answer, tries


# ---------------------------------------------------------------- the run


class Run:
    def __init__(self, options):
        self.options = options
        self.rng = random.Random(options.seed)
        self.directory = tempfile.mkdtemp(prefix="followupd-chaos-")
        os.chmod(self.directory, 0o755)
        self.receiver = Receiver(self.directory, options.seed)
        self.maildir = os.path.join(self.directory, "maildir")
        self.cluster = None
        self.nodes = []
        self.kills = 0
        self.pg_restarts = 0
        self.failures = []
        self.broken = False
        self.figures = collections.OrderedDict()

    def setup(self):
        binary = os.path.join(self.options.bin, "followupd")
        if self.options.engine == "sqlite":
            node_dir = os.path.join(self.directory, "node-1")
            os.makedirs(node_dir)
            self.database = os.path.join(node_dir, "followupd.sqlite")
            storage = "storage:\n  path: followupd.sqlite"
            self.reader = SQLiteReader(self.database)
            names = ["node-1"]
        else:
            self.cluster = PostgresCluster()
            self.cluster.sql("CREATE DATABASE chaos")
            url = "postgres://postgres@127.0.0.1:%d/chaos?sslmode=disable" % self.cluster.port
            storage = 'storage:\n  url: "%s"' % url
            self.reader = PostgresReader(self.cluster, "chaos")
            names = ["node-1", "node-2"]
        for name in names:
            node_dir = os.path.join(self.directory, name)
            os.makedirs(node_dir, exist_ok=True)
            node = Node(binary, node_dir, name)
            with open(node.config, "w", encoding="utf-8") as handle:
                handle.write(configuration(storage, self.receiver))
            self.nodes.append(node)
        for node in self.nodes:
            node.start()
            node.ready()

    def chaos(self, stop_chaos):
        """Kills nodes at random moments (restarting each), and restarts PostgreSQL twice."""
        seconds = self.options.seconds
        kills = self.options.kills
        mean = seconds / max(kills, 1)
        restarts = [seconds * 0.35, seconds * 0.7] if self.cluster else []
        begun = time.monotonic()
        while self.kills < kills and not stop_chaos.is_set():
            elapsed = time.monotonic() - begun
            if elapsed > seconds * 1.5:
                log("time bound reached after %d kills" % self.kills)
                break
            if restarts and elapsed >= restarts[0]:
                restarts.pop(0)
                mode = "fast" if self.pg_restarts == 0 else "immediate"
                log("restarting PostgreSQL (-m %s)" % mode)
                self.cluster.stop(mode)
                time.sleep(self.rng.uniform(1, 4))
                self.cluster.start()
                self.pg_restarts += 1
                continue
            time.sleep(self.rng.uniform(0.1, 2 * mean - 0.1) if mean > 0.2 else mean)
            node = self.rng.choice(self.nodes)
            node.kill9()
            self.kills += 1
            if self.rng.random() < 0.2:
                time.sleep(self.rng.uniform(0.5, 3))  # down for a while: stages come due meanwhile
            node.start()
            node.ready()
            if self.kills % 10 == 0:
                log("%d kills, %d commands so far" % (self.kills, len(self.ledger.commands)))

    def run(self):
        started = time.monotonic()
        self.setup()
        self.ledger = Ledger()
        stop = threading.Event()
        sockets = [node.socket for node in self.nodes]
        workers = [threading.Thread(target=worker, args=(i, sockets, self.ledger, stop, self.options.seed))
                   for i in range(self.options.workers)]
        for thread in workers:
            thread.start()
        stop_chaos = threading.Event()
        chaos_error = []

        def chaos_thread():
            try:
                self.chaos(stop_chaos)
            except Exception as error:  # noqa: BLE001 - reported below
                chaos_error.append(error)

        chaotic = threading.Thread(target=chaos_thread)
        chaotic.start()
        chaotic.join(timeout=self.options.seconds * 1.5 + 300)
        stop_chaos.set()
        stop.set()
        for thread in workers:
            thread.join(timeout=120)
        if chaos_error:
            raise chaos_error[0]
        self.figures["load seconds"] = round(time.monotonic() - started)
        for node in self.nodes:
            if not node.alive():
                node.start()
            node.ready()
        self.wind_down()
        self.drain()
        self.check()
        self.figures["run seconds"] = round(time.monotonic() - started)

    def wind_down(self):
        """Closes the cases waiting on us: their owner reminders would go on for ever."""
        rng = random.Random(self.options.seed)
        for _ in range(5):
            status, answer = call(self.nodes[0].socket, "GET", "/v1/cases?state=awaiting_us&limit=1000", timeout=30)
            waiting = [case["id"] for case in answer.get("cases", [])] if status == 200 else []
            if not waiting:
                return
            for case in waiting:
                key = str(uuid.uuid4())
                method, path, body = command_for("close", key, case, rng)
                command = {"op": "close", "key": key, "token": key, "case": case, "method": method, "path": path,
                           "body": body}
                outcome, status, answer, tries = send([self.nodes[0].socket], command, rng, threading.Event())
                command.update(outcome=outcome, status=status, tries=tries)
                self.ledger.add(command)

    def drain(self):
        """Waits until nothing is due any more and the outbox holds nothing pending: as long as
        the backlog shrinks (a flaky receiver takes a while), within 20 minutes at most."""
        log("load stopped; waiting for every due stage and the outbox to drain")
        begun = time.monotonic()
        quiet_since, best, progress_at = None, None, begun
        armed, pending = -1, -1
        while time.monotonic() - begun < 1200 and time.monotonic() - progress_at < 120:
            for node in self.nodes:
                if not node.alive():
                    raise RunError("%s died while draining; see %s" % (node.name, node.log_path))
            try:
                armed = int(self.reader.rows("SELECT COUNT(*) FROM cases WHERE next_due_at IS NOT NULL")[0][0])
                pending = int(self.reader.rows("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][0])
            except (sqlite3.Error, subprocess.SubprocessError) as error:
                log("database not readable yet: %s" % error)
                armed, pending = -1, -1
            if armed >= 0 and (best is None or armed + pending < best):
                best, progress_at = armed + pending, time.monotonic()
            if int(time.monotonic() - begun) % 15 == 0:
                log("draining: %s cases armed, %s notifications pending" % (armed, pending))
            if armed == 0 and pending == 0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 5:
                    self.figures["drain seconds"] = round(time.monotonic() - begun)
                    return
            else:
                quiet_since = None
            time.sleep(1)
        log("not drained: %s cases still armed, %s notifications pending" % (armed, pending))
        self.figures["drain seconds"] = round(time.monotonic() - begun)

    # ------------------------------------------------------------ invariants

    def violation(self, message):
        self.failures.append(message)

    def check(self):
        log("checking invariants")
        socket_path = self.nodes[0].socket
        ids = [int(row[0]) for row in self.reader.rows("SELECT id FROM cases ORDER BY id")]
        cases = {}
        for n in ids:
            status, answer = call(socket_path, "GET", "/v1/cases/FU-%d" % n, timeout=30)
            if status != 200:
                self.violation("GET /v1/cases/FU-%d answered %s" % (n, status))
                continue
            cases[answer["id"]] = answer
        # Every case the API lists is one of those (a person's view agrees with the database).
        self.check_commands(cases)
        self.check_stages(cases)
        self.check_outbox(cases)
        self.figures["cases"] = len(cases)

    def check_commands(self, cases):
        ledger = self.ledger
        # Where each token occurs: opened cases by subject, other commands by the entry's note.
        occurrences = collections.Counter()
        for case in cases.values():
            subject = case.get("subject") or ""
            if subject.startswith("chaos "):
                occurrences[subject[len("chaos "):]] += 1
            for event in case.get("events") or []:
                if event.get("note"):
                    occurrences[event["note"]] += 1
        expected_kind = {"contact": "contact_sent", "reply": "partner_replied", "note": "note_added",
                         "close": "closed", "refusal": "partner_refused", "reopen": "reopened"}
        lost, doubled, refused_changed = [], [], []
        replays_differing = 0
        for command in ledger.commands:
            if "replay_of" in command:
                continue
            count = occurrences[command["token"]]
            if command["outcome"] == "acknowledged":
                if count == 0:
                    lost.append(command)
                    continue
                if command["op"] == "open":
                    case = cases.get(command["case"])
                    if case is None or not any(e["kind"] == "opened" for e in case.get("events") or []):
                        lost.append(command)
                else:
                    case = cases.get(command["case"])
                    kinds = [e["kind"] for e in (case or {}).get("events") or [] if e.get("note") == command["token"]]
                    if expected_kind[command["op"]] not in kinds:
                        lost.append(command)
            elif command["outcome"] == "refused" and count > 0:
                refused_changed.append(command)
            if count > 1:
                doubled.append(command)
        for command in ledger.commands:
            if "replay_of" not in command or command["outcome"] != "replay-acknowledged":
                continue
            if not command.get("same_answer"):
                replays_differing += 1
        for command in lost[:10]:
            self.violation("acknowledged %s %s (key %s, case %s) is not on the timeline"
                           % (command["op"], command["path"], command["key"], command["case"]))
        for command in doubled[:10]:
            self.violation("%s %s (key %s, %s) carried out %d times" % (command["op"], command["path"],
                           command["key"], command["outcome"], occurrences[command["token"]]))
        for command in refused_changed[:10]:
            self.violation("refused %s %s (key %s, status %s) changed the case anyway"
                           % (command["op"], command["path"], command["key"], command["status"]))
        if replays_differing:
            self.violation("%d replays under an acknowledged key did not get the first answer back" % replays_differing)
        counts = ledger.counts
        self.figures["commands sent"] = len(ledger.commands)
        self.figures["commands acknowledged"] = counts["acknowledged"]
        self.figures["replays acknowledged (same key again)"] = counts["replay-acknowledged"]
        self.figures["commands refused (4xx)"] = counts["refused"]
        self.figures["commands without answer"] = counts["unknown"] + counts["replay-unknown"]
        self.figures["commands retried under their key"] = sum(1 for c in ledger.commands if c["tries"] > 1)
        self.figures["acknowledged commands lost"] = len(lost)
        self.figures["commands carried out twice"] = len(doubled)
        self.figures["refused commands that changed something"] = len(refused_changed)

    def check_stages(self, cases):
        """Each stage at most once: resends by (cycle, ordinal), the daemon's report once per
        cycle, reminders by ordinal within their series (a series begins with a person's
        command, so between two of those an ordinal may not come twice)."""
        doubled = 0
        stages = collections.Counter()
        for case in cases.values():
            seen = collections.Counter()
            segment = 0
            for event in case.get("events") or []:
                if event.get("by") != "followupd":
                    segment += 1
                    continue
                kind = event["kind"]
                if kind in ("notified", "acknowledged"):
                    continue
                stages[kind] += 1
                if kind == "report_generated":
                    key = ("report", event.get("cycle"))
                elif event.get("stage") in ("resend", "report"):
                    key = (event["stage"], event.get("cycle"), event.get("ordinal"))
                elif event.get("stage"):
                    key = (event["stage"], segment, event.get("ordinal"))
                else:
                    continue
                seen[key] += 1
            for key, count in seen.items():
                if count > 1:
                    doubled += 1
                    self.violation("%s: stage %s carried out %d times" % (case["id"], key, count))
        self.figures["daemon entries on the timelines"] = dict(stages)
        self.figures["stages carried out twice"] = doubled

    def check_outbox(self, cases):
        rows = self.reader.rows(
            "SELECT id, case_id, event, channel, recipient, state, created_at, attempts, digest_id, last_error "
            "FROM outbox")
        outbox = {}
        for row in rows:
            outbox[row[0]] = {"id": row[0], "case": row[1], "event": row[2], "channel": row[3], "recipient": row[4],
                              "state": row[5], "created_at": float(row[6]), "attempts": int(row[7]),
                              "digest": row[8], "error": row[9]}
        delivered_attempts = collections.defaultdict(list)
        for notification, at in self.reader.rows("SELECT notification_id, at FROM deliveries WHERE result = "
                                                 "'delivered'"):
            delivered_attempts[notification].append(float(at))
        states = collections.Counter(row["state"] for row in outbox.values())
        self.figures["notifications"] = dict(states)
        accepted = collections.defaultdict(list)
        for entry in self.receiver.all():
            if entry["status"] == "torn":
                continue
            if not entry["verified"]:
                self.violation("a request to the receiver failed its signature check: %s" % entry["error"])
            if entry["webhook_id"] not in outbox:
                self.violation("the receiver got webhook-id %s, which is no notification" % entry["webhook_id"])
            if entry["status"] == 200:
                accepted[entry["webhook_id"]].append(entry)
        lost, unfinished = [], []
        for row in outbox.values():
            if row["state"] == "pending":
                unfinished.append(row)
            elif row["state"] in ("delivered", "failed") and row["attempts"] < 1:
                self.violation("notification %s is %s with no attempt recorded" % (row["id"], row["state"]))
            elif row["state"] == "digested":
                digest = outbox.get(row["digest"])
                if digest is None or digest["state"] not in ("delivered", "failed"):
                    self.violation("notification %s folded into digest %s, which is %s" % (
                        row["id"], row["digest"], digest and digest["state"]))
            if row["state"] != "delivered":
                continue
            if not delivered_attempts.get(row["id"]):
                self.violation("notification %s is delivered with no delivered attempt recorded" % row["id"])
            if row["channel"] == "webhook":
                if not accepted.get(row["id"]):
                    lost.append(row)
                else:
                    paths = {entry["path"] for entry in accepted[row["id"]]}
                    kinds = {entry["type"] for entry in accepted[row["id"]]}
                    about = {entry["case"] for entry in accepted[row["id"]]}
                    case_text = None if row["case"] is None else "FU-%d" % int(row["case"])
                    if paths != {"/" + row["recipient"]} or kinds != {row["event"]} or \
                            (case_text is not None and about != {case_text}):
                        self.violation("notification %s arrived as %s at %s" % (row["id"], kinds, paths))
            elif row["channel"] in ("mail", "partner_mail"):
                if not any(os.path.exists(os.path.join(self.maildir, folder, row["id"])) for folder in ("new", "cur")):
                    lost.append(row)
        for row in lost[:10]:
            self.violation("notification %s (%s to %s %s) is delivered in the outbox but never arrived" % (
                row["id"], row["event"], row["channel"], row["recipient"]))
        for row in unfinished[:10]:
            self.violation("notification %s (%s) is still pending after the drain" % (row["id"], row["event"]))
        # In order per case and recipient channel: the first acceptance of each delivered
        # notification follows that of every one created before it.
        out_of_order = 0
        lines = collections.defaultdict(list)
        for row in outbox.values():
            if row["case"] is not None and row["state"] == "delivered":
                lines[(row["case"], row["channel"], row["recipient"])].append(row)
        for line, members in lines.items():
            members.sort(key=lambda r: (r["created_at"], r["id"]))
            if line[1] == "webhook":
                firsts = [min(e["seq"] for e in accepted[r["id"]]) for r in members if accepted.get(r["id"])]
            else:
                firsts = [min(delivered_attempts[r["id"]]) for r in members if delivered_attempts.get(r["id"])]
            if any(later < earlier for earlier, later in zip(firsts, firsts[1:])):
                out_of_order += 1
                if out_of_order <= 5:
                    self.violation("FU-%s: notifications to %s %s delivered out of their created order" % line)
        # Every daemon stage and report on a timeline has its notifications in the outbox: the
        # owner's webhook for each, the leaders' for each report, the partner's mail for each resend.
        expected = collections.defaultdict(collections.Counter)
        for case in cases.values():
            number = int(case["id"].split("-")[1])
            for event in case.get("events") or []:
                kind = event["kind"]
                if kind == "resent":
                    expected[number][("owners", "case.resent")] += 1
                    expected[number][("partner_mail", "case.resent")] += 1
                elif kind == "owner_reminded":
                    expected[number][("owners", "case.owner_reminder")] += 1
                elif kind == "report_generated":
                    name = "case.partner_refused" if event.get("reason") == "partner_refused" else "case.report_generated"
                    expected[number][("owners", name)] += 1
                    expected[number][("leaders", name)] += 1
        found = collections.defaultdict(collections.Counter)
        for row in outbox.values():
            if row["case"] is None:
                continue
            where = row["recipient"] if row["channel"] == "webhook" else row["channel"]
            found[int(row["case"])][(where, row["event"])] += 1
        missing = 0
        for number, wanted in expected.items():
            for key, count in wanted.items():
                if found[number][key] != count:
                    missing += 1
                    if missing <= 10:
                        self.violation("FU-%d: %d timeline entries call for %s %s, the outbox holds %d"
                                       % (number, count, key[1], key[0], found[number][key]))
        self.figures["timeline entries without their notification"] = missing
        # The stages storage recorded as done are those on the timelines.
        done = collections.Counter()
        for case_id, stage, count in self.reader.rows(
                "SELECT case_id, stage, COUNT(*) FROM stages_done GROUP BY case_id, stage"):
            done[(int(case_id), stage)] = int(count)
        shown = collections.Counter()
        for case in cases.values():
            number = int(case["id"].split("-")[1])
            for event in case.get("events") or []:
                if event.get("by") != "followupd" or event["kind"] in ("notified", "acknowledged"):
                    continue
                stage = "report" if event["kind"] == "report_generated" else event.get("stage")
                if stage:
                    shown[(number, stage)] += 1
        differing = [key for key in set(done) | set(shown) if done[key] != shown[key]]
        for key in sorted(differing)[:10]:
            self.violation("FU-%d: %d %s stages recorded done, %d on the timeline"
                           % (key[0], done[key], key[1], shown[key]))
        self.figures["stages recorded done"] = sum(done.values())
        redelivered = sum(1 for entries in accepted.values() if len(entries) > 1)
        answers = collections.Counter(str(entry["status"]) for entry in self.receiver.all())
        self.figures["webhook requests"] = len(self.receiver.all())
        self.figures["webhook requests by answer"] = dict(sorted(answers.items()))
        self.figures["webhook deliveries accepted"] = sum(len(v) for v in accepted.values())
        self.figures["notifications accepted more than once (at-least-once)"] = redelivered
        self.figures["most acceptances of one notification"] = max((len(v) for v in accepted.values()), default=0)
        self.figures["mail files in the spool"] = len(os.listdir(os.path.join(self.maildir, "new"))) \
            if os.path.isdir(os.path.join(self.maildir, "new")) else 0
        self.figures["notifications lost"] = len(lost) + len(unfinished)
        self.figures["notification lines out of order"] = out_of_order

    def report(self):
        self.figures["kills survived"] = self.kills
        if self.cluster:
            self.figures["PostgreSQL restarts"] = self.pg_restarts
        self.figures["daemon starts"] = sum(node.starts for node in self.nodes)
        print()
        print("chaos figures (%s, %d node%s, seed %d):" % (self.options.engine, len(self.nodes),
              "s" if len(self.nodes) > 1 else "", self.options.seed))
        for name, value in self.figures.items():
            print("  %-58s %s" % (name, value))
        if self.failures:
            print("\nINVARIANTS VIOLATED (%d):" % len(self.failures))
            for failure in self.failures[:60]:
                print("  - " + failure)
            print("\nkept for inspection: %s" % self.directory)
        else:
            print("\nevery invariant holds")

    def cleanup(self):
        for node in self.nodes:
            node.terminate()
        self.receiver.stop()
        if self.cluster:
            if self.failures and self.options.keep_on_failure:
                try:
                    self.cluster.stop("fast")
                except subprocess.CalledProcessError:
                    pass
            else:
                self.cluster.remove()
        if not (self.failures or self.broken) or not self.options.keep_on_failure:
            shutil.rmtree(self.directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--bin", required=True, help="folder of the built followupd")
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=600, help="how long the kills are spread over")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--keep-on-failure", action="store_true", default=True)
    options = parser.parse_args()
    run = Run(options)
    status = 0
    try:
        run.run()
    except RunError as error:
        log("the run could not be carried out: %s (kept: %s)" % (error, run.directory))
        run.broken = True
        status = 2
    except KeyboardInterrupt:
        run.broken = True
        status = 2
    finally:
        if status == 0:
            run.report()
        run.cleanup()
    if status == 0 and run.failures:
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
