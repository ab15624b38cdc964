"""The speed paths give exactly what the careful paths give (issue 7).

Each fast path has a slow twin that defines the behaviour: the one-pass YAML loader and the
careful composer, the quick answer-file reader and `load_data`, compiled conditions and
`holds`, the indexed `evaluate` and a plain walk over the rules, the records and the frozen
dataclasses they replaced, the batch made in stages and one made a file at a time.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import batch, yamlio
from assistant.core.conditions import (
    ALWAYS,
    All,
    AnyOf,
    Compare,
    EvalContext,
    FactorRaised,
    Favoring,
    Not,
    compile_condition,
    required_choices,
    required_name,
)
from assistant.core.errors import InputError
from assistant.core.machine import RaisedFactor, compute_scores, evaluate
from assistant.core.model import Choice, Question, Source
from tests.conftest import ANSWERS, DEFAULT_TREE, ROOT

CORPUS = ROOT / "tests" / "robust" / "corpus"


# ------------------------------------------------------------------ helpers
def _careful(text: str, name: str = "t.yaml") -> Any:
    """The careful path alone: the iterative composer, then the builder."""
    limit = max(yamlio.MAX_NODES, len(text))
    node = yamlio._compose(text, name, limit)
    if node is None:
        raise InputError("empty")
    return yamlio._Builder(name, limit).build(node)


def _shape(value: Any) -> Any:
    """Values, their exact types and every location, for comparing two loads."""
    if isinstance(value, yamlio.LocDict):
        return ("map", str(value.loc), [(_shape(k), str(value.key_loc(k)),
                                         str(value.value_loc(k)), _shape(v))
                                        for k, v in value.items()])
    if isinstance(value, yamlio.LocList):
        return ("seq", str(value.loc), [(str(value.item_loc(i)), _shape(v))
                                        for i, v in enumerate(value)])
    if isinstance(value, dict):
        return ("map", [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [_shape(v) for v in value])
    return (type(value).__name__, repr(value))


def _plain(value: Any) -> Any:
    """Values and exact types only (the quick reader keeps no locations)."""
    if isinstance(value, dict):
        return ("map", [(_plain(k), _plain(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [_plain(v) for v in value])
    return (type(value).__name__, repr(value))


def _texts() -> list[tuple[str, str]]:
    files = [DEFAULT_TREE, *sorted(ANSWERS.iterdir()), *sorted((CORPUS / "answers").iterdir()),
             *sorted((CORPUS / "trees").iterdir())]
    out = []
    for path in files:
        if path.is_file():
            out.append((path.read_bytes().decode("utf-8", "replace"), path.name))
    return out


TEXTS = _texts()
PIECES = [" ", "\n", "\t", "-", ":", ",", "[", "]", "{", "}", "#", "&a ", "*a", "!!str ", "|",
          ">", "'", '"', "?", "%", "@", "`", "~", "=", "<<", "null", "0x1F", "1_0", ".inf",
          "2001-01-01", "True", "on", "---", "...", "- ", ": ", " #", "1e5", "1.5", "\\",
          "NaN", "é", "\r\n", "\n  ", "\n- ", "true", "-0", "+1", ".5", "x" * 1100]


def _mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randrange(1, 6)):
        at = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.5:
            chars.insert(at, rng.choice(PIECES))
        elif roll < 0.8 and chars:
            del chars[min(at, len(chars) - 1)]
        elif chars:
            chars[min(at, len(chars) - 1)] = rng.choice(PIECES)
    return "".join(chars)


SCALARS = ["yes", "no", "on", "off", "y", "true", "False", "null", "~", "", "0", "-1", "0x1A",
           "0o17", "017", "1_000", "1.5", "1e5", "1.0e+5", ".inf", "-.Inf", ".nan",
           "2001-12-14", "12:30", "a b", "x #y", "x#y", "it's", "-a", ".", "...", "-.", "+1",
           "a/b", "T7", "a,b", "=", "<<", "é", 3, 2.5, True, None, -0.0, 10**20]
values = st.recursive(
    st.sampled_from(SCALARS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["a", "b_c", "yes", "true", "null", "1", "k-1"]) | st.sampled_from(
            SCALARS), inner, max_size=4),
    max_leaves=12,
)


# ------------------------------------------------------------------ the one-pass YAML loader
def _same_as_careful(text: str, name: str = "t.yaml") -> bool:
    """True if the fast path took the text (and then gave what the careful path gives)."""
    try:
        fast = yamlio._fast_load(text, name, max(yamlio.MAX_NODES, len(text)))
    except yamlio._Fallback:
        return False
    assert _shape(fast) == _shape(_careful(text, name)), text
    return True


def test_the_fast_loader_takes_the_shipped_files_and_gives_the_same_values_and_marks() -> None:
    taken = [name for text, name in TEXTS if _same_as_careful(text, name)]
    assert DEFAULT_TREE.name in taken
    assert {p.name for p in ANSWERS.iterdir()} <= set(taken)


def test_mutated_files_fast_or_careful_give_the_same() -> None:
    rng = random.Random(7)
    taken = 0
    for _ in range(4000):
        text, name = rng.choice(TEXTS)
        if len(text) > 4000:
            start = rng.randrange(len(text))
            text = text[start:start + 600]
        taken += _same_as_careful(_mutate(text, rng), name)
    assert taken > 400  # the fast path is really exercised


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(values, st.sampled_from([None, True, False]), st.sampled_from([None, '"', "'"]))
def test_dumped_yaml_fast_or_careful_gives_the_same(value: Any, flow: bool | None,
                                                    style: str | None) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, default_style=style,
                          allow_unicode=True)
    _same_as_careful(text)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "a: !!str 1\n",  # tags
    "a: 1\na: 2\n",  # a duplicate
    "[1]: x\n",  # a collection as a key
    "a: 1\n---\nb: 2\n",  # two documents
    "a: =\n",  # the value tag
    "<<: {a: 1}\n",  # merge
    "x: " + "[" * 70 + "]" * 70,  # deeper than MAX_DEPTH
    "a: [1\n",  # a syntax error
    "# only a comment\n",
])
def test_the_fast_loader_leaves_the_unusual_to_the_careful_path(text: str) -> None:
    with pytest.raises(yamlio._Fallback):
        yamlio._fast_load(text, "t.yaml", yamlio.MAX_NODES)


def test_locations_are_made_only_when_asked_and_match_the_marks() -> None:
    data = yamlio.load_data("a:\n  - x\n  - {b: 2}\n", "t.yaml")
    assert str(data.loc) == "t.yaml:1:1"
    assert str(data.key_loc("a")) == "t.yaml:1:1"
    assert str(data.value_loc("a")) == "t.yaml:2:3"
    assert [str(loc) for loc in data["a"].item_locs] == ["t.yaml:2:5", "t.yaml:3:5"]
    assert data.key_locs == {"a": data.key_loc("a")}
    assert str(data["a"][1].value_loc("b")) == "t.yaml:3:9"


# ------------------------------------------------------------------ the quick answer reader
def _quick_matches(text: str, name: str) -> bool:
    quick = yamlio.quick_values(text, name)
    if quick is None:
        return False
    assert _plain(quick) == _plain(yamlio.load_data(text, name)), (name, text)
    return True


def test_the_quick_reader_takes_the_fixtures() -> None:
    for path in ANSWERS.iterdir():
        assert _quick_matches(path.read_text(encoding="utf-8"), path.name), path.name


def test_mutated_answer_files_quick_or_careful_give_the_same() -> None:
    rng = random.Random(11)
    bases = [(t, n) for t, n in TEXTS if len(t) < 3000 and not n.startswith("miss_vs")]
    taken = 0
    for _ in range(6000):
        text, name = rng.choice(bases)
        text = _mutate(text, rng)
        taken += _quick_matches(text, name)
        taken += _quick_matches(text, "x.yaml" if name.endswith(".json") else "x.json")
    assert taken > 150  # the quick path is really exercised


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(["fit", "a_b", "x-y", "yes", "true", "null", "K1", "_k"]),
                       st.sampled_from(SCALARS) | st.lists(st.sampled_from(SCALARS), max_size=3),
                       min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_written_answer_files_quick_or_careful_give_the_same(answers: dict[str, Any],
                                                             rng: random.Random) -> None:
    as_json = json.dumps(answers, indent=rng.choice([None, 1]),
                         separators=rng.choice([None, (",", ":")]))
    _quick_matches(as_json, "a.json")
    _quick_matches(as_json, "a.yaml")
    lines = []
    for key, value in answers.items():
        def shown(item: Any) -> str:
            if isinstance(item, str):
                return rng.choice([item, item, f'"{item}"', f"'{item}'"])
            return json.dumps(item) if rng.random() < 0.5 else str(item)
        text = ("[" + rng.choice([", ", ","]).join(map(shown, value)) + "]"
                if isinstance(value, list) else shown(value))
        lines.append(f"{key}:{rng.choice([' ', '  ', ''])}{text}"
                     f"{rng.choice(['', ' ', ' # c', '#c'])}")
        if rng.random() < 0.2:
            lines.append(rng.choice(["", "# x", "  # y", "  z"]))
    _quick_matches("\n".join(lines) + rng.choice(["", "\n"]), "a.yaml")


def test_a_located_error_from_a_quickly_read_file_is_the_careful_one(tree: Any,
                                                                     tmp_path: Path) -> None:
    from assistant.core.answers import answers_from_data, load_answer_file
    from assistant.core.errors import AnswerError

    path = tmp_path / "a.yaml"
    path.write_text("case_label: x\nfit_for_surgery: maybe\n")
    assert yamlio.quick_values(path.read_text(), str(path)) is not None
    with pytest.raises(AnswerError) as quick:
        load_answer_file(tree, path)
    with pytest.raises(AnswerError) as careful:
        answers_from_data(tree, yamlio.load_data(path.read_text(), str(path)), str(path))
    assert str(quick.value) == str(careful.value)
    assert str(quick.value).startswith(f"{path}:2:18: ")


# ------------------------------------------------------------------ compiled conditions
NAMES = ["a", "b", "n", "t"]
operands = st.sampled_from(["x", "y", "z", 1, 2.5, True])
compares = st.builds(
    Compare, st.sampled_from(NAMES),
    st.sampled_from(["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "answered", "matches"]),
    operands,
).map(lambda c: Compare(c.name, c.op, {
    "in": ("x", "y", 1), "not_in": ("y", 2.5), "answered": bool(c.operand), "matches": "x|y.*",
}.get(c.op, 2 if c.op in ("lt", "le", "gt", "ge") else c.operand)))
conditions = st.recursive(
    compares | st.just(ALWAYS) | st.builds(FactorRaised, st.sampled_from(["f1", "f2"]))
    | st.builds(Favoring, st.sampled_from(["OSS", "MISS"])),
    lambda inner: st.builds(All, st.tuples(inner, inner)) | st.builds(
        AnyOf, st.tuples(inner, inner)) | st.builds(All, st.just(())) | st.builds(Not, inner),
    max_leaves=6,
)
answer_values = st.dictionaries(
    st.sampled_from(NAMES),
    st.sampled_from(["x", "y", "z", "yz", 0, 1, 2, 2.5, True, None])
    | st.lists(st.sampled_from(["x", "y", "z"]), max_size=3)
    | st.tuples(st.sampled_from(["x", "y"])),
)


@settings(max_examples=600, deadline=None)
@given(conditions, answer_values, st.frozensets(st.sampled_from(["f1", "f2"])),
       st.frozensets(st.sampled_from(["OSS", "MISS"])))
def test_a_compiled_condition_answers_as_holds(cond: Any, values: dict[str, Any],
                                               ids: frozenset[str],
                                               favoring: frozenset[str]) -> None:
    expected = cond.holds(EvalContext(values, ids, favoring))
    assert compile_condition(cond)(values, ids, favoring) is expected
    name = required_name(cond)
    if name is not None and name not in values:
        assert not expected
    choices = required_choices(cond)
    if choices is not None and type(values.get(choices[0])) is str and \
            values[choices[0]] not in choices[1]:
        assert not expected


def _slow_evaluate(tree: Any, values: dict[str, Any]) -> tuple[Any, ...]:
    """The rules, one by one, through `holds` (the engine before issue 7)."""
    scores = compute_scores(tree, values)
    names = dict(values)
    for score in scores.values():
        names[f"{score.id}.total"] = score.total
        names[f"{score.id}.category"] = score.category
    ctx = EvalContext(names)
    raised = [RaisedFactor(r, values.get(r.question) if r.question else None)
              for r in tree.factors if r.when.holds(ctx)]
    ids = {f.rule.id for f in raised}
    favoring = {f.rule.favors for f in raised}
    ctx = EvalContext(names, ids, favoring)
    outcome = next(o for o in tree.outcomes if o.when.holds(ctx))
    names["outcome"] = outcome.id
    advice = [a.id for a in tree.advice if a.when.holds(EvalContext(names, ids, favoring))]
    return outcome.id, raised, advice


def test_indexed_evaluate_matches_the_rules_one_by_one(tree: Any) -> None:
    rng = random.Random(3)
    for _ in range(1500):
        values: dict[str, Any] = {}
        for qid, question in tree.questions.items():
            if rng.random() < 0.2:
                continue
            if question.kind == "single":
                values[qid] = rng.choice(question.choice_ids)
            elif question.kind == "multi":
                values[qid] = rng.sample(question.choice_ids,
                                         rng.randrange(1, len(question.choice_ids) + 1))
            elif question.kind == "integer":
                values[qid] = rng.randrange(0, 100)
            else:
                values[qid] = rng.choice(["T7", "L1-L2", "text"])
        result = evaluate(tree, values)
        outcome, raised, advice = _slow_evaluate(tree, values)
        assert result.recommendation == outcome
        assert list(result.factors) == raised
        assert [a.id for a in result.advice] == advice


# ------------------------------------------------------------------ records
@dataclasses.dataclass(frozen=True, slots=True)
class _OldSource:  # what model.Source was
    id: str
    short: str
    citation: str
    doi: str | None = None
    url: str | None = None


def test_records_behave_as_the_frozen_dataclasses_they_replaced() -> None:
    new, old = Source("s", "Short", "Cite"), _OldSource("s", "Short", "Cite")
    assert repr(new) == repr(old).replace("_OldSource", "Source")
    assert new == Source("s", "Short", "Cite") and new != Source("s", "Short", "Other")
    assert hash(new) == hash(Source("s", "Short", "Cite")) == hash(old)
    assert new != old  # equality is within a class, as dataclasses do
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.id = "t"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del new.id  # type: ignore[misc]
    for twin in (pickle.loads(pickle.dumps(new)), copy.copy(new), copy.deepcopy(new)):
        assert twin == new
    assert Source.__match_args__ == ("id", "short", "citation", "doi", "url")
    assert new.replace(doi="10.1/x") == Source("s", "Short", "Cite", doi="10.1/x")
    with pytest.raises(TypeError):
        new.replace(nope=1)


def test_a_question_keeps_its_choice_ids_out_of_its_fields() -> None:
    question = Question("q", "s", "Prompt?", "single", choices=(Choice("yes", "Yes"),))
    assert question.choice_ids == ("yes",)
    assert "_choice_ids" not in repr(question)
    assert pickle.loads(pickle.dumps(question)).choice_ids == ("yes",)
    assert question.replace(choices=(Choice("a", "A"),)).choice_ids == ("a",)


# ------------------------------------------------------------------ the batch in stages
def test_a_batch_in_stages_reports_and_writes_as_one_file_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Good, bad and clashing files across chunk boundaries: the same lines, in order, and
    the same notes, as with chunks of one."""
    cases = tmp_path / "cases"
    (cases / "other").mkdir(parents=True)
    good = (ANSWERS / "miss.yaml").read_text(encoding="utf-8")
    inputs = []
    for i in range(150):
        path = cases / f"c{i:03d}.yaml"
        if i % 7 == 3:
            path.write_text(good.replace("bone_quality: normal", "bone_quality: spongy"))
        elif i % 11 == 5:
            path.write_text(good + "embolization: failed\n")  # off the path: a warning
        else:
            path.write_text(good)
        inputs.append(path)
        if i % 13 == 9:  # the same note name from another folder
            twin = cases / "other" / path.name
            twin.write_text(good)
            inputs.append(twin)

    def run(chunk: int, out: Path) -> tuple[int, str, dict[str, str]]:
        monkeypatch.setattr(batch, "_CHUNK", chunk)
        code = batch.run_batch(inputs, tree_name=None, fmt="md", output=out, templates=None,
                               force=False)
        err = capsys.readouterr().err.replace(str(out), "OUT")
        return code, err, {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}

    staged = run(64, tmp_path / "staged")
    single = run(1, tmp_path / "single")
    assert staged == single
    assert staged[0] == 2
    assert "would write the same note as" in staged[1]
    assert "warning: 'embolization' is not on the path" in staged[1]


def test_inputs_in_the_output_folder_are_read_one_at_a_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("fit_for_surgery: no\n")
    elsewhere = tmp_path / "b.yaml"
    elsewhere.write_text("fit_for_surgery: no\n")
    assert batch._reads_from([elsewhere, out / "a.yaml"], out)
    assert not batch._reads_from([elsewhere], out)
    assert not batch._reads_from([elsewhere], tmp_path / "not-yet")


def test_batch_notes_get_the_permissions_atomic_write_gives(tmp_path: Path) -> None:
    import os
    import stat

    from assistant.core.fileio import LeanWriter, atomic_write

    old = os.umask(0o027)
    try:
        single = atomic_write(tmp_path / "single.md", "x")
        assert LeanWriter(overwrite=True).write(str(tmp_path / "batch.md"), "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "batch.md").stat().st_mode) == \
        stat.S_IMODE(single.stat().st_mode)
