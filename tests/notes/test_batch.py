"""Batch: one note per answer file, failures reported by file, exit 2 if any failed."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

from assistant.cli import main
from assistant.core.batch import run_batch
from tests.conftest import ANSWERS
from tests.notes.conftest import random_answers


def _cases(folder: Path) -> list[Path]:
    folder.mkdir()
    good = (ANSWERS / "miss.yaml").read_text()
    (folder / "a_good.yaml").write_text(good)
    (folder / "b_bad.yaml").write_text(good.replace("bone_quality: normal",
                                                    "bone_quality: spongy"))
    (folder / "c_good.yaml").write_text(good)
    return sorted(folder.iterdir())


def test_bad_file_in_the_middle_does_not_stop_the_others(tmp_path, capsys) -> None:
    inputs = _cases(tmp_path / "cases")
    notes = tmp_path / "notes"
    argv = ["run", *map(str, inputs), "--format", "html", "--output", str(notes)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert sorted(p.name for p in notes.iterdir()) == ["a_good.html", "c_good.html"]
    bad_lines = [line for line in err.splitlines() if "b_bad.yaml" in line]
    assert len(bad_lines) == 1 and "'spongy' is not a value of 'bone_quality'" in bad_lines[0]
    assert "b_bad.yaml:" in bad_lines[0]  # located in the file
    assert "2 of 3 notes written" in err and "1 failed" in err
    for note in notes.iterdir():
        ET.fromstring(note.read_text().replace("<!DOCTYPE html>", "", 1))
    assert not list(notes.glob(".*.tmp"))  # atomic writes leave no temporaries


def test_existing_notes_are_kept_without_force(tmp_path, capsys) -> None:
    inputs = _cases(tmp_path / "cases")
    inputs = [p for p in inputs if "good" in p.name]
    notes = tmp_path / "notes"
    assert main(["run", *map(str, inputs), "--output", str(notes)]) == 0
    (notes / "a_good.md").write_text("mine")
    assert main(["run", *map(str, inputs), "--output", str(notes)]) == 2
    assert (notes / "a_good.md").read_text() == "mine"
    assert main(["run", *map(str, inputs), "--output", str(notes), "--force"]) == 0
    assert (notes / "a_good.md").read_text().startswith("# ")


def test_a_thousand_answer_files_render_without_failure(tree, tmp_path, capsys) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    rng = random.Random(1000)
    inputs = []
    for i in range(1000):
        path = cases / f"case{i:04d}.json"
        data = random_answers(tree, rng) | {"case_label": f"case {i}"}
        path.write_text(json.dumps(data))
        inputs.append(path)
    notes = tmp_path / "notes"
    status = run_batch(inputs, tree_name=None, fmt="html", output=notes, templates=None,
                       force=False)
    err = capsys.readouterr().err
    assert status == 0, err
    written = sorted(notes.glob("*.html"))
    assert len(written) == 1000
    assert "1000 of 1000 notes written" in err
    sample = written[rng.randrange(1000)]
    assert f"case {int(sample.stem[4:])}" in sample.read_text()
    outcomes = {note.read_text().split('class="title">', 1)[1].split("<", 1)[0]
                for note in written}
    assert len(outcomes) == 3  # nonoperative, MISS and OSS all among them


class _Terminal:
    """A stand-in for a terminal's stderr."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_only(tmp_path, monkeypatch, capsys) -> None:
    inputs = _cases(tmp_path / "cases")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    run_batch(inputs, tree_name=None, fmt="md", output=tmp_path / "n1", templates=None,
              force=False)
    shown = "".join(terminal.parts)
    assert "[1/3] a_good.yaml" in shown and "[3/3] c_good.yaml" in shown
    monkeypatch.undo()
    run_batch(inputs, tree_name=None, fmt="md", output=tmp_path / "n2", templates=None,
              force=False)
    assert "[1/3]" not in capsys.readouterr().err


