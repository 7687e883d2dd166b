#!/usr/bin/env python3
"""Fills a wachter store (made by `wachter init`) for the report benchmark, directly
with sqlite3, not through the hashing path.

Usage: report-fixture.py STORE NOW_EPOCH HASH [ACCOUNTS SITES EVENTS DAYS]
Defaults: 100,000 accounts of 10,000 customers, 1,000 sites with 4 checks each,
1,000,000 login events over 90 days before NOW. HASH is one real yescrypt hash
(every account shares it: the report only parses hashes); 3% get a sha512crypt
string instead, so the below-policy section has work. Deterministic (seeded).
"""
import random
import sqlite3
import sys

store, now, good_hash = sys.argv[1], float(sys.argv[2]), sys.argv[3]
accounts, sites, events, days = (int(x) for x in (sys.argv[4:8] + ["100000", "1000", "1000000", "90"][len(sys.argv[4:8]):]))
random.seed(8)
day = 86400.0
legacy_hash = "$6$benchsalt$" + "x" * 86
db = sqlite3.connect(store)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
customers = max(1, accounts // 10)
db.executemany("INSERT INTO customer (id, name, company, email, created_at) VALUES (?, ?, NULL, NULL, ?)",
               (("c%05d" % i, "Customer %d" % i, now - 800 * day) for i in range(customers)))
kinds = ["mailbox", "ftp", "ssh", "panel"]
names = []


def account_rows():
    for i in range(accounts):
        kind = kinds[i % 4]
        customer = "c%05d" % (i % customers)
        name = "user%06d@c%05d.example" % (i, i % customers) if kind == "mailbox" else "user%06d" % i
        names.append(name)
        set_at = now - random.uniform(0, 420) * day
        must_change = 1 if random.random() < 0.005 else 0
        locked = 1 if random.random() < 0.001 else 0
        last_login = now - random.uniform(0, 300) * day if random.random() < 0.9 else None
        yield (name, kind, customer, legacy_hash if random.random() < 0.03 else good_hash, set_at, must_change, locked,
               None, 0, last_login, now - 700 * day)


db.executemany("""INSERT INTO account (name, kind, customer_id, hash, password_set_at, must_change, locked,
                  locked_until, failures, last_login, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
               account_rows())
results = ["success"] * 90 + ["failure"] * 8 + ["unknown-user"] * 2
attackers = ["203.0.113.%d" % i for i in range(1, 40)]


def event_rows():
    for _ in range(events):
        time = now - random.uniform(0, days) * day
        result = random.choice(results)
        if result == "success":
            yield (time, random.choice(names), "dovecot", "192.0.2.%d" % random.randint(1, 254), result, None)
        elif result == "failure":
            yield (time, random.choice(names), "dovecot", random.choice(attackers), result, "wrong password")
        else:
            yield (time, "guess%04d" % random.randint(0, 5000), "sshd", random.choice(attackers), result, None)


db.executemany("INSERT INTO login_event (time, account, service, source, result, reason) VALUES (?, ?, ?, ?, ?, ?)",
               event_rows())
# Rows as a store before encryption holds them: the plain source is its own digest
# (migration v8-login-source-digest); `wachter key rotate` seals them (scripts/bench/privacy).
db.execute("UPDATE login_event SET source_digest = source")
# The site tables come from the store's own migration (v4-sites).
db.executemany("INSERT INTO site (domain, customer_id, created_at) VALUES (?, ?, ?)",
               (("site%04d.example" % i, "c%05d" % (i % customers), now - 90 * day) for i in range(sites)))


def check_rows():
    for i in range(sites):
        not_after = now + random.uniform(-5, 90) * day
        for week in range(4):
            checked = now - (week * 7 + random.uniform(0, 1)) * day
            left = (not_after - checked) / day
            verdict = "critical" if left < 0 else "warning" if left < 21 else "ok"
            problem = "the certificate expired" if left < 0 else "the certificate expires in %d days" % left if left < 21 else ""
            yield ("site%04d.example" % i, checked, verdict, problem, not_after)


db.executemany("INSERT INTO site_check (domain, checked_at, verdict, problems, not_after) VALUES (?, ?, ?, ?, ?)",
               check_rows())
db.commit()
db.execute("ANALYZE")
db.close()
