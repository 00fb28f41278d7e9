"""The tables, as SQLAlchemy 2 declarative classes; the migrations in `migrations/` create them.

A submission keeps a copy of the design it was trained with: that copy is the only part of a
student's work anyone else ever sees (the leaderboard's published view), never their runs.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Challenge(Base):
    """A task the teacher publishes; caps of None mean the server's own caps apply."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, default="")
    starting_design: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    max_epochs: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_subset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_layers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_params: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_open: Mapped[bool] = mapped_column(default=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission(Base):
    """One finished run entered into a challenge; the accuracy is the server's own measurement."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    lab_code: Mapped[str] = mapped_column(String(64), index=True)  # never shown to students
    display_name: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[str] = mapped_column(String(80))
    design: Mapped[dict] = mapped_column(JSON)
    accuracy: Mapped[float] = mapped_column(Float)
    params: Mapped[int] = mapped_column(Integer)
    train_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginAttempt(Base):
    """One try at the teacher's password, by client (the lab code of the browser that tried)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column()
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Presence(Base):
    """When a lab code last opened a page, so the teacher sees how many students are active."""

    __tablename__ = "presence"

    lab_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                index=True)
