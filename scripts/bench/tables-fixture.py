#!/usr/bin/env python3
"""Fills a wachter store (made by `wachter init`) for the table benchmark, directly
with sqlite3: ROWS customers, accounts, login events, audit entries and sites (each
site with one check), so that `customer list`, `account list`, `logins`, `audit` and
`site list` each print ROWS rows. Deterministic (seeded).

Usage: tables-fixture.py STORE NOW_EPOCH HASH [ROWS]
The audit entries form a valid chain, and the anchor file records its head.
HASH is one real yescrypt hash that every account shares (listing only parses it).
"""
import hashlib
import os
import random
import sqlite3
import struct
import sys

store, now, good_hash = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
random.seed(12)
day = 86400.0
db = sqlite3.connect(store)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
db.executemany(
    "INSERT INTO customer (id, name, company, email, created_at) VALUES (?, ?, ?, ?, ?)",
    (("c%06d" % i, "Customer %d" % i, "Company %d BV" % i if i % 3 else None, "owner@c%06d.example" % i,
      now - 800 * day) for i in range(rows)))
kinds = ["mailbox", "ftp", "ssh", "panel"]
names = ["user%06d@c%06d.example" % (i, i) if kinds[i % 4] == "mailbox" else "user%06d" % i for i in range(rows)]
db.executemany(
    """INSERT INTO account (name, kind, customer_id, hash, password_set_at, must_change, locked, locked_until,
       failures, last_login, created_at) VALUES (?, ?, ?, ?, ?, 0, 0, NULL, 0, ?, ?)""",
    ((names[i], kinds[i % 4], "c%06d" % i, good_hash, now - random.uniform(0, 420) * day,
      now - random.uniform(0, 300) * day if random.random() < 0.9 else None, now - 700 * day) for i in range(rows)))
results = ["success"] * 90 + ["failure"] * 8 + ["unknown-user"] * 2
db.executemany(
    "INSERT INTO login_event (time, account, service, source, result, reason) VALUES (?, ?, ?, ?, ?, ?)",
    ((now - random.uniform(0, 30) * day, random.choice(names), "dovecot", "192.0.2.%d" % random.randint(1, 254), result,
      None if result == "success" else "wrong password")
     for result in (random.choice(results) for _ in range(rows))))


head = {}


def audit_rows():
    # A real chain (AuditChain.digest: length-prefixed fields), so that the trail also verifies.
    previous = "0" * 64
    for sequence in range(1, rows + 1):
        time = now - (rows - sequence) * 60.0
        fields = [previous, str(sequence), "%x" % struct.unpack("<Q", struct.pack("<d", time))[0],
                  "root", "passwd", names[sequence - 1], ""]
        digest = hashlib.sha256()
        for field in fields:
            data = field.encode()
            digest.update(str(len(data)).encode() + b":" + data)
        current = digest.hexdigest()
        yield (sequence, time, "root", "passwd", names[sequence - 1], "", previous, current)
        previous = current
        head["line"] = "audit-head sequence=%d hash=%s\n" % (sequence, current)


db.executemany(
    "INSERT INTO audit (sequence, time, actor, action, target, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    audit_rows())
db.executemany("INSERT INTO site (domain, customer_id, connect, created_at) VALUES (?, ?, ?, ?)",
               (("site%06d.example" % i, "c%06d" % i, "192.0.2.%d:443" % (i % 254 + 1) if i % 5 == 0 else None,
                 now - 90 * day) for i in range(rows)))
db.executemany(
    "INSERT INTO site_check (domain, checked_at, verdict, problems, not_after) VALUES (?, ?, ?, ?, ?)",
    (("site%06d.example" % i, now - random.uniform(0, 1) * day, "ok", "", now + random.uniform(21, 90) * day)
     for i in range(rows)))
db.commit()
db.execute("ANALYZE")
db.close()
# The audit anchor beside the store (docs/SECURITY.md) records the new trail's head.
if head:
    anchor = os.open(store + ".audit-head.tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(anchor, head["line"].encode())
    os.close(anchor)
    os.rename(store + ".audit-head.tmp", store + ".audit-head")
