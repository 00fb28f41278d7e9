"""The teacher's server settings: one TOML file plus environment variables, read once at start.

Precedence, lowest first: the defaults in `Limits` and `Settings`, the TOML file
(`classroom.toml` beside app.py, or the file named by CNNLAB_CONFIG), then environment
variables such as CNNLAB_MAX_EPOCHS=10 or CNNLAB_RUNS_DIR=/srv/cnnlab/runs.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from cnnlab.errors import LabError
from cnnlab.i18n import _
from cnnlab.classroom.limits import Limits
from cnnlab.paths import DEFAULT_MODEL_DIR, DEFAULT_RUNS_DIR, REPO_DIR

DEFAULT_CONFIG = REPO_DIR / "classroom.toml"
SERVER_SETTINGS = ("runs_dir", "default_model_dir", "max_workers", "worker_nice",
                   "redis_url", "database_url", "teacher_password_hash")  # [server] keys
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class Settings:
    """Where runs live, how many trainings run at once, and every cap a student cannot bypass."""

    runs_dir: Path = DEFAULT_RUNS_DIR  # students' saved runs, one folder per student
    default_model_dir: Path = DEFAULT_MODEL_DIR  # the shipped pretrained model
    max_workers: int = max(1, os.cpu_count() or 1)  # trainings at once; the rest wait in a queue
    worker_nice: int = 10  # trainings run at this nice level (0-19): page updates get the CPU first
    # None: trainings run in this server's own worker processes (cnnlab.training.queue); a URL:
    # they queue on that Redis and run on `python -m cnnlab worker` machines (redis_queue)
    redis_url: str | None = None
    limits: Limits = field(default_factory=Limits)
    # challenges, submissions and teacher logins; None = a SQLite file in runs_dir
    database_url: str | None = None
    # from `python -m cnnlab teacher-password`; None = the Teacher page stays shut
    teacher_password_hash: str | None = None


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the TOML file (if any) and the environment; bad values raise a LabError naming them."""
    environ = os.environ if environ is None else environ
    path = Path(environ.get("CNNLAB_CONFIG", path or DEFAULT_CONFIG))
    table: dict = {}
    if path.exists():
        try:
            table = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise LabError(_("The settings file {path} is not valid TOML ({error}).").format(
                path=path, error=exc)) from None
    server = dict(table.get("server", {}))
    caps = dict(table.get("limits", {}))
    for name in SERVER_SETTINGS:
        if f"CNNLAB_{name.upper()}" in environ:
            server[name] = environ[f"CNNLAB_{name.upper()}"]
    for f in dataclasses.fields(Limits):
        if f"CNNLAB_{f.name.upper()}" in environ:
            caps[f.name] = environ[f"CNNLAB_{f.name.upper()}"]
    unknown = (set(server) - set(SERVER_SETTINGS)) | (
        set(caps) - {f.name for f in dataclasses.fields(Limits)})
    if unknown:
        raise LabError(_("Unknown setting(s) {names} in {path} or the environment.").format(
            names=sorted(unknown), path=path))
    limits = Limits(**{name: _whole_number(name, value) for name, value in caps.items()})
    values: dict = {"limits": limits}
    for name in ("runs_dir", "default_model_dir"):
        if name in server:
            values[name] = Path(server[name]).expanduser()
    if "max_workers" in server:
        values["max_workers"] = _whole_number("max_workers", server["max_workers"])
    if "worker_nice" in server:
        values["worker_nice"] = _nice_level(server["worker_nice"])
    if server.get("redis_url"):  # an empty value keeps the local worker pool
        values["redis_url"] = check_redis_url(server["redis_url"])
    for name in ("database_url", "teacher_password_hash"):
        if str(server.get(name) or "").strip():
            values[name] = str(server[name]).strip()
    return Settings(**values)


def check_redis_url(value: object) -> str:
    """A Redis address such as redis://127.0.0.1:6379/0, as redis-py's from_url reads it."""
    url = str(value).strip()
    if not url.startswith(REDIS_SCHEMES):
        raise LabError(_("Setting redis_url must start with {schemes} (e.g. "
                         "redis://127.0.0.1:6379/0); got {value}.").format(
                             schemes=", ".join(REDIS_SCHEMES), value=repr(value)))
    return url


def _nice_level(value: object) -> int:
    """0 (same priority as the web server) to 19 (only idle CPU), as the `nice` command counts."""
    level = _whole_number("worker_nice", value, minimum=0)
    if level > 19:
        raise LabError(_("Setting worker_nice must be between 0 and 19; got {value}.").format(
            value=level))
    return level


def _whole_number(name: str, value: object, minimum: int = 1) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LabError(_("Setting {name} must be a whole number; got {value}.").format(
            name=name, value=repr(value))) from None
    if number < minimum:
        raise LabError(_("Setting {name} must be at least {low}; got {value}.").format(
            name=name, low=minimum, value=number))
    return number
