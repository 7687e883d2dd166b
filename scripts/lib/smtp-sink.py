#!/usr/bin/env python3
"""A tiny SMTP sink for tests: accepts every message on loopback and saves it.

Usage: smtp-sink.py DIRECTORY PORTFILE
Listens on 127.0.0.1 on a free port, writes the port to PORTFILE, and saves each
message as DIRECTORY/N.eml (exactly the DATA bytes, dot-unstuffed, CRLF kept) with
the envelope in DIRECTORY/N.envelope. Speaks just enough of RFC 5321 for msmtp,
Postfix and Exim clients: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
"""
import os
import socketserver
import sys

directory, portfile = sys.argv[1], sys.argv[2]
counter = 0


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        global counter
        self.reply("220 localhost wachter test sink")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 10485760")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = command[10:].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                counter += 1
                path = os.path.join(directory, "%d" % counter)
                with open(path + ".envelope", "w") as envelope:
                    envelope.write("from %s\nto %s\n" % (sender, " ".join(recipients)))
                with open(path + ".tmp", "wb") as message:
                    message.write(bytes(data))
                os.rename(path + ".tmp", path + ".eml")
                self.reply("250 OK queued as %d" % counter)
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


with Server(("127.0.0.1", 0), Handler) as server:
    with open(portfile + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()
