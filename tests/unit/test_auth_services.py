import time

import pytest
from sqlalchemy import func, select

from app.auth import passwords, services, tokens
from app.errors import InvalidInput
from app.extensions import db
from app.models import User
from tests.factories import PASSWORD, create_user, damaged


def test_register_normalises_and_hashes_with_scrypt(app, reference):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # production's (the tests' default is a cheap one)
    registration = services.register_account(
        email="  Erika@Example.COM ", password=PASSWORD, display_name=" Erika ", account_type="citizen"
    )
    db.session.commit()
    user = registration.user
    assert registration.is_new
    assert user.email == "erika@example.com"
    assert user.display_name == "Erika"
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert not user.is_confirmed


def test_registering_twice_returns_the_existing_account_unchanged(app, reference):
    first = create_user("erika@example.com")
    again = services.register_account(email="ERIKA@example.com", password="anderes-passwort-123", display_name="X", account_type="citizen")
    assert not again.is_new and again.user.id == first.id
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert services.authenticate("erika@example.com", PASSWORD) is not None


def test_organisations_need_a_name(app, reference):
    with pytest.raises(InvalidInput):
        services.register_account(email="a@example.com", password=PASSWORD, display_name="A", account_type="organisation")
    user = services.register_account(
        email="b@example.com", password=PASSWORD, display_name="B", account_type="organisation", organisation_name="Heimatverein"
    ).user
    assert user.public_name == "Heimatverein"


@pytest.mark.parametrize("password", ["kurz", "x" * 11, "Pferd Batterie Heftklammer " * 5])
def test_password_length_rules(password):
    with pytest.raises(InvalidInput):
        passwords.check(password)


@pytest.mark.parametrize("password", ["Pferd Batterie Heftklammer", "nur kleinbuchstaben ohne regeln", "mein hund heißt bello", "7Zw!kq#3Lm@p"])
def test_passwords_without_composition_rules(password):
    passwords.check(password)


@pytest.mark.parametrize("password", ["123456789012", "aaaaaaaaaaaa", "passwortpasswort", "demo-passwort-coesfeld", "qwertzuiop123",
                                      "Coesfeld12.0Coesfeld", "Ideenplattform2026"])
def test_common_and_site_passwords_are_refused(password):
    """Probe finding 12: these were accepted because only the length was checked."""
    with pytest.raises(InvalidInput) as error:
        passwords.check(password)
    assert "zu leicht zu erraten" in str(error.value.message) or "easy to guess" in str(error.value.message)


@pytest.mark.parametrize("password", ["erika.mustermann!", "Mustermann-Erika", "example.com2026!"])
def test_passwords_made_of_the_persons_own_address_or_name_are_refused(password):
    with pytest.raises(InvalidInput):
        passwords.check(password, email="erika.mustermann@example.com", names=("Erika Mustermann",))


def test_authenticate(app, reference):
    user = create_user()
    assert services.authenticate("ERIKA@example.com", PASSWORD).id == user.id
    assert services.authenticate("erika@example.com", "falsches-passwort") is None
    assert services.authenticate("nobody@example.com", PASSWORD) is None
    assert services.authenticate("erika@example.com", "x" * 5000) is None
    user.is_blocked = True
    db.session.commit()
    assert services.authenticate("erika@example.com", PASSWORD) is None


def test_confirm_token_is_single_use_and_bound_to_the_address(app, reference):
    user = create_user(confirmed=False)
    token = tokens.make_confirm_token(user)
    user_id, fingerprint, _next = tokens.read_confirm_token(token)
    assert user_id == user.id and tokens.email_matches(user, fingerprint)
    assert services.confirm_account(user) is True
    assert services.confirm_account(user) is False
    user.email = "new@example.com"
    assert not tokens.email_matches(user, fingerprint)


def test_tokens_expire(app, reference):
    user = create_user()
    app.config["RESET_TOKEN_MAX_AGE"] = 1
    token = tokens.make_reset_token(user)
    time.sleep(2.1)
    with pytest.raises(tokens.TokenExpired):
        tokens.read_reset_token(token)


def test_tampered_tokens_and_wrong_salt_are_invalid(app, reference):
    user = create_user()
    token = tokens.make_confirm_token(user)
    with pytest.raises(tokens.TokenInvalid):
        tokens.read_confirm_token(damaged(token))
    with pytest.raises(tokens.TokenInvalid):
        tokens.read_reset_token(token)


def test_reset_token_dies_when_the_password_changes(app, reference):
    user = create_user()
    token = tokens.make_reset_token(user)
    _uid, fingerprint = tokens.read_reset_token(token)
    assert tokens.password_matches(user, fingerprint)
    services.set_password(user, "ein-ganz-neues-passwort")
    db.session.commit()
    assert not tokens.password_matches(user, fingerprint)
    assert services.authenticate(user.email, "ein-ganz-neues-passwort") is not None
