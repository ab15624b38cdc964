"""Canonical URLs and constants shared by the Questionnaire and the response."""

from __future__ import annotations

import os

from assistant.core.model import Question, Tree

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
