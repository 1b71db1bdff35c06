"""Throughput of the main pages as a ratio to a trivial Flask route, measured in alternating pairs.

    make bench                                       # 10,000 ideas, SQLite and (if reachable) PostgreSQL
    make bench BENCH_ARGS="--size 100k --db postgresql"      # 100,000 ideas / 1,000,000 supports / 500,000 comments
    make bench BENCH_ARGS="--instances 2"            # two app instances behind nginx (deploy/nginx/proxy.conf)
    python bench/run.py --db sqlite --ideas 1000 --supports 20000 --comments 5000 --seconds 2 --pairs 1   # quick

For each database: migrate, generate data (bench/generate.py; skipped when the database holds it),
serve wsgi:app with gunicorn (2 sync workers per instance; Redis for the page cache and the rate
limits when it runs, as in production) and load it with wrk from this machine. The ceiling
(bench/ceiling.py, served the same way) is measured right before each page, `--pairs` times; a
page's ratio is the median of its pairs, printed with their range, so a noisy machine shows as a
wide range instead of a wrong number. The machine's load average is printed with every page.

Pages are measured for anonymous readers (the page cache serves them) and for a signed-in
reader (a real session cookie: rendered for that person every time), with the SQL queries and
SQL time one request of each costs. Support POSTs come from 20 signed-in accounts. Everything
is written as JSON to bench/results/<time>-<db>-<size>.json, to compare runs.
Numbers, not pass/fail: docs/performance.md and bench/HISTORY.md record them.
"""

from __future__ import annotations

import argparse
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
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "bench-passwort-2026"  # bench/generate.py
SIZES = {"10k": (10_000, 200_000, 50_000), "100k": (100_000, 1_000_000, 500_000)}
SUPPORT_ACCOUNTS = 20
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

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
        return True
    except Exception:  # noqa: BLE001 - then the page cache lives in each worker
        return False


def env_for(url: str, *, redis: bool = False, cache: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=url, APP_ENV="production", SECRET_KEY=SECRET, SESSION_COOKIE_SECURE="0", RATELIMIT_ENABLED="0",
               FLASK_APP="wsgi.py", PYTHONPATH=str(ROOT), PAGE_CACHE_ENABLED="1" if cache else "0", HSTS_MAX_AGE="0",
               SECURITY_CONTACT="mailto:sicherheit@bench.example", SECURITY_TXT_EXPIRES="2099-12-31")
    if redis:
        env["REDIS_URL"] = REDIS_URL
    else:
        env["RATELIMIT_STORAGE_URI"] = "memory://"
    return env


def _python(code: str, env: dict[str, str]) -> str:
    return subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


APP = "from app import create_app; from app.extensions import db; from app.models import Idea; from sqlalchemy import func, select;app = create_app();\n"


