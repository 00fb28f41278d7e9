"""The classroom database on both engines: a SQLite file, and a real PostgreSQL server started
once for the session (tests/postgres.py); each test gets an empty, freshly migrated database."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, text

from cnnlab.classroom.db.engine import open_database
from tests.postgres import postgres_server


@pytest.fixture(scope="session")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """An upgraded classroom Database on each engine."""
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'class.sqlite3'}")
        yield database
        database.engine.dispose()
        return
    server = request.getfixturevalue("postgres_url")
    name = f"t_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    database = open_database(server.rsplit("/", 1)[0] + f"/{name}")
    yield database
    database.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()
