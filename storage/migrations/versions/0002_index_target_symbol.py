"""index target prices by symbol

A refresh records each symbol's price on every target with that symbol,
across portfolios; without this index each update scans the table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("target_prices", schema=None) as batch_op:
        batch_op.create_index("ix_target_prices_symbol", ["symbol"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target_prices", schema=None) as batch_op:
        batch_op.drop_index("ix_target_prices_symbol")
