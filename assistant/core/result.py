"""A finished consultation as plain data: the JSON contract and the template context."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.core.machine import Evaluation, Walk, evaluate
from assistant.core.model import Tree, per_tree

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Free text without control characters (no terminal escapes, valid in XML/XHTML)."""
    return _clean_text(text if type(text) is str else str(text))


@lru_cache(maxsize=4096)
def _clean_text(text: str) -> str:  # the tree's own texts come back in every note: memoized
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def now_utc() -> dt.datetime:
    """The note's timestamp; SOURCE_DATE_EPOCH fixes it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _from_epoch(epoch)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


@lru_cache(maxsize=4)
def _from_epoch(epoch: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)


@dataclass
class Outcome:
    """Everything a note or the JSON result needs, computed once."""

    tree: Tree
    walk: Walk
    evaluation: Evaluation
    meta: dict[str, str] = field(default_factory=dict)
    generated_at: dt.datetime = field(default_factory=now_utc)

    @classmethod
    def from_walk(
        cls, tree: Tree, walk: Walk, meta: Mapping[str, str] | None = None,
        generated_at: dt.datetime | None = None,
    ) -> Outcome:
        return cls(tree, walk, evaluate(tree, walk.values), dict(meta or {}),
                   generated_at or now_utc())

    @property
    def recommendation(self) -> str:
        return self.evaluation.recommendation

    def factor_dicts(self, shared: bool = False) -> list[dict[str, Any]]:
        """The raised factors as dicts; `shared`: see `note_context`."""
        parts = _parts(self.tree)
        scores = self.evaluation.scores
        made = parts.made if shared else None
        out = []
        for raised in self.evaluation.factors:
            rule = raised.rule
            static = parts.factors.get(rule.id)
            if static is None or static[0] is not rule:
                static = _factor_static(self.tree, rule)
                key = None  # not this tree's rule: never remembered
            else:
                key = rule.id
            _, head, tail, score_ids, qid = static
            answer = raised.answer
            label = ""
            for score_id in score_ids:  # a factor raised by a score shows the score
                score = scores.get(score_id)
                if score is not None:
                    label = f"{score.title}: {score.total}, {score.label}"
                    break
            if made is not None and key is not None:  # the answer's label: by the key
                key = (key, answer if answer.__class__ is str else _value_key(answer), label)
                found = made.get(key) if key[1] is not _UNKEYED else None
                if found is None:
                    if not label and qid is not None and answer is not None:
                        label = parts.label(qid, answer)
                    found = _factor_dict(head, tail, _kept(answer), label)
                    if key[1] is not _UNKEYED:
                        parts.remember(key, found)
                out.append(found)
                continue
            if not label and qid is not None and answer is not None:
                label = parts.label(qid, answer)
            out.append(_factor_dict(head, tail, answer, label))
        return out

    def _score_label(self, names: set[str]) -> str:
        """A factor raised by a score (e.g. `sins.category`) shows the score, not one term."""
        for name in sorted(names):
            score = self.evaluation.scores.get(name.split(".", 1)[0]) if "." in name else None
            if score is not None:
                return f"{score.title}: {score.total}, {score.label}"
        return ""

    def sins_dict(self) -> dict[str, Any] | None:
        score = self.evaluation.scores.get("sins")
        if score is None:
            return None
        return {"total": score.total, "category": score.category, "label": score.label,
                "components": dict(score.components)}

    def to_json(self, note: str, factors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The machine-readable result, exactly as the contract lays it out.

        `factors`: this outcome's `factor_dicts()` when the caller has them already.
        """
        return {
            "tree": {"id": self.tree.id, "version": self.tree.version,
                     "sha256": self.tree.sha256},
            "recommendation": self.recommendation,
            "provisional": self.evaluation.provisional,
            "factors": [
                {k: f[k] for k in ("id", "section", "favors", "question", "answer", "text")}
                | {"cite": f["cite"]}
                for f in (self.factor_dicts() if factors is None else factors)
            ],
            "answers": dict(self.walk.values),
            "path": list(self.walk.path),
            "sins": self.sins_dict(),
            "note": note,
        }

    def context(self) -> dict[str, Any]:
        """The template context: plain dicts and lists only, so templates stay simple.

        Each call builds fresh dicts (a caller may change them); what depends only on the
        tree is worked out once per tree (`_TreeParts`).
        """
        return self._context(shared=False)

    def note_context(self) -> dict[str, Any]:
        """`context()` for rendering a note: equal, but not for changing.

        The dicts that depend only on the tree, or on the tree and one answer (an answer's
        row, a factor's), are made once and shared by every note: the sandbox keeps
        templates from changing them, and nothing else may.
        """
        return self._context(shared=True)

    def _context(self, shared: bool) -> dict[str, Any]:
        tree = self.tree
        parts = _parts(tree)
        factors = self.factor_dicts(shared)
        by_section: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
        favoring: dict[str, list[dict[str, Any]]] = {fav: [] for fav in _COUNTED}
        provisional = []
        for f in factors:  # one pass: by section, by what it favors, provisional or not
            entry = by_section.get(f["section"])
            if entry is None:
                entry = by_section[f["section"]] = ([], [])
            entry[0].append(f)
            same = favoring.get(f["favors"])
            if same is not None:
                same.append(f)
            if f["provisional"]:
                provisional.append(f)
        answers = []
        if shared:
            rows = parts.rows
            for qid, value in self.walk.values.items():
                known = rows[qid]
                key = value if value.__class__ is str else _value_key(value)
                found = known.get(key) if key is not _UNKEYED else None
                if found is None:
                    row = _answer_dict(parts, qid, _kept(value))
                    found = (row["section"], row)
                    if key is not _UNKEYED:
                        if len(known) >= 256:
                            known.clear()
                        known[key] = found
                entry = by_section.get(found[0])
                if entry is None:
                    entry = by_section[found[0]] = ([], [])
                entry[1].append(found[1])
        else:
            questions = parts.questions
            labels = parts.labels
            for qid, value in self.walk.values.items():
                prompt, kind, section_id, section_title = questions[qid]
                label = labels.get((qid, value)) if value.__class__ in _CACHED else None
                row = {"id": qid, "prompt": prompt, "value": value,
                       "label": parts.label(qid, value) if label is None else label,
                       "section": section_id, "section_title": section_title, "kind": kind}
                entry = by_section.get(section_id)
                if entry is None:
                    entry = by_section[section_id] = ([], [])
                entry[1].append(row)
        sections = []
        for section_id, title, cite in parts.sections:
            entry = by_section.get(section_id)
            if entry is not None:
                sections.append({"id": section_id, "title": title, "cite": cite,
                                 "factors": entry[0], "answers": entry[1]})
                answers += entry[1]
        outcome = parts.outcomes.get(self.recommendation)
        if outcome is None:
            outcome = _outcome_dict(tree, tree.outcome(self.recommendation))
        advice = []
        for a in self.evaluation.advice:
            static = parts.advice.get(a.id)
            if static is not None and static[0] is a:
                advice.append(static[1] if shared else dict(static[1]))
            else:
                advice.append(_advice_dict(tree, a))
        advice_by_kind: dict[str, list[dict[str, Any]]] = {}
        for a in advice:
            same = advice_by_kind.get(a["kind"])
            if same is None:
                advice_by_kind[a["kind"]] = [a]
            else:
                same.append(a)
        stamp = _stamps(self.generated_at)
        meta = self.meta
        return {
            "tree": parts.tree_dict if shared else dict(parts.tree_dict),
            "recommendation": self.recommendation,
            "outcome": outcome if shared else dict(outcome),
            "provisional": self.evaluation.provisional,
            "factors": factors,
            "counts": {fav: len(same) for fav, same in favoring.items()},
            "sections": sections,
            "advice": advice,
            "sins": self.sins_dict(),
            "sources": list(parts.sources) if shared else
            [dict(source) for source in parts.sources],
            "case_label": clean_text(meta["case_label"]) if "case_label" in meta else "",
            "comments": clean_text(meta["comments"]) if "comments" in meta else "",
            "generated_at": stamp[0],
            "generated_iso": stamp[1],
            "disclaimer": parts.disclaimer,
            # Additions for the notes (issue 3); see templates/README.md.
            "favoring": favoring,
            "provisional_factors": provisional,
            "answers": answers,
            "answers_by_id": {a["id"]: a for a in answers},
            "advice_by_kind": advice_by_kind,
            "scores": self.score_dicts() if self.evaluation.scores else [],
            "references": list(parts.references) if shared else
            [dict(reference) for reference in parts.references],
        }

    def score_dicts(self) -> list[dict[str, Any]]:
        """Computed scores with each component's question and answer, for the note."""
        tree = self.tree
        parts = _parts(tree)
        out = []
        for score in tree.scores:
            result = self.evaluation.scores.get(score.id)
            if result is None:
                continue
            components = []
            for qid, points in result.components.items():
                question = tree.questions.get(qid)
                value = self.walk.values.get(qid, self.evaluation.values.get(qid))
                components.append({
                    "id": qid, "prompt": question.prompt if question else qid,
                    "label": parts.label(qid, value) if question else str(value),
                    "points": points,
                })
            out.append({"id": score.id, "title": score.title, "total": result.total,
                        "maximum": score.maximum, "category": result.category,
                        "label": result.label, "cite": tree.cite_text(score.cite),
                        "components": components})
        return out


