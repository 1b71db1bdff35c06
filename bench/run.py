"""Throughput of the main pages as a ratio to a trivial Flask route, measured in alternating pairs.

    make bench                                       # 10,000 ideas, SQLite and (if reachable) PostgreSQL
    make bench BENCH_ARGS="--size 100k --db postgresql"      # 100,000 ideas / 1,000,000 supports / 500,000 comments
    make bench BENCH_ARGS="--instances 2"            # two app instances behind nginx (deploy/nginx/proxy.conf)
    python bench/run.py --db sqlite --ideas 1000 --supports 20000 --comments 5000 --seconds 2 --pairs 1   # quick

For each database: migrate, generate data (bench/generate.py; skipped when the database holds it),
serve wsgi:app exactly as production does (issue #36): gunicorn with the command line of
deploy/systemd/ideenplattform.service (two sync workers per core, max-requests), APP_ENV=production,
the rate limits on and stored in Redis (raised so the load is not refused, through the same code
path), the page cache in Redis; then load it with wrk from this machine. Redis is required. The ceiling
(bench/ceiling.py, served the same way) is measured right before each page, `--pairs` times; a
page's ratio is the median of its pairs, printed with their range, so a noisy machine shows as a
wide range instead of a wrong number. The machine's load average is printed with every page.

Pages are measured for anonymous readers (the page cache serves them) and for a signed-in
reader (a real session cookie: rendered for that person every time), with the SQL queries and
SQL time one request of each costs. Support POSTs come from 20 signed-in accounts. The headline
is the realistic mixed load (bench/realistic.lua): half the readers signed in, one read in five
on a random idea of all, 4 % supports and 1 % comments from REALISTIC_ACCOUNTS accounts, with the
page cache's hit rate and p50/p99. Beside each ratio: the CPU the server's processes spent per
request (read from /proc: the workers' user and system time, and that of the workers gunicorn
recycled), as a ratio to the ceiling's; it does not depend on what else runs on the machine.
Everything is written as JSON to bench/results/<time>-<db>-<size>.json, to compare runs.
Numbers, not pass/fail: docs/performance.md and bench/HISTORY.md record them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
PAGE_CACHE_REDIS_URL = os.environ.get("BENCH_PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6379/11")
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "bench-passwort-2026"  # bench/generate.py
SIZES = {"10k": (10_000, 200_000, 50_000), "100k": (100_000, 1_000_000, 500_000)}
SUPPORT_ACCOUNTS = 20
REALISTIC_ACCOUNTS = 100  # the realistic mix's readers and writers
HOT_IDEAS = 10  # the mixed load's writes go to the newest ideas (on the start page and the first list page), and it reads their pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def database_urls(which: str, size: str) -> dict[str, str]:
    urls = {}
    if which in ("sqlite", "both"):
        RESULTS.mkdir(parents=True, exist_ok=True)
        urls["SQLite"] = f"sqlite:///{RESULTS / f'bench-{size}.sqlite3'}"
    if which in ("postgresql", "both"):
        name = f"coesfeld_bench_{size}"
        try:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                    conn.execute(f"CREATE DATABASE {name}")
            urls["PostgreSQL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        except Exception as error:  # noqa: BLE001 - report and go on with SQLite
            print(f"PostgreSQL not available ({error}); skipping it.")
    return urls


def redis_available() -> bool:
    try:
        import redis

        for url in (REDIS_URL, PAGE_CACHE_REDIS_URL):
            redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
        return True
    except Exception:  # noqa: BLE001 - production needs it: the benchmark stops
        return False


# The rate limits stay on, as production requires; only their numbers are raised, so the load goes
# through the same code (and the same Redis round trips) without being refused.
RAISED_LIMITS = {name: "1000000 per minute" for name in (
    "RATELIMIT_SUPPORT", "RATELIMIT_COMMENT", "RATELIMIT_API", "RATELIMIT_LOGIN", "RATELIMIT_LOGIN_ADDRESS")}


def env_for(url: str, *, cache: bool = True) -> dict[str, str]:
    """Production's configuration (deploy/env.example): APP_ENV=production, the rate limits on and
    in Redis, the page cache in a Redis database of its own."""
    env = dict(os.environ)
    env.update(DATABASE_URL=url, APP_ENV="production", SECRET_KEY=SECRET, SESSION_COOKIE_SECURE="0", RATELIMIT_ENABLED="1",
               FLASK_APP="wsgi.py", PYTHONPATH=str(ROOT), PAGE_CACHE_ENABLED="1" if cache else "0", HSTS_MAX_AGE="0",
               SECURITY_CONTACT="mailto:sicherheit@bench.example", SECURITY_TXT_EXPIRES="2099-12-31",
               REDIS_URL=REDIS_URL, PAGE_CACHE_REDIS_URL=PAGE_CACHE_REDIS_URL, **RAISED_LIMITS)
    return env


def _python(code: str, env: dict[str, str]) -> str:
    return subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


APP = "from app import create_app; from app.extensions import db; from app.models import Idea; from sqlalchemy import func, select;app = create_app();\n"


def prepare(url: str, ideas: int, supports: int, comments: int) -> None:
    env = env_for(url)
    subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    # (Data from before bench/generate.py wrote official answers has none: generated again.)
    have, answers = map(int, _python(APP + "from app.models import OfficialAnswer\nwith app.app_context(): print(db.session.scalar(select(func.count(Idea.id))), "
                                     "db.session.scalar(select(func.count(OfficialAnswer.id))))", env).splitlines()[-1].split())
    if have == ideas and answers:
        print(f"  data present ({have} ideas, {answers} official answers)")
        return
    if have:
        print(f"  {have} ideas and {answers} official answers present, {ideas} ideas with answers wanted: starting from an empty schema")
        subprocess.run([str(VENV_BIN / "flask"), "db", "downgrade", "base"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    started = time.time()
    subprocess.run([str(VENV_BIN / "python"), "bench/generate.py", "--ideas", str(ideas), "--supports", str(supports), "--comments", str(comments)],
                   env=env, cwd=ROOT, check=True)
    print(f"  generated in {time.time() - started:.0f} s")


LOAD_TEST_COMMENT = "Ein Kommentar aus dem Lasttest"  # bench/realistic.lua writes it, a number after it (BENCH_COMMENT)


def remove_load_test_comments(url: str) -> None:
    """The comments earlier runs' realistic mix wrote on the hot ideas, gone (their counters too):
    otherwise each run's hot pages carry more comments than the last (about 60 a run), and figures
    drift from run to run with no change of the code. (Their notifications go with them.)"""
    code = APP + (
        "from sqlalchemy import text\n"
        f"mark = {{'mark': {LOAD_TEST_COMMENT + ' %'!r}}}\n"
        "with app.app_context():\n"
        "  db.session.execute(text('UPDATE ideas SET comment_count = comment_count - (SELECT count(*) FROM comments "
        "WHERE comments.idea_id = ideas.id AND comments.body LIKE :mark) WHERE id IN (SELECT idea_id FROM comments WHERE body LIKE :mark)'), mark)\n"
        "  gone = db.session.execute(text('DELETE FROM comments WHERE body LIKE :mark'), mark).rowcount\n"
        "  db.session.commit()\n"
        "  print(gone)"
    )
    _remove_load_test_rows(url, code, "comments")


def remove_load_test_supports(url: str) -> None:
    """The supports the bench accounts gave in earlier runs (after bench/generate.py made them, whose
    supports all predate the accounts), gone with their counts and the follows they started: the
    support and realistic loads give about 250 a run, and a support of an idea the account supports
    already costs less than a new one, so the figures would drift from run to run."""
    code = APP + (
        "from sqlalchemy import text\n"
        "new = ('FROM supports s JOIN users u ON u.id = s.user_id '\n"
        "       \"WHERE u.email LIKE 'bench%@coesfeld.example' AND s.created_at > u.created_at\")\n"
        "with app.app_context():\n"
        "  db.session.execute(text('UPDATE ideas SET support_count = support_count - (SELECT count(*) ' + new + "
        "' AND s.idea_id = ideas.id) WHERE id IN (SELECT s.idea_id ' + new + ')'))\n"
        "  gone = db.session.execute(text('DELETE FROM supports WHERE id IN (SELECT s.id ' + new + ')')).rowcount\n"
        "  db.session.execute(text('DELETE FROM follows WHERE created_at > (SELECT u.created_at FROM users u '\n"
        "                          \"WHERE u.id = follows.user_id AND u.email LIKE 'bench%@coesfeld.example')\"))\n"
        "  db.session.commit()\n"
        "  print(gone)"
    )
    _remove_load_test_rows(url, code, "supports")


def _remove_load_test_rows(url: str, code: str, what: str) -> None:
    """Run `code` (it prints how many rows it removed) against the database at `url` and say so."""
    gone = int(_python(code, env_for(url)).splitlines()[-1])
    if gone:
        print(f"  removed {gone} {what} of earlier load tests")


UNIT = ROOT / "deploy" / "systemd" / "ideenplattform.service"


def gunicorn_options(*, app_hooks: bool = True) -> list[str]:
    """gunicorn's options as deploy/systemd/ideenplattform.service runs it, without the bind and the
    app: the workers (two per core there, so two per core of this machine), --preload, max-requests,
    timeouts; without `app_hooks` also without its --config (deploy/gunicorn.conf.py prepares the
    platform's app for its workers, which the ceiling's trivial app does not need)."""
    text = UNIT.read_text().replace("\\\n", " ")
    command = re.search(r"^ExecStart=\S+gunicorn (.*)$", text, re.M).group(1).split()
    options, skip = [], False
    for word in command:
        if skip:
            skip = False
            continue
        if word in ("--bind", "--forwarded-allow-ips") or (word == "--config" and not app_hooks):
            skip = True
            continue
        if word == "wsgi:app":
            continue
        options.append(word)
    workers = options.index("--workers") + 1
    options[workers] = str(2 * (os.cpu_count() or 1))
    return options


def _ticks(pid: int) -> tuple[int, int]:
    """(own user+system ticks, waited-for children's ticks) of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


class Server:
    """gunicorn as production runs it, on a free port (one "machine")."""

    def __init__(self, target: str, env: dict[str, str], probe: str = "/", *, app_hooks: bool = True):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), *gunicorn_options(app_hooks=app_hooks), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            env={**env, "PYTHONWARNINGS": "ignore"}, cwd=ROOT, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for(self.base + probe, target)

    def cpu_seconds(self) -> float:
        """User and system CPU of gunicorn and all its workers so far, recycled ones included."""
        own, waited = _ticks(self.process.pid)
        total = own + waited
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for child in children:
            with contextlib.suppress(OSError, IndexError):
                child_own, child_waited = _ticks(int(child))
                total += child_own + child_waited
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


