"""Benchmarks against the framework's own floor: `python -m tests.bench` (see RESULTS.md).

Not part of the default test run: no module here is named test_*.py.
"""
