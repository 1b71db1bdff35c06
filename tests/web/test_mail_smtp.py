"""The SMTP path against a real SMTP server (aiosmtpd) started by the test."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.web.test_auth_routes import SIGNUP


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def app_config_overrides(smtp_server):
    controller, _handler = smtp_server
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port}


def test_signup_mail_goes_over_smtp(client, reference, smtp_server, outbox):
    _controller, handler = smtp_server
    response = client.post("/registrieren", data=SIGNUP)
    assert response.status_code == 302
    [message] = handler.messages
    assert message["To"] == "neu@example.com"
    assert "bestätigen" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "http://localhost/bestaetigen/" in body
    assert outbox.messages() == [], "with SMTP configured, nothing goes to the outbox"
