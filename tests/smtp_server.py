"""A real SMTP server for the tests (aiosmtpd), which can be stopped and started again on its port."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """Keeps every message it accepts. `refuse_after(n)` makes it accept n more messages, then
    answer 451 to every further one and shut down, as a mail server that goes away mid-delivery.
    `hold()` makes it keep the next message's DATA unanswered (`holding` is set once one arrives)
    until `release()`, which answers 451: a sender can be killed in the middle of sending."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self._lock = threading.Lock()
        self._accept_left: int | None = None
        self._controller: Controller | None = None
        self._hold = False
        self.holding = threading.Event()
        self._released = threading.Event()

    # aiosmtpd handler
    async def handle_DATA(self, server, session, envelope):
        if self._hold:
            self._hold = False
            self.holding.set()
            while not self._released.is_set():
                await asyncio.sleep(0.02)
            return "451 Requested action aborted: held by the test"
        with self._lock:
            if self._accept_left is not None:
                if self._accept_left <= 0:
                    threading.Thread(target=self.stop, daemon=True).start()
                    return "451 Requested action aborted: shutting down"
                self._accept_left -= 1
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> SmtpServer:
        self._accept_left = None
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._released.set()
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def hold(self) -> None:
        self._released.clear()
        self.holding.clear()
        self._hold = True

    def release(self) -> None:
        self._released.set()

    def refuse_after(self, count: int) -> None:
        self._accept_left = count

    @property
    def running(self) -> bool:
        return self._controller is not None

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]
