"""The broken-input corpus: every bad tree, template and answer file gives exit 2 and one line.

Each case in corpus/cases.yaml is a command run from the corpus folder. Most run in-process
through `assistant.cli.main` (fast); a handful through the installed `spine-assist`
executable, to prove the real entry point prints no traceback either.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from assistant.cli import main
from tests.conftest import ENTRY_POINT

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
BY_ID = {case["id"]: case for case in CASES}
# file:line:column: what is wrong (what is allowed) -- line and column only when the
# problem is inside the file (a missing file or a directory has no line).
LINE = re.compile(r"^spine-assist: error: [^:\s]+(:\d+:\d+)?: \S.*$")
SUBPROCESS_CASES = (
    "tree-syntax_unclosed_quote",
    "tree-python_object_tag",
    "tree-alias_bomb",
    "answers-not_utf8",
    "answers-a_directory",
    "templates-sandbox_mro",
    "answers-dev_zero_link",
    "output-is_its_input",
    "env-source_date_epoch_out_of_range",
)


def test_the_corpus_is_big_and_every_file_in_it_is_used() -> None:
    assert len(CASES) >= 40
    assert len(BY_ID) == len(CASES), "case ids must be unique"
    kinds = {case["id"].split("-")[0] for case in CASES}
    assert kinds == {"tree", "answers", "templates", "output", "env"}
    used = {arg for case in CASES for arg in case["args"]}
    files = {
        str(path.relative_to(CORPUS))
        for folder in ("trees", "answers")
        for path in (CORPUS / folder).iterdir()
    } | {str(path.relative_to(CORPUS)) for path in (CORPUS / "templates").iterdir()}
    assert files <= used


def test_the_base_tree_and_answers_are_good(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The broken trees are one edit away from this tree, which must pass."""
    monkeypatch.chdir(CORPUS)
    assert main(["check", "trees/ok_mini.yaml"]) == 0
    assert main(["run", "--tree", "trees/ok_mini.yaml", "answers/mini_ok.yaml"]) == 0
    out, err = capsys.readouterr()
    assert "ok: trees/ok_mini.yaml" in out
    assert err == ""


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_broken_input_gives_exit_2_and_one_exact_line(
    case: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(CORPUS)
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    code = main([str(arg) for arg in case["args"]])
    out, err = capsys.readouterr()
    expected = f"spine-assist: error: {case['error']}"
    assert err.splitlines() == [expected]
    assert code == 2
    assert out == ""
    assert LINE.match(expected), "the message does not have the file:line:column form"
    assert "Traceback" not in err


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_the_installed_command_prints_the_same_line(case_id: str) -> None:
    case = BY_ID[case_id]
    command = ENTRY_POINT
    env = {**os.environ, "SPINE_ASSIST_DEBUG": "", **case.get("env", {})}
    proc = subprocess.run(
        [*command, *map(str, case["args"])], cwd=CORPUS, capture_output=True, text=True,
        env=env, timeout=60, check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [f"spine-assist: error: {case['error']}"]
    assert proc.stdout == ""
