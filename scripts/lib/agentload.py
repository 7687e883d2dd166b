"""Logins against one or more agents for a time:
python3 agentload.py SECONDS CLIENTS SOURCE SOCKET [SOCKET...]

The password comes on standard input (one line), never in argv. CLIENTS threads per
socket log in as the account "seed" with it, from SOURCE, or each from its own
address when SOURCE is "-". Prints "answers per-second median-ms".
"""
import statistics
import sys
import threading
import time

from agentclient import Agent


def main():
    seconds, clients, source, paths = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    password = sys.stdin.readline().rstrip("\n")
    latencies, counts = [], []
    lock = threading.Lock()

    def worker(path, index):
        mine, n = [], 0
        with Agent(path) as agent:
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                t = time.perf_counter()
                agent.authenticate(
                    "seed", password, service="bench", source="192.0.2.%d" % (index + 1) if source == "-" else source)
                mine.append(time.perf_counter() - t)
                n += 1
        with lock:
            latencies.extend(mine)
            counts.append(n)

    threads = [
        threading.Thread(target=worker, args=(path, i * len(paths) + j))
        for i in range(clients)
        for j, path in enumerate(paths)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(sum(counts), sum(counts) / wall, statistics.median(latencies) * 1000)


if __name__ == "__main__":
    main()
