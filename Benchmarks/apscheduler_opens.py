#!/usr/bin/env python3
"""The peer of followupd's open benchmark: APScheduler 3 with its SQLAlchemy SQLite job store.

Opening a case there means adding its two durable date jobs (the resend at +24 h and the
report at +72 h), each committed to SQLite by the job store, from the same number of
concurrent clients. Prints one JSON line: opens/s, p50 and p99 latency in ms.

Run by followupd-bench (it creates a virtualenv with apscheduler and SQLAlchemy); by hand:
  python3 -m venv .build/apscheduler-venv && .build/apscheduler-venv/bin/pip install 'apscheduler<4' sqlalchemy
  .build/apscheduler-venv/bin/python Benchmarks/apscheduler_opens.py --count 5000 --clients 16
"""
import argparse
import datetime
import json
import os
import statistics
import tempfile
import threading
import time

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler


def resend(case_id):  # pragma: no cover - never due during the benchmark
    pass


def report(case_id):  # pragma: no cover
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="apscheduler-bench-")
    url = "sqlite:///" + os.path.join(folder, "jobs.sqlite")
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)})
    scheduler.start()

    latencies = []
    lock = threading.Lock()
    per_client = args.count // args.clients

    def client(index):
        mine = []
        now = datetime.datetime.now(datetime.timezone.utc)
        for n in range(per_client):
            case_id = f"FU-{index}-{n}"
            started = time.perf_counter()
            scheduler.add_job(resend, "date", run_date=now + datetime.timedelta(hours=24), args=[case_id], id=case_id + "-resend")
            scheduler.add_job(report, "date", run_date=now + datetime.timedelta(hours=72), args=[case_id], id=case_id + "-report")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    scheduler.shutdown(wait=False)

    latencies.sort()
    total = len(latencies)
    print(json.dumps({
        "opens": total,
        "seconds": round(elapsed, 3),
        "opens_per_second": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(latencies[int(total * 0.99) - 1] * 1000, 3),
    }))


if __name__ == "__main__":
    main()
