"""Browser tests: skipped, with the reason, where Debian's Chromium or Playwright is missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import chromium, chromium_missing

MISSING = chromium_missing()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if MISSING is None:
        return
    if os.environ.get("SPINE_ASSIST_BROWSER_TESTS") == "required":  # CI: never skip quietly
        raise pytest.UsageError(f"browser tests required but cannot run: {MISSING}")
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module; each test opens its own contexts."""
    with chromium() as instance:
        yield instance


@pytest.fixture
def server_state(tmp_path: Path) -> Path:
    """The serving machine's state folder (each browser gets a folder inside it)."""
    state = tmp_path / "server-state"
    state.mkdir()
    return state