def wait_for(url: str, what: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (127.0.0.1 only)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


class Nginx:
    """Debian's nginx in front of several instances, with deploy/nginx/proxy.conf as shipped."""

    def __init__(self, upstreams: list[str]):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.dir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        (self.dir / "logs").mkdir()
        proxy = (ROOT / "deploy" / "nginx" / "proxy.conf").read_text().replace("/srv/ideenplattform/app/static/", f"{ROOT / 'app' / 'static'}/")
        (self.dir / "proxy.conf").write_text(proxy)
        self.port = free_port()
        servers = "".join(f"    server {u.removeprefix('http://')} max_fails=2 fail_timeout=10s;\n" for u in upstreams)
        (self.dir / "nginx.conf").write_text(
            f"pid {self.dir}/nginx.pid;\nerror_log {self.dir}/logs/error.log;\ndaemon off;\nworker_processes 1;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
            f"  client_body_temp_path {self.dir}/body;\n  proxy_temp_path {self.dir}/proxy;\n"
            f"  upstream ideenplattform {{\n{servers}    keepalive 32;\n  }}\n"
            f"  server {{\n    listen 127.0.0.1:{self.port};\n    include {self.dir}/proxy.conf;\n  }}\n}}\n"
        )
        self.process = subprocess.Popen([nginx, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir)], stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for(self.base + "/health", "nginx")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url: str, seconds: int, connections: int, *, script: str | None = None, env: dict | None = None, cookie: str = "") -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    latencies = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result = {"rps": rps, "requests": total, "p50": latencies.get("50", "?"), "p99": latencies.get("99", "?"),
              "errors": int(non2xx.group(1)) if non2xx else 0}
    failed = re.search(r"signed-in reads (\d+), failed (\d+)", output)  # bench/realistic.lua
    if failed:
        result.update(signed_in_reads=int(failed.group(1)), failed=int(failed.group(2)))
    cache = re.search(r"page cache: hits (\d+) misses (\d+) writes (\d+)", output)  # bench/mixed.lua
    if cache:
        result.update(hits=int(cache.group(1)), misses=int(cache.group(2)), writes=int(cache.group(3)))
    return result


