"""Blocking entry point that runs the emulator until interrupted."""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import TextIO

from providers.emulator.server import DEFAULT_KEYS, Emulator


def serve(
    port: int,
    host: str = "127.0.0.1",
    *,
    keys: Mapping[str, tuple[str, str]] | None = None,
    stop: threading.Event | None = None,
    out: TextIO | None = None,
) -> None:
    """Run the emulator on `host`:`port` until Ctrl-C or until `stop` is set.

    Prints the base URL and the demo keys first. `host` must be a loopback
    address.

    Raises:
        ValueError: if `host` is not a loopback address.
        OSError: if the port cannot be bound.
    """
    stream = out or sys.stdout
    emulator = Emulator(keys=keys or DEFAULT_KEYS, host=host, port=port)
    emulator.start()
    print(
        f"Provider emulator serving Polygon and FMP at {emulator.base_url}", file=stream
    )
    print("API keys (provider, plan):", file=stream)
    for key, (provider, plan) in emulator.keys.items():
        print(f"  {key:<24} {provider} {plan}", file=stream)
    print(
        f"Set FMP_BASE_URL and POLYGON_BASE_URL to {emulator.base_url}. "
        "Press Ctrl-C to stop.",
        file=stream,
        flush=True,
    )
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
