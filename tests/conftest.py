"""Shared fixtures: the default tree, answer fixtures, and an isolated state directory."""

from __future__ import annotations

import asyncio
import inspect
import sys
from pathlib import Path

import pytest

from assistant.core.loader import load_tree
from assistant.core.model import Tree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ANSWERS = FIXTURES / "answers"
DEFAULT_TREE = ROOT / "trees" / "miss_vs_oss.yaml"


def _entry_point() -> list[str]:
    """The `spine-assist` installed beside the Python running the tests (not whatever PATH
    finds first: a pyenv shim or another install can point at another checkout)."""
    script = Path(sys.executable).with_name("spine-assist")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "assistant"]


ENTRY_POINT: list[str] = _entry_point()


@pytest.fixture(scope="session")
def tree() -> Tree:
    return load_tree(DEFAULT_TREE)


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the real user's sessions or notes; fix the note timestamp."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(state))
    monkeypatch.setenv("SPINE_ASSIST_NOTES_DIR", str(state / "notes"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    return state


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests (Pilot) with asyncio; no async plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True
