"""MAIL_URL: read once at start-up into SMTP settings (or none), bad values refused with a message;
the mailer refuses to send a password in the clear when STARTTLS was asked for."""

from __future__ import annotations

import logging
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from collector.config import ConfigError, check_mail_url, load_config
from collector.mail import Mailer, MailError, MailSettings

PUBLIC = "https://ankieta.example.pl"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://jan%40urzad.pl:tajne%2Fhas%C5%82o@smtp.urzad.pl:587",
            ("smtp.urzad.pl", 587, "starttls", "jan@urzad.pl", "jan@urzad.pl", "tajne/hasło"),
        ),
        (
            "smtp://smtp.urzad.pl?starttls=1&from=ankieta@urzad.pl",
            ("smtp.urzad.pl", 587, "starttls", "ankieta@urzad.pl", "", ""),
        ),
        ("smtp://relay:2525", ("relay", 2525, "none", "ankieta@ankieta.example.pl", "", "")),
        ("smtp://relay", ("relay", 25, "none", "ankieta@ankieta.example.pl", "", "")),
        (
            "smtp://relay:587?starttls=0",
            ("relay", 587, "none", "ankieta@ankieta.example.pl", "", ""),
        ),
        (
            "smtps://user:pass@mail.example.pl?from=Ankieta@urzad.pl",
            ("mail.example.pl", 465, "tls", "Ankieta@urzad.pl", "user", "pass"),
        ),
    ],
)
def test_mail_url_is_read_into_settings(url, expected):
    s = check_mail_url(url, PUBLIC)
    assert (s.host, s.port, s.security, s.sender, s.username, s.password) == expected
    assert "pass" not in s.describe() and "hasło" not in s.describe() and "pass" not in repr(s)


@pytest.mark.parametrize(
    "url",
    [
        "http://smtp.urzad.pl",
        "smtp://",
        "smtp://host:port",
        "smtp://host?tls=1",
        "smtp://host?starttls=yes",
        "smtps://host?starttls=1",
        "smtp://host?from=nobody",
        "smtp://host?from=a@b.pl%0D%0ABcc:x@y.pl",
    ],
)
def test_a_bad_mail_url_stops_start_up_naming_the_variable(tmp_path, url):
    app = Flask(__name__, instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match="MAIL_URL"):
        load_config(app, environ={"MAIL_URL": url})


def test_start_up_says_once_whether_mail_is_on(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="collector.config")
    load_config(Flask(__name__, instance_path=str(tmp_path)), environ={})
    load_config(
        Flask(__name__, instance_path=str(tmp_path)),
        environ={"MAIL_URL": "smtp://u:sekret@smtp.urzad.pl:587"},
    )
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert sum("E-mail is off: MAIL_URL is not set" in line for line in lines) == 1
    assert sum("E-mail is on: SMTP smtp.urzad.pl:587 (STARTTLS)" in line for line in lines) == 1
    assert not any("sekret" in line for line in lines)


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_starttls_asked_for_but_not_offered_sends_nothing():
    """A server without STARTTLS (or a man in the middle stripping it) gets no clear-text message."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = MailSettings("127.0.0.1", controller.port, "starttls", "a@urzad.pl", "u", "p")
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = "Zażółć", "a@urzad.pl", "b@urzad.pl"
        message.set_content("treść")
        with Mailer(settings) as mailer, pytest.raises(MailError, match="nie obsługuje STARTTLS"):
            mailer.send(message)
        assert sink.messages == []
    finally:
        controller.stop()
