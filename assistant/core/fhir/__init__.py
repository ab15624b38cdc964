"""HL7 FHIR R4: the tree as a Questionnaire, a finished consultation as a QuestionnaireResponse.

Plain dicts in, JSON out; no FHIR library at run time (the tests validate with
`fhir.resources`). Branching becomes `enableWhen`, derived from the `next` branches as a flat
list of comparisons (FHIR cannot nest them). A condition that cannot be written so gets a
display item saying in words when it is asked; `unexpressed()` lists them. So does one with
more than `MAX_TERMS` (256) alternatives once multiplied out (22 ANDed two-value conditions
would be 4 million): the derivation stays polynomial; `export-fhir` warns per question.
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
