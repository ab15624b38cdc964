"""Hostile YAML and trees: a value means what the person wrote, no tag changes an answer, no
code runs from a cache, and every hostile input ends quickly, in bounded memory, with one
clean located line (issue 12 items 1, 7, 12, 13, 17 and 18).

Generated variants (hypothesis) feed answer files with YAML 1.1 forms (octal, hex,
sexagesimal, yes/no/on/off/y/n, ~, null, .inf, timestamps) and tags; a sample of each class
also goes through the installed command, which must exit 2 with one line on stderr within
5 s of CPU and 1 GiB.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import resource
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import cache
from assistant.core.answers import answers_from_text
from assistant.core.errors import InputError
from assistant.core.loader import load_tree
from assistant.core.model import Tree
from assistant.core.yamlio import load_data
from tests.conftest import ANSWERS, DEFAULT_TREE, ENTRY_POINT

MINI = Path(__file__).resolve().parent / "corpus" / "trees" / "ok_mini.yaml"
BASE = (ANSWERS / "miss.yaml").read_text(encoding="utf-8")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
HUMAN = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


def with_answer(key: str, written: str) -> str:
    """The fixture answer file with one answer written as given (a line `key: written`)."""
    lines = [f"{key}: {written}" if line.startswith(f"{key}:") else line
             for line in BASE.splitlines()]
    if f"{key}: {written}" not in lines:
        lines.append(f"{key}: {written}")
    return "\n".join(lines) + "\n"


def read(tree: Tree, text: str) -> tuple[str, Any]:
    """("ok", the answer values) or ("error", the message) for an answer file's text."""
    try:
        return "ok", answers_from_text(tree, text, "a.yaml").values
    except InputError as exc:  # AnswerError too
        return "error", str(exc)


# ------------------------------------------------------------------ YAML 1.1 forms
YAML11_NUMBERS = st.one_of(
    st.integers(0, 777).map(lambda n: f"0{n}"),  # octal in 1.1: 020 was 16
    st.integers(0, 255).map(lambda n: f"0x{n:X}"),
    st.integers(0, 63).map(lambda n: f"0o{n:o}"),
    st.integers(0, 15).map(lambda n: f"0b{n:b}"),
    st.tuples(st.integers(0, 99), st.integers(0, 59)).map(lambda t: f"{t[0]}:{t[1]:02d}"),
    st.integers(1, 99).map(lambda n: f"{n // 10}_{n % 10}"),
    st.sampled_from([".inf", "-.inf", ".nan", ".NaN", "~", "null", "Null", "NULL", "",
                     "2001-12-14", "2001-12-14t21:59:43.10-05:00", "1e2", "20.0", "58.5",
                     "yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "+20",
                     "-0", "0", "58", "120", "121"]),
)


@HUMAN
@given(written=YAML11_NUMBERS)
def test_a_whole_number_is_read_as_written_or_refused_with_a_located_line(
        tree: Tree, written: str) -> None:
    status, found = read(tree, with_answer("age_years", written))
    if status == "ok":
        value = found["age_years"]
        number = float(written)  # only a plain decimal number may pass
        assert DECIMAL.fullmatch(written) or number.is_integer(), written
        assert value == int(number) and not re.fullmatch(r"[-+]?0[0-9]+", written), written
    else:
        assert found.startswith("a.yaml:12:"), found
        assert "\n" not in found
    if re.fullmatch(r"0[0-9]+", written):  # a leading zero: never octal, never silently 20
        assert status == "error" and f"write it as {int(written)}" in found, found


YES_NO_FORMS = st.sampled_from(["yes", "no", "Yes", "NO", "on", "off", "On", "OFF", "y", "n",
                                "Y", "N", "true", "false", "True", "FALSE", "1", "0", "~",
                                "'yes'", '"no"', "ja", "nein"])


@HUMAN
@given(written=YES_NO_FORMS)
def test_yes_no_stay_words(tree: Tree, written: str) -> None:
    status, found = read(tree, with_answer("hypervascular", written))
    if status == "ok":
        word = written.strip("'\"")
        expected = {"true": "yes", "false": "no"}.get(word.lower(), word)
        assert found["hypervascular"] == expected, written
        assert word.lower() in ("yes", "no", "true", "false"), written
        assert word in ("yes", "no") or word.lower() in ("true", "false"), written
    else:
        assert found.startswith("a.yaml:"), found


