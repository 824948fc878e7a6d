"""Benchmarks of targetdesk, run with `python -m bench.run_all`. Pytest skips them."""
