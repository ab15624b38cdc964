"""Practice vignettes: case stories with the answers they imply, checked against a tree.

A vignette file sits beside its tree (`miss_vs_oss.vignettes.yaml`). Loading replays its
answers through the engine: the recommendation, the provisional flag and the exact factors
raised must be what the vignette expects. So a vignette can never teach something the tree
does not derive, and any drift is one located error in `check`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.core.answers import allowed_text, parse_answer
from assistant.core.errors import AnswerError, InputError, Location, did_you_mean, one_of
from assistant.core.machine import derive
from assistant.core.model import Tree
from assistant.core.records import Record
from assistant.core.yamlio import LocDict, LocList, load_file, loc_of

SUFFIX = ".vignettes.yaml"
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_TOP_KEYS = ("tree", "vignettes")
_VIGNETTE_KEYS = ("id", "title", "story", "answers", "expect")
_ANSWER_KEYS = ("value", "why")
_EXPECT_KEYS = ("recommendation", "provisional", "factors")


class Vignette(Record):
    """One checked case: the story, the answers it implies (in path order) and the key."""

    id: str
    title: str
    story: str
    answers: dict[str, Any]  # question id -> canonical value, in the order asked
    why: dict[str, str]  # question id -> why the story implies that answer
    recommendation: str
    provisional: bool
    factors: tuple[str, ...]  # ids, in tree order
    location: Location

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions a trainee answers for this case, in the order the tree asks them."""
        return tuple(self.answers)


def vignettes_file(tree_file: Path | str) -> Path:
    """`trees/x.yaml` -> `trees/x.vignettes.yaml` (the file `check` looks for)."""
    file = Path(tree_file)
    return file.with_name(file.stem + SUFFIX)


def load_vignettes(tree: Tree, path: Path | str) -> list[Vignette]:
    """Read and check a vignette file against `tree`; every problem is one located error."""
    name = str(path)
    data = load_file(Path(path), "vignette file")
    if not isinstance(data, LocDict):
        raise InputError("a vignette file must be a mapping", loc_of(data) or Location(name, 1, 1),
                         "keys: tree, vignettes")
    _only_keys(data, _TOP_KEYS, "the vignette file")
    if "tree" in data and str(data["tree"]) != tree.id:
        raise InputError(f"the vignettes are for tree '{data['tree']}', not '{tree.id}'",
                         data.value_loc("tree"), f"allowed: {tree.id}")
    items = data.get("vignettes")
    if not isinstance(items, LocList) or not items:
        raise InputError("'vignettes' must be a non-empty list", data.value_loc("vignettes"),
                         "a list of vignettes")
    out: dict[str, Vignette] = {}
    for index, item in enumerate(items):
        vignette = _vignette(tree, item, items.item_loc(index))
        if vignette.id in out:
            raise InputError(f"duplicate vignette id '{vignette.id}' (first at line "
                             f"{out[vignette.id].location.line})", vignette.location,
                             "each id once")
        out[vignette.id] = vignette
    return list(out.values())


def _only_keys(item: LocDict, allowed: tuple[str, ...], what: str) -> None:
    for key in item:
        if key not in allowed:
            raise InputError(f"unknown field '{key}' in {what}{did_you_mean(str(key), allowed)}",
                             item.key_loc(key), one_of(allowed))


def _text(item: LocDict, key: str, what: str) -> str:
    if key not in item:
        raise InputError(f"{what} has no '{key}'", item.loc, f"'{key}' is required")
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"'{key}' of {what} must be non-empty text", item.value_loc(key))
    return " ".join(value.split())


