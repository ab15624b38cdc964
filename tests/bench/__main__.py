"""`python -m tests.bench`: run the speed benchmark (see tests/bench/run.py)."""

from tests.bench.run import main

raise SystemExit(main())
