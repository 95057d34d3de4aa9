"""Fuzzes the control API from docs/openapi.yaml with schemathesis, against a running daemon.

Usage: python3 fuzz_api.py SOCKET SCHEMA SECONDS [REPORT]

schemathesis speaks HTTP over TCP; the daemon listens on a Unix socket. A loopback bridge
(127.0.0.1, a port of the kernel's choosing) carries each TCP connection to the socket, byte
for byte. The check that matters: no answer is a 5xx other than 503 (storage busy, or too
many connections), the rest of schemathesis' conformance checks run too but are reported,
not failed on. Exits with schemathesis' status; prints its summary.
"""

import asyncio
import os
import subprocess
import sys
import threading


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


def start_bridge(socket_path):
    """A TCP listener on loopback whose connections are joined to the Unix socket."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port = {}

    async def handle(tcp_reader, tcp_writer):
        try:
            unix_reader, unix_writer = await asyncio.open_unix_connection(socket_path)
        except OSError:
            tcp_writer.close()
            return
        await asyncio.gather(pipe(tcp_reader, unix_writer), pipe(unix_reader, tcp_writer))

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port["value"] = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await server.serve_forever()

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    ready.wait(10)
    return port["value"]


HOOKS = '''
import schemathesis

@schemathesis.check
def no_server_error_but_busy(ctx, response, case):
    """A 5xx other than 503 is a defect: the daemon must refuse bad input with a 4xx."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:400]}")
'''


def main():
    socket_path, schema, seconds = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    report = sys.argv[4] if len(sys.argv) > 4 else None
    port = start_bridge(socket_path)
    folder = os.environ.get("FUZZ_SCRATCH", "/tmp")
    hooks_path = os.path.join(folder, "followupd_fuzz_hooks.py")
    with open(hooks_path, "w") as hooks:
        hooks.write(HOOKS)
    env = dict(os.environ)
    env["SCHEMATHESIS_HOOKS"] = "followupd_fuzz_hooks"
    env["PYTHONPATH"] = folder + os.pathsep + env.get("PYTHONPATH", "")
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", schema,
        "--url", f"http://127.0.0.1:{port}",
        "--checks", "no_server_error_but_busy",
        "--max-time", seconds,
        "--workers", "1",
        "--phases", "examples,coverage,fuzzing",
        "--suppress-health-check", "all",
        "--request-timeout", "30",
        "--no-color",
        # The backup route writes a file wherever it is told (it is an admin's tool, and the
        # tests run as root): its refusals are tested by BackupTests, not by random paths.
        "--exclude-path", "/v1/backup",
    ]
    if report:
        command += ["--report", "junit", "--report-dir", report]
    result = subprocess.run(command, env=env, cwd=folder)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
