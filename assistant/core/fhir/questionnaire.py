"""The tree as a FHIR R4 Questionnaire (one group per section); the canonical URLs it and
the response share."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Any

from assistant.core.answers import MAX_TEXT
from assistant.core.fhir.enable_when import Atom, enable_when
from assistant.core.model import Cite, Question, Tree
from assistant.core.result import clean_text

DEFAULT_BASE = "https://spine-assist.invalid/fhir"
XHTML = "http://www.w3.org/1999/xhtml"
EXT = "http://hl7.org/fhir/StructureDefinition/"
UCUM = {"years": "a", "year": "a", "months": "mo", "month": "mo", "days": "d", "weeks": "wk"}


def base_url() -> str:
    """Where canonical URLs live; a site can set SPINE_ASSIST_FHIR_BASE to its own."""
    return os.environ.get("SPINE_ASSIST_FHIR_BASE", DEFAULT_BASE).rstrip("/")


def questionnaire_url(tree: Tree) -> str:
    return f"{base_url()}/Questionnaire/{tree.id}"


# --------------------------------------------------------------------------- Questionnaire
def _coding(tree: Tree, question: Question, value: str) -> dict[str, str]:
    choice = question.choice(value)
    return {"system": f"{base_url()}/CodeSystem/{tree.id}/{question.id}", "code": value,
            "display": choice.label if choice else value}


def answer_value(tree: Tree, question: Question, value: Any) -> dict[str, Any]:
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
            value = answer_value(tree, question, atom.answer)
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
        for bound, value in (("minValue", question.minimum), ("maxValue", question.maximum)):
            if value is not None:
                extensions.append({"url": EXT + bound, "valueInteger": value})
        if question.unit:
            ucum = ({"system": "http://unitsofmeasure.org", "code": UCUM[question.unit]}
                    if question.unit in UCUM else {})
            extensions.append({"url": EXT + "questionnaire-unit",
                               "valueCoding": {**ucum, "display": question.unit}})
    if kind == "text":
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
    text = _with_source(tree, question.help, question.cite)
    if text:
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


def _with_source(tree: Tree, text: str, cite: Cite | None) -> str:
    """`text` (white space folded), then `Source: ...` when cited; empty when neither."""
    source = tree.cite_text(cite)
    return " ".join(p for p in (" ".join(text.split()), f"Source: {source}." if source else "")
                    if p)


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
        text = _with_source(tree, section.intro, section.cite)
        if text:
            items.insert(0, {"linkId": f"{section.id}.intro", "type": "display", "text": text})
        groups.append({"linkId": section.id, "type": "group", "text": section.title,
                       "item": items})
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
