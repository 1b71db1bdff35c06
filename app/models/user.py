"""Accounts, their staff roles and their server-side login sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.reference import Municipality

ACCOUNT_CITIZEN = "citizen"
ACCOUNT_ORGANISATION = "organisation"
ACCOUNT_TYPES = (ACCOUNT_CITIZEN, ACCOUNT_ORGANISATION)
CONTACT_NAME_MAX, CONTACT_FUNCTION_MAX = 80, 120

ROLE_MODERATOR = "moderator"
ROLE_STEERING = "steering"
ROLE_ADMIN = "admin"
# A town's digital officer ("Digitalverantwortliche:r", the strategy's local CDO): moderates the
# ideas of the towns the administration assigned (OfficerTown), and nothing else (app/auth/scope.py).
ROLE_OFFICER = "officer"
# A "Digitallotse/Digitallotsin": takes down ideas for people who are not online (app/capture), and nothing else.
ROLE_HELPER = "helper"
# A member of the decision bodies (Steuerungsgremium, Bürgermeisterkonferenz, Arbeitskreis) who reads
# what the committee reads (the report, the candidates, the ideas export) and changes nothing.
ROLE_BOARD = "board"
STAFF_ROLES = (ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN, ROLE_OFFICER, ROLE_HELPER, ROLE_BOARD)
ROLE_LABELS = {
    ROLE_MODERATOR: _l("Moderation"),
    ROLE_STEERING: _l("Steering committee"),
    ROLE_ADMIN: _l("Administration"),
    ROLE_OFFICER: _l("Digital officer of a town"),
    ROLE_HELPER: _l("Digital guide (Digitallotse/Digitallotsin)"),
    ROLE_BOARD: _l("Decision bodies (read only)"),
}


class User(UserMixin, Base):  # type: ignore[misc]  # Flask-Login ships no types
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"account_type IN {ACCOUNT_TYPES!r}", name="account_type"),
        CheckConstraint(
            "account_type = 'citizen' OR organisation_name IS NOT NULL", name="organisation_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(60))
    account_type: Mapped[str] = mapped_column(String(20), default=ACCOUNT_CITIZEN)
    organisation_name: Mapped[str | None] = mapped_column(String(120))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP), required for staff. The secret is set when enrolment
    # starts and counts once totp_enrolled_at is set; totp_last_step refuses replays.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Wrong passwords and second-factor codes since the last successful log-in; at
    # LOCKOUT_AFTER the account is locked (locked_at) until the mailed unlock link is used.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Unread notifications, kept exact by app/notifications (shown in the header without a query).
    unread_notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The version of the Nutzungsbedingungen this person accepted (the consents table keeps the record).
    terms_version: Mapped[int | None] = mapped_column(Integer)
    # Set when the person deleted the account (app/privacy/deletion.py): the row stays as an empty
    # tombstone, so kept ideas and comments can name their author "gelöschtes Konto".
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A digital officer's contact on the pages of their towns, as they choose to publish it (empty: not shown).
    contact_name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX), default="", server_default="")
    contact_function: Mapped[str] = mapped_column(String(CONTACT_FUNCTION_MAX), default="", server_default="")

    municipality: Mapped[Municipality | None] = relationship()
    # Loaded with the signed-in user (app/auth/sessions.py); lazily elsewhere.
    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan")
    # A digital officer's towns (app/auth/scope.py), loaded when asked.
    officer_towns: Mapped[list[OfficerTown]] = relationship(cascade="all, delete-orphan")

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return not self.is_blocked and self.deleted_at is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_organisation(self) -> bool:
        return self.account_type == ACCOUNT_ORGANISATION

    @property
    def public_name(self) -> str:
        """The name shown on ideas and comments."""
        if self.deleted_at is not None:
            return str(_l("deleted account"))
        if self.is_organisation and self.organisation_name:
            return self.organisation_name
        return self.display_name

    def has_role(self, *roles: str) -> bool:
        return any(r.role in roles for r in self.roles)

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enrolled_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(f"role IN {STAFF_ROLES!r}", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class AuthSession(Base):
    """A signed-in browser. Logging out deletes the row, so a copied cookie dies too."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the second factor was checked; staff may act only in such sessions.
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Firefox auf Windows": made from the User-Agent at log-in (app/auth/browsers.py); not the string itself.
    browser: Mapped[str] = mapped_column(String(60), default="", server_default="")

    user: Mapped[User] = relationship()


class PendingLogin(Base):
    """A staff log-in between password and second factor. The cookie carries its random token;
    wrong codes are counted here, not in the cookie, and the row goes once it is used."""

    __tablename__ = "pending_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    next_url: Mapped[str] = mapped_column(String(500), default="/")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Base):
    """A one-time code that replaces the authenticator app once. Only its hash is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OfficerTown(Base):
    """A town a digital officer looks after (never the district row: its ideas stay with the district's moderators)."""

    __tablename__ = "officer_towns"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True, index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()
