#!/usr/bin/env python3
"""Load for Dovecot's policy protocol: keep-alive HTTP/1.1 connections, each sending
allow and report requests as Dovecot 2.4 builds them, one at a time per connection.

usage: dovecot-policy-load.py PORT ACCOUNTS SECONDS CONNECTIONS [RATE]
Without RATE every connection sends as fast as it is answered (throughput); with RATE
requests are started at that many per second over all connections (latency at a rate).
Prints: requests, seconds, requests/s, p50 ms, p99 ms, max ms, errors.
"""
import asyncio, json, sys, time

port, accounts, seconds, connections = (int(a) for a in sys.argv[1:5])
rate = float(sys.argv[5]) if len(sys.argv) > 5 else None
latencies, errors = [], 0


def request(index):
    command = "allow" if index % 2 == 0 else "report"
    body = {"login": f"user{index % accounts}@example.nl", "pwhash": f"{index % 4096:03x}",
            "remote": f"198.51.100.{index % 250 + 1}", "device_id": "", "protocol": "imap",
            "session_id": f"s{index}", "fail_type": "", "tls": False}
    if command == "report":
        body.update(success=True, policy_reject=False)
    data = json.dumps(body).encode()
    head = (f"POST /?command={command} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode()
    return head + data


async def exchange(reader, writer, index):
    global errors
    start = time.perf_counter()
    writer.write(request(index))
    head = await reader.readuntil(b"\r\n\r\n")
    length = int([line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")][0].split(b":")[1])
    await reader.readexactly(length)
    latencies.append((time.perf_counter() - start) * 1000)
    if not head.startswith(b"HTTP/1.1 200"):
        errors += 1


async def closed_loop(number, deadline):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    index = number
    while time.perf_counter() < deadline:
        await exchange(reader, writer, index)
        index += connections
    writer.close()


async def open_loop(deadline):
    pool = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    interval, index, tasks = 1.0 / rate, 0, []
    start = time.perf_counter()

    async def one(i):
        connection = await pool.get()
        try:
            await exchange(*connection, i)
        finally:
            pool.put_nowait(connection)

    while time.perf_counter() < deadline:
        tasks.append(asyncio.ensure_future(one(index)))
        index += 1
        await asyncio.sleep(max(0.0, start + index * interval - time.perf_counter()))
    await asyncio.gather(*tasks)


async def main():
    start = time.perf_counter()
    deadline = start + seconds
    if rate is None:
        await asyncio.gather(*(closed_loop(n, deadline) for n in range(connections)))
    else:
        await open_loop(deadline)
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    print(f"{len(ordered)} {elapsed:.2f} {len(ordered) / elapsed:.0f} {pick(0.5):.2f} {pick(0.99):.2f} {ordered[-1]:.2f} {errors}")

asyncio.run(main())
