"""deploy/systemd's gunicorn command line, run for real on the test's database: the master loads
wsgi:app once (--preload) and forks its workers from it, also those that replace a worker after
--max-requests, and a worker that ends leaves without the interpreter's teardown
(deploy/gunicorn.conf.py, app.operations; decision 0031)."""

import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.extensions import db
from bench.run import gunicorn_options
from tests.factories import create_user, make_idea
from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def unit_options(**changed: str) -> list[str]:
    """The unit's gunicorn options as the benchmark reads them (bench/run.py: without the address and
    the app), with `changed` ones (max_requests="10" for --max-requests)."""
    options = gunicorn_options()
    for name, value in changed.items():
        options[options.index("--" + name.replace("_", "-")) + 1] = value
    return options


def _workers(master: int) -> set[int]:
    return {int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()}


def _database_handles(pid: int, database_url: str) -> list[str]:
    """The process's open connections to the database: the SQLite file among its descriptors, or
    its TCP sockets whose remote end is PostgreSQL's port (from /proc)."""
    links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    if database_url.startswith("sqlite"):
        path = str(Path(database_url.split("///", 1)[1]).resolve())
        return [link for link in links if link.startswith(path)]
    inodes = {link[len("socket:["):-1] for link in links if link.startswith("socket:[")}
    return [f"{table} {fields[1]} -> {fields[2]}"
            for table in ("tcp", "tcp6")
            for fields in (line.split() for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:])
            if fields[2].endswith(":1538") and fields[9] in inodes]  # 1538: port 5432


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (127.0.0.1 only)
        return response.status, response.read().decode()


def test_the_unit_s_gunicorn_preloads_the_app_and_serves_from_replaced_workers(app, reference, tmp_path):
    options = unit_options(workers="2", max_requests="10", max_requests_jitter="0")
    assert "--preload" in options and "deploy/gunicorn.conf.py" in options and "--no-control-socket" in options
    idea = make_idea(create_user(), title="Offenes WLAN in der Stadtbücherei")
    db.session.commit()
    # Production's settings (its start reads the database: the legal texts' check), without Redis.
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "APP_ENV": "production", "SECRET_KEY": "g" * 40,
           "SECURITY_CONTACT": "mailto:sicherheit@test.example", "SECURITY_TXT_EXPIRES": (date.today() + timedelta(days=90)).isoformat(),
           "MAIL_OUTBOX": str(tmp_path / "outbox"), "UPLOAD_DIR": str(tmp_path / "uploads"), "EXPORT_DIR": str(tmp_path / "exports"),
           "PAGE_CACHE_ENABLED": "0", "RATELIMIT_ENABLED": "0"}
    port = free_port()
    process = subprocess.Popen([str(GUNICORN), *options, "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/health")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start: " + (process.stderr.read() if process.poll() is not None else "timeout"))
                time.sleep(0.1)
        assert _database_handles(process.pid, app.config["SQLALCHEMY_DATABASE_URI"]) == [], \
            "the master forks its workers without a database connection"
        seen = _workers(process.pid)
        # Four at a time, so that both workers use their connections at once: had they shared the
        # master's, the answers would mix up or fail.
        with ThreadPoolExecutor(4) as pool:
            for _ in range(6):
                answers = list(pool.map(_get, [f"{base}/ideen/{idea.id}"] * 8 + [base + "/health"] * 2))
                assert all(status == 200 for status, _ in answers)
                assert all("Offenes WLAN in der Stadtbücherei" in body for _, body in answers[:8])
                seen |= _workers(process.pid)
        assert len(seen) >= 6, f"with --max-requests 10, 60 requests should have replaced workers: {seen}"
    finally:
        process.terminate()
        errors = process.communicate(timeout=20)[1]
    assert "Traceback" not in errors and "Exception during worker exit" not in errors, errors
    assert "Control socket listening" not in errors, "no control socket: systemctl manages the service"
    # Each replaced worker left with code 0 through the worker_exit hook (gunicorn logs any other code).
    assert errors.count("Worker exiting") >= 4 and "exited with code" not in errors, errors
