"""The server configuration a classroom gets: hardened, and no per-run full garbage collection."""

import tomllib
from pathlib import Path

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml")
                       .read_text())


def test_the_server_is_hardened_for_a_classroom():
    server = CONFIG["server"]
    assert server["headless"] and server["enableXsrfProtection"] and server["enableCORS"]
    assert server["maxUploadSize"] <= 2
    assert server["fileWatcherType"] == "none" and not server["runOnSave"]
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert CONFIG["client"]["toolbarMode"] == "viewer"
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_script_runs_do_not_force_a_full_garbage_collection():
    assert CONFIG["runner"]["postScriptGC"] is False