def _vignette(tree: Tree, item: Any, where: Location) -> Vignette:
    if not isinstance(item, LocDict):
        raise InputError("a vignette must be a mapping", where, one_of(_VIGNETTE_KEYS))
    _only_keys(item, _VIGNETTE_KEYS, "a vignette")
    vid = _text(item, "id", "a vignette")
    if not ID_PATTERN.fullmatch(vid):
        raise InputError(f"vignette id '{vid}' is not a plain identifier", item.value_loc("id"),
                         "lower-case letters, digits and _")
    what = f"vignette '{vid}'"
    title = _text(item, "title", what)
    story = _text(item, "story", what)
    answers, why, locs = _answers(tree, item, what)
    expect = item.get("expect")
    if not isinstance(expect, LocDict):
        raise InputError(f"{what} needs an 'expect' mapping", item.value_loc("expect"),
                         "keys: recommendation, provisional, factors")
    _only_keys(expect, _EXPECT_KEYS, f"'expect' of {what}")
    recommendation = expect.get("recommendation")
    if recommendation not in tree.outcome_ids:
        raise InputError(f"{what}: unknown recommendation '{recommendation}'",
                         expect.value_loc("recommendation"), one_of(tree.outcome_ids))
    provisional = expect.get("provisional", False)
    if not isinstance(provisional, bool):
        raise InputError(f"{what}: 'provisional' must be true or false",
                         expect.value_loc("provisional"))
    factors = expect.get("factors")
    if not isinstance(factors, LocList):
        raise InputError(f"{what}: 'factors' must be a list of factor ids (may be empty)",
                         expect.value_loc("factors"))
    known = [f.id for f in tree.factors]
    for index, fid in enumerate(factors):
        if fid not in known:
            raise InputError(f"{what}: unknown factor '{fid}'{did_you_mean(str(fid), known)}",
                             factors.item_loc(index), one_of(known, limit=60))
    walk, evaluation = derive(tree, answers)
    if walk.current is not None:
        question = tree.questions[walk.current]
        raise InputError(f"{what}: no answer for '{question.id}' ({question.prompt})",
                         item.value_loc("answers"), allowed_text(question))
    for qid in answers:
        if qid not in walk.values:
            raise InputError(f"{what}: '{qid}' is not on the path these answers take",
                             locs[qid], "answer only the questions the story's path reaches")
    if evaluation.recommendation != recommendation:
        oss = ", ".join(f.id for f in evaluation.favoring("OSS")) or "none"
        raise InputError(
            f"{what} expects {recommendation} but the tree derives "
            f"{evaluation.recommendation} (factors favoring OSS: {oss})",
            expect.value_loc("recommendation"), f"allowed: {evaluation.recommendation}")
    if evaluation.provisional != provisional:
        raise InputError(
            f"{what} expects provisional: {str(provisional).lower()} but the tree derives "
            f"{str(evaluation.provisional).lower()}", expect.value_loc("provisional"))
    raised = [f.id for f in evaluation.factors]
    missing = [f for f in raised if f not in factors]
    extra = [f for f in factors if f not in raised]
    if missing or extra:
        parts = [f"{label}: {', '.join(ids)}" for label, ids in
                 (("raised but not expected", missing), ("expected but not raised", extra)) if ids]
        raise InputError(f"{what}: the factors differ from what the tree derives "
                         f"({'; '.join(parts)})", expect.value_loc("factors"),
                         f"the tree raises: {', '.join(raised) or 'none'}")
    ordered = dict(walk.values)
    return Vignette(vid, title, story, ordered, {q: why[q] for q in ordered}, recommendation,
                    provisional, tuple(raised), where)


def _answers(
    tree: Tree, item: LocDict, what: str,
) -> tuple[dict[str, Any], dict[str, str], dict[str, Location]]:
    raw = item.get("answers")
    if not isinstance(raw, LocDict) or not raw:
        raise InputError(f"{what} needs an 'answers' mapping of question ids",
                         item.value_loc("answers"),
                         "e.g. fit_for_surgery: {value: \"yes\", why: \"...\"}")
    answers: dict[str, Any] = {}
    why: dict[str, str] = {}
    locs: dict[str, Location] = {}
    for key, entry in raw.items():
        qid = str(key)
        question = tree.questions.get(qid)
        if question is None:
            raise InputError(f"{what}: unknown question id '{qid}'"
                             f"{did_you_mean(qid, tree.questions)}", raw.key_loc(key),
                             one_of(tree.questions, limit=40))
        at = raw.value_loc(key)
        if not isinstance(entry, LocDict):
            raise InputError(f"{what}: '{qid}' needs a mapping with 'value' and 'why'", at,
                             "e.g. {value: \"yes\", why: \"the story says so\"}")
        _only_keys(entry, _ANSWER_KEYS, f"answer '{qid}' of {what}")
        if "value" not in entry:
            raise InputError(f"{what}: '{qid}' has no 'value'", at, allowed_text(question))
        try:
            answers[qid] = parse_answer(question, entry["value"])
        except AnswerError as exc:
            raise InputError(f"{what}: {exc.message}", entry.value_loc("value"),
                             exc.allowed) from None
        why[qid] = _text(entry, "why", f"answer '{qid}' of {what}")
        locs[qid] = raw.key_loc(key)
    return answers, why, locs


def check_vignettes(tree: Tree, tree_file: Path | str) -> str | None:
    """The `spine-assist check` hook: validate `<stem>.vignettes.yaml` when it exists."""
    file = vignettes_file(tree_file)
    if not file.exists():
        return None
    vignettes = load_vignettes(tree, file)
    counts = Counter(v.recommendation for v in vignettes)
    spread = ", ".join(f"{counts[o]} {o}" for o in tree.outcome_ids if o in counts)
    return (f"ok: {file}: {len(vignettes)} vignettes ({spread}), each derives its expected "
            "outcome and factors")