# ------------------------------------------------------------------ per-tree parts
_COUNTED = ("OSS", "MISS", "nonoperative", "caution")  # the order of counts and favoring
_CACHED = (str, int)  # answer values whose labels are remembered (exactly these classes)


def _stamps(when: dt.datetime) -> tuple[str, str]:
    """The note's two timestamps (a batch shares one, or a few seconds' worth)."""
    return _stamp_texts(when, when.utcoffset())  # equal instants may differ in offset


@lru_cache(maxsize=16)
def _stamp_texts(when: dt.datetime, offset: dt.timedelta | None) -> tuple[str, str]:
    return when.strftime("%Y-%m-%d %H:%M UTC"), when.isoformat()


def _label(question: Any, value: Any) -> str:
    return clean_text(question.label_of(value))


def _factor_static(tree: Tree, rule: Any) -> tuple[Any, dict[str, Any], tuple[Any, ...],
                                                    tuple[str, ...], str | None]:
    """What a factor's dict holds whatever the answers: (rule, head, tail, scores, qid)."""
    head = {"id": rule.id, "section": rule.section, "favors": rule.favors,
            "question": rule.question}
    tail = (" ".join(rule.text.split()), rule.title or rule.id.replace("_", " "),
            tree.sections[rule.section].title, tree.cite_text(rule.cite), rule.added_rule,
            rule.provisional)
    score_ids = tuple(name.split(".", 1)[0] for name in sorted(rule.when.names())
                      if "." in name)
    qid = rule.question if rule.question in tree.questions else None
    return rule, head, tail, score_ids, qid