def _cpu(servers: list[Server]) -> float:
    return sum(server.cpu_seconds() for server in servers)


def _measured(servers: list[Server], url: str, args, **options) -> dict:
    """One wrk run, with the CPU the servers' processes spent per request (ms)."""
    before = _cpu(servers)
    result = wrk(url, args.seconds, args.connections, **options)
    result["cpu_ms"] = (_cpu(servers) - before) * 1000 / max(1, result["requests"])
    return result


def in_pairs(ceiling: Server, servers: list[Server], target: str, args, **options) -> dict:
    """`args.pairs` times: the ceiling, then the page. The ratio of each pair (requests per second,
    and CPU per request); their median and range."""
    wrk(target, 1, args.connections, **options)  # warm-up
    pairs = []
    for _ in range(args.pairs):
        top = _measured([ceiling], ceiling.base + "/", args)
        page = _measured(servers, target, args, **options)
        pairs.append({"ceiling": top["rps"], "ceiling_cpu_ms": top["cpu_ms"], **page, "ratio": page["rps"] / top["rps"],
                      "cpu_ratio": top["cpu_ms"] / page["cpu_ms"] if page["cpu_ms"] else 0.0})
    ratios = sorted(p["ratio"] for p in pairs)
    middle = sorted(pairs, key=lambda p: p["ratio"])[len(pairs) // 2]
    result = {"ratio": statistics.median(ratios), "low": ratios[0], "high": ratios[-1], "rps": middle["rps"], "ceiling": middle["ceiling"],
              "cpu_ratio": statistics.median(p["cpu_ratio"] for p in pairs), "cpu_ms": statistics.median(p["cpu_ms"] for p in pairs),
              "p50": middle["p50"], "p99": middle["p99"], "errors": sum(p["errors"] for p in pairs), "load": load(), "pairs": pairs}
    if all("hits" in p for p in pairs):
        hits, answered = sum(p["hits"] for p in pairs), sum(p["hits"] + p["misses"] for p in pairs)
        result.update(hit_rate=hits / answered if answered else 0.0, writes=sum(p["writes"] for p in pairs))
    if all("failed" in p for p in pairs):
        result.update(failed=sum(p["failed"] for p in pairs), signed_in_reads=sum(p["signed_in_reads"] for p in pairs))
    return result


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
            response = urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
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

    def log_in(self, email: str) -> None:
        self.open("/anmelden", {"email": email, "password": PASSWORD, "csrf_token": self.token("/anmelden")})
        assert "Abmelden" in self.open("/ideen/meine"), f"bench log-in of {email} failed"


def sql_costs(url: str, paths: list[str], cookie_of: str) -> dict[str, dict]:
    """Statements and SQL milliseconds of one request of each page (median of 5), signed in as `cookie_of`."""
    code = f"""
import json, statistics, time
from sqlalchemy import event
from app import create_app
from app.extensions import db
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False  # read per request; the page cache is off through the environment
control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
result = {{}}
with app.app_context():
    engine = db.engine
client = app.test_client()
client.post("/anmelden", data={{"email": {cookie_of!r}, "password": {PASSWORD!r}}})
assert client.get("/ideen/meine").status_code == 200, "signed in"
for path in {paths!r}:
    runs = []
    for _ in range(6):
        statements, spent, started = [], [0.0], {{}}
        def before(c, cur, s, p, ctx, many):
            started["t"] = time.perf_counter()
            if not s.lstrip().upper().startswith(control):
                statements.append(s)
        def after(c, cur, s, p, ctx, many):
            spent[0] += time.perf_counter() - started["t"]
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        status = client.get(path).status_code
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        assert status == 200, (path, status)
        runs.append((len(statements), spent[0] * 1000))
    runs = runs[1:]
    result[path] = {{"queries": runs[0][0], "sql_ms": statistics.median(r[1] for r in runs)}}
print(json.dumps(result))
"""
    env = env_for(url, cache=False)
    out = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def facts(url: str) -> dict:
    code = APP + (
        "with app.app_context():\n"
        "  with100 = db.session.scalar(select(Idea.id).where(Idea.comment_count == 100).order_by(Idea.id).limit(1))\n"
        "  low, high = db.session.execute(select(func.min(Idea.id), func.max(Idea.id)).where(Idea.status == 'published')).one()\n"
        "  public = db.session.scalar(select(func.count(Idea.id)).where(Idea.status != 'draft', Idea.is_hidden.is_(False)))\n"
        "  newest = db.session.scalars(select(Idea.id).where(Idea.status == 'published', Idea.is_hidden.is_(False))"
        ".order_by(Idea.published_at.desc(), Idea.id.desc()).limit(HOT_IDEAS)).all()\n"
        # the idea before the last 100 of the API's default order (newest first, the list's statuses):
        # after it comes the last page, by the API's next links (keyset)
        "  before_last = db.session.scalar(select(Idea.id).where(Idea.status.not_in(('draft', 'merged', 'withdrawn')), Idea.is_hidden.is_(False))"
        ".order_by(Idea.published_at, Idea.id).offset(100).limit(1))\n"
        # the ideas the support accounts wrote (bench/support.lua leaves them out)
        "  from app.models import User\n"
        "  own = db.session.scalars(select(Idea.id).join(User, User.id == Idea.author_id)"
        ".where(User.email.in_([f'bench1-{n}@coesfeld.example' for n in range(1, SUPPORT_ACCOUNTS + 1)]))).all()\n"
        "  print(with100, low, high, public, ','.join(map(str, newest)), before_last, ','.join(map(str, own)) or '-')"
    ).replace("HOT_IDEAS", str(HOT_IDEAS)).replace("SUPPORT_ACCOUNTS", str(SUPPORT_ACCOUNTS))
    with100, low, high, public, newest, before_last, own = _python(code, env_for(url)).splitlines()[-1].split()
    return {"with100": int(with100), "low": int(low), "high": int(high), "public": int(public), "hot": [int(i) for i in newest.split(",")],
            "before_last": int(before_last), "own": [int(i) for i in own.split(",") if i != "-"]}


def pages(known: dict) -> dict[str, str]:
    return {
        "start page": "/",
        "idea list (newest)": "/ideen",
        "idea list (most supported, one field)": "/ideen?sort=supported&field=mobilitaet",
        "idea list, page 200": "/ideen?page=200",
        "idea page with 100 comments": f"/ideen/{known['with100']}",
        "search “Radwege”": "/ideen?q=Radwege",
        "search “Daten” (common word)": "/ideen?q=Daten",
        "portfolio (28 projects)": "/portfolio",
        "project page with budget lines": "/portfolio/P1",
        "API ideas, most supported, one field": "/api/v1/ideas?sort=supported&field=mobilitaet",
        "API ideas, last page": f"/api/v1/ideas?per_page=100&after={known['before_last']}",  # reached by the next links
    }


def support_accounts(base: str, known: dict, count: int = SUPPORT_ACCOUNTS) -> tuple[str, str]:
    """`count` signed-in accounts (cookie|token ...) for the wrk scripts, each with a checked session."""
    cookies, tokens = [], []
    for n in range(1, count + 1):
        client = Client(base)
        client.log_in(f"bench1-{n}@coesfeld.example")
        token = client.token(f"/ideen/{known['with100']}")
        cookies.append(client.cookie)
        tokens.append(urllib.parse.quote(token))
    return " ".join(cookies), " ".join(tokens)


def own_ideas(url: str, count: int) -> list[int]:
    """The ideas the first `count` bench accounts wrote (a support of one's own idea is refused)."""
    code = APP + (
        "from app.models import User\n"
        "with app.app_context():\n"
        "  own = db.session.scalars(select(Idea.id).join(User, User.id == Idea.author_id)"
        f".where(User.email.in_([f'bench1-{{n}}@coesfeld.example' for n in range(1, {count} + 1)]))).all()\n"
        "  print(','.join(map(str, own)) or '-')"
    )
    return [int(i) for i in _python(code, env_for(url)).splitlines()[-1].split(",") if i != "-"]


def mixed_load(ceiling: Server, servers: list[Server], base: str, args, paths: dict[str, str], known: dict, cookies: str, tokens: str) -> dict:
    """bench/mixed.lua, the hot set: 95 % anonymous reads of every page and of the hot ideas' pages,
    5 % supports (or withdrawals) of the hot ideas; with the page cache's hit rate over the reads."""
    reads = [*paths.values(), *(f"/ideen/{idea}" for idea in known["hot"])]
    lua_env = dict(os.environ, BENCH_PATHS=" ".join(reads), BENCH_HOT_IDEAS=" ".join(map(str, known["hot"])),
                   BENCH_COOKIES=cookies, BENCH_TOKENS=tokens)
    result = in_pairs(ceiling, servers, base, args, script=str(ROOT / "bench" / "mixed.lua"), env=lua_env)
    result.update(path="mixed", who="anonymous readers, signed-in supporters", reads=reads)
    return result


def realistic_load(ceiling: Server, servers: list[Server], base: str, args, paths: dict[str, str], known: dict, url: str) -> dict:
    """bench/realistic.lua, the headline: half the readers signed in (REALISTIC_ACCOUNTS accounts), one
    read in five on a random idea of all, 4 % supports of random ideas and 1 % comments on hot ideas."""
    cookies, tokens = support_accounts(base, known, REALISTIC_ACCOUNTS)
    reads = [*paths.values(), *(f"/ideen/{idea}" for idea in known["hot"])]
    lua_env = dict(os.environ, BENCH_PATHS=" ".join(reads), BENCH_HOT_IDEAS=" ".join(map(str, known["hot"])),
                   BENCH_COOKIES=cookies, BENCH_TOKENS=tokens, BENCH_FIRST_IDEA=str(known["low"]),
                   BENCH_IDEAS=str(known["high"] - known["low"] + 1), BENCH_OWN_IDEAS=" ".join(map(str, own_ideas(url, REALISTIC_ACCOUNTS))),
                   BENCH_COMMENT=LOAD_TEST_COMMENT)
    result = in_pairs(ceiling, servers, base, args, script=str(ROOT / "bench" / "realistic.lua"), env=lua_env)
    result.update(path="realistic", who=f"half signed in, {REALISTIC_ACCOUNTS} accounts", reads=reads)
    return result


def _line(label: str, who: str, result: dict, tail: str = "") -> str:
    return (f"  {label:<40} {who:<10} {result['rps']:>7.0f} {result['ratio']:>7.1%} {result['low']:>6.1%}–{result['high']:<6.1%}"
            f" {result['cpu_ratio']:>7.1%} {result['cpu_ms']:>6.2f} {result['p50']:>8} {result['p99']:>8}  {tail}{result['load']}")


def measure(name: str, url: str, args, ceiling: Server) -> dict:
    remove_load_test_comments(url)
    remove_load_test_supports(url)
    known = facts(url)
    paths = pages(known)
    costs = {} if args.mixed_only else sql_costs(url, list(paths.values()), "bench1-1@coesfeld.example")
    env = env_for(url)
    servers = [Server("wsgi:app", env, probe="/health") for _ in range(args.instances)]
    proxy = Nginx([s.base for s in servers]) if args.instances > 1 else None
    base = proxy.base if proxy else servers[0].base
    rows: dict[str, dict] = {}
    try:
        reader = Client(base)
        reader.log_in("bench1-2@coesfeld.example")
        assert "Kommentare (100)" in reader.open(paths["idea page with 100 comments"])
        print(f"  {'page':<40} {'who':<10} {'req/s':>7} {'ratio':>7} {'range':>13} {'CPU':>7} {'ms CPU':>6} {'p50':>8} {'p99':>8}  load")
        rows["realistic mixed load"] = result = realistic_load(ceiling, servers, base, args, paths, known, url)
        print(_line("realistic mix (headline)", "both", result,
                    f"cache hits: {result['hit_rate']:.1%}, {result['writes']} writes, {result['failed']} refused  "))
        if not args.mixed_only:
            for label, path in paths.items():
                if args.page and not any(wanted in label for wanted in args.page):
                    continue
                for who, cookie in (("anonymous", ""), ("signed in", reader.cookie)):
                    if who == "anonymous" and not args.anonymous:
                        continue
                    result = in_pairs(ceiling, servers, base + path, args, cookie=cookie)
                    assert result["errors"] == 0, (label, who, result)
                    result.update(path=path, who=who, **costs[path])
                    rows[f"{label} ({who})"] = result
                    print(_line(label, who, result, f"SQL {result['queries']} in {result['sql_ms']:.1f} ms  "))
        cookies, tokens = support_accounts(base, known)
        if not args.mixed_only:
            lua_env = dict(os.environ, BENCH_FIRST_IDEA=str(known["low"]), BENCH_IDEAS=str(known["high"] - known["low"] + 1),
                           BENCH_COOKIES=cookies, BENCH_TOKENS=tokens, BENCH_OWN_IDEAS=" ".join(map(str, known["own"])))
            result = in_pairs(ceiling, servers, base, args, script=str(ROOT / "bench" / "support.lua"), env=lua_env)
            assert result["errors"] == 0, ("support POST", result)
            result.update(path="POST /ideen/<id>/unterstuetzen", who=f"{SUPPORT_ACCOUNTS} accounts")
            rows["support POST"] = result
            print(_line("support POST (random idea)", "20 acc.", result))
        rows["mixed load"] = result = mixed_load(ceiling, servers, base, args, paths, known, cookies, tokens)
        print(_line("hot set: 95 % anonymous, 5 % supports", "both", result,
                    f"cache hits: {result['hit_rate']:.1%} ({result['writes']} writes)  "))
    finally:
        if proxy:
            proxy.stop()
        for server in servers:
            server.stop()
    facts_kept = {key: value for key, value in known.items() if key != "own"} | {"own_ideas": len(known["own"])}
    return {"database": name, "facts": facts_kept, "pages": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--size", choices=sorted(SIZES), default="10k")
    parser.add_argument("--ideas", type=int)
    parser.add_argument("--supports", type=int)
    parser.add_argument("--comments", type=int)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--instances", type=int, choices=[1, 2], default=1)
    parser.add_argument("--no-anonymous", dest="anonymous", action="store_false", help="only signed-in readers")
    parser.add_argument("--page", action="append", help="only the pages whose label contains this (repeatable)")
    parser.add_argument("--mixed-only", action="store_true", help="only the mixed loads (realistic and hot set)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs Debian's wrk package")
    ideas, supports, comments = SIZES[args.size]
    ideas, supports, comments = args.ideas or ideas, args.supports or supports, args.comments or comments
    size = args.size if (ideas, supports, comments) == SIZES[args.size] else f"{ideas}"
    if not redis_available():
        sys.exit("production keeps the rate limits and the page cache in Redis: start Redis first (see the machine's page)")
    print(f"machine: {os.cpu_count()} cores, load {load()}; {args.instances} instance(s) of gunicorn {' '.join(gunicorn_options())}"
          f"{' behind nginx' if args.instances > 1 else ''}; wrk -t2 -c{args.connections} -d{args.seconds}s, {args.pairs} pairs;"
          " production configuration: rate limits on in Redis, page cache in Redis")
    ceiling_server = Server("bench.ceiling:app", env_for("sqlite://"), app_hooks=False)
    report = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": _commit(), "size": size,
              "ideas": ideas, "supports": supports, "comments": comments, "instances": args.instances, "seconds": args.seconds,
              "pairs": args.pairs, "connections": args.connections, "cores": os.cpu_count(), "gunicorn": gunicorn_options(),
              "configuration": "production: APP_ENV=production, rate limits on in Redis (raised), page cache in Redis", "results": []}
    try:
        for name, url in database_urls(args.db, size).items():
            print(f"== {name}, {ideas:,} ideas / {supports:,} supports / {comments:,} comments ==")
            prepare(url, ideas, supports, comments)
            report["results"].append(measure(name, url, args, ceiling_server))
            print()
    finally:
        ceiling_server.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{size}-{args.instances}x.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"written: {out.relative_to(ROOT)}")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


if __name__ == "__main__":
    main()