ESCC_FORMS = st.sampled_from(["0", '"0"', "'0'", "00", "0.0", "1a", '"1a"', "0x0", "+0", "2",
                              "3", "03", "1A", "1 a", "o"])


@HUMAN
@given(written=ESCC_FORMS)
def test_choice_ids_that_look_like_numbers_keep_their_text(tree: Tree, written: str) -> None:
    status, found = read(tree, with_answer("escc_grade", written))
    if status == "ok":
        text = written.strip("'\"")
        value = found["escc_grade"]
        assert value == text or (DECIMAL.fullmatch(text) and value == str(int(text))), written
        assert value in tree.questions["escc_grade"].choice_ids
    else:
        assert "is not a value of 'escc_grade'" in found or "no value" in found, found


TAGS = st.sampled_from([
    "!!bool", "!!int", "!!str", "!!float", "!!null", "!!binary", "!!timestamp", "!!seq",
    "!!map", "!!set", "!!omap", "!!python/object/apply:os.system", "!!python/name:os.system",
    "!!python/tuple", "!custom", "!", "!<tag:yaml.org,2002:int>", "!<tag:yaml.org,2002:str>",
])
TAGGED_VALUES = st.sampled_from(["yes", "no", "58", "020", "normal", "'x'", "[a, b]", "{a: 1}",
                                 '["echo pwned"]', "''", "2001-12-14", "aGVsbG8="])


@HUMAN
@given(tag=TAGS, value=TAGGED_VALUES, key=st.sampled_from(
    ["age_years", "hypervascular", "bone_quality", "surgical_indications", "case_label"]))
def test_no_tag_ever_changes_an_answer(tree: Tree, tag: str, value: str, key: str) -> None:
    status, found = read(tree, with_answer(key, f"{tag} {value}"))
    assert status == "error", (tag, value)
    assert "unsupported YAML tag" in found or "YAML syntax error" in found, found
    assert re.match(r"a\.yaml:\d+:\d+: ", found), found


@HUMAN
@given(tag=TAGS, where=st.sampled_from(["title", "version", "prompt"]))
def test_no_tag_is_read_in_a_tree(tmp_path_factory: Any, tag: str, where: str) -> None:
    text = MINI.read_text(encoding="utf-8")
    text = {"title": text.replace('title: "Mini tree"', f'title: {tag} "Mini tree"'),
            "version": text.replace('version: "1"', f'version: {tag} 1'),
            "prompt": text.replace('prompt: "Age in years?"', f'prompt: {tag} "Age?"')}[where]
    with pytest.raises(InputError, match=r"unsupported YAML tag|YAML syntax error"):
        load_data(text, "t.yaml")


def test_core_schema_values() -> None:
    data = load_data("a: 020\nb: 1:10\nc: yes\nd: on\ne: 0x1F\nf: 20\ng: 1.5\nh: .inf\n"
                     "i: ~\nj: 2024-01-01\nk: true\nl: 1_000\nm: -3\n", "x.yaml")
    assert dict(data) == {"a": "020", "b": "1:10", "c": "yes", "d": "on", "e": "0x1F", "f": 20,
                          "g": 1.5, "h": ".inf", "i": None, "j": "2024-01-01", "k": True,
                          "l": "1_000", "m": -3}


# ------------------------------------------------------------------ limits while composing
@pytest.mark.parametrize("make", [
    lambda n: "fit_for_surgery:\n" + "- a\n" * n,
    lambda n: "x: [" + "a, " * n + "]\n",
    lambda n: "".join(f"k{i}: v\n" for i in range(n)),
    lambda n: "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]\n# " + "pad " * 1000 + "\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
], ids=["block-list", "flow-list", "keys", "padded-alias-bomb"])
def test_an_answer_file_is_bounded_by_values(tree: Tree, make: Any) -> None:
    status, found = read(tree, make(20_000))
    assert status == "error"
    assert re.fullmatch(r"a\.yaml:\d+:\d+: too many values.*\(at most 10000 values\)", found)


