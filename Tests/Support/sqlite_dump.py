"""Prints an SQLite file's schema and every row of every table as JSON, read with Python's own
sqlite3 module (not followupd's code): the upgrade tests compare what followupd reads back
after migrating a database with what the file held before.

    python3 sqlite_dump.py FILE

Output: {"schema": [[type, name, sql], ...], "tables": {name: [{column: value}, ...]}};
a BLOB is {"blob": "<hex>"}, a REAL stays a float (JSON keeps its 17 digits). The file is
opened read-only (immutable when it has no -wal file: then not even a -shm file is made).
"""

import json
import os
import sqlite3
import sys


def value(v):
    if isinstance(v, bytes):
        return {"blob": v.hex()}
    return v


def main(path):
    # A file with a write-ahead log (a store still open) is read with it; else immutable.
    mode = "mode=ro" if os.path.exists(path + "-wal") else "immutable=1"
    db = sqlite3.connect(f"file:{path}?{mode}", uri=True)
    schema = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    tables = {}
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if name.startswith("sqlite_"):
            continue
        cursor = db.execute(f'SELECT * FROM "{name}"')
        columns = [d[0] for d in cursor.description]
        tables[name] = [dict(zip(columns, map(value, row))) for row in cursor]
    json.dump({"schema": schema, "tables": tables}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
