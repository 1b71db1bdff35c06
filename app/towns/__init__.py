"""The towns: a public page per town (its ideas, projects and trials) and a comparison of all 12."""

from app.cache import CachedPage, declare

declare(pages={"towns.index": CachedPage(), "towns.show": CachedPage()})
