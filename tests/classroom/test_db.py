"""The schema comes from the Alembic migrations, on SQLite (WAL mode) and on PostgreSQL."""

from sqlalchemy import inspect, text

from cnnlab.classroom.db.engine import database_url, open_database, upgrade
from cnnlab.classroom.db.models import Base

TABLES = {"challenges", "submissions", "login_attempts", "presence"}


def test_migrations_create_every_table(db):
    names = set(inspect(db.engine).get_table_names())
    assert TABLES <= names and "alembic_version" in names
    assert set(Base.metadata.tables) == TABLES  # the models and the migration agree
    with db.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0001"


def test_downgrade_and_upgrade_again(db):
    from alembic import command
    from cnnlab.classroom.db.engine import alembic_config

    config = alembic_config(db.engine)
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    upgrade(db.engine)
    assert TABLES <= set(inspect(db.engine).get_table_names())


def test_sqlite_file_is_in_wal_mode_and_reopens(tmp_path):
    url = database_url(None, tmp_path / "runs")
    assert url.endswith("/runs/cnnlab.sqlite3")
    first = open_database(url)
    with first.engine.connect() as conn:
        assert conn.execute(text("pragma journal_mode")).scalar() == "wal"
    second = open_database(url)  # a second web process: upgrade head is a no-op
    assert set(inspect(second.engine).get_table_names()) >= TABLES


def test_configured_url_wins(tmp_path):
    assert database_url("postgresql://u@h/db", tmp_path) == "postgresql://u@h/db"


def test_web_processes_starting_together_share_one_schema(tmp_path):
    """Several processes upgrading the same new SQLite file at once all end up at head."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    code = ("import sys; from cnnlab.classroom.db.engine import open_database; "
            "open_database(sys.argv[1])")
    procs = [subprocess.Popen([sys.executable, "-c", code, url]) for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    db = open_database(url)
    with db.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0001"


def test_models_and_migrations_agree(db):
    """Alembic's autogenerate finds nothing to add: a model change needs a new migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
