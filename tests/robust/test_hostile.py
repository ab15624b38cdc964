"""Hostile input: only safe YAML, bombs and deep nesting refused with bounded memory,
size limits, and free text that never runs as template code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.cli import main
from assistant.core import yamlio
from assistant.core.errors import InputError
from assistant.core.headless import run_mapping
from assistant.core.render import render
from assistant.core.yamlio import MAX_DEPTH, MAX_FILE_BYTES, LocDict, LocList, load_data
from tests.conftest import ANSWERS, DEFAULT_TREE


def _error(text: str, name: str = "x.yaml") -> str:
    with pytest.raises(InputError) as info:
        load_data(text, name)
    return str(info.value)


# ------------------------------------------------------------------ only safe loading
@pytest.mark.parametrize(
    "value",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        "!!python/object/new:subprocess.Popen [[touch, {marker}]]",
        "!!python/name:os.system",
        "!!python/module:os",
        '!!python/object:argparse.Namespace {{x: "{marker}"}}',
        "!custom {marker}",
    ],
)
def test_python_tags_are_refused_and_never_run(value: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    message = _error(f"title: {value.format(marker=marker)}\n")
    assert re.match(r"x\.yaml:1:8: unsupported YAML tag '!", message)
    assert "tags are never run" in message
    assert not marker.exists()


@pytest.mark.parametrize("text", ["a: !!str 12\n", "a: !!int '7'\n", "a: !!bool yes\n"])
def test_plain_tags_are_refused_too(text: str) -> None:
    """No tag may change what a value means (issue 12 item 1): every explicit tag is refused."""
    message = _error(text)
    assert re.match(r"x\.yaml:1:4: unsupported YAML tag '!!", message)
    assert "tags are never run" in message


# ------------------------------------------------------------------ alias bombs
def _bomb(levels: int, width: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("levels", "width"), [(9, 10), (30, 2), (5, 300)])
def test_alias_bombs_are_refused_with_bounded_memory(levels: int, width: int) -> None:
    text = _bomb(levels, width)  # expands to width ** levels values (10**9 for the first)
    tracemalloc.start()
    try:
        message = _error(text, "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too many values after expanding aliases (an alias bomb?)" in message
    assert re.match(r"bomb\.yaml:\d+:\d+: ", message)
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes while refusing a bomb"


def test_a_few_aliases_are_fine() -> None:
    data = load_data("base: &b {x: 1}\none: *b\ntwo: *b\n", "x.yaml")
    assert data["one"] == data["two"] == {"x": 1}


def test_an_alias_before_its_anchor_is_a_located_error() -> None:
    assert _error("a: *nowhere\n") == (
        "x.yaml:1:4: unknown alias '*nowhere' (an alias must follow its '&anchor')"
    )


# ------------------------------------------------------------------ deep nesting
@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 10_000 + "]" * 10_000,
        "x: " + "{a: " * 10_000 + "1" + "}" * 10_000,
        "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v\n",
        "".join(" " * (2 * i) + "-\n" for i in range(200)),
        "- " * 100_000 + "x\n",
        "? " * 100_000 + "x\n",
    ],
    ids=["flow-list", "flow-map", "block-map", "block-list", "compact-list", "complex-key"],
)
def test_deep_nesting_is_refused_without_recursion_error(text: str) -> None:
    message = _error(text)
    assert re.fullmatch(rf"x\.yaml:\d+:\d+: nesting too deep \(at most {MAX_DEPTH} levels\)",
                        message), message


def test_the_nesting_that_crashed_libyaml_is_refused_in_a_fresh_process() -> None:
    """libyaml's recursive composer segfaulted on this (exit -11); run it where that shows."""
    code = (
        "from assistant.core.yamlio import load_data\n"
        "from assistant.core.errors import InputError\n"
        "try:\n    load_data('- ' * 900_000 + 'x', 'deep.yaml')\n"
        "except InputError as exc:\n    print(exc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "deep.yaml:1:129: nesting too deep (at most 64 levels)"


def test_deep_json_is_refused_without_recursion_error() -> None:
    message = _error("[" * 100_000 + "]" * 100_000, "x.json")
    assert message.startswith("x.json:1:1: nesting too deep")


def test_a_huge_json_number_is_a_located_error() -> None:
    assert _error('{"age_years": ' + "9" * 5000 + "}", "x.json").startswith(
        "x.json:1:1: JSON value refused")


def test_the_shipped_tree_is_far_from_the_limits(tree: Any) -> None:
    text = DEFAULT_TREE.read_text(encoding="utf-8")
    assert len(text.encode()) < MAX_FILE_BYTES / 10

    def depth(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + max(map(depth, value.values()), default=0)
        if isinstance(value, list):
            return 1 + max(map(depth, value), default=0)
        return 0

    assert depth(load_data(text, "t.yaml")) < MAX_DEPTH / 4


# ------------------------------------------------------------------ size limits
def test_an_answer_file_over_the_size_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("fit_for_surgery: no\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    size = big.stat().st_size
    assert main(["run", str(big)]) == 2
    assert capsys.readouterr().err == (
        f"spine-assist: error: {big}: answer file is too large ({size} bytes) "
        f"(at most {MAX_FILE_BYTES} bytes)\n"
    )


def test_a_tree_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.core import loader

    monkeypatch.setattr(loader, "MAX_TREE_BYTES", 4096)
    big = tmp_path / "big.yaml"
    big.write_text(DEFAULT_TREE.read_text(encoding="utf-8"))
    assert main(["check", str(big)]) == 2
    err = capsys.readouterr().err
    assert err == (f"spine-assist: error: {big}: tree file is too large "
                   f"({big.stat().st_size} bytes) (at most 4096 bytes)\n")


def test_an_endless_device_is_refused_unread(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    assert main(["run", "/dev/zero"]) == 2
    assert capsys.readouterr().err == (
        "spine-assist: error: /dev/zero: answer file is a character device, not a regular "
        "file (a regular file)\n"
    )


# ------------------------------------------------------------------ the C loader, right marks
def test_the_c_loader_is_used_when_libyaml_is_present() -> None:
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML was built without libyaml")
    assert issubclass(yamlio.CoreSchemaLoader, yaml.CSafeLoader)


def _pure_python_loader() -> type:
    class Loader(yamlio.LimitedComposing, yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = yamlio.CoreSchemaLoader.yaml_implicit_resolvers
    return Loader


def _locations(value: Any, out: list, path: str = "") -> list:
    if isinstance(value, LocDict):
        out.append((path, str(value.loc)))
        for key, item in value.items():
            out.append((f"{path}/{key}:k", str(value.key_loc(key))))
            out.append((f"{path}/{key}:v", str(value.value_loc(key))))
            _locations(item, out, f"{path}/{key}")
    elif isinstance(value, LocList):
        out.append((path, str(value.loc)))
        for index, item in enumerate(value):
            out.append((f"{path}[{index}]", str(value.item_loc(index))))
            _locations(item, out, f"{path}[{index}]")
    return out


@pytest.mark.parametrize(
    "text",
    [
        DEFAULT_TREE.read_text(encoding="utf-8"),
        "\ufeffnom: \"Émile Zoë\"\nliste: [é, ü, 'ß', {clé: 値}]\nplus:\n  - ☃: ok\n",
        "a: |\n  two\n  lines\nb: >-\n  folded\n  text\nc: {x: [1, 2], 'y z': null}\n",
    ],
    ids=["default-tree", "non-ascii", "block-scalars"],
)
def test_c_and_python_loaders_give_the_same_values_and_marks(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = text.removeprefix("\ufeff")
    fast = load_data(text, "t.yaml")
    monkeypatch.setattr(yamlio, "CoreSchemaLoader", _pure_python_loader())
    slow = load_data(text, "t.yaml")
    assert fast == slow
    assert _locations(fast, []) == _locations(slow, [])


def test_a_mark_after_non_ascii_text_counts_characters() -> None:
    data = load_data("nom: \"Zoë\"\nx: [é, ü, bad]\n", "t.yaml")
    assert str(data["x"].item_loc(2)) == "t.yaml:2:11"


# ------------------------------------------------------------------ free text stays text
HOSTILE_TEXT = "{{ 7*7 }} {% if true %}x{% endif %} <script>alert(1)</script> & *bold* ${x}"


def test_free_text_never_runs_as_template_code_and_is_escaped_in_html(tree: Any) -> None:
    data = json.loads((ANSWERS / "sins_miss.json").read_text(encoding="utf-8"))
    data["case_label"] = HOSTILE_TEXT
    data["comments"] = HOSTILE_TEXT
    outcome = run_mapping(tree, data).outcome
    for fmt in ("md", "txt"):
        note = render(outcome, fmt)
        unescaped = note.replace("\\", "")  # Markdown escapes its specials with backslashes
        assert "{{ 7*7 }} {% if true %}x{% endif %}" in unescaped
        assert "{{ 49 }}" not in unescaped and "\n49" not in unescaped
    note = json.loads(render(outcome, "json"))["note"]
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in note.replace("\\", "")
    html = render(outcome, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *bold*" in html
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in html
