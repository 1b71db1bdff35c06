"""Throughput and latency of the main pages, as a ratio to a trivial Flask route.

    make bench                    # SQLite and, if reachable, PostgreSQL
    python bench/run.py --db sqlite --ideas 1000 --supports 20000 --comments 5000   # a quick run

For each database: migrate, generate data (bench/generate.py; skipped if the
database already holds it), serve wsgi:app with gunicorn (2 workers), and load
it with wrk (Debian package) from this machine. The ceiling is bench/ceiling.py
served the same way. Also prints the SQL queries each page costs. Numbers, not
pass/fail: record them in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "coesfeld_bench"
SECRET = "bench-secret-key-that-is-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_urls(which: str) -> dict[str, str]:
    urls = {}
    if which in ("sqlite", "both"):
        RESULTS.mkdir(parents=True, exist_ok=True)
        urls["SQLite"] = f"sqlite:///{RESULTS / 'bench.sqlite3'}"
    if which in ("postgresql", "both"):
        try:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_BENCH_DB,)).fetchone()
                if not exists:
                    conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
            urls["PostgreSQL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB
        except Exception as error:  # noqa: BLE001 - report and go on with SQLite
            print(f"PostgreSQL not available ({error}); skipping it.")
    return urls


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=SECRET,
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_ENABLED="0",
        FLASK_APP="wsgi.py",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(url: str, ideas: int, supports: int, comments: int) -> None:
    env = env_for(url)
    subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    code = (
        "from app import create_app; from app.extensions import db; from app.models import Idea; from sqlalchemy import func, select;"
        "app = create_app();\nwith app.app_context(): print(db.session.scalar(select(func.count(Idea.id))))"
    )
    have = int(subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip())
    if have == ideas:
        print(f"  data present ({have} ideas)")
        return
    if have:
        print(f"  {have} ideas present, {ideas} wanted: starting from an empty schema")
        subprocess.run([str(VENV_BIN / "flask"), "db", "downgrade", "base"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [str(VENV_BIN / "python"), "bench/generate.py", "--ideas", str(ideas), "--supports", str(supports), "--comments", str(comments)],
        env=env, cwd=ROOT, check=True,
    )


class Server:
    def __init__(self, target: str, env: dict[str, str]):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            env=env, cwd=ROOT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=2).read()
                return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.2)
        raise RuntimeError(f"{target} did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


def wrk(url: str, seconds: int, connections: int, script: str | None = None, env: dict | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": latencies.get("50", "?"), "p99": latencies.get("99", "?"), "errors": int(non2xx.group(1)) if non2xx else 0}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str):
        self.base = base
        self.cookie = ""

    def open(self, path: str, data: dict | None = None, accept: str = "text/html") -> str:
        """One request, following redirects by hand so that no Set-Cookie is lost."""
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Cookie": self.cookie, "Accept": accept})
        try:
            response = urllib.request.build_opener(_NoRedirect).open(request, timeout=10)
        except urllib.error.HTTPError as error:
            if error.code not in (301, 302, 303):
                raise
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("ideen_session="):
                    self.cookie = header.split(";", 1)[0]
            if response.status in (301, 302, 303):
                return self.open(urllib.parse.urlsplit(response.headers["Location"]).path)
            return response.read().decode()

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.open(path)).group(1)


def count_queries(url: str, paths: list[str]) -> dict[str, int]:
    code = f"""
import json
from sqlalchemy import event
from app import create_app
from app.extensions import db
app = create_app()
result = {{}}
with app.app_context():
    engine = db.engine
    for path in {paths!r}:
        statements = []
        listener = lambda c, cur, s, p, ctx, many: statements.append(s) if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")) else None
        event.listen(engine, "before_cursor_execute", listener)
        app.test_client().get(path)
        event.remove(engine, "before_cursor_execute", listener)
        result[path] = len(statements)
