"""The engine and the headless commands never import Textual (checked in a fresh process)."""

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
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print("LEAKED:" + ",".join(bad))
"""


@pytest.mark.parametrize(
    "commands",
    [
        [["run", str(ANSWERS / "miss.yaml"), "--format", "json"]],
        [["run", str(ANSWERS / "oss_several.yaml"), "--format", "html"]],
        [["check"], ["trees"], ["graph", "--format", "dot"]],
    ],
    ids=["run-json", "run-html", "check-trees-graph"],
)
def test_headless_commands_never_import_textual(commands: list[list[str]]) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(commands=commands)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("LEAKED:"), proc.stdout
