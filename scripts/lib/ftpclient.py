#!/usr/bin/env python3
"""A real FTP client's login: log in, list the home directory (passive mode), quit.

usage: ftpclient.py PORT USER [SOURCE]    the password is the first line of standard input;
       SOURCE: the local address to connect from (such as 127.0.0.2), for the control
       connection and the data connections alike

Prints "in: " and the names in the home directory and exits 0 when the login and the
listing work; prints "refused: the server's answer" and exits 1 when the login is
refused; exits 2 on anything else.
"""
import ftplib
import sys


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 64
    port, user = int(sys.argv[1]), sys.argv[2]
    source = (sys.argv[3], 0) if len(sys.argv) == 4 else None
    password = sys.stdin.readline().rstrip("\n")
    try:
        with ftplib.FTP(timeout=60) as client:
            client.connect("127.0.0.1", port, source_address=source)
            try:
                client.login(user, password)
            except ftplib.error_perm as error:
                print("refused:", error)
                return 1
            names = client.nlst()
            client.quit()
    except Exception as error:  # noqa: BLE001 - any other failure is reported, not a refusal
        print("error:", repr(error))
        return 2
    print("in:", " ".join(sorted(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
