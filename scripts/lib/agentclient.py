"""A client of the agent protocol (docs/PROTOCOL.md), for the test scripts and benchmarks.

    from agentclient import Agent
    with Agent("/run/wachter/agent.sock") as agent:
        code, reason = agent.authenticate("info@example.nl", password, source="192.0.2.1")

Codes are the protocol's names: success, failure, expired, locked, unknown-user,
policy-refusal, denied, error.
"""
import socket
import struct

CODES = {0x00: "success", 0x01: "failure", 0x02: "expired", 0x03: "locked", 0x04: "unknown-user",
         0x05: "policy-refusal", 0x06: "denied", 0x7F: "error"}


def field(value):
    data = value if isinstance(value, bytes) else value.encode()
    return struct.pack(">H", len(data)) + data


def frame(kind, *fields):
    body = bytes([kind]) + b"".join(field(f) for f in fields)
    return b"\x01" + struct.pack(">I", len(body)) + body


class Agent:
    def __init__(self, path, timeout=30):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.sock.close()

    def _read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the agent closed the connection")
            data += chunk
        return data

    def ask(self, kind, *fields):
        self.sock.sendall(frame(kind, *fields))
        header = self._read(5)
        length = struct.unpack(">I", header[1:5])[0]
        body = self._read(length)
        code = CODES.get(body[0], "error")
        reason_length = struct.unpack(">H", body[1:3])[0]
        return code, body[3:3 + reason_length].decode(errors="replace")

    def authenticate(self, user, password, service="imap", source=""):
        return self.ask(0x01, service, user, source, password)

    def status(self, user, service="imap", source=""):
        return self.ask(0x02, service, user, source)
