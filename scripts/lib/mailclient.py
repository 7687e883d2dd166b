#!/usr/bin/env python3
"""A real mail client's login: IMAP (login, select INBOX, logout) or POP3 (user, pass, stat, quit).

usage: mailclient.py imap|pop3 PORT USER [COUNT]     the password is the first line of standard input

Prints "in: ..." and exits 0 when the login and the mailbox work, prints "refused: the
server's answer" and exits 1 when the login is refused, exits 2 on anything else. With
COUNT, logs in COUNT times and prints the median and every login's time in milliseconds
(connect, login, select INBOX, logout), for scripts/bench/logins.
"""
import imaplib
import poplib
import statistics
import sys
import time


def imap(port: int, user: str, password: str) -> str:
    with imaplib.IMAP4("127.0.0.1", port, timeout=60) as client:
        try:
            client.login(user, password)
        except imaplib.IMAP4.error as error:
            raise PermissionError(str(error)) from None
        status, data = client.select("INBOX")
        if status != "OK":
            raise RuntimeError(f"select INBOX: {status} {data}")
        count = data[0].decode()
        client.close()
        client.logout()
    return f"INBOX selected, {count} messages, logged out"


def pop3(port: int, user: str, password: str) -> str:
    client = poplib.POP3("127.0.0.1", port, timeout=60)
    try:
        client.user(user)
        client.pass_(password)
    except poplib.error_proto as error:
        client.close()
        raise PermissionError(str(error)) from None
    messages, size = client.stat()
    client.quit()
    return f"maildrop has {messages} messages ({size} bytes), quit"


def main() -> int:
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("imap", "pop3"):
        print(__doc__, file=sys.stderr)
        return 64
    protocol, port, user = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    password = sys.stdin.readline().rstrip("\n")
    login = imap if protocol == "imap" else pop3
    if len(sys.argv) == 5:
        times = []
        for _ in range(int(sys.argv[4])):
            start = time.perf_counter()
            login(port, user, password)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{statistics.median(times):.2f}", " ".join(f"{t:.2f}" for t in times))
        return 0
    try:
        print("in:", login(port, user, password))
        return 0
    except PermissionError as error:
        print("refused:", error)
        return 1
    except Exception as error:  # noqa: BLE001 - any other failure is reported, not a refusal
        print("error:", repr(error))
        return 2


if __name__ == "__main__":
    sys.exit(main())
