"""`python -m assistant` runs the same entry point as the `spine-assist` script."""

from assistant.cli import main

raise SystemExit(main())
