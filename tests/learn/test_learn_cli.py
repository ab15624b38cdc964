"""`spine-assist train` and `spine-assist map` from the command line."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from assistant.cli import main
from assistant.core.model import Tree
from assistant.core.vignettes import Vignette


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Catch the round the command would run, instead of taking over the terminal."""
    seen: dict[str, Any] = {}

    def fake(tree: Tree, cases: list[Vignette], seed: int | None = None) -> int:
        seen.update(tree=tree, cases=[c.id for c in cases], seed=seed)
        return 0

    monkeypatch.setattr("assistant.tui.learn.app.run_training", fake)
    return seen


def test_train_picks_ten_repeatably(launched: dict[str, Any], vignettes: list[Vignette]) -> None:
    assert main(["train", "--seed", "4"]) == 0
    first = launched["cases"]
    assert len(first) == 10 and launched["seed"] == 4
    assert main(["train", "--seed", "4"]) == 0
    assert launched["cases"] == first
    assert main(["train", "--seed", "4", "--count", "3"]) == 0
    assert len(launched["cases"]) == 3
    assert main(["train", "--case", "sacral_metastasis"]) == 0
    assert launched["cases"] == ["sacral_metastasis"]


def test_train_refuses_bad_input(launched: dict[str, Any],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--case", "sacral"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spine-assist: error: unknown vignette 'sacral'")
    assert main(["train", "--count", "0"]) == 2
    assert "--count must be at least 1" in capsys.readouterr().err
    assert launched == {}


def test_train_list(capsys: pytest.CaptureFixture[str], vignettes: list[Vignette]) -> None:
    assert main(["train", "--list"]) == 0
    """Each case's id and title, never its expected answer (issue 13: a trainee reads it)."""
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t") for line in lines] == [[v.id, v.title] for v in vignettes]
    assert "unknown_primary_vascularity\tUnknown primary, vascularity not assessed" in lines
    assert not any("provisional" in line for line in lines)


def test_map_does_not_import_textual() -> None:
    code = ("import sys; from assistant.cli import main; rc = main(['map']); "
            "sys.stderr.write(str(rc) + ' ' + str('textual' in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stderr.strip() == "0 False"
    assert done.stdout.startswith("# Decision map")
