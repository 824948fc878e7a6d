"""HTTP plumbing of the emulator: the threaded server and request handler."""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from providers.emulator.wire import Reply

logger = logging.getLogger("providers.emulator")

CONTROL_PREFIX = "/_emulator/"


class EmulatorApp(Protocol):
    """Interface the handler uses to build replies."""

    def control(self, method: str, path: str, body: bytes) -> Reply: ...

    def serve_request(
        self, method: str, target: str, headers: Mapping[str, str]
    ) -> Reply: ...


class EmulatorServer(ThreadingHTTPServer):
    """Threaded HTTP server that can close its open keep-alive connections.

    Without that, a client's pooled connection would still be served by its
    handler thread after the emulator stopped.
    """

    daemon_threads = True
    emulator: EmulatorApp

    def server_activate(self) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open client connection."""
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            # A connection the client already closed raises OSError here.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or reset close their end, which is expected here.
        logger.debug("emulator connection from %s ended with an error", client_address)


class EmulatorHandler(BaseHTTPRequestHandler):
    server: EmulatorServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes. With Nagle's algorithm on,
    # the body waits for the client's delayed ACK, about 40 ms per request.
    disable_nagle_algorithm = True
    server_version = "provider-emulator"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        # The default writes the request line, with any apikey, to stderr.
        return

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        emulator = self.server.emulator
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            reply = emulator.control(method, path, body)
        else:
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = emulator.serve_request(method, self.path, headers)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.reset:
            # SO_LINGER with a zero timeout makes close() send a TCP RST.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)
