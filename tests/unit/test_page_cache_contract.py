"""The page cache's contract (app/cache/contract.py): each area declares how its models bear on
cached pages and which of its pages are cached. A model or a cached page declared nowhere fails
here, as a table without a privacy declaration fails tests/unit/test_privacy_inventory.py."""

from app.cache import contract
from app.models import Base


def _models() -> set[type]:
    return {mapper.class_ for mapper in Base.registry.mappers}


def test_every_model_is_declared_public_idea_scoped_or_private(app):
    idea_scoped = set(contract.IDEA_CONTENT)
    public = set(contract.PUBLIC_CONTENT) - idea_scoped
    private = set(contract.PRIVATE)
    undeclared = sorted(m.__name__ for m in _models() - public - idea_scoped - private)
    assert not undeclared, f"declare these to the page cache (cache.declare in their area): {undeclared}"
    twice = sorted(m.__name__ for m in (public & private) | (idea_scoped & private))
    assert not twice, f"declared both public and private: {twice}"


def test_idea_scoped_models_name_their_idea(app):
    for model in contract.IDEA_CONTENT:
        assert "idea_id" in model.__table__.columns, f"{model.__name__} is idea-scoped but has no idea_id"


def test_every_declared_page_exists_and_is_declared_once(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(contract.CACHED_ENDPOINTS) <= endpoints
    assert set(contract.NOT_CACHED) <= endpoints
    assert not set(contract.CACHED_ENDPOINTS) & set(contract.NOT_CACHED)
    assert set(contract.PAGES_OF_AN_IDEA) <= set(contract.CACHED_ENDPOINTS)
    for endpoint in contract.CACHED_ENDPOINTS:
        assert "GET" in next(rule.methods for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)


def test_the_check_sees_an_undeclared_model(app):
    """Not blind: a model taken out of the declarations is found."""
    saved = contract.PRIVATE
    try:
        contract.PRIVATE = tuple(m for m in saved if m.__name__ != "Follow")
        try:
            test_every_model_is_declared_public_idea_scoped_or_private(app)
        except AssertionError as error:
            assert "Follow" in str(error)
        else:
            raise AssertionError("an undeclared model went unnoticed")
    finally:
        contract.PRIVATE = saved
