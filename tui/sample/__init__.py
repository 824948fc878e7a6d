"""The bundled demo portfolio: 35 target prices and 14 positions.

The tickers are real US stocks, ETFs and mutual funds; every target, price,
quantity and date in the files is invented for the demo.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from domain.imports import ImportReport, read_import_file
from storage.importer import ImportWrite, write_import
from storage.store import Store

SAMPLE_DIR = Path(__file__).parent
TARGETS_FILE = SAMPLE_DIR / "targets.csv"
POSITIONS_FILE = SAMPLE_DIR / "positions.csv"


async def load_demo_data(store: Store, portfolio: str = "demo") -> ImportWrite:
    """Import the sample targets and positions into `portfolio`.

    Both files are read and validated before anything is written, and both
    are written in one transaction. Loading twice changes nothing.
    """
    targets: ImportReport = await asyncio.to_thread(read_import_file, TARGETS_FILE)
    positions: ImportReport = await asyncio.to_thread(read_import_file, POSITIONS_FILE)
    return await write_import(
        store,
        portfolio,
        targets.target_prices(),
        [row.position for row in positions.positions],
    )
