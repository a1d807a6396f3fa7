"""A client that declares a huge body gets its 413 at once: the server never waits for it."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from tests.races.conftest import RaceServer


def test_a_declared_300_mb_upload_is_refused_without_reading_it(race_server: RaceServer) -> None:
    address = urlsplit(race_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=60) as sock:
        sock.sendall(
            b"POST /api/v1/achievements/1/attachments HTTP/1.1\r\n"
            + f"Host: {address.netloc}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=x\r\n"
            + b"Content-Length: 314572800\r\n\r\n"
            + b"--x\r\n"
        )
        reply = _response(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b" 413 " in head.split(b"\r\n", 1)[0], reply[:500]
    assert "上限" in body.decode()


def _response(sock: socket.socket) -> bytes:
    """One HTTP response: its head, then as many body bytes as it declares."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body
