"""The shipped vignette file: sound against the tree, covering what the issue asks, and a
broken file is refused with one located line (exit 2 from `spine-assist check`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.core.errors import InputError
from assistant.core.model import Tree
from assistant.core.vignettes import Vignette, derive, load_vignettes, vignettes_file

# Every OSS entry of the review's Table, as the tree implements it, plus the AO deficit rule.
TABLE_OSS_FACTORS = [
    "hypersclerotic_bone", "hypervascular_not_embolized", "embolization_failed",
    "metastasectomy_planned", "reconstruction_required", "posterior_column_involvement",
    "occipitocervical_region", "cervicothoracic_region", "lumbosacral_sacral_region",
    "previous_surgery_at_level", "pediatric_patient", "short_stature",
    "no_specialized_equipment", "no_postoperative_rt", "significant_neurological_deficit",
]


def test_at_least_twenty_vignettes_with_unique_ids(vignettes: list[Vignette]) -> None:
    assert len(vignettes) >= 20
    assert len({v.id for v in vignettes}) == len(vignettes)


def test_every_vignette_derives_what_it_expects(tree: Tree, vignettes: list[Vignette]) -> None:
    for v in vignettes:
        walk, evaluation = derive(tree, v.answers)
        assert walk.complete, v.id
        assert evaluation.recommendation == v.recommendation, v.id
        assert evaluation.provisional == v.provisional, v.id
        assert tuple(f.id for f in evaluation.factors) == v.factors, v.id
        assert set(v.why) == set(v.answers) and all(v.why.values()), v.id


@pytest.mark.parametrize("factor", TABLE_OSS_FACTORS)
def test_each_oss_factor_is_taught_alone(factor: str, tree: Tree,
                                         vignettes: list[Vignette]) -> None:
    """Some vignette has this factor as its only OSS factor, so the trainee meets it alone."""
    alone = [v for v in vignettes
             if [f for f in v.factors if _favors(tree, f) == "OSS"] == [factor]]
    assert alone, f"no vignette teaches {factor} on its own"


def test_outcomes_unknowns_sins_and_several_factors_are_covered(
    tree: Tree, vignettes: list[Vignette],
) -> None:
    by_outcome = {o: [v for v in vignettes if v.recommendation == o] for o in tree.outcome_ids}
    assert len(by_outcome["MISS"]) >= 3
    nonop = {f for v in by_outcome["nonoperative"] for f in v.factors}
    assert {"not_fit_for_surgery", "no_surgical_indication"} <= nonop
    assert sum(v.provisional for v in vignettes) >= 2
    assert any(v.provisional and v.recommendation == "OSS" for v in vignettes)
    sins = [v for v in vignettes if "sins_location" in v.answers]
    assert len(sins) >= 2
    several = [v for v in vignettes
               if sum(_favors(tree, f) == "OSS" for f in v.factors) >= 3]
    assert len(several) >= 2


def _favors(tree: Tree, factor_id: str) -> str:
    return next(f.favors for f in tree.factors if f.id == factor_id)


def test_check_reports_the_vignettes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"ok: .*miss_vs_oss\.vignettes\.yaml: \d+ vignettes", out)


def test_a_tree_without_vignettes_is_still_fine(tmp_path: Path, tree_copy: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    vignettes_file(tree_copy).unlink()
    assert main(["check", str(tree_copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and ".vignettes.yaml" not in out


# (what is broken, text to replace, replacement, expected message fragment, and the line
# the error must point to: the line holding `anchor` in the broken file)
BROKEN = [
    ("value not allowed",
     'bone_quality: {value: hypersclerotic, why: "CT shows dense',
     'bone_quality: {value: sclerotic, why: "CT shows dense',
     "'sclerotic' is not a value of 'bone_quality'; did you mean 'hypersclerotic'?",
     "value: sclerotic"),
    ("unknown question",
     'short_stature: {value: "no", why: "Average build."}',
     'stature: {value: "no", why: "Average build."}',
     "unknown question id 'stature'", "stature: {value"),
    ("recommendation not derived",
     "recommendation: OSS\n      provisional: false\n      factors: [hypersclerotic_bone,",
     "recommendation: MISS\n      provisional: false\n      factors: [hypersclerotic_bone,",
     "expects MISS but the tree derives OSS (factors favoring OSS: hypersclerotic_bone)",
     "recommendation: MISS"),
    ("factor not raised",
     "factors: [not_fit_for_surgery]",
     "factors: [not_fit_for_surgery, short_stature]",
     "expected but not raised: short_stature", "factors: [not_fit_for_surgery, short"),
    ("factor missing",
     "factors: [no_surgical_indication]", "factors: []",
     "raised but not expected: no_surgical_indication", "factors: []"),
    ("provisional wrong",
     "recommendation: MISS\n      provisional: true",
     "recommendation: MISS\n      provisional: false",
     "expects provisional: false but the tree derives true", "provisional: false"),
    ("no why",
     'age_years: {value: 71, why: "71 years old."}', "age_years: {value: 71}",
     "'age_years' of vignette 'prostate_hypersclerotic' has no 'why'", "age_years: {value: 71}"),
    ("off the path",
     'fit_for_surgery: {value: "no", why: "Comorbidities',
     'region: {value: thoracic, why: "x"}\n'
     '      fit_for_surgery: {value: "no", why: "Comorbidities',
     "'region' is not on the path these answers take", "region: {value: thoracic, why: \"x\"}"),
    ("required answer missing",
     '      age_years: {value: 71, why: "71 years old."}\n', "",
     "vignette 'prostate_hypersclerotic': no answer for 'age_years'", None),
    ("duplicate id",
     "id: renal_not_embolized", "id: prostate_hypersclerotic",
     "duplicate vignette id 'prostate_hypersclerotic'", None),
]


@pytest.mark.parametrize(("case", "old", "new", "message", "anchor"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_a_broken_vignette_file_is_one_located_error(
    case: str, old: str, new: str, message: str, anchor: str | None, tree: Tree,
    tree_copy: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    file = vignettes_file(tree_copy)
    text = file.read_text(encoding="utf-8")
    assert old in text, case
    broken = text.replace(old, new, 1)
    file.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_vignettes(tree, file)
    assert message in str(info.value)
    location = info.value.location
    assert location is not None and location.file == str(file) and location.line
    if anchor is not None:
        line = broken.splitlines()[location.line - 1]
        assert anchor in line, (case, line)

    assert main(["check", str(tree_copy)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert re.match(rf"spine-assist: error: {re.escape(str(file))}:\d+:\d+: ", err[0])
    assert message in err[0]


def test_a_vignette_file_for_another_tree_is_refused(tree: Tree, tree_copy: Path) -> None:
    file = vignettes_file(tree_copy)
    file.write_text(file.read_text(encoding="utf-8").replace("tree: miss-vs-oss", "tree: other"),
                    encoding="utf-8")
    with pytest.raises(InputError, match="for tree 'other', not 'miss-vs-oss'"):
        load_vignettes(tree, file)
