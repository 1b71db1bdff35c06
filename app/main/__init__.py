"""The start page and site-wide pages."""

from app.cache import CachedPage, declare

declare(
    pages={"main.index": CachedPage(), "main.open_data": CachedPage(), "main.help_page": CachedPage(), "main.easy_language": CachedPage()},
    not_cached={"main.security_txt": "its expiry is computed per request in development; tiny",
                "static": "files with their own headers (nginx serves them in production)"},
)
