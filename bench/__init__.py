"""Benchmarks: `python -m tracker bench [--quick]` (bench/run.py) prints every figure with its goal."""