def test_making_notes_leaves_no_cyclic_garbage(tree, tmp_path) -> None:
    """Why the batch may pause the garbage collector while it makes a chunk of notes."""
    import gc

    from assistant.core.headless import run_file
    from assistant.core.render import render

    fixtures = sorted(ANSWERS.glob("*.yaml")) + sorted(ANSWERS.glob("*.json"))
    for path in fixtures:  # warm: caches filled before counting
        render(run_file(tree, path).outcome, "md")
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        notes = [render(run_file(tree, path).outcome, "md") for path in fixtures * 4]
        assert all(notes)
        del notes
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_a_note_never_replaces_an_answer_file(tmp_path, capsys) -> None:
    """`-o` onto the input, or a folder where a note would take an input's name, is refused
    with --force too, and the answers stay as they were."""
    cases = tmp_path / "cases"
    cases.mkdir()
    good = (ANSWERS / "miss.yaml").read_text()
    (cases / "a.yaml").write_text(good)
    answers = json.dumps(yaml_to_json(good))
    (cases / "b.json").write_text(answers)
    one = cases / "a.yaml"
    assert main(["run", str(one), "-o", str(one), "--force"]) == 2
    assert capsys.readouterr().err == (
        f"spine-assist: error: {one}: the note would replace its answer file {one} "
        "(an output that is not one of the inputs)\n")
    assert main(["run", str(cases / "b.json"), str(one), "-f", "json", "-o", str(cases),
                 "--force"]) == 2
    err = capsys.readouterr().err
    assert f"{cases / 'b.json'}: the note would replace its answer file" in err
    assert "1 of 2 notes written" in err
    assert one.read_text() == good and (cases / "b.json").read_text() == answers


def yaml_to_json(text: str) -> dict:
    import yaml

    return yaml.safe_load(text)


def test_a_batch_made_by_several_processes_reports_in_order(tmp_path, capsys) -> None:
    """Past one chunk of files the notes are made by worker processes: each failure is still
    reported once, in the order of the files, and every other note is written the same."""
    cases = tmp_path / "cases"
    cases.mkdir()
    good = (ANSWERS / "miss.yaml").read_text()
    bad = {7, 70, 150}
    for i in range(200):
        text = good.replace("bone_quality: normal", "bone_quality: spongy") if i in bad else good
        (cases / f"c{i:03d}.yaml").write_text(text)
    (cases / "c201.json").write_text("{}")  # no answer at all: fails in a worker too
    inputs = sorted(cases.iterdir())
    notes = tmp_path / "notes"
    assert run_batch(inputs, tree_name=None, fmt="md", output=notes, templates=None,
                     force=False) == 2
    err = capsys.readouterr().err.splitlines()
    failed = [line.split("error: ", 1)[1].split(":")[0] for line in err if "error: " in line]
    assert [Path(name).name for name in failed] == ["c007.yaml", "c070.yaml", "c150.yaml",
                                                   "c201.json"]
    assert err[-1].startswith("197 of 201 notes written") and err[-1].endswith("4 failed")
    written = sorted(notes.iterdir())
    assert len(written) == 197
    def body(note: Path) -> list[str]:  # the note without its time stamp (a minute may pass)
        return [line for line in note.read_text().splitlines() if "Generated:" not in line]

    assert all(body(note) == body(written[0]) for note in written[1:])  # same answers


def test_ctrl_c_stops_a_batch_cleanly(tmp_path) -> None:
    """Ctrl-C during a batch made by worker processes: exit 130, no traceback, no temporary
    file left, and every note there is whole."""
    import signal
    import subprocess
    import sys
    import time

    cases = tmp_path / "cases"
    cases.mkdir()
    good = (ANSWERS / "miss.yaml").read_text()
    for i in range(COUNT := 2000):
        (cases / f"c{i:04d}.yaml").write_text(good)
    notes = tmp_path / "notes"
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "run", *map(str, sorted(
        cases.iterdir())), "-o", str(notes)], stderr=subprocess.PIPE, text=True,
        # As from a terminal: a shell starts a background job with SIGINT ignored, and a
        # test run launched that way would pass that on (the batch then rightly ignores it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (notes.is_dir() and any(notes.glob("*.md"))) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not list(notes.glob(".*.tmp"))
    written = list(notes.glob("*.md"))
    assert 0 < len(written) < COUNT
    assert all(note.read_text().rstrip().endswith("`.*") for note in written)
