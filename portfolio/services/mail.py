"""Outgoing email through SMTP, used only when ``MAIL_SERVER`` is configured.

Code that has something to say calls ``send_later`` once its change is committed: a worker
sends the email (``tasks.send_mail``), so a slow or unreachable mail server never holds up a
request, and nobody is told about a change that was then rolled back.
"""

import smtplib
from email.message import EmailMessage

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_later(to: str, subject: str, body: str) -> None:
    """Queue a plain-text email for a worker to send; raises when the task queue cannot be
    reached (the caller logs it and carries on: its change is already committed)."""
    from .. import tasks

    tasks.send_mail(to, subject, body)


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text email now (a worker does, see ``send_later``); raises ``OSError``
    (``smtplib``'s errors are OSErrors too) on failure."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
