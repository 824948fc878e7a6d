"""Run the provider emulator: python -m providers.emulator [--port N]."""

from __future__ import annotations

import argparse

from providers.emulator.serve import serve


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m providers.emulator",
        description="Serve the Polygon and FMP APIs locally with demo keys.",
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="TCP port on 127.0.0.1 (default 8765)"
    )
    args = parser.parse_args(argv)
    serve(args.port)


if __name__ == "__main__":
    main()
