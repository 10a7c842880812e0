"""Flask extensions, created unbound and bound to an app in ``create_app``."""

import logging

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
# The client address is used only as an in-memory (or Redis) counter key, never stored in the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class LimiterLogWithoutAddress(logging.Filter):
    """Keep the client's address out of Flask-Limiter's log line about a breached limit.

    Flask-Limiter logs every 429 as ``ratelimit LIMIT (KEY) exceeded at endpoint: SCOPE``, where the
    key is the resident's address; the line stays (operators see limits being hit), the key goes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.msg == "ratelimit %s (%s) exceeded at endpoint: %s" and isinstance(args, tuple):
            record.msg = "ratelimit %s exceeded at endpoint: %s"
            record.args = (args[0], args[2])
        return True


logging.getLogger("flask-limiter").addFilter(LimiterLogWithoutAddress())
