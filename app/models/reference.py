"""Reference data the district maintains: municipalities and action fields."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Municipality(Base):
    """One of the 11 towns, or the district itself (is_district: "kreisweit")."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    is_district: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The town hall's (or the district's) office for the platform, as the administration writes it.
    office_address: Mapped[str] = mapped_column(Text, default="", server_default="")

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class ActionField(Base):
    """A Themenfeld/Handlungsfeld of the strategy. Data, never an enum."""

    __tablename__ = "action_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<ActionField {self.slug}>"


class Raum(Base):
    """One of the Smart-Cities call's seven "Räume" (the funding application groups its projects by
    them); a project belongs to one or to none yet. Data, never an enum."""

    __tablename__ = "raeume"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Raum {self.slug}>"
