"""The Nu HTML Checker (vnu-jar from npm, run with Debian's Java) as a local service for the browser tests.

One checker process per test process, started at the first check and stopped at exit; each page is
POSTed to it (no network beyond 127.0.0.1). `errors(html)` returns the checker's errors.
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
_service: dict[str, object] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _url() -> str:
    if "url" in _service:
        return str(_service["url"])
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail("The HTML checker needs Java and vnu-jar: `make test` installs both")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [java, "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU),
         "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    atexit.register(process.terminate)
    url = f"http://127.0.0.1:{port}/?out=json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _post(url, "<!doctype html><html lang=de><title>x</title></html>")
            break
        except OSError:
            time.sleep(0.3)
    else:
        pytest.fail("The HTML checker did not start within 60 s")
    _service["url"] = url
    return url


def _post(url: str, html: str) -> dict:
    request = urllib.request.Request(url, data=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
        return json.load(response)


def errors(html: str) -> list[dict]:
    """The checker's errors for a page (warnings and info left out)."""
    messages = _post(_url(), html)["messages"]
    return [
        {"message": m["message"], "line": m.get("lastLine"), "extract": (m.get("extract") or "")[:160]}
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
