"""Sending e-mail over SMTP with the standard library: the settings read from ``MAIL_URL`` and a
mailer that keeps one connection for a run.

``MAIL_URL=smtp://user:pass@host:587`` (STARTTLS on port 587 or with ``?starttls=1``),
``smtps://user:pass@host:465`` (TLS from the first byte), ``?from=ankieta@urzad.pl`` for the sender.
Unset: no mail at all. The password is never logged or shown.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send: host, port, TLS (``starttls``, ``tls`` or ``none``), login and sender."""

    host: str
    port: int
    security: str
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = TIMEOUT_SECONDS

    def describe(self) -> str:
        """Return the settings as a log line may show them: no user name, no password."""
        security = {"starttls": "STARTTLS", "tls": "TLS", "none": "bez szyfrowania"}[self.security]
        return f"{self.host}:{self.port} ({security}), nadawca {self.sender}"


class MailError(Exception):
    """A message could not be handed to the SMTP server; the text says why, for the log and the panel."""


def describe_error(error: BaseException) -> str:
    """Return a short, password-free description of an SMTP or network failure."""
    if isinstance(error, smtplib.SMTPResponseException):
        raw = error.smtp_error
        reply = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        return f"serwer SMTP odpowiedział {error.smtp_code} {reply}".strip()[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "serwer SMTP odrzucił adres odbiorcy"
    if isinstance(error, socket.timeout | TimeoutError):
        return "serwer SMTP nie odpowiedział w czasie"
    if isinstance(error, ConnectionRefusedError):
        return "serwer SMTP odmówił połączenia"
    if isinstance(error, ssl.SSLError):
        return f"błąd TLS: {error.reason or error}"[:300]
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return "serwer SMTP nie obsługuje STARTTLS"
    if isinstance(error, OSError):
        return f"błąd sieci: {error.strerror or error}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


class Mailer:
    """Send messages over one SMTP connection, opened at the first message.

    Once the connection fails, every later message of the same run fails at once with the same
    error, instead of waiting for the server's timeout again for each.
    """

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.connection: smtplib.SMTP | None = None
        self.broken: str | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if s.security == "tls":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            connection.ehlo()
            if s.security == "starttls":
                # Never fall back to a clear-text session: the password would cross the network.
                if not connection.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("STARTTLS")
                connection.starttls(context=context)
                connection.ehlo()
            if s.username:
                connection.login(s.username, s.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server, or raise MailError saying why not."""
        if self.broken:
            raise MailError(self.broken)
        try:
            if self.connection is None:
                self.connection = self.connect()
            self.connection.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            text = describe_error(error)
            if not isinstance(error, smtplib.SMTPRecipientsRefused):
                # The connection itself failed: the next messages would fail the same way.
                self.broken = text
                self.close()
            raise MailError(text) from error

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None