print(json.dumps(result))
"""
    import json

    out = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env_for(url), cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def idea_with_comments(url: str, count: int) -> int:
    code = (
        "from app import create_app; from app.extensions import db; from app.models import Idea; from sqlalchemy import select;"
        f"app = create_app();\nwith app.app_context(): print(db.session.scalar(select(Idea.id).where(Idea.comment_count == {count}).order_by(Idea.id).limit(1)))"
    )
    out = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env_for(url), cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def idea_id_range(url: str) -> tuple[int, int]:
    """The ids of the published ideas (those open for support), one contiguous range."""
    code = (
        "from app import create_app; from app.extensions import db; from app.models import Idea; from sqlalchemy import func, select;"
        "app = create_app();\nwith app.app_context(): print(*db.session.execute(select(func.min(Idea.id), func.max(Idea.id)).where(Idea.status == 'published')).one())"
    )
    out = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env_for(url), cwd=ROOT, check=True, capture_output=True, text=True).stdout
    low, high = out.split()
    return int(low), int(high)


def measure(env: dict, url: str, args, ceiling: dict) -> None:
    server = Server("wsgi:app", env)
    try:
        client = Client(server.base)
        page_with_100 = idea_with_comments(url, 100)
        assert "Kommentare (100)" in client.open(f"/ideen/{page_with_100}")
        scenarios = {
            "idea list (most supported, one action field)": "/ideen?sort=supported&field=mobilitaet",
            "idea page with 100 comments": f"/ideen/{page_with_100}",
            "search (“Radwege”)": "/ideen?q=Radwege",
            "portfolio (28 projects, origin ideas)": "/portfolio",
            "project page with budget lines": "/portfolio/P1",
            "budget overview": "/portfolio/budget",
            "API: ideas, most supported, one field": "/api/v1/ideas?sort=supported&field=mobilitaet",
            "API: projects": "/api/v1/projects",
        }
        queries = count_queries(url, list(scenarios.values()))
        print(f"  {'page':<46} {'req/s':>8} {'ratio':>7} {'p50':>9} {'p99':>9} {'queries':>8}")
        for label, path in scenarios.items():
            wrk(server.base + path, 2, args.connections)
            result = wrk(server.base + path, args.seconds, args.connections)
            assert result["errors"] == 0, result
            print(f"  {label:<46} {result['rps']:>8.0f} {result['rps'] / ceiling['rps']:>7.1%} {result['p50']:>9} {result['p99']:>9} {queries[path]:>8}")
        client.open("/anmelden", {"email": "bench1-1@coesfeld.example", "password": "bench-passwort-2026", "csrf_token": client.token("/anmelden")})
        assert "Abmelden" in client.open("/ideen/meine"), "bench log-in failed"
        csrf = client.token(f"/ideen/{page_with_100}")
        low, high = idea_id_range(url)
        for candidate in range(low, low + 20):  # a real, signed-in support (not a redirect to the log-in)
            try:
                check = json.loads(client.open(f"/ideen/{candidate}/unterstuetzen", {"csrf_token": csrf}, accept="application/json"))
            except urllib.error.HTTPError as error:  # 409: the bench account's own idea
                assert error.code == 409, error
                continue
            assert check["ok"] and check["supported"], check
            break
        lua_env = dict(os.environ, BENCH_FIRST_IDEA=str(low), BENCH_IDEAS=str(high - low + 1), BENCH_CSRF=urllib.parse.quote(csrf), BENCH_COOKIE=client.cookie)
        result = wrk(server.base, args.seconds, args.connections, script=str(ROOT / "bench" / "support.lua"), env=lua_env)
        print(f"  {'support POST (signed in, random idea)':<46} {result['rps']:>8.0f} {result['rps'] / ceiling['rps']:>7.1%} {result['p50']:>9} {result['p99']:>9} {'':>8}  non-2xx: {result['errors']}")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=200_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs Debian's wrk package")

    print(f"machine: {os.cpu_count()} cores; gunicorn 2 sync workers; wrk -t2 -c{args.connections} -d{args.seconds}s")
    ceiling_server = Server("bench.ceiling:app", env_for("sqlite://"))
    try:
        wrk(ceiling_server.base + "/", 2, args.connections)  # warm-up
        ceiling = wrk(ceiling_server.base + "/", args.seconds, args.connections)
    finally:
        ceiling_server.stop()
    print(f"ceiling (trivial Flask route): {ceiling['rps']:.0f} req/s, p50 {ceiling['p50']}, p99 {ceiling['p99']}\n")

    for name, url in database_urls(args.db).items():
        print(f"== {name} ==")
        prepare(url, args.ideas, args.supports, args.comments)
        for cached in (True, False):
            env = env_for(url)
            env["PAGE_CACHE_ENABLED"] = "1" if cached else "0"
            print("anonymous readers, page cache on" if cached else "page cache off (what signed-in readers get)")
            measure(env, url, args, ceiling)
        print()


if __name__ == "__main__":
    main()
