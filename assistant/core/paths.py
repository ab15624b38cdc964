"""Where things live: shipped trees, templates and schema; the user's state and cache.

The default trees and templates travel inside the package (`assistant/_shipped/`, mapped
from the repository's top-level `trees/` and `templates/` when the wheel is built) and are
found through importlib.resources. A developer's editable install has no `_shipped/`, so the
checkout's own folders are used. Environment variables override both, which is also how the
tests and the browser server point everything at a folder of their own.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent


@cache
def _shipped(name: str) -> Path:
    """The installed copy of a shipped folder, else the checkout's (editable install)."""
    installed = files("assistant") / "_shipped" / name
    if installed.is_dir():
        return Path(str(installed))  # a wheel unpacks to real files; zip imports are unsupported
    return ROOT / name


def schema_file() -> Path:
    return Path(str(files("assistant") / "data" / "tree.schema.json"))


def trees_dir() -> Path:
    """Default trees: SPINE_ASSIST_TREES, else the shipped ones."""
    override = os.environ.get("SPINE_ASSIST_TREES")
    return Path(override) if override else _shipped("trees")


def templates_dir() -> Path:
    """Default note templates: SPINE_ASSIST_TEMPLATES, else the shipped ones."""
    override = os.environ.get("SPINE_ASSIST_TEMPLATES")
    return Path(override) if override else _shipped("templates")


def state_dir() -> Path:
    """Sessions, crash logs: the user's state directory (platformdirs), overridable."""
    override = os.environ.get("SPINE_ASSIST_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_path

    return user_state_path("spine-assist", appauthor=False)


def notes_dir() -> Path:
    """Default folder for exported notes."""
    override = os.environ.get("SPINE_ASSIST_NOTES_DIR")
    if override:
        return Path(override)
    from platformdirs import user_documents_path

    return user_documents_path() / "spine-assist-notes"
