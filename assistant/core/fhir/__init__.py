"""HL7 FHIR R4: the tree as a Questionnaire, a finished consultation as a QuestionnaireResponse.

Plain dicts in, JSON out; no FHIR library at run time (the tests validate the output with
`fhir.resources`). Branching becomes `enableWhen`: the condition under which the tree reaches a
question is worked out from its `next` branches and written as a flat list of comparisons
(FHIR cannot nest them). Where a condition cannot be written that way, the item carries no
`enableWhen` and a display item says in words when it is asked; `unexpressed()` lists them.
So does a condition with more than `MAX_TERMS` (256) alternatives once multiplied out (22
ANDed two-value conditions would be 4 million): the derivation stays polynomial, and
`export-fhir` warns in one line per such question.
"""

from assistant.core.fhir.enable_when import enable_when, unexpressed
from assistant.core.fhir.questionnaire import questionnaire, questionnaire_json, questionnaire_url
from assistant.core.fhir.response import (
    narrative_div,
    questionnaire_response,
    questionnaire_response_json,
)

__all__ = [
    "enable_when", "narrative_div", "questionnaire", "questionnaire_json",
    "questionnaire_response", "questionnaire_response_json", "questionnaire_url", "unexpressed",
]