@given(depth=st.integers(65, 2000), kind=st.sampled_from(["[", "{a: ", "- "]))
@settings(max_examples=30, deadline=None)
def test_deep_nesting_is_refused_at_the_level_that_breaks_it(depth: int, kind: str) -> None:
    closing = {"[": "]", "{a: ": "}", "- ": ""}[kind]
    text = "x: " + kind * depth + "1" + closing * depth if kind != "- " else kind * depth + "1"
    with pytest.raises(InputError, match=r"nesting too deep \(at most 64 levels\)"):
        load_data(text, "d.yaml")


def test_anchors_cannot_loop_or_be_redefined() -> None:
    with pytest.raises(InputError, match="inside its own anchor"):
        load_data("a: &x [1, *x]\n", "x.yaml")
    with pytest.raises(InputError, match=r"x\.yaml:2:4: the anchor '&x' is defined twice"):
        load_data("a: &x 1\nb: &x 2\n", "x.yaml")


# ------------------------------------------------------------------ tree strings and regexes
def _tree_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "t.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("id: age", 'id: "age\\n"', r"questions\.1\.id: 'age\\n' is not a valid id"),
    ("id: age", 'id: "age\\u2028"', r"questions\.1\.id: 'age\\u2028' is not a valid id"),
    ("id: age", "id: " + "a" * 65, r"questions\.1\.id is too long \(65 characters\) "
                                   r"\(at most 64 characters\)"),
    ('{id: "no", label: "No"}', '{id: "no\\n", label: "No"}', "is not a valid choice id"),
    ('prompt: "Age in years?"', 'prompt: "' + "x" * 4001 + '"',
     r"questions\.1\.prompt is too long \(4001 characters\) \(at most 4000 characters\)"),
    ('title: "Mini tree"', 'title: "' + "t" * 201 + '"', r"at most 200 characters"),
    ("max: 120", "max: 120\n    pattern: '(a)\\1'", "'pattern' is for text questions"),
])
def test_tree_strings_are_checked(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_tree(_tree_with(tmp_path, old, new))


REGEX_TREE = """\
  - id: level
    section: main
    prompt: "Level?"
    kind: text
    pattern: '{pattern}'
"""


@pytest.mark.parametrize(("pattern", "message"), [
    ("(a)\\1", r"pattern cannot run in linear time \(RE2\).*\(no backreferences"),
    ("(?=a)a", r"pattern cannot run in linear time \(RE2\)"),
    ("[a", r"pattern does not compile: unterminated character set"),
    ("a" * 1001, r"pattern is too long \(1001 characters\)"),
])
def test_check_refuses_a_pattern_re2_cannot_run(tmp_path: Path, pattern: str,
                                                 message: str) -> None:
    path = _tree_with(tmp_path, "    max: 120\n", "    max: 120\n    next: level\n"
                      + REGEX_TREE.format(pattern=pattern))
    with pytest.raises(InputError, match=message):
        load_tree(path)


def test_a_backtracking_pattern_runs_in_linear_time(tmp_path: Path) -> None:
    path = _tree_with(tmp_path, "    max: 120\n", "    max: 120\n    next: level\n"
                      + REGEX_TREE.format(pattern="(a|aa)+"))
    tree = load_tree(path)
    text = 'fit: "yes"\nage: 40\nlevel: "' + "a" * 400 + 'b"\n'
    status, found = read(tree, text)  # Python's re would take longer than the universe
    assert status == "error" and "does not fit 'level'" in found


# ------------------------------------------------------------------ the tree cache
def test_the_cache_holds_json_in_a_private_folder_and_runs_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPINE_ASSIST_CACHE_DIR", str(folder))
    monkeypatch.delenv("SPINE_ASSIST_NO_CACHE", raising=False)
    text = MINI.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    fresh = load_tree(_tree_with(tmp_path, "Mini tree", "Mini tree"))
    cache.store(digest, fresh)
    assert (folder / "trees").stat().st_mode & 0o777 == 0o700
    (entry,) = (folder / "trees").glob("tree-*.json")
    assert entry.stat().st_mode & 0o777 == 0o600
    assert cache.load(digest, fresh.path) == fresh
    marker = tmp_path / "PWNED"

    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[str]]:
            return os.system, (f"touch {marker}",)

    planted = pickle.dumps(Payload())
    entry.with_suffix(".pickle").write_bytes(planted)  # where older versions looked
    entry.write_bytes(planted)
    assert cache.load(digest, fresh.path) is None and not marker.exists()
    entry.write_text(json.dumps({"sha256": digest, "engine": cache.engine_fingerprint(),
                                 "tree": {"r": "Popen", "v": [f"touch {marker}"]}}))
    assert cache.load(digest, fresh.path) is None and not marker.exists()


