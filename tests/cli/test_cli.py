"""The command line through the real entry point: exit codes, stdout data, stderr messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import ANSWERS, DEFAULT_TREE, ENTRY_POINT, ROOT


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*ENTRY_POINT, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


def test_run_json_follows_the_contract() -> None:
    proc = run_cli("run", str(ANSWERS / "oss_several.yaml"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"tree", "recommendation", "provisional", "factors", "answers", "path",
                         "sins", "note"}
    assert data["tree"]["id"] == "miss-vs-oss"
    assert len(data["tree"]["sha256"]) == 64
    assert data["recommendation"] == "OSS"
    assert data["provisional"] is False
    factor = data["factors"][0]
    assert {"id", "section", "favors", "question", "answer", "text"} <= set(factor)
    assert list(data["answers"]) == [q for q in data["path"] if q in data["answers"]]
    assert data["answers"]["fit_for_surgery"] == "yes"  # unquoted yes stays a word
    assert data["answers"]["escc_grade"] == "3"
    assert "decision support" in data["note"]


def test_sha256_is_the_hash_of_the_tree_file() -> None:
    import hashlib

    proc = run_cli("run", str(ANSWERS / "miss.yaml"), "--format", "json")
    expected = hashlib.sha256(DEFAULT_TREE.read_bytes()).hexdigest()
    assert json.loads(proc.stdout)["tree"]["sha256"] == expected


def test_markdown_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ANSWERS / "miss.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ")
    assert "Minimally invasive" in out


def test_unknown_id_is_exit_2_with_did_you_mean(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("fit_for_surgery: yes\nsurgical_indication: [pain]\n")
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"spine-assist: error: {bad}:2:1: unknown question id "
                          "'surgical_indication'; did you mean 'surgical_indications'?")
    assert "allowed:" in err
    assert len(err.splitlines()) == 1


def test_bad_value_names_the_allowed_values(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("fit_for_surgery: yse\n")
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"spine-assist: error: {bad}:1:18: 'yse' is not a value of 'fit_for_surgery'; "
                   "did you mean 'yes'? (allowed: yes, no)")


def test_missing_answer_is_exit_2_naming_the_question(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("fit_for_surgery: yes\n")
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "no answer for 'surgical_indications'" in err
    assert "cord_compression" in err


def test_unreached_answer_is_a_warning_and_left_out(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_text("fit_for_surgery: no\nregion: thoracic\n")
    proc = run_cli("run", str(file), "--format", "json")
    assert proc.returncode == 0
    assert "warning: 'region' is not on the path" in proc.stderr
    assert f"{file}:2:9" in proc.stderr
    assert "region" not in json.loads(proc.stdout)["answers"]


def test_output_file_and_folder(tmp_path: Path) -> None:
    one = tmp_path / "note.md"
    assert main(["run", str(ANSWERS / "miss.yaml"), "--output", str(one)]) == 0
    assert one.read_text().startswith("# ")
    assert main(["run", str(ANSWERS / "miss.yaml"), "--output", str(one)]) == 2  # no --force
    assert main(["run", str(ANSWERS / "miss.yaml"), "--output", str(one), "--force"]) == 0
    folder = tmp_path / "notes"
    folder.mkdir()
    inputs = [str(p) for p in sorted(ANSWERS.glob("*.y*ml"))]
    assert main(["run", *inputs, "--format", "html", "--output", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(p).stem + ".html" for p in inputs)


def test_check_passes_on_shipped_trees() -> None:
    proc = run_cli("check")
    assert proc.returncode == 0, proc.stderr
    assert "ok:" in proc.stdout and "miss-vs-oss" in proc.stdout


def test_check_fails_with_a_located_message(tmp_path: Path) -> None:
    text = DEFAULT_TREE.read_text().replace("goto: sins_pain", "goto: sins_pian")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text)
    proc = run_cli("check", str(broken))
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert line.startswith(f"spine-assist: error: {broken}:")
    assert "unknown question 'sins_pian'; did you mean 'sins_pain'?" in line
    assert "Traceback" not in proc.stderr


def test_trees_lists_the_default_tree() -> None:
    proc = run_cli("trees")
    assert proc.returncode == 0
    assert proc.stdout.startswith("miss-vs-oss\t")


def test_unknown_tree_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ANSWERS / "miss.yaml"), "--tree", "miss-vs-os"]) == 2
    assert "did you mean 'miss-vs-oss'?" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "trees"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and "miss-vs-oss" in proc.stdout


def test_unexpected_errors_are_one_line_exit_1(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import assistant.cli as cli

    def boom(args):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cli, "cmd_trees", boom)
    monkeypatch.delenv("SPINE_ASSIST_DEBUG", raising=False)
    assert cli.main(["trees"]) == 1
    assert capsys.readouterr().err.strip() == (
        "spine-assist: error: unexpected RuntimeError: kaboom "
        "(set SPINE_ASSIST_DEBUG=1 for details)")


@pytest.mark.parametrize("argv", [["--tree", "miss-vs-os"], ["--tree=miss-vs-os"],
                                  ["consult", "--tree", "miss-vs-os"]])
def test_tree_before_any_command_means_consult(argv: list[str]) -> None:
    """`spine-assist --tree T` is `spine-assist consult --tree T`: a bad tree is named before
    the terminal is taken over (exit 2, one line, with a suggestion)."""
    proc = run_cli(*argv)
    assert proc.returncode == 2
    assert proc.stderr == (f"spine-assist: error: {ROOT / 'trees'}: unknown tree 'miss-vs-os'; "
                           "did you mean 'miss-vs-oss'? (allowed: miss-vs-oss)\n")
    assert proc.stdout == ""


def test_every_command_is_a_plain_subparser() -> None:
    """No command registers itself on import: cli.py names them all."""
    import argparse

    import assistant.cli as cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"consult", "resume", "run", "check", "graph", "trees",
                                "export-fhir", "train", "map", "serve"} == set(cli.COMMANDS)
    assert not hasattr(cli, "_EXTRA_COMMANDS")
    for name in cli.COMMANDS:  # a command's own parser is the one the whole parser holds
        alone = cli.build_parser(name)
        only = next(a for a in alone._actions if isinstance(a, argparse._SubParsersAction))
        assert list(only.choices) == [name]
        assert only.choices[name].format_help() == sub.choices[name].format_help()


def test_check_with_nothing_to_check_is_exit_2(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SPINE_ASSIST_TREES", str(tmp_path))
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        f"spine-assist: error: {tmp_path}: no tree to check: the folder holds no tree file "
        "(name a tree file, or set SPINE_ASSIST_TREES to a folder of trees)\n")


def test_serve_takes_its_options_and_hands_them_to_the_web_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import types

    seen: list = []
    fake = types.ModuleType("assistant.web.server")
    fake.serve = lambda args: seen.append(args) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assistant.web.server", fake)
    assert main(["serve"]) == 0
    assert (seen[0].host, seen[0].port, seen[0].public_url, seen[0].token,
            seen[0].max_sessions) == ("127.0.0.1", 8000, None, None, None)
    assert main(["serve", "--host", "0.0.0.0", "--port", "9000", "--public-url",
                 "https://x.example/", "--token", "t" * 20, "--max-sessions", "3"]) == 0
    assert (seen[1].host, seen[1].port, seen[1].public_url, seen[1].token,
            seen[1].max_sessions) == ("0.0.0.0", 9000, "https://x.example/", "t" * 20, 3)


def test_serve_without_the_web_server_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "assistant.web.server", None)  # as if not installed
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "spine-assist: error: serve: the browser server is not available "
        "(assistant.web.server is missing) (install spine-assist with its web extra)\n")


def test_resume_list_names_each_session_and_escapes_control_characters(
    tree, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.core import session as sessions
    from assistant.core.machine import Consultation

    assert main(["resume", "--list"]) == 0
    assert capsys.readouterr().err == "no saved sessions\n"
    consultation = Consultation(tree)
    consultation.answer("yes")
    saved = sessions.record(sessions.new_session(tree, {"case_label": "bed 4\x1b]0;pwned\x07"}),
                            consultation)
    sessions.save_session(saved)
    assert main(["resume", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{saved.id}\tmiss-vs-oss\tunfinished\t1 of ~")
    assert out.endswith("\tbed 4\\x1b]0;pwned\\x07\n")
