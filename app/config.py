"""Settings, read from the environment. See docs/configuration.md."""

from __future__ import annotations

import logging
import os
from datetime import date, datetime, timedelta, timezone


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def normalise_database_url(url: str) -> str:
    """Let people write postgres:// or postgresql:// and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


DEV_SECRET_KEY = "dev-only-not-secret"
DEV_SECURITY_CONTACT = "mailto:sicherheit@coesfeld.example"


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    # No pool_pre_ping (a round trip per request): app/database.py checks a PostgreSQL connection's socket instead.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    # Requests: the idea card is at most ~12,000 characters. Up to 1 MiB reaches the forms, which
    # answer an over-long text with a 422 that keeps it; only beyond that comes a 413 (its page says
    # what to do). Werkzeug's limit for one form field is raised to match.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    # Cookies
    SESSION_COOKIE_NAME = "ideen_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # The cookie is signed and sent again only when the session changes, not on every request;
    # app/auth/sessions.py marks it changed when it notes the session's use (every few minutes),
    # so the 14 days still run from the last visit.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # HTTP Strict Transport Security, in seconds (0: no header). On in production, where TLS
    # terminates at the reverse proxy; a district that serves subdomains without TLS sets it lower.
    HSTS_MAX_AGE = _int("HSTS_MAX_AGE", 0)

    # Forms
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Language and time
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    # Mail: SMTP when MAIL_SERVER is set, otherwise .eml files in MAIL_OUTBOX
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Coesfeld 12.0 Ideenplattform <noreply@coesfeld.example>")
    MAIL_OUTBOX = os.environ.get("MAIL_OUTBOX", "")  # default: <instance>/outbox
    # "Meine Daten": the ZIP files the worker builds (default: <instance>/exports).
    EXPORT_DIR = os.environ.get("EXPORT_DIR", "")
    # Pictures on ideas, re-encoded (default: <instance>/uploads). Back it up with the database.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")

    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (0: none).
    # Only with this set do rate limits see the visitor's address instead of the proxy's.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # Links in mails need an absolute address
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Password hashes: Werkzeug's scrypt (n=2^15, r=8, p=1)
    PASSWORD_HASH_METHOD = "scrypt"

    # Tokens
    CONFIRM_TOKEN_MAX_AGE = _int("CONFIRM_TOKEN_MAX_AGE", 3 * 24 * 3600)
    RESET_TOKEN_MAX_AGE = _int("RESET_TOKEN_MAX_AGE", 3600)

    # Rate limits (Flask-Limiter); Redis when REDIS_URL is set
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "") or os.environ.get("REDIS_URL", "") or "memory://"
    # No X-RateLimit-* headers on every answer: writing them read the limit's window from Redis
    # again (GET and TTL: two round trips more per request, a third of a cached API answer's time).
    # A refusal (429) says when to try again in Retry-After (app/errors.py: retry_after).
    RATELIMIT_HEADERS_ENABLED = False
    # Redis away (refused, or hung: the timeouts): every limit goes on counting in the worker's own
    # memory, so log-in, sign-up and every write keep working, and Flask-Limiter goes back to Redis
    # once it answers again (it checks after 1, 2, 4, ... s). /health says "degraded" meanwhile.
    # An error in a later step (the deduction after the answer) is logged, never a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    # Log-in, sign-up and password reset count per address *and* e-mail address typed, so a
    # workshop on one town hall Wi-Fi is not locked out by its own twenty people; the *_ADDRESS
    # limits cap one address over all accounts (guessing many accounts from one place), and the
    # account lockout (20 failed log-ins) stops slow guessing of one account. docs/workshops.md.
    RATELIMIT_SIGNUP = os.environ.get("RATELIMIT_SIGNUP", "10 per hour")
    RATELIMIT_SIGNUP_ADDRESS = os.environ.get("RATELIMIT_SIGNUP_ADDRESS", "100 per hour")
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "20 per 15 minutes")
    RATELIMIT_LOGIN_ADDRESS = os.environ.get("RATELIMIT_LOGIN_ADDRESS", "300 per 15 minutes")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per hour")
    RATELIMIT_RESET_ADDRESS = os.environ.get("RATELIMIT_RESET_ADDRESS", "60 per hour")
    RATELIMIT_SUBMIT = os.environ.get("RATELIMIT_SUBMIT", "20 per hour")

    IDEAS_PER_PAGE = 20

    # Page cache for anonymous readers (app/cache/); Redis when REDIS_URL is set.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    PAGE_CACHE_ENABLED = _bool("PAGE_CACHE_ENABLED", True)
    PAGE_CACHE_TIMEOUT = _int("PAGE_CACHE_TIMEOUT", 60)  # also how old a count in a list may be (app/cache/)
    PAGE_CACHE_ITEMS = _int("PAGE_CACHE_ITEMS", 2000)
    PAGE_CACHE_LOCAL_MB = _int("PAGE_CACHE_LOCAL_MB", 32)  # each worker's copies of cached pages (app/cache/, Copies)
    # How long Redis keeps its copy of the versions before a lookup reads the database again (app/cache/).
    PAGE_CACHE_VERSION_SECONDS = _int("PAGE_CACHE_VERSION_SECONDS", 2)
    # How old the versions may be that a worker answers an anonymous reader or the API with from its
    # own copy of a page, without asking Redis (app/cache/, RecentVersions); 0: ask every time.
    PAGE_CACHE_RECENT_SECONDS = _int("PAGE_CACHE_RECENT_SECONDS", 1)
    # Another Redis database for the page cache (e.g. redis://127.0.0.1:6379/1 with maxmemory), apart from the rate limits.
    PAGE_CACHE_REDIS_URL = os.environ.get("PAGE_CACHE_REDIS_URL", "")
    # Retention (app/retention.py, run by the worker), in days.
    RETAIN_UNCONFIRMED_DAYS = _int("RETAIN_UNCONFIRMED_DAYS", 7)
    RETAIN_MAIL_DAYS = _int("RETAIN_MAIL_DAYS", 30)
    RETAIN_EVENTS_DAYS = _int("RETAIN_EVENTS_DAYS", 30)
    RETAIN_NOTIFICATIONS_DAYS = _int("RETAIN_NOTIFICATIONS_DAYS", 180)
    RETAIN_EXPORT_DAYS = _int("RETAIN_EXPORT_DAYS", 7)  # a "Meine Daten" download (and a report's PDF), then its file goes
    # A report (/berichte) for a longer period is written by the worker and mailed as a link.
    REPORT_DIRECT_DAYS = _int("REPORT_DIRECT_DAYS", 366)

    # The staff's daily summary counts ideas waiting longer than this for an official answer.
    NOTIFY_ANSWER_WAITING_DAYS = _int("NOTIFY_ANSWER_WAITING_DAYS", 14)
    # A mail "at once" waits until nothing new came for the same person and idea for this long, so a
    # moderator's session (a state, an answer, a reason) reaches the author as one mail, not three.
    NOTIFY_BUNDLE_SECONDS = _int("NOTIFY_BUNDLE_SECONDS", 90)
    # Reports from this many distinct accounts hide an idea or comment pending review.
    REPORT_HIDE_THRESHOLD = _int("REPORT_HIDE_THRESHOLD", 3)
    # ... counting only accounts confirmed at least this long whose earlier reports were never
    # dismissed as unfounded: three fresh accounts must not hide someone's idea.
    REPORT_TRUST_HOURS = _int("REPORT_TRUST_HOURS", 48)
    # How long the link to claim an idea taken down on someone's behalf stays valid; then the address is deleted.
    IDEA_CLAIM_DAYS = _int("IDEA_CLAIM_DAYS", 30)
    RATELIMIT_SUPPORT = os.environ.get("RATELIMIT_SUPPORT", "60 per minute")
    RATELIMIT_COMMENT = os.environ.get("RATELIMIT_COMMENT", "10 per minute")
    RATELIMIT_REPORT = os.environ.get("RATELIMIT_REPORT", "20 per hour")
    RATELIMIT_UPLOAD = os.environ.get("RATELIMIT_UPLOAD", "30 per hour")
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")

    # /.well-known/security.txt (RFC 9116): where to report a vulnerability. Expires: an ISO time;
    # without it, 180 days from the day of the request.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", DEV_SECURITY_CONTACT)
    # Who runs the platform (header, footer, start page): the operator's byline and an optional logo
    # file under app/static/ (served from here, no third-party request), and one contact.
    OPERATOR_BYLINE = os.environ.get("OPERATOR_BYLINE", "Ein Angebot des Kreises Coesfeld")
    OPERATOR_LOGO = os.environ.get("OPERATOR_LOGO", "")  # e.g. img/kreis-coesfeld.svg
    CONTACT_NAME = os.environ.get("CONTACT_NAME", "")
    CONTACT_FUNCTION = os.environ.get("CONTACT_FUNCTION", "")
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
    # The operator's sign-language video for /leichte-sprache: files under app/static/ (a WebM or MP4
    # and its WebVTT captions), served from here; without them the page says where it will be.
    SIGN_LANGUAGE_VIDEO = os.environ.get("SIGN_LANGUAGE_VIDEO", "")
    # The next dates that matter, on the start page: "2027-02-15 Sitzung des Steuerungsgremiums;
    # 2027-03-01 Themenworkshop Mobilität" (ISO date, a space, the words; ";" or a new line between).
    UPCOMING_DATES = os.environ.get("UPCOMING_DATES", "")
    SIGN_LANGUAGE_CAPTIONS = os.environ.get("SIGN_LANGUAGE_CAPTIONS", "")
    # A legal text that still holds a placeholder ("[BITTE ERGÄNZEN …]") is shown to administrators
    # only (everyone else reads that it is being completed); on in production.
    LEGAL_HIDE_UNFINISHED = _bool("LEGAL_HIDE_UNFINISHED", False)
    SECURITY_TXT_EXPIRES = os.environ.get("SECURITY_TXT_EXPIRES", "")
    SECURITY_POLICY_URL = os.environ.get("SECURITY_POLICY_URL", "")

    # Open data (exports and the JSON API): the licence the district publishes under.
    OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC BY 4.0")
    OPEN_DATA_LICENCE_URL = os.environ.get("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.de")
    OPEN_DATA_ATTRIBUTION = os.environ.get("OPEN_DATA_ATTRIBUTION", "Kreis Coesfeld, Ideenplattform Coesfeld 12.0")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # An example contact, so a newcomer sees where it appears (production sets the district's own).
    CONTACT_NAME = os.environ.get("CONTACT_NAME", "Digitalagentur COE")
    CONTACT_FUNCTION = os.environ.get("CONTACT_FUNCTION", "Prozessbüro Coesfeld 12.0")
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "02541 18-0")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "ideen@coesfeld.example")
    UPCOMING_DATES = os.environ.get("UPCOMING_DATES", "2027-02-16 Sitzung des Steuerungsgremiums; "
                                    "2027-03-04 Themenworkshop Mobilität in Dülmen; 2027-04-30 Einreichungsschluss der ersten Runde")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False  # the CSRF tests switch it back on
    RATELIMIT_ENABLED = False  # the rate-limit tests switch it back on
    NOTIFY_BUNDLE_SECONDS = 0  # mails at once, without waiting for more; the bundling tests set it
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = ""  # tests that need Redis say so
    MAIL_SERVER = ""
    PUBLIC_BASE_URL = "http://localhost"
    # A cheap hash: fixtures create hundreds of accounts (scrypt costs ~0.4 s each). The timing test
    # and test_production_hashes_with_scrypt use the real one.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Fixtures' accounts are minutes old; the tests of this rule set the production value.
    REPORT_TRUST_HOURS = 0


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"
    HSTS_MAX_AGE = _int("HSTS_MAX_AGE", 365 * 24 * 3600)
    LEGAL_HIDE_UNFINISHED = _bool("LEGAL_HIDE_UNFINISHED", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS.get(os.environ.get("APP_ENV", "development"), DevelopmentConfig)


def security_txt_expiry(text: str) -> datetime | None:
    """SECURITY_TXT_EXPIRES as a UTC moment: "2027-06-30" or "2027-06-30T00:00:00Z"; None when unreadable."""
    text = text.strip()
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def upcoming_dates(text: str, today: date) -> list[tuple[date, str]]:
    """UPCOMING_DATES from `today` on, in order: [(date, words)]. An unreadable entry is left out
    (unreadable_dates names it, at start-up)."""
    return sorted((when, words) for _entry, when, words in _read_dates(text) if when is not None and when >= today)


def unreadable_dates(text: str) -> list[str]:
    """The entries of UPCOMING_DATES that upcoming_dates leaves out as unreadable."""
    return [entry for entry, when, _words in _read_dates(text) if when is None]


def _read_dates(text: str) -> list[tuple[str, date | None, str]]:
    """Each entry of UPCOMING_DATES ("2027-02-16 words"; ";" or a new line between) as (entry, its
    date, its words); the date is None when the entry has no ISO date or no words."""
    read = []
    for entry in (part.strip() for part in text.replace("\n", ";").split(";")):
        if not entry:
            continue
        day, _, words = entry.partition(" ")
        try:
            when: date | None = date.fromisoformat(day)
        except ValueError:
            when = None
        read.append((entry, when if words.strip() else None, words.strip()))
    return read


def check_production(config) -> None:
    """Refuse to run in production without a real secret key, a database, shared rate limits and a
    security contact with its expiry."""
    if config.get("ENV_NAME") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        raise RuntimeError("Production needs SECRET_KEY (at least 32 characters) in the environment.")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise RuntimeError("Production needs DATABASE_URL in the environment.")
    if not config.get("SECURITY_CONTACT") or config.get("SECURITY_CONTACT") == DEV_SECURITY_CONTACT:
        raise RuntimeError("Production needs SECURITY_CONTACT (e.g. mailto:sicherheit@kreis-coesfeld.de) in the environment: "
                           "/.well-known/security.txt must name the district's contact, not the development one.")
    expires = security_txt_expiry(config.get("SECURITY_TXT_EXPIRES") or "")
    if expires is None:
        raise RuntimeError("Production needs SECURITY_TXT_EXPIRES in the environment, a date like 2027-06-30 "
                           "(RFC 9116: at most a year ahead; renew it before then).")
    if expires < datetime.now(timezone.utc):
        logging.getLogger(__name__).warning("SECURITY_TXT_EXPIRES (%s) has passed: security.txt is no longer valid; renew it.",
                                            config["SECURITY_TXT_EXPIRES"])
    if config.get("RATELIMIT_ENABLED") and (config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        raise RuntimeError(
            "Production needs REDIS_URL (or RATELIMIT_STORAGE_URI) in the environment: "
            "rate limits kept in each worker's memory let an attacker multiply them by the number of workers."
        )
