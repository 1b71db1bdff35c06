"""The API's one budget per address, which each worker counts in small batches before it asks
the limits' storage (app/rate_limits.py: ReadsInBatches), in memory and in Redis."""

import pytest
from limits import parse

from app import rate_limits
from app.config import TestConfig
from app.extensions import limiter
from app.rate_limits import batch_size
from tests.factories import require_redis

LIMIT = "60 per minute"  # a batch of two reads


@pytest.fixture(params=["memory", "redis"])
def app_config_overrides(request):
    storage = require_redis(15, flush=True) if request.param == "redis" else TestConfig.RATELIMIT_STORAGE_URI
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_API": LIMIT, "RATELIMIT_STORAGE_URI": storage}


def counted(address: str = "127.0.0.1") -> int:
    """The reads the storage knows of for this address in the current window."""
    return limiter.storage.get(parse(LIMIT).key_for(address, "api"))


def read(client, address: str = "127.0.0.1") -> int:
    return client.get("/api/v1/municipalities", environ_base={"REMOTE_ADDR": address}).status_code


def test_a_batch_is_a_thirtieth_of_the_limit_from_one_to_ten_reads():
    assert batch_size("300 per minute") == 10
    assert batch_size("1000000 per minute") == 10
    assert batch_size("60 per minute") == 2
    assert batch_size("3 per minute") == 1, "a small limit is asked every time"
    assert batch_size("3000 per hour;20 per second") == 1, "the smallest of several limits decides"


def test_the_storage_hears_of_every_read_and_the_limit_holds_exactly(client, reference):
    assert read(client) == 200 and counted() == 1, "the first read asks"
    assert read(client) == 200 and counted() == 1, "the second is counted in the worker"
    assert read(client) == 200 and counted() == 3, "the third carries it to the storage with its own"
    assert [read(client) for _ in range(57)] == [200] * 57
    assert counted() == 59, "the 60th is counted in the worker"
    refused = client.get("/api/v1/action-fields")
    assert refused.status_code == 429, "the 61st carries the 60th and is refused: no read past the limit"
    assert refused.json["error"]["status"] == 429 and int(refused.headers["Retry-After"]) > 0
    assert counted() == 61
    assert read(client) == 429 and counted() == 62, "after a refusal every read asks again"


def test_each_address_has_its_own_batch_and_budget(client, reference):
    assert [read(client) for _ in range(2)] == [200, 200]
    assert read(client, "10.0.0.2") == 200
    assert counted() == 1 and counted("10.0.0.2") == 1


def test_a_batch_counts_in_the_worker_only_while_it_is_younger_than_the_batch_time(client, reference, monkeypatch):
    """The batches' clock is the test's (a real sleep made it depend on how fast two requests ran:
    on a loaded machine the second came after the shortened bound)."""
    now = [1000.0]
    monkeypatch.setattr(rate_limits, "monotonic", lambda: now[0])
    assert read(client, "10.0.0.1") == 200 and counted("10.0.0.1") == 1
    now[0] += rate_limits.BATCH_SECONDS - 0.001
    assert read(client, "10.0.0.1") == 200 and counted("10.0.0.1") == 1, "a young batch: counted in the worker"
    assert read(client, "10.0.0.2") == 200 and counted("10.0.0.2") == 1
    now[0] += rate_limits.BATCH_SECONDS
    assert read(client, "10.0.0.2") == 200 and counted("10.0.0.2") == 2, "an old batch: the read asks the storage"


def test_past_the_kept_addresses_a_worker_starts_its_batches_over(client, reference, monkeypatch):
    monkeypatch.setattr(rate_limits, "BATCHES_KEPT", 2)
    assert [read(client, address) for address in ("10.0.0.1", "10.0.0.2")] == [200, 200]
    assert read(client, "10.0.0.3") == 200, "a third address: the batches start over"
    assert read(client, "10.0.0.1") == 200
    assert counted("10.0.0.1") == 2, "its batch was forgotten: the read asked instead of being counted in the worker"
    assert read(client, "10.0.0.3") == 200 and counted("10.0.0.3") == 1, "the newest batch was kept"
