"""pytest collects nothing here: the bench is run as `python -m tests.bench`, never by pytest
(its modules are not test_*.py, and this keeps it so whatever they are named)."""

collect_ignore_glob = ["*"]
