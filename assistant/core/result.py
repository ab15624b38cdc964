"""A finished consultation as plain data: the JSON contract and the template context."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from assistant.core.clock import now_utc
from assistant.core.machine import Evaluation, Walk, evaluate
from assistant.core.model import Cite, Tree
from assistant.core.records import Record

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Free text without control characters (no terminal escapes, valid in XML/XHTML)."""
    return _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


class Outcome(Record):
    """Everything a note or the JSON result needs, computed once."""

    tree: Tree
    walk: Walk
    evaluation: Evaluation
    meta: dict[str, str]
    generated_at: dt.datetime

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

    def factor_dicts(self) -> list[dict[str, Any]]:
        """A factor reporting a score (`question: sins`) answers with the score's total."""
        tree = self.tree
        scores = self.evaluation.scores
        out = []
        for raised in self.evaluation.factors:
            rule = raised.rule
            answer, label = raised.answer, ""
            score = scores.get(rule.question or "")
            if score is not None:
                answer, label = score.total, f"{score.title}: {score.total}, {score.label}"
            elif rule.question in tree.questions and answer is not None:
                label = _label(tree.questions[rule.question], answer)
            out.append({
                "id": rule.id, "section": rule.section, "favors": rule.favors,
                "question": rule.question, "answer": answer, "text": " ".join(rule.text.split()),
                "title": rule.title or rule.id.replace("_", " "), "answer_label": label,
                "section_title": tree.sections[rule.section].title,
                "cite": tree.cite_text(rule.cite), "added_rule": rule.added_rule,
                "provisional": rule.provisional,
            })
        return out

    def sins_dict(self) -> dict[str, Any] | None:
        score = self.evaluation.scores.get("sins")
        if score is None:
            return None
        return {"total": score.total, "category": score.category, "label": score.label,
                "components": dict(score.components)}

    def to_json(self, note: str, factors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Exactly as the contract lays it out (`factors`: `factor_dicts()` if already made)."""
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
        """Fresh plain dicts and lists, so templates stay simple and a caller may change what
        it gets. See templates/README.md."""
        tree = self.tree
        factors = self.factor_dicts()
        favoring: dict[str, list[dict[str, Any]]] = {fav: [] for fav in _COUNTED}
        for f in factors:
            favoring.setdefault(f["favors"], []).append(f)
        answers = [_answer_dict(tree, qid, value) for qid, value in self.walk.values.items()]
        sections: list[dict[str, Any]] = []
        for section in tree.sections.values():
            here = [f for f in factors if f["section"] == section.id]
            given = [a for a in answers if a["section"] == section.id]
            if here or given:
                sections.append({"id": section.id, "title": section.title,
                                 "cite": tree.cite_text(section.cite), "factors": here,
                                 "answers": given})
        answers = [a for s in sections for a in s["answers"]]  # in section order
        advice = [_advice_dict(tree, a) for a in self.evaluation.advice]
        advice_by_kind: dict[str, list[dict[str, Any]]] = {}
        for a in advice:
            advice_by_kind.setdefault(a["kind"], []).append(a)
        outcome = tree.outcome(self.recommendation)
        answers_by_id = {a["id"]: a for a in answers}
        cites: list[Cite | None] = [f.rule.cite for f in self.evaluation.factors]
        cites += [a.cite for a in self.evaluation.advice] + [outcome.cite]
        cites += [s.cite for s in tree.scores if s.id in self.evaluation.scores]
        cited = {cite.source for cite in cites if cite is not None}
        said = " ".join([f["text"] for f in factors] + [a["text"] for a in advice])
        cited |= {s.id for s in tree.sources.values() if s.short.split(" 20")[0] in said}
        references = _references(tree, cited | {next(iter(tree.sources), "")})
        return {
            "tree": {"id": tree.id, "title": tree.title, "version": tree.version,
                     "sha256": tree.sha256},
            "recommendation": self.recommendation,
            "outcome": {"id": outcome.id, "title": outcome.title,
                        "summary": " ".join(outcome.summary.split()),
                        "cite": tree.cite_text(outcome.cite)},
            "subject": _subject(answers_by_id),
            "provisional": self.evaluation.provisional,
            "provisional_factors": [f for f in factors if f["provisional"]],
            "can_change": self.evaluation.provisional and self.recommendation == "MISS",
            "factors": factors,
            "deciding": favoring.get(self.recommendation, []),
            "checks": [f for f in favoring["caution"]  # a banner lists the provisional ones
                       if not (f["provisional"] and self.evaluation.provisional)],
            "added_rules": [f for f in factors if f["added_rule"]],
            "counts": {fav: len(same) for fav, same in favoring.items()},
            "favoring": favoring,
            "sections": sections,
            "answers": answers,
            "answers_by_id": answers_by_id,
            "advice": advice,
            "advice_by_kind": advice_by_kind,
            "sins": self.sins_dict(),
            "scores": self.score_dicts(),
            "references": references,
            "sources": [{k: r[k] for k in ("id", "short", "citation", "doi", "url")}
                        for r in _references(tree, set(tree.sources))],
            "case_label": clean_text(self.meta.get("case_label", "")),
            "comments": clean_text(self.meta.get("comments", "")),
            "generated_at": self.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            "generated_iso": self.generated_at.isoformat(),
            "disclaimer": " ".join(tree.disclaimer.split()),
        }

    def score_dicts(self) -> list[dict[str, Any]]:
        """Computed scores with each component's question and answer, for the note."""
        tree = self.tree
        out = []
        for score in tree.scores:
            result = self.evaluation.scores.get(score.id)
            if result is None:
                continue
            components = [{"id": qid, "prompt": tree.questions[qid].prompt,  # answered questions
                           "label": _label(tree.questions[qid], self.walk.values[qid]),
                           "points": points} for qid, points in result.components.items()]
            out.append({"id": score.id, "title": score.title, "total": result.total,
                        "maximum": score.maximum, "category": result.category,
                        "label": result.label, "cite": tree.cite_text(score.cite),
                        "components": components})
        return out


_COUNTED = ("OSS", "MISS", "nonoperative", "caution")  # the order of counts and favoring


def _label(question: Any, value: Any) -> str:
    return clean_text(question.label_of(value))


def _answer_dict(tree: Tree, qid: str, value: Any) -> dict[str, Any]:
    question = tree.questions[qid]
    return {"id": qid, "prompt": question.prompt, "value": value,
            "label": _label(question, value), "section": question.section,
            "section_title": tree.sections[question.section].title, "kind": question.kind}


def _advice_dict(tree: Tree, a: Any) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "title": a.title, "text": " ".join(a.text.split()),
            "cite": tree.cite_text(a.cite), "skill": a.skill, "equipment": a.equipment}


def _references(tree: Tree, cited: set[str]) -> list[dict[str, Any]]:
    """The sources this note cites (and the tree's first, its backbone), numbered."""
    used = [s for s in tree.sources.values() if s.id in cited]
    return [{"number": i, "id": s.id, "short": s.short,
             "citation": " ".join(s.citation.split()), "doi": s.doi or "",
             "doi_url": f"https://doi.org/{s.doi}" if s.doi else "", "url": s.url or ""}
            for i, s in enumerate(used, 1)]


_PRIMARY_WORDS = {"other": "", "unknown": "unknown-primary"}  # else the label, lower case


def _subject(answers: Mapping[str, dict[str, Any]]) -> str:
    """The note's subject ("T11 renal cell metastasis"); empty without level and primary."""
    level = answers.get("level")
    primary = answers.get("primary_histology")
    if level is None and primary is None:
        return ""
    words = [clean_text(str(level["value"]))] if level is not None else []
    if primary is not None:
        words.append(_PRIMARY_WORDS.get(primary["value"], primary["label"].lower()))
    subject = " ".join([*filter(None, words), "metastasis"])
    return subject[:1].upper() + subject[1:]  # a heading: "Lung metastasis", "T11 renal ..."
