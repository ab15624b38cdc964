"""HL7 FHIR R4: the tree as a Questionnaire, a finished consultation as a QuestionnaireResponse.

Plain dicts in, JSON out; no FHIR library at run time (the tests validate the output with
`fhir.resources`). Branching becomes `enableWhen`: the condition under which the tree reaches a
question is worked out from its `next` branches and written as a flat list of comparisons
(FHIR cannot nest them). Where a condition cannot be written that way, the item carries no
`enableWhen` and a display item says in words when it is asked; `unexpressed()` lists them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.core.conditions import All, Always, AnyOf, Compare, Condition, Not
from assistant.core.model import END, Question, Tree
from assistant.core.result import Outcome, clean_text

FHIR_VERSION = "4.0.1"
DEFAULT_BASE = "https://spine-assist.invalid/fhir"
XHTML = "http://www.w3.org/1999/xhtml"
EXT = "http://hl7.org/fhir/StructureDefinition/"
UCUM = {"years": "a", "year": "a", "months": "mo", "month": "mo", "days": "d", "weeks": "wk"}


def base_url() -> str:
    """Where canonical URLs live; a site can set SPINE_ASSIST_FHIR_BASE to its own."""
    return os.environ.get("SPINE_ASSIST_FHIR_BASE", DEFAULT_BASE).rstrip("/")


def questionnaire_url(tree: Tree) -> str:
    return f"{base_url()}/Questionnaire/{tree.id}"


def code_system(tree: Tree, question: Question) -> str:
    return f"{base_url()}/CodeSystem/{tree.id}/{question.id}"


# --------------------------------------------------------------------------- conditions
@dataclass(frozen=True, slots=True, order=True)
class Atom:
    """One FHIR enableWhen comparison: question, operator, answer (None for `exists`)."""

    question: str
    operator: str  # exists, =, !=, >, <, >=, <=
    answer: Any  # bool for exists, a choice id, an int, or a string


Term = frozenset[Atom]  # all of these
Dnf = frozenset[Term] | None  # any of the terms; None: not expressible

TRUE: frozenset[Term] = frozenset({frozenset()})
FALSE: frozenset[Term] = frozenset()
_NEGATE = {"=": "!=", "!=": "=", ">": "<=", "<": ">=", ">=": "<", "<=": ">"}
_OPS = {"eq": "=", "ne": "!=", "gt": ">", "lt": "<", "ge": ">=", "le": "<="}


def _or(*parts: Dnf) -> Dnf:
    if any(p is None for p in parts):
        return None
    return frozenset().union(*parts)  # type: ignore[arg-type]


def _and(*parts: Dnf) -> Dnf:
    out: Dnf = TRUE
    for part in parts:
        if part is None or out is None:
            return None
        out = frozenset(a | b for a in out for b in part)
    return out


class _Translator:
    """Our conditions to disjunctions of FHIR comparisons, where they map one to one."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree

    def dnf(self, cond: Condition, negated: bool = False) -> Dnf:
        if isinstance(cond, Always):
            return FALSE if negated else TRUE
        if isinstance(cond, Not):
            return self.dnf(cond.item, not negated)
        if isinstance(cond, All | AnyOf):
            parts = [self.dnf(item, negated) for item in cond.items]
            conjunctive = isinstance(cond, All) != negated
            return _and(*parts) if conjunctive else _or(*parts)
        if isinstance(cond, Compare):
            return self._compare(cond, negated)
        return None

    def _compare(self, cond: Compare, negated: bool) -> Dnf:
        question = self.tree.questions.get(cond.name)
        if question is None:  # a derived value (a score), not an item of the form
            return None
        q, op, operand = question.id, cond.op, cond.operand
        if op == "answered":
            return frozenset({frozenset({Atom(q, "exists", bool(operand) != negated)})})
        if op == "matches":
            return None
        if negated:  # not (present and P) = absent, or present and not P
            absent = frozenset({frozenset({Atom(q, "exists", False)})})
            flipped = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in",
                       "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}[op]
            return _or(absent, self._positive(question, flipped, operand))
        return self._positive(question, op, operand)

    def _positive(self, question: Question, op: str, operand: Any) -> Dnf:
        q = question.id
        if op == "in":
            return frozenset(frozenset({Atom(q, "=", v)}) for v in operand)
        if op == "eq":
            return frozenset({frozenset({Atom(q, "=", operand)})})
        if op in ("ne", "not_in"):
            values = list(operand) if op == "not_in" else [operand]
            if question.kind == "multi" and not set(values) <= set(question.exclusive):
                # FHIR's != holds when any answer differs; ours when none is equal. They agree
                # only for exclusive choices (chosen alone).
                return None
            if question.kind == "single":
                rest = [c for c in question.choice_ids if c not in values]
                if len(rest) <= len(values):  # "one of the rest" says it positively
                    return frozenset(frozenset({Atom(q, "=", v)}) for v in rest)
            return frozenset({frozenset(Atom(q, "!=", v) for v in values)})
        return frozenset({frozenset({Atom(q, _OPS[op], operand)})})


