import pytest

from app import create_app
from app.config import DEV_SECRET_KEY, ProductionConfig, TestConfig, normalise_database_url


def test_test_config(app):
    assert app.config["TESTING"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAX_CONTENT_LENGTH"] == app.config["MAX_FORM_MEMORY_SIZE"] == 1024 * 1024


def test_default_config_is_not_testing(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.delenv("APP_ENV", raising=False)
    app = create_app()
    assert not app.testing
    assert app.config["BABEL_DEFAULT_LOCALE"] == "de"


def _production(**attrs):
    attrs.setdefault("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    attrs.setdefault("SECURITY_CONTACT", "mailto:sicherheit@kreis-coesfeld.example")
    attrs.setdefault("SECURITY_TXT_EXPIRES", "2027-06-30")
    return type("P", (ProductionConfig,), attrs)


@pytest.mark.parametrize("setting, value", [("SECURITY_CONTACT", ""), ("SECURITY_CONTACT", "mailto:sicherheit@coesfeld.example"),
                                            ("SECURITY_TXT_EXPIRES", ""), ("SECURITY_TXT_EXPIRES", "bald")])
def test_production_refuses_to_start_without_its_security_contact_and_expiry(setting, value):
    """security.txt fell back to the development contact in production (outside probe)."""
    with pytest.raises(RuntimeError, match=setting):
        create_app(_production(SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x@localhost/test", **{setting: value}))


def test_production_security_txt_names_the_district_and_its_expiry():
    app = create_app(_production(SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x@localhost/test"))
    text = app.test_client().get("/.well-known/security.txt").text
    assert "Contact: mailto:sicherheit@kreis-coesfeld.example\n" in text and "Expires: 2027-06-30T00:00:00Z\n" in text


def test_production_refuses_to_start_without_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_production(SECRET_KEY="", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x@localhost/test"))


def test_production_refuses_the_development_secret_and_short_ones():
    for secret in (DEV_SECRET_KEY, "kurz"):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app(_production(SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x@localhost/test"))


def test_production_refuses_to_start_without_database():
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(_production(SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=""))


def test_production_starts_with_secret_and_database_and_secure_cookies():
    app = create_app(_production(SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x@localhost/test"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not TestConfig.SESSION_COOKIE_SECURE


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_normalisation(given, expected):
    assert normalise_database_url(given) == expected


def test_production_starts_from_the_environment_alone(tmp_path):
    """As gunicorn would start it: APP_ENV, SECRET_KEY and DATABASE_URL in the environment, nothing else."""
    import subprocess
    import sys

    env = {
        "APP_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SECURITY_CONTACT": "mailto:sicherheit@kreis-coesfeld.example",
        "SECURITY_TXT_EXPIRES": "2027-06-30",
        "PATH": "/usr/bin:/bin",
    }
    code = "from wsgi import app; print(app.config['ENV_NAME'], app.config['SESSION_COOKIE_SECURE'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=str(__import__('pathlib').Path(__file__).resolve().parents[2]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "True"]


def test_production_hashes_passwords_with_scrypt(make_app):
    """The tests use a cheap hash for speed (TestConfig); every other configuration uses scrypt."""
    from app.auth.services import hash_password
    from app.config import DevelopmentConfig

    assert ProductionConfig.PASSWORD_HASH_METHOD == DevelopmentConfig.PASSWORD_HASH_METHOD == "scrypt"
    with make_app(PASSWORD_HASH_METHOD=ProductionConfig.PASSWORD_HASH_METHOD).app_context():
        assert hash_password("Pferd Batterie Heftklammer").startswith("scrypt:")
