#!/usr/bin/env python3
"""TCP line receiver for output tests: `tcp_line_receiver.py PORT OUT` listens on
127.0.0.1:PORT, prints "ready", and appends every received line to OUT as it arrives
(flushed each time, so a SIGKILL loses nothing it has read)."""
import selectors
import socket
import sys

port, out_path = int(sys.argv[1]), sys.argv[2]
lsn = socket.socket()
lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsn.bind(("127.0.0.1", port))
lsn.listen(16)
sel = selectors.DefaultSelector()
sel.register(lsn, selectors.EVENT_READ)
pending = {}
out = open(out_path, "ab")
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        if key.fileobj is lsn:
            conn, _ = lsn.accept()
            sel.register(conn, selectors.EVENT_READ)
            pending[conn] = b""
            continue
        conn = key.fileobj
        data = conn.recv(65536)
        if not data:
            sel.unregister(conn)
            conn.close()
            continue
        buf = pending[conn] + data
        *lines, pending[conn] = buf.split(b"\n")
        for line in lines:
            out.write(line + b"\n")
        out.flush()
