"""The nginx configuration a district installs (deploy/nginx/), in front of the real app.

nginx (Debian's, `make test` installs it) runs with deploy/nginx/proxy.conf unchanged but for the
path of the static files, proxying to the test's live server.
"""

import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]
PROXY_CONF = ROOT / "deploy" / "nginx" / "proxy.conf"
SITE_CONF = ROOT / "deploy" / "nginx" / "ideenplattform.conf"


def _nginx() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
    return nginx


@pytest.fixture
def nginx(live_server, tmp_path):
    upstream = live_server.removeprefix("http://")
    port = free_port()
    (tmp_path / "logs").mkdir()
    proxy = PROXY_CONF.read_text().replace("/srv/ideenplattform/app/static/", f"{ROOT / 'app' / 'static'}/")
    (tmp_path / "proxy.conf").write_text(proxy)
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
daemon off;
events {{}}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path {tmp_path}/body;
  proxy_temp_path {tmp_path}/proxy;
  upstream ideenplattform {{ server {upstream}; keepalive 4; }}
  server {{
    listen 127.0.0.1:{port};
    add_header X-Test-Nginx-Request-ID $request_id;  # for the test: what nginx sent upstream
    include {tmp_path}/proxy.conf;
  }}
}}
""")
    process = subprocess.Popen([_nginx(), "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/health", timeout=2)  # noqa: S310 (127.0.0.1 only)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("nginx did not start: " + process.stderr.read().decode())
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_the_site_configuration_is_valid_nginx(tmp_path):
    """The TLS site as shipped, with its certificate and snippet paths pointed at test files."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",  # noqa: S603,S607
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True)
    (tmp_path / "snippet.conf").write_text(PROXY_CONF.read_text())
    site = (SITE_CONF.read_text().replace("/etc/nginx/snippets/ideenplattform-proxy.conf", str(tmp_path / "snippet.conf"))
            .replace("/etc/ssl/ideenplattform/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                                         f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n")
    result = subprocess.run([_nginx(), "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stderr


def test_nginx_serves_static_files_itself_and_the_app_behind_it(nginx):
    with urllib.request.urlopen(nginx + "/static/css/site.css", timeout=5) as response:  # noqa: S310
        assert response.status == 200 and response.headers["Server"].startswith("nginx")
        assert "X-Request-ID" not in response.headers, "static files never reach the app"
        assert response.read() == (ROOT / "app" / "static" / "css" / "site.css").read_bytes()
    with urllib.request.urlopen(nginx + "/health", timeout=5) as response:  # noqa: S310
        assert json.load(response)["database"] == "ok"


def test_the_request_id_of_nginx_reaches_the_app_and_comes_back(nginx, reference):
    with urllib.request.urlopen(nginx + "/ideen", timeout=10) as response:  # noqa: S310
        assert response.status == 200
        sent = response.headers["X-Test-Nginx-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", sent)
        assert response.headers["X-Request-ID"] == sent, "the app logged and answered with nginx's id, not one of its own"
