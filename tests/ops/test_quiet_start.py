"""`make run`'s first screen: the URLs and the demo key first, then the service's own lines — no initdb
transcript from the embedded PostgreSQL and no platformdirs warning."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, free_port


def test_a_first_start_on_the_embedded_database_shows_the_urls_and_key_first(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKING_") and k != "XDG_RUNTIME_DIR"}
    env.update(
        TRACKING_DATA_DIR=str(tmp_path / "data"),  # a fresh data dir: initdb runs
        TRACKING_HTTP__PORT=str(port),
        TRACKING_SANDBOX="true",
        TRACKING_DEMO="true",
        TRACKING_DEMO_KEY="demo-agent-key",
        TRACKING_BOOTSTRAP_ADMIN_KEY="demo-admin-key",
    )
    out_path = tmp_path / "out.txt"
    with out_path.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tracking_service", "serve"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 60
            while "carriers enabled" not in out_path.read_text() and time.monotonic() < deadline:
                assert server.poll() is None, out_path.read_text()
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = out_path.read_text().splitlines()
    assert "carriers enabled" in lines[-1] or any("carriers enabled" in line for line in lines), lines
    assert (
        lines[0] == f"tracking-service on http://127.0.0.1:{port}/  (agent console: http://127.0.0.1:{port}/console/)"
    )
    assert lines[1] == "demo shop 'demo', agent API key: demo-agent-key"
    shown = "\n".join(lines)
    assert '"logger": "pgserver"' not in shown and "initdb" not in shown
    assert "XDG_RUNTIME_DIR" not in shown and "Warning" not in shown
