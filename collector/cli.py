"""Command-line tools: ``flask --app wsgi COMMAND``."""

from __future__ import annotations

import re
import secrets
import sys
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate import upgrade

from .extensions import db
from .models import ROLES, Answer, Office, Response, User, utcnow
from .passwords import MIN_PASSWORD_LENGTH, hash_password
from .surveys import create_office, get_office

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
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
    if not SLUG_RE.match(slug):
        raise click.BadParameter("use 2-63 lowercase letters, digits and hyphens", param_hint="SLUG")
    if get_office(slug):
        raise click.ClickException(f"Urząd {slug!r} już istnieje.")
    create_office(slug, name, origins=list(origins))
    db.session.commit()
    click.echo(f"Utworzono urząd {slug!r}: {name}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo office (idempotent)."""
    origin = current_app.config["DEMO_ORIGIN"]
    office = get_office(DEMO_SLUG)
    if office is None:
        office = create_office(DEMO_SLUG, DEMO_NAME, origins=[origin],
                               privacy_url=origin + "/klauzula-informacyjna")
        office.address = "ul. Przykładowa 1, 00-001 Demo"
        office.contact_email = "urzad@demo.local"
        office.contact_phone = "+48 11 222 33 44"
        click.echo(f"Utworzono urząd demonstracyjny {DEMO_SLUG!r}.")
    elif origin not in office.allowed_origins:
        office.allowed_origins = [*office.allowed_origins, origin]
    db.session.commit()


def read_password(from_stdin: bool) -> str:
    """Read a new password: from stdin, or asked twice at the terminal; never echoed."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Hasło", hide_input=True, confirmation_prompt="Powtórz hasło")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"Hasło musi mieć co najmniej {MIN_PASSWORD_LENGTH} znaków.")
    return password


def add_user(email: str, password: str, role: str, office: Office | None) -> User:
    """Add a user with a hashed password."""
    user = User(email=email.strip().lower(), password_hash=hash_password(password), role=role,
                office_id=office.id if office else None)
    db.session.add(user)
    return user


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--office", "office_slug", help="The office's slug (required unless superadmin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, office_slug: str | None, password_stdin: bool) -> None:
    """Create a panel user; the password is asked twice or read from stdin."""
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    office = None
    if role != "superadmin":
        if not office_slug:
            raise click.UsageError("--office is required for roles admin and reviewer.")
        office = get_office(office_slug)
        if office is None:
            raise click.ClickException(f"Nie ma urzędu {office_slug!r}.")
    if db.session.scalar(sa.select(User).where(User.email == email.strip().lower())):
        raise click.ClickException(f"Użytkownik {email} już istnieje.")
    add_user(email, read_password(password_stdin), role, office)
    db.session.commit()
    click.echo(f"Utworzono użytkownika {email} ({role}).")


@click.command("ensure-demo-admin")
def ensure_demo_admin_command() -> None:
    """Create admin@demo.local with a random password printed once, if it does not exist."""
    if db.session.scalar(sa.select(User).where(User.email == DEMO_ADMIN)):
        return
    office = get_office(DEMO_SLUG)
    password = secrets.token_urlsafe(12)
    add_user(DEMO_ADMIN, password, "admin", office)
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
    cutoff = utcnow() - timedelta(days=days)
    old = sa.select(Response.id).where(Response.office_id == office.id, Response.submitted_at < cutoff)
    db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(old)))
    removed = db.session.execute(
        sa.delete(Response).where(Response.office_id == office.id, Response.submitted_at < cutoff)
    ).rowcount
    db.session.commit()
    click.echo(f"Usunięto {removed} odpowiedzi starszych niż {days} dni.")


def init_app(app: Flask) -> None:
    for command in (init_db_command, create_office_command, seed_demo_command, create_user_command,
                    ensure_demo_admin_command, purge_responses_command):
        app.cli.add_command(command)