def prepare(url: str, ideas: int, supports: int, comments: int) -> None:
    env = env_for(url)
    subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    have = int(_python(APP + "with app.app_context(): print(db.session.scalar(select(func.count(Idea.id))))", env).splitlines()[-1])
    if have == ideas:
        print(f"  data present ({have} ideas)")
        return
    if have:
        print(f"  {have} ideas present, {ideas} wanted: starting from an empty schema")
        subprocess.run([str(VENV_BIN / "flask"), "db", "downgrade", "base"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    started = time.time()
    subprocess.run([str(VENV_BIN / "python"), "bench/generate.py", "--ideas", str(ideas), "--supports", str(supports), "--comments", str(comments)],
                   env=env, cwd=ROOT, check=True)
    print(f"  generated in {time.time() - started:.0f} s")


class Server:
    """gunicorn with 2 sync workers on a free port (one "machine")."""

    def __init__(self, target: str, env: dict[str, str], probe: str = "/"):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            env={**env, "PYTHONWARNINGS": "ignore"}, cwd=ROOT, stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for(self.base + probe, target)

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
    latencies = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result = {"rps": rps, "p50": latencies.get("50", "?"), "p99": latencies.get("99", "?"), "errors": int(non2xx.group(1)) if non2xx else 0}
    cache = re.search(r"page cache: hits (\d+) misses (\d+) writes (\d+)", output)  # bench/mixed.lua
    if cache:
        result.update(hits=int(cache.group(1)), misses=int(cache.group(2)), writes=int(cache.group(3)))
    return result


def in_pairs(ceiling: str, target: str, args, **options) -> dict:
    """`args.pairs` times: the ceiling, then the page. The ratio of each pair; their median and range."""
    wrk(target, 1, args.connections, **options)  # warm-up
    pairs = []
    for _ in range(args.pairs):
        top = wrk(ceiling, args.seconds, args.connections)
        page = wrk(target, args.seconds, args.connections, **options)
        pairs.append({"ceiling": top["rps"], **page, "ratio": page["rps"] / top["rps"]})
    ratios = sorted(p["ratio"] for p in pairs)
    middle = sorted(pairs, key=lambda p: p["ratio"])[len(pairs) // 2]
    result = {"ratio": statistics.median(ratios), "low": ratios[0], "high": ratios[-1], "rps": middle["rps"], "ceiling": middle["ceiling"],
              "p50": middle["p50"], "p99": middle["p99"], "errors": sum(p["errors"] for p in pairs), "load": load(), "pairs": pairs}
    if all("hits" in p for p in pairs):
        hits, answered = sum(p["hits"] for p in pairs), sum(p["hits"] + p["misses"] for p in pairs)
        result.update(hit_rate=hits / answered if answered else 0.0, writes=sum(p["writes"] for p in pairs))
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


def support_accounts(base: str, known: dict) -> tuple[str, str]:
    """SUPPORT_ACCOUNTS signed-in accounts (cookie|token ...) for support.lua, each with a checked support."""
    cookies, tokens = [], []
    for n in range(1, SUPPORT_ACCOUNTS + 1):
        client = Client(base)
        client.log_in(f"bench1-{n}@coesfeld.example")
        token = client.token(f"/ideen/{known['with100']}")
        cookies.append(client.cookie)
        tokens.append(urllib.parse.quote(token))
    return " ".join(cookies), " ".join(tokens)


def mixed_load(ceiling: str, base: str, args, paths: dict[str, str], known: dict, cookies: str, tokens: str) -> dict:
    """bench/mixed.lua: 95 % anonymous reads of every page and of the hot ideas' pages, 5 % supports
    (or withdrawals) of the hot ideas; with the page cache's hit rate over the reads."""
    reads = [*paths.values(), *(f"/ideen/{idea}" for idea in known["hot"])]
    lua_env = dict(os.environ, BENCH_PATHS=" ".join(reads), BENCH_HOT_IDEAS=" ".join(map(str, known["hot"])),
                   BENCH_COOKIES=cookies, BENCH_TOKENS=tokens)
    result = in_pairs(ceiling, base, args, script=str(ROOT / "bench" / "mixed.lua"), env=lua_env)
    result.update(path="mixed", who="anonymous readers, signed-in supporters", reads=reads)
    return result


def measure(name: str, url: str, args, ceiling: str, redis: bool) -> dict:
    known = facts(url)
    paths = pages(known)
    costs = {} if args.mixed_only else sql_costs(url, list(paths.values()), "bench1-1@coesfeld.example")
    env = env_for(url, redis=redis)
    servers = [Server("wsgi:app", env, probe="/health") for _ in range(args.instances)]
    proxy = Nginx([s.base for s in servers]) if args.instances > 1 else None
    base = proxy.base if proxy else servers[0].base
    rows: dict[str, dict] = {}
    try:
        reader = Client(base)
        reader.log_in("bench1-2@coesfeld.example")
        assert "Kommentare (100)" in reader.open(paths["idea page with 100 comments"])
        if not args.mixed_only:
            print(f"  {'page':<40} {'who':<10} {'req/s':>7} {'ratio':>7} {'range':>13} {'p50':>8} {'p99':>8} {'SQL':>4} {'SQL ms':>7}  load")
            for label, path in paths.items():
                if args.page and not any(wanted in label for wanted in args.page):
                    continue
                for who, cookie in (("anonymous", ""), ("signed in", reader.cookie)):
                    if who == "anonymous" and not args.anonymous:
                        continue
                    result = in_pairs(ceiling, base + path, args, cookie=cookie)
                    assert result["errors"] == 0, (label, who, result)
                    result.update(path=path, who=who, **costs[path])
                    rows[f"{label} ({who})"] = result
                    print(f"  {label:<40} {who:<10} {result['rps']:>7.0f} {result['ratio']:>7.1%} {result['low']:>6.1%}–{result['high']:<6.1%}"
                          f" {result['p50']:>8} {result['p99']:>8} {result['queries']:>4} {result['sql_ms']:>7.1f}  {result['load']}")
        cookies, tokens = support_accounts(base, known)
        if not args.mixed_only:
            lua_env = dict(os.environ, BENCH_FIRST_IDEA=str(known["low"]), BENCH_IDEAS=str(known["high"] - known["low"] + 1),
                           BENCH_COOKIES=cookies, BENCH_TOKENS=tokens, BENCH_OWN_IDEAS=" ".join(map(str, known["own"])))
            result = in_pairs(ceiling, base, args, script=str(ROOT / "bench" / "support.lua"), env=lua_env)
            assert result["errors"] == 0, ("support POST", result)
            result.update(path="POST /ideen/<id>/unterstuetzen", who=f"{SUPPORT_ACCOUNTS} accounts")
            rows["support POST"] = result
            print(f"  {'support POST (random idea)':<40} {result['who']:<10} {result['rps']:>7.0f} {result['ratio']:>7.1%}"
                  f" {result['low']:>6.1%}–{result['high']:<6.1%} {result['p50']:>8} {result['p99']:>8}  non-2xx: {result['errors']}  {result['load']}")
        rows["mixed load"] = result = mixed_load(ceiling, base, args, paths, known, cookies, tokens)
        print(f"  {'mixed: 95 % anonymous reads, 5 % supports':<40} {'both':<10} {result['rps']:>7.0f} {result['ratio']:>7.1%}"
              f" {result['low']:>6.1%}–{result['high']:<6.1%} {result['p50']:>8} {result['p99']:>8}  cache hits: {result['hit_rate']:.1%}"
              f" ({result['writes']} writes)  {result['load']}")
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
    parser.add_argument("--mixed-only", action="store_true", help="only the mixed load (95 %% reads, 5 %% supports)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs Debian's wrk package")
    ideas, supports, comments = SIZES[args.size]
    ideas, supports, comments = args.ideas or ideas, args.supports or supports, args.comments or comments
    size = args.size if (ideas, supports, comments) == SIZES[args.size] else f"{ideas}"
    redis = redis_available()
    if args.instances > 1 and not redis:
        sys.exit("two instances share the page cache and the rate limits through Redis: start Redis first")
    print(f"machine: {os.cpu_count()} cores, load {load()}; {args.instances} instance(s) of gunicorn with 2 sync workers"
          f"{' behind nginx' if args.instances > 1 else ''}; wrk -t2 -c{args.connections} -d{args.seconds}s, {args.pairs} pairs;"
          f" page cache in {'Redis' if redis else 'each worker'}")
    ceiling_server = Server("bench.ceiling:app", env_for("sqlite://"))
    report = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": _commit(), "size": size,
              "ideas": ideas, "supports": supports, "comments": comments, "instances": args.instances, "seconds": args.seconds,
              "pairs": args.pairs, "connections": args.connections, "cores": os.cpu_count(), "results": []}
    try:
        for name, url in database_urls(args.db, size).items():
            print(f"== {name}, {ideas:,} ideas / {supports:,} supports / {comments:,} comments ==")
            prepare(url, ideas, supports, comments)
            report["results"].append(measure(name, url, args, ceiling_server.base + "/", redis))
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
