"""One kind of request in-process: the CPU it costs.

    .venv/bin/python bench/inprocess.py support                       # a support of a random idea
    .venv/bin/python bench/inprocess.py idea-miss --signed-in          # a random idea's page, not cached
    .venv/bin/python bench/inprocess.py idea-hit --signed-in           # the idea page with 100 comments, cached
    .venv/bin/python bench/inprocess.py mix --requests 3000 --batches 1  # the realistic mix: where its CPU goes

The app as bench/run.py serves it (production configuration: rate limits on in Redis, the page
cache in Redis), on the database bench/run.py prepared (`--db`, `--size`; run it once first), but
called through Flask's test client in this process: no HTTP, no gunicorn, no other process to
share the machine with. Each batch's CPU time (`time.process_time`) per request is printed, with
the median and the minimum of the batches; the machine's speed drifts within the hour, so compare
two commits in alternating runs. (Instructions, which do not drift, can be counted by running it
under valgrind's callgrind for two request counts and subtracting.)

Kinds: `idea-miss` reads random ideas of all (the long tail; the page cache is emptied first, so
each is a first read), `idea-hit` the idea with 100 comments from the cache, `support` supports
random ideas as one bench account and takes its supports back afterwards (counts and follows
included), so that every run supports anew. `mix` sends what bench/realistic.lua sends (of every
100 requests 95 reads, half of them signed in with one of MIX_ACCOUNTS accounts, one in five on a
random idea of all; 4 supports of random ideas, 1 comment on a hot idea) and prints, besides the
CPU, where it goes: by page and reader, hits and misses apart, and the writes; then what the mix
would cost if the long tail's pages (the random ideas) were answered like the hot ideas' cached
pages. It starts with the page cache emptied (a run within a minute of the last would otherwise
find the same random ideas cached: the draws are seeded), and with `--tail zipf` draws the random
ideas Zipf-like instead of uniformly. Its supports and comments are taken back afterwards. Numbers, not pass/fail:
docs/performance.md.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import logging
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402 (bench/run.py: the databases, the production environment)

KINDS = ("idea-miss", "idea-hit", "support", "mix")
MIX_ACCOUNTS = 4  # the mix's signed-in readers and writers (bench1-1 …)
WARM_UP = 30
HEADERS = {"Referer": "https://localhost/"}
BASE = "https://localhost"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--size", choices=sorted(run.SIZES), default="100k")
    parser.add_argument("--signed-in", action="store_true", help="as a signed-in reader (a support always is)")
    parser.add_argument("--requests", type=int, default=300, help="per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--tail", choices=["uniform", "zipf"], default="uniform",
                        help="mix: the random ideas drawn uniformly (bench/realistic.lua) or Zipf-like, P(rank r) ∝ 1/r")
    return parser.parse_args()


def main() -> None:
    args = parse()
    url = run.database_urls(args.db, args.size)[{"postgresql": "PostgreSQL", "sqlite": "SQLite"}[args.db]]
    os.environ.update(run.env_for(url))
    if args.kind == "mix":
        mix(args, url)
        return
    from redis import Redis

    known = run.facts(url)  # the published ideas' ids run from low to high (ideas in the portfolio, not supportable, after them)
    low, high, with100, own = known["low"], known["high"], known["with100"], set(known["own"])
    app = create_app()
    signed_in = args.signed_in or args.kind == "support"
    client, token = sign_in(app, 1, with100) if signed_in else (app.test_client(), "")
    rng = random.Random(1)

    def one() -> None:
        if args.kind == "support":
            response = client.post(f"/ideen/{random_idea(rng, low, high, own)}/unterstuetzen", data={"csrf_token": token}, base_url=BASE,
                                   headers={**HEADERS, "Accept": "application/json"})
        else:
            path = f"/ideen/{random_idea(rng, low, high, own)}" if args.kind == "idea-miss" else f"/ideen/{with100}"
            response = client.get(path, base_url=BASE, headers=HEADERS)
        assert response.status_code in (200, 404), response.status_code  # 404: a draft of someone else

    try:
        for _ in range(WARM_UP):
            one()
        if args.kind == "idea-miss":
            Redis.from_url(run.PAGE_CACHE_REDIS_URL).flushdb()
        per_request = []
        for _ in range(args.batches):
            begun = time.process_time()
            for _ in range(args.requests):
                one()
            per_request.append((time.process_time() - begun) / args.requests * 1000)
    finally:
        if args.kind == "support":
            run.remove_load_test_supports(url)
    who = " signed in" if signed_in else ""
    print(f"{args.kind}{who}: ms CPU a request by batch {' '.join(f'{ms:.2f}' for ms in per_request)}; "
          f"median {statistics.median(per_request):.2f}, min {min(per_request):.2f}")


def random_idea(rng: random.Random, low: int, high: int, own: set[int]) -> int:
    """A random idea id from low to high that the bench account(s) did not write."""
    idea = rng.randint(low, high)
    return idea if idea not in own else random_idea(rng, low, high, own)


def create_app():
    from app import create_app as create

    app = create()
    logging.getLogger("app.requests").setLevel(logging.WARNING)  # as gunicorn's --log-level warning
    return app


def sign_in(app, number: int, idea_id: int):
    """A test client signed in as bench account `number`, and its CSRF token (from idea `idea_id`'s page)."""
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/anmelden", data={"email": f"bench1-{number}@coesfeld.example", "password": run.PASSWORD}, base_url=BASE,
                headers=HEADERS)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/ideen/{idea_id}", base_url=BASE, headers=HEADERS).get_data(as_text=True)
    assert "Abmelden" in page, "the bench account did not sign in"
    return client, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def mix(args: argparse.Namespace, url: str) -> None:
    """bench/realistic.lua's requests in-process; where their CPU goes (see the module's docstring)."""
    from redis import Redis

    run.remove_load_test_comments(url)
    known = run.facts(url)
    app = create_app()
    readers = [sign_in(app, n, known["with100"]) for n in range(1, MIX_ACCOUNTS + 1)]
    own = set(known["own"])  # the ideas the first run.SUPPORT_ACCOUNTS bench accounts wrote, the mix's among them
    anonymous = app.test_client()
    label = {path: name for name, path in run.pages(known).items()} | {f"/ideen/{idea}": "hot idea" for idea in known["hot"]}
    reads = list(label)
    rng = random.Random(1)
    tail_idea = _tail(args.tail, known, own)
    cpu: collections.Counter[tuple[str, str, str]] = collections.Counter()  # (what, who, hit/miss/write) → seconds
    count: collections.Counter[tuple[str, str, str]] = collections.Counter()

    def one() -> tuple[str, str, str]:
        r = rng.random()
        client, token = rng.choice(readers)
        if r < 0.05:
            if r < 0.04:
                what, path, data = "support", f"/ideen/{random_idea(rng, known['low'], known['high'], own)}/unterstuetzen", {"csrf_token": token}
            else:
                what, path = "comment", f"/ideen/{rng.choice(known['hot'])}/kommentare"
                data = {"csrf_token": token, "body": f"{run.LOAD_TEST_COMMENT} {rng.randint(1, 1_000_000)}"}
            response = client.post(path, data=data, base_url=BASE, headers={**HEADERS, "Accept": "application/json"})
            assert response.status_code < 400, (path, response.status_code)
            return what, "signed in", "write"
        if rng.random() < 0.2:
            what, path = "random idea (the long tail)", f"/ideen/{tail_idea(rng)}"
        else:
            path = rng.choice(reads)
            what = label[path]
        who = "signed in" if rng.random() < 0.5 else "anonymous"
        response = (client if who == "signed in" else anonymous).get(path, base_url=BASE, headers=HEADERS)
        assert response.status_code in (200, 404), (path, response.status_code)  # 404: a draft of someone else
        return what, who, "hit" if response.headers.get("X-Page-Cache") == "hit" else "miss"

    Redis.from_url(run.PAGE_CACHE_REDIS_URL).flushdb()  # no entry of an earlier run (its random ideas were these)
    try:
        for _ in range(WARM_UP):
            one()
        for _ in range(args.requests * args.batches):
            begun = time.process_time()
            kind = one()
            cpu[kind] += time.process_time() - begun
            count[kind] += 1
    finally:
        run.remove_load_test_supports(url)
        run.remove_load_test_comments(url)
    _print_mix(cpu, count)


