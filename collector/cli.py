"""Command-line tools: ``flask --app wsgi COMMAND``.

Each command calls a ``collector.operations`` function with ``CLI_ACTOR``, so what it creates or
deletes is checked by the panel's rules and written to the audit log as done by "cli".
"""

from __future__ import annotations

import secrets
import sys

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate import upgrade

from .audit import CLI_ACTOR, audit_change, model_values
from .enums import Role
from .extensions import db
from .models import User
from .operations import DomainError
from .operations.offices import add_origin, create_office
from .operations.responses import purge_responses
from .operations.users import check_password, create_user
from .surveys import get_office

# The command line's words for the domain's refusals (the panel has its own, in admin/problems.py).
REFUSALS = {
    "slug_format": "use 2-63 lowercase letters, digits and hyphens",
    "slug_taken": "Urząd {slug!r} już istnieje.",
    "email_format": "not an e-mail address",
    "email_taken": "Użytkownik {email} już istnieje.",
    "office_required": "--office is required for roles admin and reviewer.",
    "password_too_short": "Hasło musi mieć co najmniej {min} znaków.",
}
ORIGIN_REFUSAL = (
    "{origin!r} is not an allowed origin (https://host[:port]; http only for localhost): {code}"
)


def refusal(error: DomainError) -> click.ClickException:
    """Return the domain's refusal as a click error in the command line's words."""
    if error.code.startswith("origin"):
        return click.BadParameter(
            ORIGIN_REFUSAL.format(code=error.code, **error.params), param_hint="--origin"
        )
    text = REFUSALS.get(error.code, error.code).format(**error.params)
    if error.code == "slug_format":
        return click.BadParameter(text, param_hint="SLUG")
    if error.code == "email_format":
        return click.BadParameter(text, param_hint="EMAIL")
    if error.code == "office_required":
        return click.UsageError(text)
    return click.ClickException(text)


DEMO_SLUG = "demo"
DEMO_NAME = "Urząd Miasta Demo"
DEMO_ADMIN = "admin@demo.local"


@click.command("init-db")
def init_db_command() -> None:
    """Migrate the database to the newest schema."""
    upgrade()
    click.echo("Baza danych jest aktualna.")


@click.command("create-office")
@click.argument("slug")
@click.argument("name")
@click.option("--origin", "origins", multiple=True, help="An allowed origin, scheme://host[:port].")
def create_office_command(slug: str, name: str, origins: tuple[str, ...]) -> None:
    """Create an office with the default survey (pl, en, uk), published."""
    try:
        create_office(slug, name, origins=list(origins), actor=CLI_ACTOR)
    except DomainError as error:
        db.session.rollback()
        raise refusal(error) from error
    db.session.commit()
    click.echo(f"Utworzono urząd {slug!r}: {name}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo office (idempotent)."""
    origin = current_app.config["DEMO_ORIGIN"]
    office = get_office(DEMO_SLUG)
    if office is None:
        # The demo page's origin is configuration (http on a test host is fine), not typed data.
        office = create_office(
            DEMO_SLUG,
            DEMO_NAME,
            origins=[origin],
            privacy_url=origin + "/klauzula-informacyjna",
            actor=None,
            strict_origins=False,
        )
        office.address = "ul. Przykładowa 1, 00-001 Demo"
        office.contact_email = "urzad@demo.local"
        office.contact_phone = "+48 11 222 33 44"
        db.session.flush()
        record_creation(office)
        click.echo(f"Utworzono urząd demonstracyjny {DEMO_SLUG!r}.")
    else:
        add_origin(office, origin, CLI_ACTOR)
    db.session.commit()


def record_creation(obj: object) -> None:
    """Audit a record the command line created and then filled in, with its final values."""
    audit_change("create", obj, actor=CLI_ACTOR, after=model_values(obj))


def read_password(from_stdin: bool) -> str:
    """Read a new password: from stdin, or asked twice at the terminal; never echoed."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Hasło", hide_input=True, confirmation_prompt="Powtórz hasło")
    try:
        check_password(password)
    except DomainError as error:
        raise refusal(error) from error
    return password


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(Role.values()), required=True)
@click.option("--office", "office_slug", help="The office's slug (required unless superadmin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(
    email: str, role: str, office_slug: str | None, password_stdin: bool
) -> None:
    """Create a panel user; the password is asked twice or read from stdin."""
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    office = None
    if role != Role.SUPERADMIN:
        if not office_slug:
            raise click.UsageError("--office is required for roles admin and reviewer.")
        office = get_office(office_slug)
        if office is None:
            raise click.ClickException(f"Nie ma urzędu {office_slug!r}.")
    if db.session.scalar(sa.select(User).where(User.email == email.strip().lower())):
        raise click.ClickException(f"Użytkownik {email} już istnieje.")
    try:
        create_user(email, read_password(password_stdin), role, office, CLI_ACTOR)
    except DomainError as error:
        db.session.rollback()
        raise refusal(error) from error
    db.session.commit()
    click.echo(f"Utworzono użytkownika {email} ({role}).")


@click.command("ensure-demo-admin")
def ensure_demo_admin_command() -> None:
    """Create admin@demo.local with a random password printed once, if it does not exist."""
    if db.session.scalar(sa.select(User).where(User.email == DEMO_ADMIN)):
        return
    office = get_office(DEMO_SLUG)
    password = secrets.token_urlsafe(12)
    create_user(DEMO_ADMIN, password, Role.ADMIN, office, CLI_ACTOR)
    db.session.commit()
    click.echo("=" * 60)
    click.echo(f"Panel: {current_app.config['PUBLIC_URL']}/admin")
    click.echo(f"Login: {DEMO_ADMIN}   Hasło (pokazane tylko raz): {password}")
    click.echo("=" * 60)


@click.command("purge-responses")
@click.option("--office", "office_slug", required=True)
@click.option("--older-than", "days", type=click.IntRange(min=1), required=True, help="Days.")
def purge_responses_command(office_slug: str, days: int) -> None:
    """Delete the office's responses older than DAYS days (retention)."""
    office = get_office(office_slug)
    if office is None:
        raise click.ClickException(f"Nie ma urzędu {office_slug!r}.")
    removed = purge_responses(office, days, CLI_ACTOR)
    db.session.commit()
    click.echo(f"Usunięto {removed} odpowiedzi starszych niż {days} dni.")


def init_app(app: Flask) -> None:
    for command in (
        init_db_command,
        create_office_command,
        seed_demo_command,
        create_user_command,
        ensure_demo_admin_command,
        purge_responses_command,
    ):
        app.cli.add_command(command)
