#!/usr/bin/env python3
"""A real webhook endpoint for followupd's delivery tests.

Listens on 127.0.0.1 (on --port, or a port the system picks; written to --port-file once
listening; a test restarts a stopped receiver on the same port to bring an endpoint back),
verifies every request's Standard Webhooks signature with the reference library
(standardwebhooks.Webhook(secret).verify) when --secret is given, appends one JSON line per
request to --log, and answers as --script says.

The script file holds one answer per line, consumed in order (a consumed line is removed
from the file); when it is empty or missing, every request gets 200. The file is read again
on each request, so a test can change it while the receiver runs. A line is:

    STATUS [name=value ...]          answer STATUS with these headers, e.g.
                                     429 retry-after=1
                                     302 location=http://127.0.0.1:9/elsewhere
                                     503 "retry-after=Wed, 21 Oct 2037 07:28:00 GMT"
                                     (body=TEXT sets the answer's body)
    hang SECONDS [STATUS ...]        wait SECONDS before answering (200 unless given)
    close                            close the connection without answering

Each log line: {"webhook_id", "timestamp", "signature", "verified", "error", "status",
"body", "headers", "path", "at"}; it is written before the answer is sent, so a client that
got its answer finds the line already there.
"""

import argparse
import json
import os
import shlex
import signal
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import standardwebhooks

LOCK = threading.Lock()


def next_answer(script_path):
    """Takes the first line of the script file (removing it), or None when there is none."""
    with LOCK:
        try:
            with open(script_path, encoding="utf-8") as handle:
                lines = [line.strip() for line in handle]
        except FileNotFoundError:
            return None
        lines = [line for line in lines if line and not line.startswith("#")]
        if not lines:
            return None
        first, rest = lines[0], lines[1:]
        temporary = script_path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in rest))
        os.replace(temporary, script_path)
        return first


def parse(line):
    """(kind, seconds, status, headers, body) of a script line."""
    if not line:
        words = ["200"]
    elif '"' in line or "'" in line:
        words = shlex.split(line)
    else:
        words = line.split()  # shlex is slow on the long bodies some tests ask for
    kind, seconds = "answer", 0.0
    if words[0] == "close":
        return "close", 0.0, None, {}, b""
    if words[0] == "hang":
        kind, seconds = "hang", float(words[1])
        words = words[2:] or ["200"]
    status = int(words[0])
    headers, body = {}, b""
    for word in words[1:]:
        name, _, value = word.partition("=")
        if name == "body":
            body = value.encode()
        else:
            headers[name] = value
    return kind, seconds, status, headers, body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        verified, error = False, None
        if self.server.secret is not None:
            try:
                standardwebhooks.Webhook(self.server.secret).verify(body, headers)
                verified = True
            except Exception as failure:  # The reason goes to the log.
                error = "%s: %s" % (type(failure).__name__, failure)
        kind, seconds, status, answer_headers, answer_body = parse(next_answer(self.server.script))
        entry = {
            "webhook_id": headers.get("webhook-id"),
            "timestamp": headers.get("webhook-timestamp"),
            "signature": headers.get("webhook-signature"),
            "verified": verified,
            "error": error,
            "status": kind if kind == "close" else status,
            "hang": seconds,
            "body": body.decode("utf-8", errors="replace"),
            "headers": headers,
            "path": self.path,
            "at": datetime.now(timezone.utc).isoformat(),
        }
        with LOCK:
            with open(self.server.log, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if kind == "close":
            self.close_connection = True
            return
        if seconds:
            time.sleep(seconds)
        try:
            self.send_response(status)
            for name, value in answer_headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer_body)))
            self.end_headers()
            self.wfile.write(answer_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up (a time-out test).

    def log_message(self, format, *args):
        pass  # The JSON log is the record.


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--secret")
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    # A test runner may start us with signals blocked or ignored: make SIGTERM end us.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    server.secret = options.secret
    server.script = options.script
    server.log = options.log
    temporary = options.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(str(server.server_address[1]))
    os.replace(temporary, options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
