"""The teacher's settings file and environment override the defaults, and bad values are named."""

import pytest

from cnnlab.errors import LabError
from cnnlab.classroom.limits import Limits
from cnnlab.classroom.settings import DEFAULT_CONFIG, Settings, load_settings


def test_defaults_without_file_or_environment(tmp_path):
    settings = load_settings(tmp_path / "missing.toml", environ={})
    assert settings.limits == Limits()
    assert settings.max_workers >= 1


def test_shipped_file_matches_the_defaults():
    assert load_settings(DEFAULT_CONFIG, environ={}).limits == Limits()


def test_file_then_environment_take_precedence(tmp_path):
    path = tmp_path / "class.toml"
    path.write_text('[server]\nruns_dir = "/srv/runs"\nmax_workers = 3\n[limits]\nmax_epochs = 5\nmax_units = 64\n')
    settings = load_settings(path, environ={"CNNLAB_MAX_EPOCHS": "2"})
    assert settings.limits.max_epochs == 2 and settings.limits.max_units == 64
    assert str(settings.runs_dir) == "/srv/runs" and settings.max_workers == 3
    assert settings.worker_nice == Settings().worker_nice  # not in the file: the default


@pytest.mark.parametrize("environ, level", [({}, 0), ({"CNNLAB_WORKER_NICE": "19"}, 19)])
def test_worker_nice_from_file_or_environment(tmp_path, environ, level):
    path = tmp_path / "class.toml"
    path.write_text("[server]\nworker_nice = 0\n")
    assert load_settings(path, environ=environ).worker_nice == level


@pytest.mark.parametrize("file, environ, url", [
    ("", {}, None),  # the default: this server's own worker pool
    ('redis_url = "redis://10.0.0.5:6379/0"', {}, "redis://10.0.0.5:6379/0"),
    ('redis_url = "redis://a:6379/0"', {"CNNLAB_REDIS_URL": "unix:///run/redis.sock"},
     "unix:///run/redis.sock"),
    ('redis_url = "redis://a:6379/0"', {"CNNLAB_REDIS_URL": ""}, None),  # emptied: local again
])
def test_redis_url_switches_the_job_queue(tmp_path, file, environ, url):
    path = tmp_path / "class.toml"
    path.write_text(f"[server]\n{file}\n")
    assert load_settings(path, environ=environ).redis_url == url


def test_config_path_from_environment(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text("[limits]\nmax_layers = 7\n")
    assert load_settings(environ={"CNNLAB_CONFIG": str(path)}).limits.max_layers == 7


@pytest.mark.parametrize("text, message", [
    ("[limits]\nmax_epochs = 0\n", "max_epochs must be at least 1"),
    ("[limits]\nmax_epochs = 'ten'\n", "max_epochs must be a whole number"),
    ("[limits]\nmax_epoch = 3\n", "Unknown setting"),
    ("[limits\n", "not valid TOML"),
    ("[server]\nworker_nice = 20\n", "worker_nice must be between 0 and 19"),
    ("[server]\nworker_nice = -1\n", "worker_nice must be at least 0"),
    ("[server]\nredis_url = 'localhost:6379'\n", "redis_url must start with redis://"),
])
def test_bad_settings_are_named(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(LabError, match=message):
        load_settings(path, environ={})


def test_database_url_and_teacher_hash_from_file_or_environment(tmp_path):
    path = tmp_path / "class.toml"
    path.write_text('[server]\ndatabase_url = "sqlite:////srv/class.sqlite3"\n'
                    'teacher_password_hash = "scrypt$from-file"\n')
    from_file = load_settings(path, environ={})
    assert from_file.database_url == "sqlite:////srv/class.sqlite3"
    assert from_file.teacher_password_hash == "scrypt$from-file"
    from_env = load_settings(path, environ={"CNNLAB_DATABASE_URL": "postgresql://u@h/db",
                                            "CNNLAB_TEACHER_PASSWORD_HASH": "scrypt$env"})
    assert from_env.database_url == "postgresql://u@h/db"
    assert from_env.teacher_password_hash == "scrypt$env"
    unset = load_settings(tmp_path / "none.toml", environ={"CNNLAB_TEACHER_PASSWORD_HASH": " "})
    assert unset.database_url is None and unset.teacher_password_hash is None
