"""TOTP enrolment, replay refusal, clock drift and one-time recovery codes."""

import time

import pyotp
import pytest

from app.auth import second_factor
from app.extensions import db
from tests.factories import create_user


@pytest.fixture
def staff(app, reference):
    user = create_user("mod@example.com")
    from app.auth import services

    services.grant_role(user, "moderator")
    db.session.commit()
    return user


def test_enrolment_needs_a_valid_code_and_yields_recovery_codes(staff):
    secret = second_factor.start_enrolment(staff)
    assert second_factor.start_enrolment(staff) == secret, "reloading the page keeps the secret"
    assert "otpauth://totp/" in second_factor.provisioning_uri(staff) and "Coesfeld" in second_factor.provisioning_uri(staff)
    assert second_factor.qr_code_svg(second_factor.provisioning_uri(staff)).startswith("<svg")
    assert second_factor.finish_enrolment(staff, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111") is None
    codes = second_factor.finish_enrolment(staff, pyotp.TOTP(secret).now())
    db.session.commit()
    assert staff.has_second_factor and len(codes) == 10 and len(set(codes)) == 10
    assert second_factor.remaining_recovery_codes(staff) == 10


def test_a_code_cannot_be_replayed(staff):
    secret = second_factor.start_enrolment(staff)
    now = time.time()
    code = pyotp.TOTP(secret).at(now)
    assert second_factor.verify_totp(staff, code, now=now)
    assert not second_factor.verify_totp(staff, code, now=now), "the same code twice"
    earlier = pyotp.TOTP(secret).at(now - 30)
    assert not second_factor.verify_totp(staff, earlier, now=now), "an older code after a newer one"
    later = pyotp.TOTP(secret).at(now + 30)
    assert second_factor.verify_totp(staff, later, now=now), "the next step (clock drift) is fine once"


def test_codes_outside_the_window_and_garbage_are_refused(staff):
    secret = second_factor.start_enrolment(staff)
    now = time.time()
    assert not second_factor.verify_totp(staff, pyotp.TOTP(secret).at(now - 120), now=now)
    for garbage in ("", "abcdef", "12345", "1234567", "' OR 1=1 --"):
        assert not second_factor.verify_totp(staff, garbage, now=now)


def test_recovery_codes_work_once(staff):
    secret = second_factor.start_enrolment(staff)
    codes = second_factor.finish_enrolment(staff, pyotp.TOTP(secret).now())
    db.session.commit()
    code = codes[3]
    assert second_factor.check(staff, code.upper().replace("-", " "))  # typed loosely
    assert not second_factor.check(staff, code), "used codes are spent"
    assert second_factor.remaining_recovery_codes(staff) == 9
    other = create_user("other@example.com")
    assert not second_factor.use_recovery_code(other, codes[4]), "codes belong to one account"


def test_reset_forgets_the_app_and_the_codes(staff):
    secret = second_factor.start_enrolment(staff)
    second_factor.finish_enrolment(staff, pyotp.TOTP(secret).now())
    second_factor.reset(staff)
    db.session.commit()
    assert not staff.has_second_factor and staff.totp_secret is None
    assert second_factor.remaining_recovery_codes(staff) == 0
