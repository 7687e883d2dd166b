"""Logins against one or more agents for a time:
python3 agentload.py SECONDS CLIENTS SOURCE SOCKET [SOCKET...]

The password comes on standard input (one line), never in argv. CLIENTS clients per
socket log in as the account "seed" with it, from SOURCE, or each from its own
address when SOURCE is "-". Each client is a process of its own, so that Python's
global lock does not cap the rate. Prints "answers per-second median-ms".
"""
import multiprocessing
import statistics
import sys
import time

from agentclient import Agent


def client(path, source, password, seconds, start, results):
    mine = []
    with Agent(path) as agent:
        while time.time() < start:
            time.sleep(0.001)
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            agent.authenticate("seed", password, service="bench", source=source)
            mine.append(time.perf_counter() - t)
    results.put(mine)


def main():
    seconds, clients, source, paths = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    password = sys.stdin.readline().rstrip("\n")
    results = multiprocessing.Queue()
    start = time.time() + 0.5
    processes = []
    for i in range(clients):
        for j, path in enumerate(paths):
            index = i * len(paths) + j
            address = "192.0.2.%d" % (index + 1) if source == "-" else source
            processes.append(
                multiprocessing.Process(target=client, args=(path, address, password, seconds, start, results)))
    for p in processes:
        p.start()
    latencies = []
    for _ in processes:
        latencies.extend(results.get())
    for p in processes:
        p.join()
    print(len(latencies), len(latencies) / seconds, statistics.median(latencies) * 1000)


if __name__ == "__main__":
    main()