def _outcome_dict(tree: Tree, outcome: Any) -> dict[str, Any]:
    return {"id": outcome.id, "title": outcome.title,
            "summary": " ".join(outcome.summary.split()), "cite": tree.cite_text(outcome.cite)}


def _advice_dict(tree: Tree, a: Any) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "title": a.title, "text": " ".join(a.text.split()),
            "cite": tree.cite_text(a.cite), "skill": a.skill, "equipment": a.equipment}


def _factor_dict(head: dict[str, Any], tail: tuple[Any, ...], answer: Any,
                 label: str) -> dict[str, Any]:
    return {**head, "answer": answer, "text": tail[0], "title": tail[1],
            "answer_label": label, "section_title": tail[2], "cite": tail[3],
            "added_rule": tail[4], "provisional": tail[5]}


def _answer_dict(parts: _TreeParts, qid: str, value: Any) -> dict[str, Any]:
    prompt, kind, section_id, section_title = parts.questions[qid]
    return {"id": qid, "prompt": prompt, "value": value, "label": parts.label(qid, value),
            "section": section_id, "section_title": section_title, "kind": kind}


_UNKEYED = object()  # a value that is not remembered (neither a choice nor a list of them)


def _value_key(value: Any) -> Any:
    """An answer value as a remembered row's or factor's key, or _UNKEYED: a string or a
    whole number (exactly: never True for 1), None, or a list of strings as a tuple."""
    if value is None or value.__class__ in _CACHED:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return tuple(value)
    return _UNKEYED


