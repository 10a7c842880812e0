import pytest
from flask import Flask

from collector.config import ConfigError, load_config


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"PUBLIC_URL": "ankieta.example.pl"}, "PUBLIC_URL"),
        ({"RATELIMIT_STORAGE_URI": "memcached://x"}, "RATELIMIT_STORAGE_URI"),
        ({"OCEN_ENV": "production"}, "SECRET_KEY must be set"),
        (
            {"OCEN_ENV": "production", "SECRET_KEY": "s" * 32},
            "RATELIMIT_STORAGE_URI=memory:// counts per process",
        ),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"API_CACHE_SECONDS": "ten"}, "API_CACHE_SECONDS"),
        ({"PROXY_COUNT": "yes"}, "PROXY_COUNT"),
    ],
)
def test_bad_configuration_stops_start_up_with_a_message(tmp_path, environ, message):
    app = Flask(__name__, instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match=message):
        load_config(app, environ=environ)


def test_local_secret_key_is_generated_once_and_kept(tmp_path):
    first = Flask(__name__, instance_path=str(tmp_path))
    load_config(first, environ={})
    second = Flask(__name__, instance_path=str(tmp_path))
    load_config(second, environ={})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_are_sqlite_under_instance_and_memory_rate_limits(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, environ={})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/ocen-urzad.db"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_plain_postgresql_url_uses_psycopg3(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, environ={"DATABASE_URL": "postgresql://u:p@db/ocen"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/ocen"


@pytest.mark.parametrize(
    "environ",
    [
        {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"},
        {"OCEN_SINGLE_PROCESS": "1"},
    ],
    ids=["redis", "one-process-stated"],
)
def test_production_starts_with_shared_limits_or_one_stated_process(tmp_path, environ):
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, environ={"OCEN_ENV": "production", "SECRET_KEY": "s" * 32, **environ})
    assert app.config["PRODUCTION"] is True


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"REPORT_BUILD_ORPHANED_SECONDS": 15}, "at least twice REPORT_BUILD_HEARTBEAT_SECONDS"),
        ({"REPORT_BUILD_HEARTBEAT_SECONDS": 0}, "at least twice REPORT_BUILD_HEARTBEAT_SECONDS"),
        ({"REPORT_BUILD_ATTEMPTS": 0}, "REPORT_BUILD_ATTEMPTS"),
    ],
)
def test_report_build_timing_that_would_take_over_live_builds_stops_start_up(
    tmp_path, config, message
):
    app = Flask(__name__, instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match=message):
        load_config(app, config=config, environ={})
