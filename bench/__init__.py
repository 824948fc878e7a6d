"""Benchmarks of targetdesk: run `python -m bench.run_all`; pytest collects none."""
