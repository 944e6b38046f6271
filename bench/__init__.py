"""Benchmarks (`make bench` = `python -m bench`): extraction, ingest, dashboard queries and growth; figures only."""
