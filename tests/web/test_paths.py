"""Where the shipped trees and templates are found, and how a user points elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import paths

ROOT = Path(__file__).resolve().parents[2]


def test_an_editable_install_uses_the_checkouts_folders(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.delenv("SPINE_ASSIST_TREES", raising=False)
    monkeypatch.delenv("SPINE_ASSIST_TEMPLATES", raising=False)
    shipped = Path(paths.__file__).resolve().parents[1] / "_shipped"
    expected = shipped if shipped.is_dir() else ROOT  # a wheel carries them in the package
    assert paths.trees_dir() == expected / "trees"
    assert paths.templates_dir() == expected / "templates"
    assert (paths.trees_dir() / "miss_vs_oss.yaml").is_file()
    assert (paths.templates_dir() / "note.md.j2").is_file()
    assert paths.schema_file().is_file()


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                                        ) -> None:
    monkeypatch.setenv("SPINE_ASSIST_TREES", str(tmp_path / "t"))
    monkeypatch.setenv("SPINE_ASSIST_TEMPLATES", str(tmp_path / "p"))
    monkeypatch.setenv("SPINE_ASSIST_STATE_DIR", str(tmp_path / "s"))
    monkeypatch.setenv("SPINE_ASSIST_NOTES_DIR", str(tmp_path / "n"))
    assert paths.trees_dir() == tmp_path / "t"
    assert paths.templates_dir() == tmp_path / "p"
    assert paths.state_dir() == tmp_path / "s"
    assert paths.notes_dir() == tmp_path / "n"


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_ASSIST_TREES", "")
    assert (paths.trees_dir() / "miss_vs_oss.yaml").is_file()