def _tail(kind: str, known: dict, own: set[int]) -> Callable[[random.Random], int]:
    """How the mix draws its random idea of all: uniformly, as bench/realistic.lua does, or Zipf-like
    (the idea of rank r with probability ∝ 1/r; the ranks a fixed shuffle of the ideas, so that
    the popular ones are spread over all ages): what a real district's traffic looks more like."""
    if kind == "uniform":
        return lambda rng: random_idea(rng, known["low"], known["high"], own)
    ideas = [idea for idea in range(known["low"], known["high"] + 1) if idea not in own]
    random.Random(7).shuffle(ideas)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(ideas) + 1)))
    return lambda rng: rng.choices(ideas, cum_weights=weights)[0]


def _print_mix(cpu: collections.Counter, count: collections.Counter) -> None:
    total, requests = sum(cpu.values()), sum(count.values())
    reads = sum(n for kind, n in count.items() if kind[2] != "write")
    hits = sum(n for kind, n in count.items() if kind[2] == "hit")
    print(f"mix: {requests} requests, {total / requests * 1000:.2f} ms CPU a request, cache hits {hits / reads:.1%} of the reads")
    print(f"  {'what':<40} {'who':<10} {'answer':<6} {'requests':>8} {'ms each':>8} {'share of the CPU':>17}")
    for kind, seconds in sorted(cpu.items(), key=lambda item: -item[1]):
        print(f"  {kind[0]:<40} {kind[1]:<10} {kind[2]:<6} {count[kind]:>8} {seconds / count[kind] * 1000:>8.2f} {seconds / total:>17.1%}")
    tail = "random idea (the long tail)"
    as_hits = 0.0
    for who in ("anonymous", "signed in"):
        hot = ("hot idea", who, "hit")
        as_hits += sum(count[kind] for kind in count if kind[0] == tail and kind[1] == who) * cpu[hot] / max(count[hot], 1)
    tail_cpu = sum(seconds for kind, seconds in cpu.items() if kind[0] == tail)
    print(f"if the long tail's pages were answered like the hot ideas' cached pages: {(total - tail_cpu + as_hits) / requests * 1000:.2f} ms "
          f"a request, {total / (total - tail_cpu + as_hits):.2f} times as many requests for the same CPU")


if __name__ == "__main__":
    main()