class _Reach:
    """When the tree reaches each question, as a DNF over enableWhen comparisons."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.translate = _Translator(tree)
        self.preds: dict[str, list[str]] = {q: [] for q in tree.questions}
        for q in tree.questions.values():
            for target in dict.fromkeys(b.goto for b in q.next):
                if target != END:
                    self.preds[target].append(q.id)
        self.dominators = self._dominators()
        self.cache: dict[str, Dnf] = {}

    def _dominators(self) -> dict[str, set[str]]:
        order = self._topological()
        dom: dict[str, set[str]] = {}
        for node in order:
            preds = self.preds[node]
            common = set.intersection(*(dom[p] for p in preds)) if preds else set()
            dom[node] = common | {node}
        return dom

    def _topological(self) -> list[str]:
        from assistant.core.lint import postorder

        return postorder(self.tree)[::-1]

    def idom(self, node: str) -> str | None:
        strict = self.dominators[node] - {node}
        # the immediate dominator is the strict dominator dominated by all the others
        return next((d for d in strict if strict <= self.dominators[d]), None)

    def always_reaches(self, source: str, target: str) -> bool:
        """Every path from `source` passes `target` before the end."""
        stack, seen = [source], {source}
        while stack:
            node = stack.pop()
            for branch in self.tree.questions[node].next:
                if branch.goto == END:
                    return False
                if branch.goto != target and branch.goto not in seen:
                    seen.add(branch.goto)
                    stack.append(branch.goto)
        return True

    def answered(self, node: str) -> Dnf:
        """Past `node`: answered (required) or reached (optional, may be skipped)."""
        if self.tree.questions[node].optional:
            return self.reach(node)
        return frozenset({frozenset({Atom(node, "exists", True)})})

    def reach(self, node: str) -> Dnf:
        if node in self.cache:
            return self.cache[node]
        if node == self.tree.start:
            result: Dnf = TRUE
        else:
            dominator = self.idom(node)
            if dominator is not None and self.always_reaches(dominator, node):
                result = self.answered(dominator)
            else:
                result = _or(*(self._edge(p, node) for p in self.preds[node]))
        result = self.simplify(result)
        self.cache[node] = result
        return result

    def _edge(self, pred: str, node: str) -> Dnf:
        branches = self.tree.questions[pred].next
        taken: Dnf = FALSE
        earlier: list[Condition] = []
        for branch in branches:
            if branch.goto == node:
                guard = _and(self.translate.dnf(branch.when),
                             *(self.translate.dnf(c, negated=True) for c in earlier))
                taken = _or(taken, guard)
            earlier.append(branch.when)
        return _and(self.answered(pred), taken)

    def simplify(self, dnf: Dnf) -> Dnf:
        if dnf is None:
            return None
        terms = {t for t in (self._clean_term(term) for term in dnf) if t is not None}
        # absorption: a term that contains another adds nothing
        return frozenset(t for t in terms if not any(o < t for o in terms))

    def _implied(self, atoms: Iterable[Atom]) -> set[str]:
        """Questions surely answered when these comparisons hold: the ones compared (an
        answer means the item was enabled) and the required questions dominating them."""
        out: set[str] = set()
        for atom in atoms:
            if atom.operator == "exists" and atom.answer is False:
                continue
            out.add(atom.question)
            out |= {d for d in self.dominators.get(atom.question, ())
                    if not self.tree.questions[d].optional}
        return out

    def _clean_term(self, term: Term) -> Term | None:
        atoms = set(term)
        for atom in sorted(term):
            if atom.operator != "exists" or atom not in atoms:
                continue
            if atom.question in self._implied(atoms - {atom}):
                if atom.answer is False:
                    return None  # contradiction: unanswered, yet surely answered
                atoms.discard(atom)  # redundant
        # an answer implies its question was reached: drop what that reach already says
        for atom in sorted(atoms):
            if atom not in atoms or (atom.operator == "exists" and atom.answer is False):
                continue
            reach = self.cache.get(atom.question)
            if reach is not None and len(reach) == 1:
                (implied,) = reach
                atoms -= {a for a in implied if a.question != atom.question}
        return frozenset(atoms)


@dataclass(frozen=True, slots=True)
class Unexpressed:
    question: str
    condition: str


def _branch_description(tree: Tree, node: str) -> str:
    parts = []
    for pred in tree.questions:
        for branch in tree.questions[pred].next:
            if branch.goto == node:
                parts.append(f"after '{pred}'" + ("" if isinstance(branch.when, Always)
                                                 else f" when {branch.when.describe()}"))
    return "; or ".join(parts)


def enable_when(tree: Tree) -> tuple[dict[str, tuple[list[Atom], str]], list[Unexpressed]]:
    """Per question: (comparisons, 'all'|'any'); and the questions that could not be written."""
    reach = _Reach(tree)
    out: dict[str, tuple[list[Atom], str]] = {}
    missing: list[Unexpressed] = []
    for qid in reach._topological():
        dnf = reach.reach(qid)
        if dnf == TRUE:
            continue
        if dnf is not None and len(dnf) == 1:
            (term,) = dnf
            out[qid] = (sorted(term), "all")
        elif dnf is not None and dnf and all(len(t) == 1 for t in dnf):
            out[qid] = (sorted(next(iter(t)) for t in dnf), "any")
        else:
            missing.append(Unexpressed(qid, _branch_description(tree, qid)))
    return out, missing


def unexpressed(tree: Tree) -> list[Unexpressed]:
    return enable_when(tree)[1]


# --------------------------------------------------------------------------- Questionnaire
def _coding(tree: Tree, question: Question, value: str) -> dict[str, str]:
    choice = question.choice(value)
    return {"system": code_system(tree, question), "code": value,
            "display": choice.label if choice else value}


def _answer_value(tree: Tree, question: Question, value: Any) -> dict[str, Any]:
    if question.kind in ("single", "multi"):
        return {"valueCoding": _coding(tree, question, str(value))}
    if question.kind == "integer":
        return {"valueInteger": int(value)}
    return {"valueString": clean_text(str(value))}


def _enable_when_json(tree: Tree, atoms: Iterable[Atom]) -> list[dict[str, Any]]:
    out = []
    for atom in atoms:
        item: dict[str, Any] = {"question": atom.question, "operator": atom.operator}
        if atom.operator == "exists":
            item["answerBoolean"] = bool(atom.answer)
        else:
            question = tree.questions[atom.question]
            value = _answer_value(tree, question, atom.answer)
            item.update({"answer" + k[len("value"):]: v for k, v in value.items()})
        out.append(item)
    return out


def _question_item(tree: Tree, question: Question,
                   rule: tuple[list[Atom], str] | None, note: str | None) -> dict[str, Any]:
    kind = question.kind
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": " ".join(question.prompt.split()),
        "type": {"single": "choice", "multi": "choice", "integer": "integer"}.get(kind, "string"),
        "required": not question.optional,
    }
    extensions: list[dict[str, Any]] = []
    if kind == "multi":
        item["repeats"] = True
    if kind == "integer":
        if question.minimum is not None:
            extensions.append({"url": EXT + "minValue", "valueInteger": question.minimum})
        if question.maximum is not None:
            extensions.append({"url": EXT + "maxValue", "valueInteger": question.maximum})
        if question.unit:
            unit = {"display": question.unit}
            if question.unit in UCUM:
                unit = {"system": "http://unitsofmeasure.org", "code": UCUM[question.unit],
                        "display": question.unit}
            extensions.append({"url": EXT + "questionnaire-unit", "valueCoding": unit})
    if kind == "text":
        from assistant.core.answers import MAX_TEXT

        item["maxLength"] = MAX_TEXT
        if question.pattern:
            extensions.append({"url": EXT + "regex", "valueString": f"^(?:{question.pattern})$"})
        if question.pattern_hint:
            extensions.append({"url": EXT + "entryFormat", "valueString": question.pattern_hint})
    if extensions:
        item["extension"] = extensions
    if rule is not None:
        atoms, behavior = rule
        item["enableWhen"] = _enable_when_json(tree, atoms)
        if len(atoms) > 1:
            item["enableBehavior"] = behavior
    if question.choices:
        options = []
        for choice in question.choices:
            option: dict[str, Any] = {"valueCoding": _coding(tree, question, choice.id)}
            if choice.id in question.exclusive:
                option["extension"] = [{"url": EXT + "questionnaire-optionExclusive",
                                        "valueBoolean": True}]
            options.append(option)
        item["answerOption"] = options
    children = []
    help_text = " ".join(question.help.split())
    cite = tree.cite_text(question.cite)
    if help_text or cite:
        text = " ".join(p for p in (help_text, f"Source: {cite}." if cite else "") if p)
        children.append({
            "linkId": f"{question.id}.help", "type": "display", "text": text,
            "extension": [{"url": EXT + "questionnaire-itemControl", "valueCodeableConcept": {
                "coding": [{"system": "http://hl7.org/fhir/questionnaire-item-control",
                            "code": "help", "display": "Help-Button"}]}}],
        })
    if note:
        children.append({"linkId": f"{question.id}.when", "type": "display",
                         "text": f"Asked {note}."})
    if children:
        item["item"] = children
    return item


def _name(tree_id: str) -> str:
    """A computable name: `miss-vs-oss` -> `MissVsOss`."""
    words = re.split(r"[^A-Za-z0-9]+", tree_id)
    name = "".join(w[:1].upper() + w[1:] for w in words if w)
    return name if name[:1].isalpha() else f"Tree{name}"


def questionnaire(tree: Tree) -> dict[str, Any]:
    """The tree as an R4 Questionnaire: one group per section, items in the order asked."""
    rules, missing = enable_when(tree)
    notes = {m.question: m.condition for m in missing}
    groups = []
    for section in tree.sections.values():
        items = [_question_item(tree, q, rules.get(q.id), notes.get(q.id))
                 for q in tree.questions.values() if q.section == section.id]
        if not items:
            continue
        group: dict[str, Any] = {"linkId": section.id, "type": "group", "text": section.title}
        intro = " ".join(section.intro.split())
        cite = tree.cite_text(section.cite)
        if intro or cite:
            text = " ".join(p for p in (intro, f"Source: {cite}." if cite else "") if p)
            items.insert(0, {"linkId": f"{section.id}.intro", "type": "display", "text": text})
        group["item"] = items
        groups.append(group)
    return {
        "resourceType": "Questionnaire",
        "id": tree.id,
        "url": questionnaire_url(tree),
        "identifier": [{"system": f"{base_url()}/tree-sha256", "value": tree.sha256}],
        "version": tree.version,
        "name": _name(tree.id),
        "title": tree.title,
        "status": "active",
        "experimental": False,
        "subjectType": ["Patient"],
        "publisher": "spine-assist",
        "description": " ".join(tree.description.split()) or tree.title,
        "purpose": " ".join(tree.disclaimer.split()),
        "item": groups,
    }


def questionnaire_json(tree: Tree) -> str:
    return json.dumps(questionnaire(tree), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- response
_DROP = {"script", "style", "head", "meta", "link", "base", "form", "input", "button",
         "iframe", "object", "embed", "textarea", "select", "title"}
_AS_DIV = {"main", "header", "footer", "section", "article", "nav", "aside", "figure"}
_KEEP_ATTRS = {"class", "id", "title", "lang", "dir", "style", "href", "name", "colspan",
               "rowspan", "scope", "src", "alt", "{http://www.w3.org/XML/1998/namespace}lang"}


def narrative_div(html: str, fallback_text: str) -> str:
    """The HTML note's body as FHIR narrative XHTML (a `div` in the XHTML namespace).

    Only HTML 4 elements and plain attributes survive (FHIR's narrative rules); a site
    template that is not well-formed XHTML falls back to the plain-text note in a `pre`.
    """
    import xml.etree.ElementTree as ET

    ET.register_namespace("", XHTML)
    try:
        root = ET.fromstring(re.sub(r"^\s*<!DOCTYPE[^>]*>", "", html, flags=re.IGNORECASE))
    except ET.ParseError:
        div = ET.Element(f"{{{XHTML}}}div")
        pre = ET.SubElement(div, f"{{{XHTML}}}pre")
        pre.text = clean_text(fallback_text)
        return ET.tostring(div, encoding="unicode")
    body = next((e for e in root.iter() if _local(e.tag) == "body"), root)
    div = ET.Element(f"{{{XHTML}}}div")
    div.text = body.text
    for child in list(body):
        div.append(child)
    _sanitize(div)
    return ET.tostring(div, encoding="unicode")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sanitize(element: Any) -> None:
    for child in list(element):
        name = _local(child.tag)
        if not isinstance(child.tag, str) or name in _DROP:
            tail = child.tail
            element.remove(child)
            if tail:
                element.text = (element.text or "") + tail
            continue
        if name in _AS_DIV:
            child.tag = f"{{{XHTML}}}div"
        elif not child.tag.startswith("{"):
            child.tag = f"{{{XHTML}}}{name}"
        for attr in list(child.attrib):
            if attr not in _KEEP_ATTRS:
                del child.attrib[attr]
        _sanitize(child)


def questionnaire_response(outcome: Outcome, templates: str | None = None) -> dict[str, Any]:
    """The answers on the path as an R4 QuestionnaireResponse, the HTML note as its text."""
    from assistant.core.render import render

    tree = outcome.tree
    groups = []
    for section in tree.sections.values():
        items = []
        for qid, value in outcome.walk.values.items():
            question = tree.questions[qid]
            if question.section != section.id:
                continue
            values = value if isinstance(value, (list, tuple)) else [value]
            items.append({"linkId": qid, "text": " ".join(question.prompt.split()),
                          "answer": [_answer_value(tree, question, v) for v in values]})
        if items:
            groups.append({"linkId": section.id, "text": section.title, "item": items})
    html = render(outcome, "html", templates)
    div = narrative_div(html, render(outcome, "txt", templates))
    digest = hashlib.sha256(json.dumps(
        [tree.sha256, outcome.walk.values, outcome.meta], sort_keys=True, default=str,
    ).encode()).hexdigest()[:32]
    return {
        "resourceType": "QuestionnaireResponse",
        "id": digest,
        "text": {"status": "generated", "div": div},
        "questionnaire": f"{questionnaire_url(tree)}|{tree.version}",
        "status": "completed",
        "authored": outcome.generated_at.isoformat(),
        "item": groups,
    }


def questionnaire_response_json(outcome: Outcome, templates: str | None = None) -> str:
    """`run --format fhir`: the QuestionnaireResponse as pretty JSON."""
    resource = questionnaire_response(outcome, templates)
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
