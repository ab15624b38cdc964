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


def test_the_limits_leave_ordinary_template_features_working(tmp_path, capsys) -> None:
    """Includes and extends inside the folder, macros calling macros, loops with `loop`,
    formats, wordwrap, `~`, `*` and ranges of a sensible size all still render."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "base.j2").write_text("# {% block title %}{% endblock %}\n{% block body %}"
                                    "{% endblock %}\n", encoding="utf-8")
    (folder / "parts.j2").write_text(
        "{% macro item(n) %}- {{ '%03d' | format(n) }} {{ '{:>5}'.format(n) }}"
        "{% endmacro %}{% macro items(k) %}{% for i in range(k) %}{{ item(i) }}\n"
        "{% endfor %}{% endmacro %}", encoding="utf-8")
    (folder / "note.md.j2").write_text(
        '{% extends "base.j2" %}{% from "parts.j2" import items %}'
        "{% block title %}{{ case_label | md ~ ' / ' ~ '=' * 3 }}{% endblock %}"
        "{% block body %}{{ items(3) }}{% for f in factors %}{{ loop.index }}/"
        "{{ loop.length }} {% endfor %}\n{{ ('word ' * 40) | wordwrap(30) }}\n"
        "{% include 'footer.j2' %}{% endblock %}", encoding="utf-8")
    (folder / "footer.j2").write_text("{{ range(5) | join(',') }} {{ 2 ** 10 }}\n",
                                      encoding="utf-8")
    assert main(["run", str(ANSWERS / "miss.yaml"), "--templates", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# MISS / ===")
    assert "- 000     0\n- 001     1\n- 002     2\n" in out
    assert "0,1,2,3,4 1024" in out
    assert all(len(line) <= 30 for line in out.split("\n") if line.startswith("word"))
