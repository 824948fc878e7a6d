"""create initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "error_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("first_at", sa.String(length=32), nullable=False),
        sa.Column("last_at", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("symbols", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_log")),
    )
    with op.batch_alter_table("error_log", schema=None) as batch_op:
        batch_op.create_index("ix_error_log_last_at", ["last_at"], unique=False)

    op.create_table(
        "portfolios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("equity_balance", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolios")),
        sa.UniqueConstraint("name", name=op.f("uq_portfolios_name")),
    )
    op.create_table(
        "provider_usage",
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider", "day", name=op.f("pk_provider_usage")),
    )
    op.create_table(
        "quotes",
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("session", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("price", sa.String(length=40), nullable=False),
        sa.Column("as_of", sa.String(length=32), nullable=False),
        sa.Column("fetched_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "session", "source", name=op.f("pk_quotes")),
    )
    op.create_table(
        "symbol_reference",
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "provider", name=op.f("pk_symbol_reference")),
    )
    op.create_table(
        "positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("position_type", sa.String(length=5), nullable=False),
        sa.Column("quantity", sa.String(length=40), nullable=False),
        sa.Column("entry_price", sa.String(length=40), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("investment_class", sa.String(length=10), nullable=False),
        sa.Column("investment_subtype", sa.String(length=40), nullable=True),
        sa.Column("underlying", sa.String(length=20), nullable=True),
        sa.Column("strike", sa.String(length=40), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column("exit_price", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["portfolios.id"],
            name=op.f("fk_positions_portfolio_id_portfolios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
        sa.UniqueConstraint(
            "portfolio_id",
            "symbol",
            "position_type",
            "entry_date",
            name="uq_positions_key",
        ),
    )
    op.create_table(
        "target_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("position_type", sa.String(length=5), nullable=False),
        sa.Column("target_eoy", sa.String(length=40), nullable=True),
        sa.Column("target_next_year", sa.String(length=40), nullable=True),
        sa.Column("downside", sa.String(length=40), nullable=True),
        sa.Column("current_price", sa.String(length=40), nullable=True),
        sa.Column("resolved_price", sa.String(length=40), nullable=True),
        sa.Column("price_source", sa.String(length=16), nullable=True),
        sa.Column("price_as_of", sa.String(length=32), nullable=True),
        sa.Column("price_session", sa.Date(), nullable=True),
        sa.Column("price_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["portfolios.id"],
            name=op.f("fk_target_prices_portfolio_id_portfolios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_prices")),
        sa.UniqueConstraint(
            "portfolio_id", "symbol", "position_type", name="uq_target_prices_key"
        ),
    )


def downgrade() -> None:

    op.drop_table("target_prices")
    op.drop_table("positions")
    op.drop_table("symbol_reference")
    op.drop_table("quotes")
    op.drop_table("provider_usage")
    op.drop_table("portfolios")
    with op.batch_alter_table("error_log", schema=None) as batch_op:
        batch_op.drop_index("ix_error_log_last_at")

    op.drop_table("error_log")
