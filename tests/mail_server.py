"""A real SMTP server on loopback for tests of email: aiosmtpd, which smtplib talks to."""

import socket

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd's handler: every message received, as the raw bytes that arrived."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


class MailServer:
    def __init__(self):
        self.inbox = Inbox()
        with socket.socket() as probe:  # aiosmtpd wants a port it can connect to at start
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
        self.server_address = ("127.0.0.1", port)

    @property
    def messages(self) -> list[bytes]:
        return self.inbox.messages


def start() -> MailServer:
    server = MailServer()
    server.controller.start()
    return server


def stop(server: MailServer) -> None:
    server.controller.stop()
