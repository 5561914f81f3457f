"""Benchmark suite: the project's Spark code against Spark's floor and a DuckDB peer.

`benchmarks/run.py` is the entry point (`make bench`); see `docs/benchmarks.md`.
"""
