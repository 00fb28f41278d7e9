"""Open the classroom database and bring its schema to the newest migration.

`open_database(url)` returns a `Database` (engine + session factory) after running Alembic's
`upgrade head`, so a fresh server creates its tables and an updated one upgrades them at start.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from cnnlab.errors import LabError
from cnnlab.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "cnnlab.sqlite3"
LOCK_KEY = 0x636E6E6C  # "cnnl": PostgreSQL advisory lock held while migrating
BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another process's write to finish


@dataclass(frozen=True)
class Database:
    engine: Engine
    session: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)


def database_url(configured: str | None, runs_dir: Path) -> str:
    """The teacher's URL, or a SQLite file beside the students' runs."""
    if configured:
        return configured
    return f"sqlite:///{Path(runs_dir).resolve() / SQLITE_FILE}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL mode, a busy timeout and foreign keys."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]  # psycopg 3, not psycopg2
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        raise LabError(_("The database_url setting {url} cannot be used ({error}). Use "
                         "sqlite:///path/file.sqlite3 or postgresql://user:pass@host/db.").format(
                             url=repr(url), error=exc)) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers in other web processes go on while one writes; a writer waits its turn."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url",
                           engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` on this engine's database, one process at a time.

    Web processes starting together would otherwise all see an empty schema and all create
    it. PostgreSQL holds an advisory lock for the transaction (its DDL is transactional);
    SQLite's driver commits each CREATE TABLE at once, so there a lock file beside the
    database keeps the whole upgrade to one process.
    """
    from alembic import command

    config = alembic_config(engine)
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def open_database(url: str) -> Database:
    """Connect, upgrade the schema to the newest migration, and hand out sessions."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    except LabError:
        raise
    except Exception as exc:
        raise LabError(_("The classroom database at {url} cannot be opened or upgraded "
                         "({error}). Check database_url and that the database server is "
                         "running.").format(url=engine.url.render_as_string(True),
                                            error=f"{type(exc).__name__}: {exc}")) from None
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
