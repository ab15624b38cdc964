"""A site's own template folder: overrides the shipped notes; `check` validates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import ANSWERS

SHIPPED = Path(__file__).resolve().parents[2] / "templates"


def _site(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_site_template_overrides_only_what_it_supplies(tmp_path, capsys) -> None:
    branded = "# St Example Spine Unit\n\n" + (SHIPPED / "note.md.j2").read_text()
    folder = _site(tmp_path, "note.md.j2", branded)
    answers = str(ANSWERS / "miss.yaml")
    assert main(["run", answers, "--templates", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# St Example Spine Unit")
    assert main(["run", answers, "--templates", str(folder), "--format", "html"]) == 0
    assert "St Example" not in capsys.readouterr().out  # html still the shipped one
    assert main(["check", "--templates", str(folder)]) == 0
    assert "ok:" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "line", "message"), [
    ("line one\n{% if %}\n", 2, "template syntax error"),
    ("fine\n\n{{ no_such_name }}\n", 3, "undefined variable"),
    ("{{ tree.__class__.__mro__ }}\n", 1, "sandbox"),
    ("{{ case_label | nosuchfilter }}\n", 1, "template"),
])
def test_check_locates_a_broken_site_template(tmp_path, capsys, text, line, message) -> None:
    folder = _site(tmp_path, "note.txt.j2", text)
    assert main(["check", "--templates", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one line, no traceback
    assert f"{folder / 'note.txt.j2'}:{line}:" in err[0]
    assert message in err[0]
    assert main(["run", str(ANSWERS / "miss.yaml"), "--format", "txt",
                 "--templates", str(folder)]) == 2
    assert str(folder / "note.txt.j2") in capsys.readouterr().err


def test_missing_template_folder_is_bad_input(tmp_path, capsys) -> None:
    assert main(["check", "--templates", str(tmp_path / "nope")]) == 2
    assert main(["run", str(ANSWERS / "miss.yaml"), "--templates", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_shipped_templates_pass_check(capsys) -> None:
    assert main(["check", "--templates", str(SHIPPED)]) == 0