def _kept(value: Any) -> Any:
    """A remembered value, safe from changes to the answers it came from."""
    return list(value) if type(value) is list else value


class _TreeParts:
    """The parts of every note's context that depend on the tree alone, made once per tree.

    `context()` copies what it hands out, so a caller that changes its context never
    changes these; `note_context()` hands them out as they are (to the sandbox, which
    cannot change them), with the rows and factors it remembers by answer (`rows`, `made`).
    """

    __slots__ = ("advice", "disclaimer", "factors", "labels", "made", "outcomes",
                 "questions", "references", "rows", "sections", "sources", "tree",
                 "tree_dict")

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        sections = tree.sections
        self.questions = {
            qid: (q.prompt, q.kind, q.section,
                  sections[q.section].title if q.section in sections else None)
            for qid, q in tree.questions.items()
        }
        self.sections = tuple((s.id, s.title, tree.cite_text(s.cite))
                              for s in sections.values())
        self.factors = {rule.id: _factor_static(tree, rule) for rule in tree.factors
                        if rule.section in sections}
        self.outcomes: dict[str, dict[str, Any]] = {}
        for o in tree.outcomes:  # the first of an id, as `tree.outcome` finds it
            self.outcomes.setdefault(o.id, _outcome_dict(tree, o))
        self.advice = {a.id: (a, _advice_dict(tree, a)) for a in tree.advice}
        self.sources = tuple(
            {"id": s.id, "short": s.short, "citation": " ".join(s.citation.split()),
             "doi": s.doi, "url": s.url}
            for s in tree.sources.values()
        )
        self.references = tuple(
            {"number": i, "id": s.id, "short": s.short,
             "citation": " ".join(s.citation.split()), "doi": s.doi or "",
             "doi_url": f"https://doi.org/{s.doi}" if s.doi else "", "url": s.url or ""}
            for i, s in enumerate(tree.sources.values(), 1)
        )
        self.disclaimer = " ".join(tree.disclaimer.split())
        self.labels: dict[tuple[str, Any], str] = {}
        self.made: dict[Any, dict[str, Any]] = {}  # shared factors, by rule and answer
        # Shared answer rows, by question id then value: (section id, row).
        self.rows: dict[str, dict[Any, tuple[str, dict[str, Any]]]] = {
            qid: {} for qid in tree.questions}
        self.tree_dict = {"id": tree.id, "title": tree.title, "version": tree.version,
                          "sha256": tree.sha256}

    def remember(self, key: Any, made: dict[str, Any]) -> None:
        if len(self.made) >= 4096:
            self.made.clear()
        self.made[key] = made

    def label(self, qid: str, value: Any) -> str:
        """`clean_text(question.label_of(value))`, remembered for choice answers."""
        if value.__class__ in _CACHED:
            key: Any = (qid, value)
        elif type(value) is list and all(type(v) is str for v in value):
            key = (qid, tuple(value))
        else:
            return _label(self.tree.questions[qid], value)
        found = self.labels.get(key)
        if found is None:
            if len(self.labels) >= 4096:
                self.labels.clear()
            found = self.labels[key] = _label(self.tree.questions[qid], value)
        return found


_parts = per_tree(_TreeParts)
