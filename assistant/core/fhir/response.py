"""A finished consultation as a FHIR R4 QuestionnaireResponse, the note as narrative."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from assistant.core.fhir.questionnaire import XHTML, answer_value, questionnaire_url
from assistant.core.result import Outcome, clean_text

_DROP = {"script", "style", "head", "meta", "link", "base", "form", "input", "button",
         "iframe", "object", "embed", "textarea", "select", "title"}
_AS_DIV = {"main", "header", "footer", "section", "article", "nav", "aside", "figure"}
_KEEP_ATTRS = {"class", "id", "title", "lang", "dir", "style", "href", "name", "colspan",
               "rowspan", "scope", "src", "alt", "{http://www.w3.org/XML/1998/namespace}lang"}
_SCHEMES = {"href": ("http:", "https:", "mailto:", "#"), "src": ("http:", "https:", "#")}
_BLANKS = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _harmless(attribute: str, value: str) -> bool:
    """Links only to http(s), mailto (href) or a fragment; a style loads nothing. Blanks and
    controls are dropped first: browsers ignore them inside a scheme (`java\tscript:`)."""
    bare = _BLANKS.sub("", value).lower()
    if attribute == "style":
        return not any(word in bare for word in ("url(", "expression(", "javascript:", "@import"))
    return bare.startswith(_SCHEMES[attribute]) if attribute in _SCHEMES else True


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
        for attr, value in list(child.attrib.items()):
            if attr not in _KEEP_ATTRS or not _harmless(attr, value):
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
                          "answer": [answer_value(tree, question, v) for v in values]})
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
