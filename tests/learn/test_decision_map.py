"""The decision map, generated from the tree, against the review's Table row by row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.core.decision_map import COLUMNS, build_map, outcome_rule, to_markdown
from assistant.core.model import Tree
from tests.conftest import ROOT

# Hui et al. 2024, Table ("Considerations in which MISS/OSS may be more feasible"), entry by
# entry as printed, with the tree sections that hold the row and the factor(s) implementing
# each entry. Row titles and entry texts are checked against the seed file when it is there.
TABLE = {
    "Tumor characteristics": {
        "sections": ["tumor_characteristics"],
        "OSS": {"Hypersclerotic": ["hypersclerotic_bone"],
                "Hypervascular": ["hypervascular_not_embolized", "embolization_failed"]},
        "MISS": {"Normal bone quality (based on CT findings)": ["normal_bone_quality"],
                 "Good hemostasis achieved through preoperative blood management (ie, "
                 "angioembolization)": ["embolization_successful"]},
    },
    "Extent of surgery": {
        "sections": ["extent_of_surgery"],
        "OSS": {"Metastectomy planned": ["metastasectomy_planned"],
                "Reconstruction procedures required": ["reconstruction_required"]},
        "MISS": {"Standard posterior instrumentation and separation surgery":
                 ["standard_instrumentation_or_separation"],
                 "No major reconstruction planned": ["standard_instrumentation_or_separation"]},
    },
    "Location of tumor": {
        "sections": ["location"],
        "OSS": {"Significant involvement of posterior column": ["posterior_column_involvement"],
                "Occipitocervical": ["occipitocervical_region"],
                "Cervicothoracic": ["cervicothoracic_region"],
                "Lumbosacral and sacral": ["lumbosacral_sacral_region"]},
        "MISS": {"Thoracolumbar": ["thoracolumbar_region"]},
    },
    "Profile of MSD patients": {
        "sections": ["previous_surgery", "patient_profile"],
        "OSS": {"Previous surgery at level of operation": ["previous_surgery_at_level"],
                "Pediatric and young patients": ["pediatric_patient", "young_patient"],
                "Short stature": ["short_stature"]},
        "MISS": {"Adult patients": ["adult_patient"],
                 "Normal body habitus": ["normal_body_habitus"]},
    },
    "Miscellaneous": {
        "sections": ["miscellaneous"],
        "OSS": {"Lack of availability of specialized equipment/team":
                ["no_specialized_equipment"],
                "Lack of postoperative RT": ["no_postoperative_rt"]},
        "MISS": {"Availability of specialized equipment and team":
                 ["specialized_equipment_available"]},
    },
}
# In the map but not in the Table: each must be an added rule or come from the review's text.
FROM_THE_TEXT = {"thoracic_or_lumbar_region"}  # "MISS is currently well developed for the
# thoracic, thoracolumbar, and lumbar spine" (Location of Tumor)
SEED = ROOT.parent / "shared" / "seeds" / "hui2024-when-miss-not-preferable.md"


def parse_summary(markdown: str) -> dict[str, dict[str, list[str]]]:
    """The summary table of the generated Markdown: section title -> column -> factor ids."""
    rows: dict[str, dict[str, list[str]]] = {}
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Section |"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    assert header[1:] == [title for _, title in COLUMNS]
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = {
            favors: re.findall(r"\(`([a-z_]+)`\)", cell)
            for (favors, _), cell in zip(COLUMNS, cells[1:], strict=True)
        }
    return rows


@pytest.fixture(scope="module")
def summary(tree: Tree) -> dict[str, dict[str, list[str]]]:
    return parse_summary(to_markdown(tree))


@pytest.mark.parametrize("row", list(TABLE))
@pytest.mark.parametrize("favors", ["OSS", "MISS"])
def test_each_table_row_is_in_the_map(row: str, favors: str, tree: Tree,
                                      summary: dict[str, dict[str, list[str]]]) -> None:
    spec = TABLE[row]
    in_map = [f for s in spec["sections"] for f in summary[tree.sections[s].title][favors]]
    for entry, factors in spec[favors].items():
        for factor in factors:
            assert factor in in_map, f"{row}: '{entry}' ({factor}) missing under {favors}"


def test_everything_else_in_the_map_is_labelled(tree: Tree,
                                                summary: dict[str, dict[str, list[str]]]) -> None:
    """An OSS or MISS entry that is not in the Table is an added rule or from the text."""
    table = {f for spec in TABLE.values() for fav in ("OSS", "MISS")
             for factors in spec[fav].values() for f in factors}
    rules = {f.id: f for f in tree.factors}
    for columns in summary.values():
        for favors in ("OSS", "MISS"):
            for factor in columns[favors]:
                if factor not in table:
                    assert rules[factor].added_rule or factor in FROM_THE_TEXT, factor
    markdown = to_markdown(tree)
    assert "[Significant neurological deficit](#significant-neurological-deficit)†" in markdown


def test_every_factor_appears_once_with_its_source(tree: Tree) -> None:
    markdown = to_markdown(tree)
    entries = [e for s in build_map(tree) for e in s.entries]
    assert sorted(e.factor for e in entries) == sorted(f.id for f in tree.factors)
    for entry in entries:
        assert markdown.count(f"(`{entry.factor}`)") == 1
        assert f"#### {entry.title}" in markdown
        assert f"- Source: {entry.cite}" in markdown
    hyper = next(e for e in entries if e.factor == "hypersclerotic_bone")
    assert hyper.when == "`bone_quality` is Hypersclerotic"
    assert "difficult to cannulate with MIS probes" in hyper.passage
    assert f"> {hyper.passage}" in markdown
    pediatric = next(e for e in entries if e.factor == "pediatric_patient")
    assert pediatric.when == "`age_years` < 18 years"


def test_outcome_rules_are_listed_in_words_first_that_holds(tree: Tree) -> None:
    """The last rule (no condition) reads "otherwise"; a rule on the factors raised reads
    "some factor favors ..."; each is listed in tree order with its source."""
    rules = [outcome_rule(tree, outcome) for outcome in tree.outcomes]
    assert rules[-1] == "otherwise"
    assert "some factor favors OSS" in rules
    assert "`fit_for_surgery` is No" in rules[0] and "factor noms_radiotherapy" in rules[0]
    markdown = to_markdown(tree)
    listed = markdown.split("## Outcome rules (first that holds)")[1]
    for outcome, rule in zip(tree.outcomes, rules, strict=True):
        assert f"1. **{outcome.id}** ({outcome.title}): {rule}. Source: " in listed


def test_the_map_follows_the_tree(tree: Tree, tmp_path: Path) -> None:
    """Change the tree, and the map changes with it (it is never written by hand)."""
    text = (ROOT / "trees" / "miss_vs_oss.yaml").read_text(encoding="utf-8")
    changed = text.replace('title: "Short stature"', 'title: "Small build"', 1)
    assert changed != text
    file = tmp_path / "changed.yaml"
    file.write_text(changed, encoding="utf-8")
    from assistant.core.loader import load_tree

    markdown = to_markdown(load_tree(file))
    assert "[Small build](#small-build) (`short_stature`)" in markdown
    assert "[Short stature]" not in markdown


def test_map_command_prints_the_generated_markdown(tree: Tree,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map"]) == 0
    assert capsys.readouterr().out == to_markdown(tree)


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside the repo")
def test_the_transcription_matches_the_seed_table() -> None:
    """The TABLE above is the seed's Table: same rows, same entries in each column."""
    text = SEED.read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and "<li>" in line:
            oss, miss = (re.findall(r"<li>•\s*(.*?)\s*</li>", p) for p in parts[1:])
            rows[parts[0].strip()] = {"OSS": oss, "MISS": miss}
    assert list(rows) == list(TABLE)
    for row, columns in rows.items():
        for favors in ("OSS", "MISS"):
            assert columns[favors] == list(TABLE[row][favors]), (row, favors)
