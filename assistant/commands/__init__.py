"""Extra subcommands, one module each; importing a module registers its parser.

Modules here must import nothing heavy at module level (they are imported on every run):
only argparse wiring, with the work imported inside the handler.
"""

from __future__ import annotations

import importlib

_MODULES = ("fhir", "learn")

for _name in _MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a command module not written yet
        if _exc.name != f"{__name__}.{_name}":
            raise