def test_a_cache_folder_not_ours_is_never_used(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").mkdir()
    link = tmp_path / "cache" / "trees"  # planted where the app keeps its entries
    link.symlink_to(elsewhere)
    assert cache.private_dir(link) is None
    monkeypatch.setenv("SPINE_ASSIST_CACHE_DIR", str(tmp_path / "cache"))
    load_tree(_tree_with(tmp_path, "Mini tree", "Mini tree (linked)"))
    assert list(elsewhere.iterdir()) == []
    opened = tmp_path / "open"
    opened.mkdir()
    os.chmod(opened, 0o777)
    assert cache.private_dir(opened) is None  # open to others: not used, not changed
    assert opened.stat().st_mode & 0o777 == 0o777
    assert cache.private_dir(tmp_path / "new") == tmp_path / "new"
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


# ------------------------------------------------------------------ through the real command
HOSTILE_ANSWERS = {
    "octal": with_answer("age_years", "020"),
    "sexagesimal": with_answer("age_years", "1:10"),
    "bool-tag": with_answer("hypervascular", "!!bool yes"),
    "python-tag": with_answer("bone_quality", '!!python/object/apply:os.system ["touch PWNED"]'),
    "int-tag": with_answer("age_years", "!!int '58'"),
    "long-list": "fit_for_surgery:\n" + "- a\n" * 400_000,
    "padded-bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]\n" + "# padding\n" * 20_000
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    "deep": "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
}
HOSTILE_TREES = {
    "tree-list": "id: x\nquestions:\n" + "- a\n" * 2_000_000,
    "tree-bomb": "id: x\n" + "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    "tree-newline-id": MINI.read_text(encoding="utf-8").replace("id: age", 'id: "age\\n"'),
}


def _run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "SPINE_ASSIST_STATE_DIR": str(cwd / "state")}
    proc = subprocess.run([*ENTRY_POINT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, cpu, after.ru_maxrss * 1024


def _one_clean_line(proc: subprocess.CompletedProcess[str], cpu: float, peak: int) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("spine-assist: error: "), proc.stderr
    assert not CONTROL.search(proc.stderr.rstrip("\n")), proc.stderr
    assert proc.stdout == ""
    assert cpu < 5, f"{cpu:.1f} s of CPU"
    assert peak < 1024 ** 3, f"peak {peak} bytes"
    return lines[0]


@pytest.mark.parametrize("case", sorted(HOSTILE_ANSWERS))
def test_hostile_answer_files_through_the_command(tmp_path: Path, case: str) -> None:
    (tmp_path / "a.yaml").write_text(HOSTILE_ANSWERS[case], encoding="utf-8")
    line = _one_clean_line(*_run(["run", "a.yaml", "-o", "note.md"], tmp_path))
    assert re.match(r"spine-assist: error: a\.yaml:\d+:\d+: ", line), line
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "note.md").exists()


@pytest.mark.parametrize("case", sorted(HOSTILE_TREES))
def test_hostile_trees_through_the_command(tmp_path: Path, case: str) -> None:
    (tmp_path / "t.yaml").write_text(HOSTILE_TREES[case], encoding="utf-8")
    line = _one_clean_line(*_run(["check", "t.yaml"], tmp_path))
    assert re.match(r"spine-assist: error: t\.yaml:\d+:\d+: ", line), line


def test_the_default_tree_still_checks(tmp_path: Path) -> None:
    proc, _, _ = _run(["check", str(DEFAULT_TREE)], tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("key", "shown"), [
    ('"fit_for_surgery\\n"', "'fit_for_surgery\\n'"),
    ('"x\\e]0;pwn\\a"', "'x\\x1b]0;pwn\\x07'"),
    ('"age\\u2028"', "'age\\u2028'"),
])
def test_an_id_with_control_characters_is_shown_escaped(tree: Tree, key: str,
                                                         shown: str) -> None:
    status, found = read(tree, f"{key}: yes\n")
    assert status == "error" and f"unknown question id {shown}" in found, found
    assert not CONTROL.search(found)
