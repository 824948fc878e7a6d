"""Local emulator of the Polygon and FMP REST APIs for tests, demos and benchmarks.

Start one with `Emulator().start()` or `with Emulator() as emulator:` and pass
`emulator.base_url` to the clients in place of the real base URLs.
"""

from providers.emulator.faults import Fault, FaultAction
from providers.emulator.requestlog import RequestRecord
from providers.emulator.serve import serve
from providers.emulator.server import DEFAULT_KEYS, Emulator
from providers.emulator.universe import Listing, Universe, load_universe

__all__ = [
    "DEFAULT_KEYS",
    "Emulator",
    "Fault",
    "FaultAction",
    "Listing",
    "RequestRecord",
    "Universe",
    "load_universe",
    "serve",
]
