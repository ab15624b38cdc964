"""The speed benchmark: `python -m tests.bench` (see run.py and RESULTS.md).

Not part of pytest's run: conftest.py here ignores every file in this folder.
"""
