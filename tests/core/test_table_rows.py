"""Every row of Hui et al. 2024's Table (and the two AO/pediatric rules) as the engine sees it.

Each case starts from a clean MISS case and changes only what the row names, so a test
fails if a row stops raising its factor or stops deciding the outcome.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.core.headless import run_mapping
from assistant.core.model import Tree

BASE_MISS: dict[str, Any] = {
    "fit_for_surgery": "yes",
    "surgical_indications": ["instability"],
    "neurological_deficit": "none",
    "primary_histology": "lung",
    "bone_quality": "normal",
    "hypervascular": "no",
    "surgical_goal": "stabilization",
    "previous_surgery_at_level": "no",
    "region": "thoracolumbar",
    "posterior_column_involvement": "no",
    "age_years": 60,
    "short_stature": "no",
    "specialized_equipment_and_team": "yes",
    "postoperative_rt_available": "yes",
}


def outcome(tree: Tree, **changes: Any):
    return run_mapping(tree, {**BASE_MISS, **changes}).outcome


def test_base_case_is_miss_with_no_oss_factor(tree: Tree) -> None:
    result = outcome(tree)
    assert result.recommendation == "MISS"
    assert not result.evaluation.favoring("OSS")
    assert result.evaluation.provisional is False


# (Table section, change, factor id, section id)
OSS_ROWS = [
    ("Tumor: hypersclerotic", {"bone_quality": "hypersclerotic"}, "hypersclerotic_bone",
     "tumor_characteristics"),
    ("Tumor: hypervascular, no embolization",
     {"hypervascular": "yes", "embolization": "not_performed"},
     "hypervascular_not_embolized", "tumor_characteristics"),
    ("Tumor: hypervascular, embolization failed",
     {"hypervascular": "yes", "embolization": "failed"}, "embolization_failed",
     "tumor_characteristics"),
    ("Extent: metastectomy planned", {"surgical_goal": "metastasectomy"},
     "metastasectomy_planned", "extent_of_surgery"),
    ("Extent: reconstruction required", {"surgical_goal": "reconstruction"},
     "reconstruction_required", "extent_of_surgery"),
    ("Location: posterior column", {"posterior_column_involvement": "yes"},
     "posterior_column_involvement", "location"),
    ("Location: occipitocervical", {"region": "occipitocervical"}, "occipitocervical_region",
     "location"),
    ("Location: cervicothoracic", {"region": "cervicothoracic"}, "cervicothoracic_region",
     "location"),
    ("Location: lumbosacral and sacral", {"region": "lumbosacral_sacral"},
     "lumbosacral_sacral_region", "location"),
    ("Profile: previous surgery at level", {"previous_surgery_at_level": "yes"},
     "previous_surgery_at_level", "previous_surgery"),
    ("Profile: pediatric", {"age_years": 12}, "pediatric_patient", "patient_profile"),
    ("Profile: short stature", {"short_stature": "yes"}, "short_stature", "patient_profile"),
    ("Misc: no equipment/team", {"specialized_equipment_and_team": "no"},
     "no_specialized_equipment", "miscellaneous"),
    ("Misc: no postoperative RT", {"postoperative_rt_available": "no"}, "no_postoperative_rt",
     "miscellaneous"),
    ("AO: significant deficit", {"neurological_deficit": "significant"},
     "significant_neurological_deficit", "indication"),
]


@pytest.mark.parametrize(("row", "change", "factor", "section"), OSS_ROWS,
                         ids=[r[0] for r in OSS_ROWS])
def test_each_oss_row_turns_the_case_to_oss(tree: Tree, row: str, change: dict, factor: str,
                                             section: str) -> None:
    result = outcome(tree, **change)
    assert result.recommendation == "OSS", row
    oss = {f.rule.id: f for f in result.evaluation.favoring("OSS")}
    assert set(oss) == {factor}
    assert oss[factor].rule.section == section
    assert oss[factor].rule.cite.source in tree.sources


MISS_ROWS = [
    ("normal bone quality", {}, "normal_bone_quality"),
    ("good hemostasis after embolization",
     {"hypervascular": "yes", "embolization": "successful"}, "embolization_successful"),
    ("standard instrumentation", {}, "standard_instrumentation_or_separation"),
    ("separation surgery", {"surgical_goal": "separation_surgery"},
     "standard_instrumentation_or_separation"),
    ("thoracolumbar", {}, "thoracolumbar_region"),
    ("adult", {}, "adult_patient"),
    ("normal body habitus", {}, "normal_body_habitus"),
    ("equipment and team", {}, "specialized_equipment_available"),
]


@pytest.mark.parametrize(("row", "change", "factor"), MISS_ROWS, ids=[r[0] for r in MISS_ROWS])
def test_each_miss_row_is_a_miss_factor(tree: Tree, row: str, change: dict, factor: str) -> None:
    result = outcome(tree, **change)
    assert result.recommendation == "MISS"
    assert factor in {f.rule.id for f in result.evaluation.favoring("MISS")}


@pytest.mark.parametrize(
    ("change", "caution"),
    [
        ({"bone_quality": "osteolytic"}, "osteolytic_bone"),
        ({"region": "subaxial_cervical"}, "subaxial_cervical_region"),
    ],
)
def test_caution_factors_do_not_change_the_outcome(tree: Tree, change: dict, caution: str) -> None:
    result = outcome(tree, **change)
    assert result.recommendation == "MISS"
    assert caution in {f.rule.id for f in result.evaluation.favoring("caution")}
    assert result.evaluation.provisional is False


@pytest.mark.parametrize(
    "change",
    [
        {"hypervascular": "unknown"},
        {"posterior_column_involvement": "unknown"},
        {"specialized_equipment_and_team": "unknown"},
        {"postoperative_rt_available": "unknown"},
    ],
)
def test_unknown_is_a_provisional_caution_counting_for_neither(tree: Tree, change: dict) -> None:
    result = outcome(tree, **change)
    assert result.evaluation.provisional is True
    assert result.recommendation == "MISS"
    (qid,) = change
    cautions = [f for f in result.evaluation.favoring("caution") if f.rule.question == qid]
    assert len(cautions) == 1 and cautions[0].rule.provisional


def test_not_fit_is_nonoperative_and_asks_nothing_more(tree: Tree) -> None:
    result = run_mapping(tree, {"fit_for_surgery": "no"}).outcome
    assert result.recommendation == "nonoperative"
    assert list(result.walk.path) == ["fit_for_surgery"]


def test_no_indication_is_nonoperative(tree: Tree) -> None:
    result = run_mapping(tree, {"fit_for_surgery": "yes", "surgical_indications": ["none"]})
    assert result.outcome.recommendation == "nonoperative"
    assert [f.id for f in result.outcome.evaluation.factors] == ["no_surgical_indication"]


def test_age_boundary_is_18(tree: Tree) -> None:
    assert outcome(tree, age_years=17).recommendation == "OSS"
    assert outcome(tree, age_years=18).recommendation == "MISS"


def test_several_oss_factors_are_all_listed_in_tree_order(tree: Tree) -> None:
    result = outcome(tree, bone_quality="hypersclerotic", region="cervicothoracic",
                     short_stature="yes")
    assert [f.id for f in result.evaluation.favoring("OSS")] == [
        "hypersclerotic_bone", "cervicothoracic_region", "short_stature"]


def test_en_bloc_is_raised_only_when_all_criteria_hold(tree: Tree) -> None:
    criteria = {"oligometastatic": "yes", "expected_survival_months": 30,
                "functional_status": "acceptable"}
    assert "en_bloc_worth_discussing" in {f.id for f in outcome(tree, **criteria)
                                          .evaluation.factors}
    short = {**criteria, "expected_survival_months": 24}
    short.pop("functional_status")
    assert "en_bloc_worth_discussing" not in {f.id for f in outcome(tree, **short)
                                              .evaluation.factors}


def test_sins_is_computed_and_banded(tree: Tree) -> None:
    sins = {"sins_location": "junctional", "sins_pain": "mechanical", "sins_lesion": "lytic",
            "sins_alignment": "subluxation", "sins_collapse": "over_50",
            "sins_posterolateral": "bilateral"}
    result = outcome(tree, **sins)
    score = result.evaluation.scores["sins"]
    assert (score.total, score.category) == (18, "unstable")
    assert result.to_json("")["sins"]["total"] == 18
    stable = {**sins, "sins_location": "rigid", "sins_pain": "pain_free", "sins_lesion": "blastic",
              "sins_alignment": "normal", "sins_collapse": "none", "sins_posterolateral": "none"}
    assert outcome(tree, **stable).evaluation.scores["sins"].category == "stable"
