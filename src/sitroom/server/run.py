"""Serving the API with uvicorn, with deadlines against slow and stalled clients.

uvicorn closes an idle keep-alive connection after ``keep_alive`` seconds, but
waits for ever on a client that connected and sends nothing, or half a
request: each such connection holds a socket (and, mid-body, a request) for
good. Here every request must arrive whole, headers and body, within
``read_timeout`` seconds of its first byte (of the connection, for the
first); a connection that misses it is closed. Headers are limited to
``max_header_bytes``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["KEEP_ALIVE", "MAX_HEADER_BYTES", "READ_TIMEOUT", "config", "serve"]

log = logging.getLogger(__name__)

READ_TIMEOUT = 30.0  # seconds to send one whole request (1 MiB at 35 KB/s)
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
MAX_HEADER_BYTES = 16 * 1024


class _DeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request does not arrive in time."""

    read_timeout: float = READ_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a client that connects has read_timeout seconds to send its request

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()  # a pipelined request may already be half read

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _follow(self) -> None:
        """Arm the deadline while a request is partly read; disarm it once it is whole."""
        state = self.conn.their_state
        if state is h11.SEND_BODY or (state is h11.IDLE and self.conn.trailing_data[0]):
            self._arm()
        else:
            self._disarm()

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.read_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            log.info("closed a connection from %s: no whole request within %g s", _peer(self.client), self.read_timeout)
            # mid-body, the application sees the client go away (http.disconnect)
            self.transport.close()


def _peer(client: Any) -> str:
    return "%s:%s" % tuple(client) if client else "?"


def config(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    read_timeout: float = READ_TIMEOUT,
    keep_alive: int = KEEP_ALIVE,
    log_level: str = "warning",
) -> uvicorn.Config:
    """The uvicorn configuration ``serve`` runs ``app`` with: HTTP/1.1 (h11) with a
    deadline of ``read_timeout`` seconds per request, idle connections closed after
    ``keep_alive`` seconds, headers up to MAX_HEADER_BYTES."""
    protocol = type("DeadlineProtocol", (_DeadlineProtocol,), {"read_timeout": float(read_timeout)})
    return uvicorn.Config(
        app, host=host, port=port, http=protocol, ws="none", log_level=log_level,
        timeout_keep_alive=keep_alive, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )  # fmt: skip


def serve(app: Any, *, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Serve ``app`` until interrupted (Ctrl-C), with the deadlines of ``config``."""
    uvicorn.Server(config(app, host=host, port=port, **options)).run()
