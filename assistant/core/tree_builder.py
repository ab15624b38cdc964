"""Schema-valid tree data to the `Tree` model, every cross-reference checked.

Each problem is a `TreeError` at the line and column of the value that causes it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from assistant.core.conditions import ConditionParser, NameInfo, pattern_problem
from assistant.core.errors import Location, TreeError, did_you_mean, one_of, unknown_name
from assistant.core.model import (
    END,
    FAVORS,
    Advice,
    Band,
    Branch,
    Choice,
    Cite,
    FactorRule,
    OutcomeRule,
    Question,
    Score,
    Section,
    Source,
    Suggestion,
    Tree,
)
from assistant.core.source import LocDict, loc_of

DEFAULT_DISCLAIMER = (
    "This is decision support drawn from the cited reviews, not a directive. "
    "The treating surgeon, with the multidisciplinary team and the patient, decides."
)


class TreeBuilder:
    """Turns schema-valid data into the model, checking every cross-reference."""

    def __init__(self, data: LocDict, name: str, digest: str) -> None:
        self.data = data
        self.name = name
        self.digest = digest

    def build(self) -> Tree:
        d = self.data
        self.sources = {
            s["id"]: Source(s["id"], s["short"], s["citation"], s.get("doi"), s.get("url"))
            for s in self._unique(d["sources"], "source")
        }
        sections = {
            s["id"]: Section(s["id"], s["title"], self._cite(s, "cite"), s.get("intro", ""))
            for s in self._unique(d["sections"], "section")
        }
        self.section_ids = tuple(sections)
        raw_questions = self._unique(d["questions"], "question")
        for q in raw_questions:
            if q["id"] == END:
                raise TreeError(f"'{END}' is reserved and cannot be a question id",
                                q.value_loc("id"))
            self._ref(q, "section", self.section_ids, "section")
        names = self._names(raw_questions, d.get("scores", []))
        parser = ConditionParser(names)
        question_ids = [q["id"] for q in raw_questions]
        self.targets = {**dict.fromkeys(question_ids), END: None}  # O(1) goto checks
        questions = {}
        for index, q in enumerate(raw_questions):
            following = question_ids[index + 1] if index + 1 < len(question_ids) else END
            questions[q["id"]] = self._question(q, parser, following)
        scores = tuple(
            self._score(s, questions) for s in self._unique(d.get("scores", []), "score")
        )
        factor_data = self._unique(d.get("factors", []), "factor")
        reported = [*questions, *(s.id for s in scores)]  # a factor reports a question or a score
        factors = tuple(self._factor(f, parser, reported) for f in factor_data)
        factor_ids = [f.id for f in factors]
        rule_parser = ConditionParser(names, factor_ids=factor_ids, favors=FAVORS,
                                      allow_factors=True)
        outcomes = self._outcomes(d["outcomes"], rule_parser)
        outcome = NameInfo(choices=tuple(o.id for o in outcomes))
        advice_parser = ConditionParser({**names, "outcome": outcome}, factor_ids=factor_ids,
                                        favors=FAVORS, allow_factors=True)
        advice = tuple(
            Advice(
                a["id"], a["kind"], a["title"], a["text"],
                advice_parser.parse(a.get("when"), a.value_loc("when")),
                self._cite(a, "cite"), a.get("skill", ""), a.get("equipment", ""),
            )
            for a in self._unique(d.get("advice", []), "advice")
        )
        start = d.get("start", question_ids[0])
        if start not in questions:
            raise unknown_name(f"start names unknown question '{start}'", start, questions,
                           d.value_loc("start"))
        return Tree(
            id=d["id"], title=d["title"], version=str(d["version"]),
            description=d.get("description", ""), sources=self.sources, sections=sections,
            questions=questions, start=start, factors=factors, scores=scores,
            outcomes=outcomes, advice=advice,
            disclaimer=d.get("disclaimer", DEFAULT_DISCLAIMER), sha256=self.digest,
            path=self.name,
        )

    # -- helpers -------------------------------------------------------------------------
    def _unique(self, items: list, what: str) -> list:
        seen: dict[str, LocDict] = {}
        for item in items:
            first = seen.setdefault(str(item["id"]), item)
            if first is not item:
                raise TreeError(f"duplicate {what} id '{item['id']}' (first at line "
                                f"{first.value_loc('id').line})", item.value_loc("id"),
                                f"each {what} id once")
        return items

    def _ref(self, item: LocDict, key: str, allowed: Collection[str], what: str) -> None:
        if item[key] not in allowed:
            raise unknown_name(f"unknown {what} '{item[key]}'", item[key], allowed,
                           item.value_loc(key))

    def _cite(self, item: LocDict, key: str) -> Cite | None:
        raw = item.get(key)
        if raw is None:
            return None
        source = raw["source"]
        if source not in self.sources:
            raise unknown_name(f"cites unknown source '{source}'", source, self.sources,
                           raw.value_loc("source"))
        return Cite(source, raw.get("section"), raw.get("passage"))

    def _names(self, questions: list, scores: list) -> dict[str, NameInfo]:
        names: dict[str, NameInfo] = {}
        for q in questions:
            kind = q["kind"]
            if kind in ("single", "multi"):
                if "choices" not in q:
                    raise TreeError(f"question '{q['id']}' ({kind} choice) has no choices",
                                    q.loc, "a list of choices with id and label")
                choices = tuple(self._choice_id(c) for c in q["choices"])
                names[q["id"]] = NameInfo(choices=choices)
            elif kind == "integer":
                names[q["id"]] = NameInfo(numeric=True)
            else:
                names[q["id"]] = NameInfo()
        for s in scores:
            names[f"{s['id']}.total"] = NameInfo(numeric=True)
            names[f"{s['id']}.category"] = NameInfo(choices=tuple(b["id"] for b in s["bands"]))
        return names

    @staticmethod
    def _choice_id(choice: LocDict) -> str:
        value = choice["id"]
        return str(value).lower() if isinstance(value, bool) else str(value)

    def _question(self, q: LocDict, parser: ConditionParser, following: str) -> Question:
        qid, kind = q["id"], q["kind"]
        choices: tuple[Choice, ...] = ()
        if kind in ("single", "multi"):
            seen: set[str] = set()
            built = []
            for i, c in enumerate(q["choices"]):
                cid = self._choice_id(c)
                if cid in seen:
                    raise TreeError(f"duplicate choice '{cid}' in question '{qid}'",
                                    loc_of(q["choices"], i), "each choice id once")
                seen.add(cid)
                built.append(Choice(cid, c["label"], c.get("explain", "")))
            choices = tuple(built)
        elif "choices" in q:
            raise TreeError(f"question '{qid}' is {kind}; choices belong to single or multi",
                            q.key_loc("choices"))
        exclusive = tuple(str(x) for x in q.get("exclusive", []))
        for i, x in enumerate(exclusive):
            if kind != "multi":
                raise TreeError("'exclusive' is for several-choice questions",
                                q.key_loc("exclusive"))
            if x not in seen:
                raise unknown_name(f"exclusive choice '{x}' is not a choice of '{qid}'", x, seen,
                               loc_of(q["exclusive"], i))
        minimum, maximum = q.get("min"), q.get("max")
        if kind != "integer" and (minimum is not None or maximum is not None):
            raise TreeError("'min' and 'max' are for whole-number questions",
                            q.key_loc("min" if minimum is not None else "max"))
        if minimum is not None and maximum is not None and minimum > maximum:
            raise TreeError(f"min {minimum} is greater than max {maximum}", q.value_loc("min"))
        pattern = q.get("pattern")
        if pattern is not None:
            if kind != "text":
                raise TreeError("'pattern' is for text questions", q.key_loc("pattern"))
            problem = pattern_problem(pattern)
            if problem:
                raise TreeError(problem[0], q.value_loc("pattern"), problem[1])
        branches = self._branches(q, parser, following)
        suggestions = []
        for s in q.get("suggest", []):
            value = s["value"]
            value = str(value).lower() if isinstance(value, bool) else value
            if isinstance(value, list) and kind == "multi":
                bad = [str(v) for v in value if str(v) not in seen]
                if bad:
                    raise TreeError(f"suggested value '{bad[0]}' is not a choice of '{qid}'",
                                    s.value_loc("value"), one_of(seen))
                value = [str(v) for v in value]
            elif choices and str(value) not in seen:
                raise unknown_name(f"suggested value '{value}' is not a choice of '{qid}'",
                               str(value), seen, s.value_loc("value"))
            suggestions.append(Suggestion(
                str(value) if choices and not isinstance(value, list) else value,
                parser.parse(s["when"], s.value_loc("when")), s.get("reason", ""),
            ))
        return Question(
            id=qid, section=q["section"], prompt=q["prompt"], kind=kind,
            help=q.get("help", ""), cite=self._cite(q, "cite"), choices=choices,
            exclusive=exclusive, minimum=minimum, maximum=maximum, pattern=pattern,
            pattern_hint=q.get("pattern_hint", ""), case=q.get("case", "as_typed"),
            optional=bool(q.get("optional", False)),
            unit=q.get("unit", ""), next=branches, suggest=tuple(suggestions),
        )

    def _branches(self, q: LocDict, parser: ConditionParser, following: str
                  ) -> tuple[Branch, ...]:
        raw = q.get("next")
        if raw is None:
            return (Branch(following),)
        if isinstance(raw, str):
            self._target(raw, q.value_loc("next"))
            return (Branch(raw),)
        branches = []
        for i, b in enumerate(raw):
            self._target(b["goto"], b.value_loc("goto"))
            branches.append(Branch(b["goto"], parser.parse(b.get("when"), b.value_loc("when"))))
            if "when" not in b and i != len(raw) - 1:
                raise TreeError("a branch without 'when' must be the last one",
                                loc_of(raw, i + 1), "put the default branch last")
        if "when" in raw[-1]:
            raise TreeError(
                f"question '{q['id']}' has no default branch: some answers lead nowhere",
                loc_of(raw, len(raw) - 1),
                "end 'next' with a branch without 'when'",
            )
        return tuple(branches)

    def _target(self, target: str, where: Location) -> None:
        if target not in self.targets:
            raise unknown_name(f"goto names unknown question '{target}'", target, self.targets,
                           where, f"a question id or '{END}'")

    def _score(self, s: LocDict, questions: dict[str, Question]) -> Score:
        terms: dict[str, dict[str, int]] = {}
        for qid, points in s["terms"].items():
            question = questions.get(qid)
            if question is None or question.kind != "single":
                raise TreeError(
                    f"score term '{qid}' is not a single-choice question"
                    f"{did_you_mean(qid, questions)}",
                    s["terms"].key_loc(qid),
                )
            for choice in points:
                if str(choice) not in question.choice_ids:
                    raise unknown_name(f"'{choice}' is not a choice of '{qid}'", str(choice),
                                   question.choice_ids, points.key_loc(choice))
            missing = [c for c in question.choice_ids if c not in map(str, points)]
            if missing:
                raise TreeError(f"score term '{qid}' gives no points for '{missing[0]}'",
                                s["terms"].value_loc(qid), "points for every choice")
            terms[qid] = {str(k): int(v) for k, v in points.items()}
        bands = tuple(Band(b["max"], b["id"], b["label"]) for b in s["bands"])
        for i in range(1, len(bands)):
            if bands[i].maximum <= bands[i - 1].maximum:
                raise TreeError("score bands must rise", loc_of(s["bands"], i))
        score = Score(s["id"], s["title"], terms, bands, self._cite(s, "cite"))
        if bands[-1].maximum < score.maximum:
            raise TreeError(
                f"the last band ends at {bands[-1].maximum} but the score reaches {score.maximum}",
                loc_of(s["bands"], len(bands) - 1),
            )
        return score

    def _factor(self, f: LocDict, parser: ConditionParser, questions: list[str]) -> FactorRule:
        self._ref(f, "section", self.section_ids, "section")
        when = parser.parse(f["when"], f.value_loc("when"))
        question = f.get("question")
        if question is not None:
            self._ref(f, "question", questions, "question or score")
        else:
            read = [n for n in _ordered_names(f["when"]) if n in questions]
            question = read[0] if read else None
        cite = self._cite(f, "cite")
        assert cite is not None
        return FactorRule(
            id=f["id"], section=f["section"], favors=f["favors"], when=when, text=f["text"],
            cite=cite, question=question, title=f.get("title", ""),
            provisional=bool(f.get("provisional", False)),
            added_rule=bool(f.get("added_rule", False)),
        )

    def _outcomes(self, items: list, parser: ConditionParser) -> tuple[OutcomeRule, ...]:
        self._unique(items, "outcome")
        out = []
        for i, o in enumerate(items):
            if "when" not in o and i != len(items) - 1:
                raise TreeError("an outcome without 'when' must be the last one",
                                loc_of(items, i + 1), "put the default outcome last")
            out.append(OutcomeRule(o["id"], o["title"], o["summary"],
                                   parser.parse(o.get("when"), o.value_loc("when")),
                                   self._cite(o, "cite")))
        if "when" in items[-1]:
            raise TreeError(
                "no default outcome: some answers would end without a recommendation",
                loc_of(items, len(items) - 1),
                "end 'outcomes' with one that has no 'when'",
            )
        return tuple(out)


def _ordered_names(data: Any) -> list[str]:
    """Names a raw condition reads, in the order written (for a factor's question)."""
    out: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("all", "any", "not"):
                out.extend(_ordered_names(value))
            else:
                out.append(str(key))
    elif isinstance(data, list):
        for item in data:
            out.extend(_ordered_names(item))
    return out
