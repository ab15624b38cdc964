"""Every row of Hui et al. 2024's Table, every rule from outside it and every consistency
caution of contract 1.1, as the engine sees them and as a script sees them (the JSON).

Each case starts from a clean MISS case and changes only what the row names, so a test
fails if a row stops raising its factor or stops deciding the outcome.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.core.headless import run_file, run_mapping
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
    ("Added: subaxial cervical", {"region": "subaxial_cervical"}, "subaxial_cervical_region",
     "location"),
    ("Profile: young patient (judged)", {"young_patient": "yes"}, "young_patient",
     "patient_profile"),
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
        {"hypervascular": "yes", "embolization": "planned"},
    ],
)
def test_unknown_is_a_provisional_caution_counting_for_neither(tree: Tree, change: dict) -> None:
    result = outcome(tree, **change)
    assert result.evaluation.provisional is True
    assert result.recommendation == "MISS"
    qid = list(change)[-1]
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


# ------------------------------------------------------------------ contract 1.1
SINS_STABLE = {"sins_location": "semirigid", "sins_pain": "occasional", "sins_lesion": "lytic",
               "sins_alignment": "normal", "sins_collapse": "none", "sins_posterolateral": "none"}
NOMS = {**SINS_STABLE, "escc_grade": "1b"}  # SINS 4, stable


def factor_json(tree: Tree, factor: str, **changes: Any) -> dict[str, Any]:
    """The factor as a script sees it in `run --format json`."""
    found = [f for f in outcome(tree, **changes).to_json("")["factors"] if f["id"] == factor]
    assert len(found) == 1, factor
    return found[0]


def test_noms_low_grade_escc_in_a_stable_spine_is_nonoperative(tree: Tree) -> None:
    result = outcome(tree, **NOMS)
    assert result.recommendation == "nonoperative"
    rule = next(f.rule for f in result.evaluation.factors if f.id == "noms_radiotherapy")
    assert (rule.favors, rule.section, rule.added_rule) == ("nonoperative", "indication", True)
    assert rule.cite.source == "laufer2013"
    data = factor_json(tree, "noms_radiotherapy", **NOMS)
    assert (data["favors"], data["question"], data["answer"]) == ("nonoperative", "sins", 4)
    assert "surgery" not in " ".join(f.rule.favors for f in result.evaluation.factors)


@pytest.mark.parametrize(("sensitivity", "advice"), [
    ({"radiosensitivity": "sensitive"}, "noms_conventional_rt"),
    ({"radiosensitivity": "resistant"}, "noms_sbrt"),
    ({}, "noms_sbrt"),
])
def test_noms_radiotherapy_follows_radiosensitivity(tree: Tree, sensitivity: dict,
                                                    advice: str) -> None:
    result = outcome(tree, **NOMS, **sensitivity)
    ids = [a.id for a in result.evaluation.advice]
    assert advice in ids and "nonoperative_treatment" not in ids
    assert not {"noms_conventional_rt", "noms_sbrt"} - {advice} & set(ids)


@pytest.mark.parametrize("change", [
    {"neurological_deficit": "significant"}, {"escc_grade": "2"},
    {"sins_alignment": "subluxation"},  # SINS 8: indeterminate
])
def test_noms_rule_needs_all_three(tree: Tree, change: dict) -> None:
    assert outcome(tree, **{**NOMS, **change}).recommendation != "nonoperative"


def test_noms_rule_needs_all_six_sins_components(tree: Tree) -> None:
    partial = dict(NOMS)
    partial.pop("sins_pain")
    result = run_mapping(tree, {**BASE_MISS, **partial}).outcome  # five of six: no SINS
    assert "sins" not in result.evaluation.scores
    assert result.recommendation == "MISS"


def test_escc_grade_is_offered_to_every_surgical_candidate(tree: Tree) -> None:
    result = outcome(tree, surgical_indications=["intractable_pain"])
    assert "escc_grade" in tree.questions and tree.questions["escc_grade"].optional
    assert result.walk.path.index("escc_grade") == result.walk.path.index(
        "neurological_deficit") + 1


# (id, changes, question, answer) as a script sees them
CONSISTENCY = [
    ("cord_compression_low_escc", {"surgical_indications": ["cord_compression"],
                                   "escc_grade": "1a"}, "escc_grade", "1a"),
    ("separation_low_escc", {"surgical_goal": "separation_surgery", "escc_grade": "0"},
     "escc_grade", "0"),
    ("separation_without_rt", {"surgical_goal": "separation_surgery",
                               "postoperative_rt_available": "no"},
     "postoperative_rt_available", "no"),
    ("instability_stable_sins", SINS_STABLE, "sins", 4),
    ("posterolateral_bilateral_posterior_column_no",
     {**SINS_STABLE, "sins_posterolateral": "bilateral"}, "posterior_column_involvement", "no"),
    ("enbloc_criteria_not_met", {"surgical_goal": "metastasectomy", "oligometastatic": "no"},
     "surgical_goal", "metastasectomy"),
    ("enbloc_criteria_not_met", {"surgical_goal": "metastasectomy", "oligometastatic": "yes",
                                 "expected_survival_months": 12},
     "surgical_goal", "metastasectomy"),
    ("enbloc_criteria_not_met", {"surgical_goal": "metastasectomy", "oligometastatic": "yes",
                                 "expected_survival_months": 36, "functional_status": "poor"},
     "surgical_goal", "metastasectomy"),
    ("level_outside_region", {"region": "thoracic", "level": "C5"}, "level", "C5"),
    ("level_outside_region", {"region": "thoracolumbar", "level": "L3"}, "level", "L3"),
    ("unknown_primary", {"primary_histology": "unknown"}, "primary_histology", "unknown"),
    ("radiosensitive_high_grade_stable", {**SINS_STABLE, "escc_grade": "3",
                                          "radiosensitivity": "sensitive"},
     "radiosensitivity", "sensitive"),
    ("sins_unstable_not_indicated",
     {"sins_location": "junctional", "sins_pain": "mechanical", "sins_lesion": "lytic",
      "sins_alignment": "subluxation", "sins_collapse": "over_50", "sins_posterolateral": "none",
      "surgical_indications": ["intractable_pain"]}, "sins", 15),
    ("embolization_planned", {"hypervascular": "yes", "embolization": "planned"},
     "embolization", "planned"),
]


@pytest.mark.parametrize(("factor", "change", "question", "answer"), CONSISTENCY,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CONSISTENCY)])
def test_each_consistency_caution_by_id_and_json(tree: Tree, factor: str, change: dict,
                                                 question: str, answer: Any) -> None:
    data = factor_json(tree, factor, **change)
    assert (data["favors"], data["question"], data["answer"]) == ("caution", question, answer)
    assert data["text"].count(". ") == 0 and data["text"].endswith(".")  # one sentence
    assert outcome(tree, **change).recommendation in ("MISS", "OSS")


@pytest.mark.parametrize(("region", "level"), [
    ("occipitocervical", "C2"), ("subaxial_cervical", "C3-C6"), ("cervicothoracic", "C7-T1"),
    ("thoracic", "T3"), ("thoracic", "T10"), ("thoracolumbar", "T11-L1"), ("lumbar", "L4"),
    ("lumbosacral_sacral", "L5-S1"), ("thoracic", "T9-T11"),
])
def test_a_level_inside_its_region_raises_no_caution(tree: Tree, region: str, level: str) -> None:
    ids = {f.id for f in outcome(tree, region=region, level=level).evaluation.factors}
    assert "level_outside_region" not in ids


def test_region_wording_gives_the_boundaries(tree: Tree) -> None:
    labels = {c.id: c.label for c in tree.questions["region"].choices}
    assert "C3-C6" in labels["subaxial_cervical"] and "C7-T2" in labels["cervicothoracic"]
    assert "T3-T10" in labels["thoracic"] and "L5-S5" in labels["lumbosacral_sacral"]
    assert "C7" in tree.questions["region"].help


def test_embolization_planned_is_provisional_with_no_vascular_oss_factor(tree: Tree) -> None:
    result = outcome(tree, hypervascular="yes", embolization="planned")
    assert result.recommendation == "MISS" and result.evaluation.provisional
    assert not result.evaluation.favoring("OSS")


def test_young_patient_replaces_adult_patient(tree: Tree) -> None:
    young = {f.id for f in outcome(tree, age_years=22, young_patient="yes").evaluation.factors}
    assert "young_patient" in young and "adult_patient" not in young
    assert "adult_patient" in {f.id for f in outcome(tree, young_patient="no")
                               .evaluation.factors}


def test_posterior_mis_is_offered_only_where_miss_is_developed(tree: Tree) -> None:
    rule = next(a for a in tree.advice if a.id == "posterior_mis")
    assert {"region", "outcome"} <= rule.when.names()
    assert "posterior_mis" in {a.id for a in outcome(tree).evaluation.advice}
    assert "posterior_mis" not in {a.id for a in outcome(tree, region="subaxial_cervical")
                                   .evaluation.advice}


def test_every_rule_from_outside_the_table_is_labelled(tree: Tree) -> None:
    outside = {"significant_neurological_deficit", "pediatric_patient", "subaxial_cervical_region",
               "noms_radiotherapy", "high_grade_escc", "upper_thoracic_level",
               "radiosensitive_tumor", "unknown_primary"}
    labelled = {rule.id for rule in tree.factors if rule.added_rule}
    assert outside <= labelled
    assert not {r.id for r in tree.factors if r.cite.source != "hui2024"
                and r.favors != "caution" and not r.added_rule} - {"not_fit_for_surgery"}


# ------------------------------------------------------------------ contract 1.0 answer files
CONTRACT10 = Path(__file__).resolve().parents[1] / "fixtures" / "contract10"
RECORDED = json.loads((CONTRACT10 / "recorded.json").read_text())  # tree 1.0.0's results
CHANGED_BY_11 = {  # what contract 1.1 changes, and to what
    "c16_radiosensitive_low_escc.yaml": {"recommendation": "nonoperative", "provisional": False},
    "c20_subaxial_cervical.yaml": {"recommendation": "OSS", "provisional": False},
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_contract_10_answer_files_keep_their_results(tree: Tree, name: str) -> None:
    run = run_file(tree, CONTRACT10 / name)
    result = run.outcome
    got = {"recommendation": result.recommendation, "provisional": result.evaluation.provisional}
    assert got == CHANGED_BY_11.get(name, RECORDED[name])
    assert not run.warnings
