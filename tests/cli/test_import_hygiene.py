"""The engine and the headless commands never import Textual, rich or the web server
(checked in a fresh process; the import-linter contract in pyproject checks the engine)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ANSWERS, ROOT

PROBE = """
import sys, io, contextlib, pkgutil, importlib
import assistant.core
for m in pkgutil.iter_modules(assistant.core.__path__):
    importlib.import_module("assistant.core." + m.name)
from assistant.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    for argv in {commands!r}:
        main(argv)
bad = sorted(m for m in sys.modules
             if m.split(".")[0] in ("textual", "rich", "textual_serve", "aiohttp")
             or m.startswith(("assistant.tui", "assistant.web")))
print("LEAKED:" + ",".join(bad))
"""


@pytest.mark.parametrize(
    "commands",
    [
        [["run", str(ANSWERS / "miss.yaml"), "--format", "json"]],
        [["run", str(ANSWERS / "oss_several.yaml"), "--format", "html"]],
        [["check"], ["trees"], ["graph", "--format", "dot"]],
        [["resume", "--list"], ["export-fhir"], ["map"], ["train", "--list"]],
    ],
    ids=["run-json", "run-html", "check-trees-graph", "list-fhir-map-train-list"],
)
def test_headless_commands_never_import_textual(commands: list[list[str]]) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(commands=commands)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("LEAKED:"), proc.stdout


START_PROBE = """
import sys
from assistant.core.catalog import open_tree
tree = open_tree(None)
from assistant.tui.launch import make_app
make_app(tree)
parsing = ("yaml", "jsonschema", "jinja2", "assistant.core.yamlio", "assistant.core.schema",
           "assistant.core.lint", "assistant.core.render")
print("LOADED:" + ",".join(m for m in parsing if m in sys.modules))
"""


def test_a_start_from_the_tree_cache_parses_nothing(tmp_path) -> None:
    """The consultation's cold start, once the tree is cached: no PyYAML, no schema, no
    templates (each is tens of milliseconds before the first question shows)."""
    env = {"SPINE_ASSIST_CACHE_DIR": str(tmp_path / "cache"),
           "SPINE_ASSIST_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-c", START_PROBE], capture_output=True,
                           text=True, cwd=ROOT, timeout=60, env=env) for _ in range(2)]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
    assert "assistant.core.yamlio" in runs[0].stdout  # the first start parses and caches
    assert runs[1].stdout.strip() == "LOADED:", runs[1].stdout
