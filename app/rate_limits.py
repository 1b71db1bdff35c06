"""Rate limits: the one place that declares them (Flask-Limiter, counted in Redis in production,
in each worker's memory while Redis is away) and decides which requests are checked at all.

Every limit outside the API is on POSTs (limit_per_address, limit_per_address_and_email,
limit_per_account); the API has one budget per address for every read (app/api/routes.py), whose
hits each worker counts in small batches (ReadsInBatches). The 429 page and its Retry-After are in
app/errors.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from time import monotonic

from flask import Flask, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from app.extensions import limiter


def went_through(response) -> bool:
    """For `counts=`: the form was accepted (it answers with a redirect). Refused forms, which come
    back with their errors, do not count towards the limit."""
    return response.status_code == 302


def sent_a_file(response) -> bool:
    """For `counts=`: the request carried a file (a picture in the idea form), whatever came of it:
    each file is decoded and re-encoded at once, which is the cost the upload limit bounds."""
    return any(upload.filename for upload in request.files.values())


def limit_per_address(setting: str, *, counts=None):
    """Rate-limit POSTs by client address; the limit string is the config value `setting`. With
    `counts` (a function of the response), only the requests it approves count towards the limit."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], deduct_when=counts)


def _address_and_email_key() -> str:
    """The client's address and the e-mail address the form names (log-in, sign-up, reset)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{request.remote_addr or '?'}|{email}"


def limit_per_address_and_email(setting: str, address_setting: str, *, counts=None):
    """Rate-limit POSTs by client address and the e-mail address in the form (`setting`), and by
    address alone with the larger `address_setting`: twenty people on one Wi-Fi each have their
    own budget, while one address still cannot try many accounts without end."""
    by_address = limiter.limit(lambda: current_app.config[address_setting], methods=["POST"], deduct_when=counts)
    by_both = limiter.limit(lambda: current_app.config[setting], key_func=_address_and_email_key, methods=["POST"], deduct_when=counts)
    return lambda view: by_both(by_address(view))


def _account_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else request.remote_addr or "?"


def limit_per_account(setting: str, *, counts=None):
    """Rate-limit POSTs per signed-in account (by address before log-in). With `counts` (a function
    of the response), only the requests it approves count towards the limit."""
    return limiter.limit(lambda: current_app.config[setting], key_func=_account_key, methods=["POST"], deduct_when=counts)


# Reads counted in batches ----------------------------------------------------------------------

# The API's budget (RATELIMIT_API, 300 a minute per address) is shared by every worker through
# Redis, and asking Redis was a third of a cached API answer's CPU (a round trip, and Flask-Limiter
# finding the limit). So a worker counts an address's reads itself, a few at a time: after Redis
# let one of them through, the next ones of that address (at most BATCH_MOST - 1, within
# BATCH_SECONDS) are counted in the worker, and the request after them carries them to Redis with
# its own (Flask-Limiter's `cost`). What that gives up, and no more:
# - a worker may serve at most BATCH_MOST - 1 reads of an address past the limit before Redis
#   refuses one (3 % of 300 per worker); Redis refuses exactly as before, and after a refusal every
#   read asks Redis again until one is let through;
# - Redis hears of a read at most BATCH_SECONDS late, or, when the address sent nothing more, with
#   its next read (then counted in that read's window: stricter, never looser).
# A limit of fewer than 30 in a window is asked every time: a batch is one read.
BATCH_MOST = 10
BATCH_SECONDS = 1.0
BATCH_PER_LIMIT = 30  # one read in a batch per 30 of the limit's amount
BATCHES_KEPT = 4096  # addresses per worker; past it they start over (each loses its < 10 uncarried reads)


@dataclass
class _Batch:
    counted: int  # reads counted in this worker since Redis let one through
    since: float  # when it did (monotonic)


@lru_cache(maxsize=64)
def batch_size(limit: str) -> int:
    """How many reads of one address a worker counts per question to Redis, for a limit string."""
    amount = min(item.amount for item in parse_many(limit))
    return max(1, min(BATCH_MOST, amount // BATCH_PER_LIMIT))


class ReadsInBatches:
    """One limit's reads, counted per address in batches (see above). `hits` is the limit's cost.
    The batches are the app's (app.extensions), like Flask-Limiter's storage."""

    def __init__(self, setting: str) -> None:
        self.setting = setting
        self._kept_in = f"reads_in_batches:{setting}"
        self._lock = threading.Lock()

    def start(self, app: Flask) -> None:
        app.extensions[self._kept_in] = {}

    def count(self, check_with_flask_limiter) -> None:
        """Count this read in the worker if its address's batch has room (Redis is then not asked);
        else ask Redis (through Flask-Limiter) for it and the batch counted before it, which raises
        RateLimitExceeded when refused (and the address's next read asks again)."""
        size = batch_size(current_app.config[self.setting])
        key = get_remote_address()
        batches: dict[str, _Batch] = current_app.extensions[self._kept_in]
        with self._lock:
            batch = batches.get(key)
            if batch is not None and batch.counted + 1 < size and monotonic() - batch.since < BATCH_SECONDS:
                batch.counted += 1
                return
            batches.pop(key, None)  # carried now (a concurrent read of this address asks for its own)
        g.reads_carried = 1 + (batch.counted if batch else 0)
        check_with_flask_limiter()
        with self._lock:
            if len(batches) >= BATCHES_KEPT:
                batches.clear()
            batches[key] = _Batch(0, monotonic())

    @staticmethod
    def hits() -> int:
        """Flask-Limiter's cost of the read it is asked about: itself and the reads carried with it."""
        return g.get("reads_carried", 1)


API_READS = ReadsInBatches("RATELIMIT_API")

# Every limit outside the API is on POSTs; the API has one budget for every method. So a GET or HEAD
# elsewhere meets no limit, and Flask-Limiter need not look for one: that look was a fifth of an
# anonymous cached page's time. The request filter tells it so where it asks (a limited view's
# decorator, on its GET); its own before_request hook, which asks on every request, is not run for
# such a read at all (check_limits_only_where_they_can_apply): even to find the request exempt it
# took 70 µs.
LIMITED_READS = {"api": API_READS}  # the blueprints whose GETs are limited, and how they are counted


def limit_api_reads(blueprint):
    """The API's one budget per address (RATELIMIT_API), for every route of the blueprint."""
    return limiter.shared_limit(lambda: current_app.config[API_READS.setting], scope="api", cost=API_READS.hits)(blueprint)


@limiter.request_filter
def _read_without_limits() -> bool:
    return request.method in ("GET", "HEAD") and request.blueprint not in LIMITED_READS


def check_limits_only_where_they_can_apply(app: Flask) -> None:
    """Put a hook in place of Flask-Limiter's before_request check (after limiter.init_app) that
    skips it for a read without limits (_read_without_limits), counts a limited read in batches
    (ReadsInBatches) and runs it for every other request."""
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return  # limits off (RATELIMIT_ENABLED): Flask-Limiter added no hook
    for reads in LIMITED_READS.values():
        reads.start(app)

    def check_rate_limits() -> None:
        if _read_without_limits():
            return
        reads = LIMITED_READS.get(request.blueprint or "")
        if reads is None:
            check()
        else:
            reads.count(check)

    hooks[hooks.index(check)] = check_rate_limits
