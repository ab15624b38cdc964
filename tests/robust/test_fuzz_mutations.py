"""Random byte and structure mutations of the shipped tree and of answer files: the loader
accepts, or refuses with one located line (InputError), and never raises anything else."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.answers import answers_from_data, load_answer_file
from assistant.core.errors import InputError
from assistant.core.headless import run_answers
from assistant.core.loader import load_tree
from assistant.core.model import Tree
from tests.conftest import ANSWERS, DEFAULT_TREE

# More examples for a long local campaign: ROBUST_FUZZ_EXAMPLES=2000 pytest tests/robust
EXAMPLES = int(os.environ.get("ROBUST_FUZZ_EXAMPLES", "60"))
MUTATE = settings(max_examples=EXAMPLES, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TREE_BYTES = DEFAULT_TREE.read_bytes()
ANSWER_FILES = sorted(p for p in ANSWERS.iterdir() if p.suffix in (".yaml", ".json"))
LOCATED = re.compile(r"^\S+?:\d+:\d+: \S")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


TREE_DATA = _plain(yaml.load(TREE_BYTES, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader")
                             else yaml.SafeLoader))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutants")


def _write(folder: Path, data: bytes, suffix: str = ".yaml") -> Path:
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    path.write_bytes(data)
    return path


def assert_located(exc: InputError, path: Path) -> None:
    text = str(exc)
    assert "\n" not in text
    assert text.startswith(str(path)), text
    assert LOCATED.match(text), text
    assert "Traceback" not in text


# ------------------------------------------------------------------ byte mutations
SPECIALS = [b"\t", b"\x00", b"\xff", b"\xc3", b"'", b'"', b":", b"- ", b"{", b"[", b"]",
            b"&a ", b"*a", b"!!python/object ", b"\n", b"  ", b"#", b"%YAML 1.1\n", b"---\n",
            b"<<: ", b"? ", b"|", b">", b"\r", b"\xef\xbb\xbf", "é".encode(), b"\\"]


@st.composite
def byte_mutations(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(("flip", "delete", "insert", "special", "dup", "cut")))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at: at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "special":
            data[at:at] = draw(st.sampled_from(SPECIALS))
        elif kind == "dup":  # repeat a line: duplicate keys, duplicate ids
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
        else:  # cut the file short, as a half-written file would be
            del data[at:]
    return bytes(data)


@MUTATE
@given(data=byte_mutations(TREE_BYTES))
def test_byte_mutations_of_the_shipped_tree(data: bytes, folder: Path) -> None:
    path = _write(folder, data)
    try:
        tree = load_tree(path)
    except InputError as exc:
        assert_located(exc, path)
    else:
        assert isinstance(tree, Tree)


@MUTATE
@given(source=st.sampled_from(ANSWER_FILES), data=st.data())
def test_byte_mutations_of_answer_files(
    tree: Tree, source: Path, data: st.DataObject, folder: Path
) -> None:
    mutated = data.draw(byte_mutations(source.read_bytes()))
    path = _write(folder, mutated, source.suffix)
    try:
        run_answers(tree, load_answer_file(tree, path))
    except InputError as exc:
        assert_located(exc, path)


# ------------------------------------------------------------------ structure mutations
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["yes", "no", "end", "MISS", "OSS", "hui2024",
                                           "fit_for_surgery", "indication", ""]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
)


def _containers(value: Any, out: list) -> list:
    if isinstance(value, dict):
        out.append(value)
        for item in value.values():
            _containers(item, out)
    elif isinstance(value, list):
        out.append(value)
        for item in value:
            _containers(item, out)
    return out


@st.composite
def structure_mutations(draw: st.DrawFn, original: Any) -> Any:
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        containers = _containers(data, [])
        target = draw(st.sampled_from(containers))
        if isinstance(target, dict):
            if not target:
                continue
            key = draw(st.sampled_from(sorted(target, key=str)))
            kind = draw(st.sampled_from(("replace", "delete", "rename", "swap")))
            if kind == "replace":
                target[key] = draw(VALUES)
            elif kind == "delete":
                del target[key]
            elif kind == "rename":
                target[draw(st.sampled_from([f"{key}x", str(key)[:-1] or "k", "when", "goto",
                                             "id", "extra"]))] = target.pop(key)
            else:
                other = draw(st.sampled_from(sorted(target, key=str)))
                target[key], target[other] = target[other], target[key]
        else:
            if not target:
                target.append(draw(VALUES))
                continue
            index = draw(st.integers(0, len(target) - 1))
            kind = draw(st.sampled_from(("replace", "delete", "duplicate", "move")))
            if kind == "replace":
                target[index] = draw(VALUES)
            elif kind == "delete":
                del target[index]
            elif kind == "duplicate":
                target.insert(index, copy.deepcopy(target[index]))
            else:
                target.append(target.pop(index))
    return data


@MUTATE
@given(data=structure_mutations(TREE_DATA))
def test_structure_mutations_of_the_shipped_tree(data: Any, folder: Path) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")
    path = _write(folder, text)
    try:
        tree = load_tree(path)
    except InputError as exc:
        assert_located(exc, path)
    else:
        assert isinstance(tree, Tree)


@MUTATE
@given(source=st.sampled_from(ANSWER_FILES), data=st.data())
def test_structure_mutations_of_answer_files(
    tree: Tree, source: Path, data: st.DataObject, folder: Path
) -> None:
    original = _plain(yaml.safe_load(source.read_text(encoding="utf-8")))
    original = {k: ("yes" if v is True else "no" if v is False else v)
                for k, v in original.items()}
    mutated = data.draw(structure_mutations(original))
    if source.suffix == ".json":
        text = json.dumps(mutated, default=str)
    else:
        text = yaml.safe_dump(mutated, sort_keys=False, allow_unicode=True)
    path = _write(folder, text.encode("utf-8"), source.suffix)
    try:
        run_answers(tree, load_answer_file(tree, path))
    except InputError as exc:
        assert_located(exc, path)


@MUTATE
@given(values=st.dictionaries(st.sampled_from(["fit_for_surgery", "age_years", "level",
                                               "surgical_indications", "case_label",
                                               "hypervascular", "fit_for_surgry"]), VALUES))
def test_random_answer_mappings_in_memory(tree: Tree, values: dict[str, Any]) -> None:
    try:
        run_answers(tree, answers_from_data(tree, values, "<answers>"))
    except InputError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith("<answers>")
