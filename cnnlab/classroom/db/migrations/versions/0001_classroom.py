"""Challenges, submissions, teacher login attempts and student presence.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("starting_design", sa.JSON(), nullable=True),
        sa.Column("max_epochs", sa.Integer(), nullable=True),
        sa.Column("max_subset", sa.Integer(), nullable=True),
        sa.Column("max_layers", sa.Integer(), nullable=True),
        sa.Column("max_params", sa.Integer(), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("challenge_id", sa.Integer(),
                  sa.ForeignKey("challenges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lab_code", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(40), nullable=False),
        sa.Column("run_id", sa.String(80), nullable=False),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("params", sa.Integer(), nullable=False),
        sa.Column("train_seconds", sa.Float(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_submissions_challenge_id", "submissions", ["challenge_id"])
    op.create_index("ix_submissions_lab_code", "submissions", ["lab_code"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_attempts_client", "login_attempts", ["client"])
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
    op.create_table(
        "presence",
        sa.Column("lab_code", sa.String(64), primary_key=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_presence_last_seen", "presence", ["last_seen"])


def downgrade() -> None:
    op.drop_table("presence")
    op.drop_table("login_attempts")
    op.drop_table("submissions")
    op.drop_table("challenges")
