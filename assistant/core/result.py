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
from assistant.core.model import Tree

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
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


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

    def factor_dicts(self) -> list[dict[str, Any]]:
        tree = self.tree
        out = []
        for raised in self.evaluation.factors:
            rule = raised.rule
            question = tree.questions.get(rule.question) if rule.question else None
            out.append({
                "id": rule.id,
                "section": rule.section,
                "favors": rule.favors,
                "question": rule.question,
                "answer": raised.answer,
                "text": " ".join(rule.text.split()),
                "title": rule.title or rule.id.replace("_", " "),
                "answer_label": self._score_label(rule.when.names()) or (
                    clean_text(question.label_of(raised.answer))
                    if question and raised.answer is not None else ""),
                "section_title": tree.sections[rule.section].title,
                "cite": tree.cite_text(rule.cite),
                "added_rule": rule.added_rule,
                "provisional": rule.provisional,
            })
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

    def to_json(self, note: str) -> dict[str, Any]:
        """The machine-readable result, exactly as the contract lays it out."""
        return {
            "tree": {"id": self.tree.id, "version": self.tree.version,
                     "sha256": self.tree.sha256},
            "recommendation": self.recommendation,
            "provisional": self.evaluation.provisional,
            "factors": [
                {k: f[k] for k in ("id", "section", "favors", "question", "answer", "text")}
                | {"cite": f["cite"]}
                for f in self.factor_dicts()
            ],
            "answers": dict(self.walk.values),
            "path": list(self.walk.path),
            "sins": self.sins_dict(),
            "note": note,
        }

    def context(self) -> dict[str, Any]:
        """The template context: plain dicts and lists only, so templates stay simple."""
        tree = self.tree
        factors = self.factor_dicts()
        sections = []
        for section in tree.sections.values():
            in_section = [f for f in factors if f["section"] == section.id]
            answered = [
                {
                    "id": qid,
                    "prompt": tree.questions[qid].prompt,
                    "value": value,
                    "label": clean_text(tree.questions[qid].label_of(value)),
                    "section": section.id,
                    "section_title": section.title,
                    "kind": tree.questions[qid].kind,
                }
                for qid, value in self.walk.values.items()
                if tree.questions[qid].section == section.id
            ]
            if in_section or answered:
                sections.append({
                    "id": section.id, "title": section.title,
                    "cite": tree.cite_text(section.cite),
                    "factors": in_section, "answers": answered,
                })
        outcome = tree.outcome(self.recommendation)
        advice = [
            {"id": a.id, "kind": a.kind, "title": a.title, "text": " ".join(a.text.split()),
             "cite": tree.cite_text(a.cite), "skill": a.skill, "equipment": a.equipment}
            for a in self.evaluation.advice
        ]
        return {
            "tree": {"id": tree.id, "title": tree.title, "version": tree.version,
                     "sha256": tree.sha256},
            "recommendation": self.recommendation,
            "outcome": {"id": outcome.id, "title": outcome.title,
                        "summary": " ".join(outcome.summary.split()),
                        "cite": tree.cite_text(outcome.cite)},
            "provisional": self.evaluation.provisional,
            "factors": factors,
            "counts": {fav: sum(1 for f in factors if f["favors"] == fav)
                       for fav in ("OSS", "MISS", "nonoperative", "caution")},
            "sections": sections,
            "advice": advice,
            "sins": self.sins_dict(),
            "sources": [
                {"id": s.id, "short": s.short, "citation": " ".join(s.citation.split()),
                 "doi": s.doi, "url": s.url}
                for s in tree.sources.values()
            ],
            "case_label": clean_text(self.meta.get("case_label", "")),
            "comments": clean_text(self.meta.get("comments", "")),
            "generated_at": self.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            "generated_iso": self.generated_at.isoformat(),
            "disclaimer": " ".join(tree.disclaimer.split()),
            # Additions for the notes (issue 3); see templates/README.md.
            "favoring": {fav: [f for f in factors if f["favors"] == fav]
                         for fav in ("OSS", "MISS", "nonoperative", "caution")},
            "provisional_factors": [f for f in factors if f["provisional"]],
            "answers": [a for s in sections for a in s["answers"]],
            "answers_by_id": {a["id"]: a for s in sections for a in s["answers"]},
            "advice_by_kind": {kind: [a for a in advice if a["kind"] == kind]
                               for kind in dict.fromkeys(a["kind"] for a in advice)},
            "scores": self.score_dicts(),
            "references": [
                {"number": i, "id": s.id, "short": s.short,
                 "citation": " ".join(s.citation.split()), "doi": s.doi or "",
                 "doi_url": f"https://doi.org/{s.doi}" if s.doi else "", "url": s.url or ""}
                for i, s in enumerate(tree.sources.values(), 1)
            ],
        }

    def score_dicts(self) -> list[dict[str, Any]]:
        """Computed scores with each component's question and answer, for the note."""
        tree = self.tree
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
                    "label": clean_text(question.label_of(value)) if question else str(value),
                    "points": points,
                })
            out.append({"id": score.id, "title": score.title, "total": result.total,
                        "maximum": score.maximum, "category": result.category,
                        "label": result.label, "cite": tree.cite_text(score.cite),
                        "components": components})
        return out
