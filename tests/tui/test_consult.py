"""Whole consultations by keys, back and edit, inputs, export, resume, crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core import session as sessions
from assistant.core.headless import run_file
from assistant.core.machine import SKIPPED
from assistant.core.model import Tree
from assistant.core.render import render
from assistant.tui.app import SpineAssistApp
from assistant.tui.launch import make_app, make_resume_app
from assistant.tui.screens.consult import ConsultScreen
from assistant.tui.screens.edit import EditAnswerScreen
from assistant.tui.screens.export import ExportScreen
from assistant.tui.screens.resume import ResumeScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.screens.whatif import WhatIfScreen
from assistant.tui.screens.why import WhyScreen
from assistant.tui.widgets.question_box import QuestionBox
from assistant.tui.widgets.transcript import Transcript
from tests.conftest import ANSWERS
from tests.tui.drive import (
    answer_all,
    fixture_values,
    from_result,
    keys_for,
    pass_label,
    region_text,
    screen_text,
    to_result,
    what_if_on,
)

FIRST = {"fit_for_surgery": "yes", "surgical_indications": ["instability"],
         "neurological_deficit": "none", "escc_grade": "0"}


@pytest.mark.parametrize("name", ["miss.yaml", "oss_several.yaml", "nonoperative.yaml",
                                  "sins_miss.json"])
async def test_whole_consultation_by_keys_matches_the_engine(tree: Tree, name: str):
    expected = run_file(tree, ANSWERS / name).outcome
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await to_result(pilot, dict(expected.walk.values))
        assert result.outcome is not None
        assert result.outcome.recommendation == expected.recommendation
        assert result.outcome.walk.values == expected.walk.values
        assert [f.id for f in result.outcome.evaluation.factors] == \
            [f.id for f in expected.evaluation.factors]
        assert result.note.strip()
    assert expected.recommendation in {"MISS", "OSS", "nonoperative"}


async def test_the_three_outcomes_are_reached(tree: Tree):
    seen = {run_file(tree, ANSWERS / n).outcome.recommendation
            for n in ("miss.yaml", "oss_several.yaml", "nonoperative.yaml")}
    assert seen == {"MISS", "OSS", "nonoperative"}


async def test_back_is_greyed_on_the_first_question_and_escape_goes_back(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ConsultScreen)
        assert screen.check_action("back", ()) is None  # shown greyed out
        await answer_all_partial(pilot, FIRST, stop_at="primary_histology")
        assert screen.check_action("back", ()) is True
        await pilot.press("escape")
        await pilot.pause()
        assert app.consultation.current.id == "escc_grade"
        # the answer taken back is preselected
        view = screen.query_one(QuestionBox)
        assert view.widget.highlighted == 0  # "0" is the first choice
        transcript = screen.query_one(Transcript)
        assert [e.qid for e in transcript.entries] == \
            ["fit_for_surgery", "sins_location", "surgical_indications", "neurological_deficit"]


async def answer_all_partial(pilot, answers: dict, stop_at: str) -> None:
    app = pilot.app
    await pass_label(pilot)
    while app.consultation.current is not None and app.consultation.current.id != stop_at:
        question = app.consultation.current
        await pilot.press(*keys_for(question, answers.get(question.id, SKIPPED)))
        await pilot.pause()


async def test_edit_an_earlier_answer_rederives_and_answers_come_back(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, FIRST, stop_at="primary_histology")
        await pilot.press("e")  # focus the last answer in the transcript
        await pilot.pause()
        assert isinstance(app.focused, Transcript)
        assert app.focused.highlighted_option.id == "escc_grade"
        await pilot.press("up", "up", "up", "up")
        assert app.focused.highlighted_option.id == "fit_for_surgery"
        await pilot.press("up")  # the intro above it is not an answer
        assert app.focused.highlighted_option.id == "fit_for_surgery"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EditAnswerScreen)
        assert app.screen.query_one(QuestionBox).widget.highlighted == 0  # "yes" given
        await pilot.press("2")  # not fit: the path ends at once
        await pilot.pause()
        assert app.consultation.walk.path == ("fit_for_surgery",)
        assert isinstance(app.screen, ReviewScreen)
        transcript = app.screen_stack[-2].query_one(Transcript)
        assert [e.qid for e in transcript.entries] == ["fit_for_surgery"]
        # change it back from the review: the later answers return
        await pilot.press("down", "enter")  # from "See the recommendation" to the answer
        await pilot.pause()
        assert isinstance(app.screen, EditAnswerScreen)
        assert app.screen.query_one(QuestionBox).widget.highlighted == 1  # "no" given
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)
        assert app.consultation.answers == FIRST
        assert app.consultation.current.id == "primary_histology"
        transcript = app.screen.query_one(Transcript)
        assert [e.qid for e in transcript.entries][-1] == "escc_grade"


async def test_multi_choice_toggles_and_exclusive_none(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        await pilot.press("1", "s")
        await pilot.pause()
        checklist = app.screen.query_one(QuestionBox)
        await pilot.press("enter")  # nothing ticked: not accepted
        await pilot.pause()
        assert app.consultation.current.id == "surgical_indications"
        assert "Tick at least one" in checklist.error
        assert "Tick at least one" in screen_text(app)
        await pilot.press("1", "2")
        assert checklist.ticked == ["cord_compression", "instability"]
        assert checklist.error == ""  # ticking clears the complaint
        await pilot.press("5")  # none clears the others
        assert checklist.ticked == ["none"]
        await pilot.press("4")  # any other clears none
        assert checklist.ticked == ["intractable_pain"]
        await pilot.press("space")  # space toggles the highlighted one (4) off
        assert checklist.ticked == []
        await pilot.press("2", "3", "enter")
        await pilot.pause()
        assert app.consultation.answers["surgical_indications"] == \
            ["instability", "pathological_fracture"]


async def test_invalid_numbers_are_refused_inline(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, values, stop_at="age_years")
        view = app.screen.query_one(QuestionBox)
        await pilot.press("1", "5", "0", "enter")
        await pilot.pause()
        assert app.consultation.current.id == "age_years"
        assert "150 is outside the range" in view.error
        assert "150 is outside the range" in screen_text(app)
        await pilot.press("ctrl+u", "enter")  # required: empty is not an answer
        await pilot.pause()
        assert app.consultation.current.id == "age_years"
        await pilot.press("a", "b")  # an integer field takes no letters
        assert view.field.value == ""
        await pilot.press("5", "8", "enter")
        await pilot.pause()
        assert app.consultation.answers["age_years"] == 58


async def test_optional_text_skips_with_empty_enter_and_checks_the_pattern(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, values, stop_at="level")
        await pilot.press("x", "9", "enter")
        await pilot.pause()
        assert app.consultation.current.id == "level"
        await pilot.press("ctrl+u", "t", "7", "enter")
        await pilot.pause()
        assert app.consultation.answers["level"] == "T7"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+u", "enter")
        await pilot.pause()
        assert app.consultation.known["level"] is SKIPPED


async def test_why_this_matters_shows_help_source_and_passage(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen)
        text = str(app.screen.query_one("#why-text").render())
        assert "AO Surgery Reference" in text
        assert "Nonoperative treatment" in text
        assert "brace" in text  # the passage
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen)


async def test_suggestion_is_preselected_with_its_reason(tree: Tree):
    answers = {**FIRST, "primary_histology": "renal_cell", "bone_quality": "osteolytic"}
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, answers, stop_at="hypervascular")
        view = app.screen.query_one(QuestionBox)
        assert view.widget.highlighted == 0  # "yes"
        assert "suggested: Renal cell" in view.suggestion
        assert "suggested: Renal cell" in screen_text(app)


async def test_side_panel_shows_on_wide_terminals_and_folds_on_narrow(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(120, 40)) as pilot:
        await answer_all_partial(pilot, {**FIRST, "neurological_deficit": "significant"},
                                 stop_at="primary_histology")
        panel = app.screen.query_one("#panel")
        assert panel.display
        text = region_text(app, panel)
        assert "Significant neurological deficit" in text
        assert "Favor open surgery" in text
    app = make_app(tree)
    async with app.run_test(size=(80, 24)):
        assert not app.screen.query("#panel")  # not even built


async def test_export_writes_the_file_and_never_overwrites_unasked(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await from_result(pilot, values, "x")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await pilot.pause()
        notes = sorted(Path(sessions.paths.notes_dir()).glob("*.md"))
        assert len(notes) == 1
        assert notes[0].read_text(encoding="utf-8") == render(result.outcome, "md")
        assert app.screen is result
        notes[0].write_text("keep me", encoding="utf-8")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")  # exists: asks
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert notes[0].read_text(encoding="utf-8") == "keep me"
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter", "y")
        await pilot.pause()
        assert notes[0].read_text(encoding="utf-8") == render(result.outcome, "md")


async def test_export_other_format(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(120, 40)) as pilot:
        await from_result(pilot, values, "x")
        screen = app.screen
        buttons = list(screen.query("RadioButton"))
        json_button = next(b for b in buttons if b.name == "json")
        json_button.value = True
        await pilot.pause()
        assert screen.query_one("#export-path").value.endswith(".json")
        await pilot.press("enter")
        await pilot.pause()
        written = next(Path(sessions.paths.notes_dir()).glob("*.json"))
        assert json.loads(written.read_text())["recommendation"] == "MISS"


async def test_what_if_previews_and_applies(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(120, 40)) as pilot:
        result = await what_if_on(pilot, values, "region")
        assert isinstance(app.screen, WhatIfScreen)
        await pilot.press("home", "down", "down")  # cervicothoracic, the third region
        await pilot.pause()
        diff = str(app.screen.query_one("#whatif-diff").render())
        assert "Thoracolumbar (T11-L1) → Cervicothoracic (C7-T2)" in diff
        assert "into Open spine surgery (OSS)" in diff
        assert "region:" not in diff and "cervicothoracic_region" not in diff  # no ids
        assert app.consultation.answers["region"] == "thoracolumbar"  # only a preview
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is result
        assert result.outcome.recommendation == "OSS"
        assert app.consultation.answers["region"] == "cervicothoracic"


async def test_every_answer_is_saved_and_a_crash_resumes_with_all_of_them(
        tree: Tree, monkeypatch: pytest.MonkeyPatch):
    values = fixture_values(tree, "oss_several.yaml")
    original = SpineAssistApp.give_answer
    calls = {"n": 0}

    def flaky(self, question_id, value):
        original(self, question_id, value)
        calls["n"] += 1
        if calls["n"] == 9:
            raise RuntimeError("boom")

    monkeypatch.setattr(SpineAssistApp, "give_answer", flaky)
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        for _ in range(8):
            question = app.consultation.current
            await pilot.press(*keys_for(question, values.get(question.id, SKIPPED)))
            await pilot.pause()
            saved = sessions.load_session(app.session.path)
            assert saved.known == app.consultation.known  # on disk after every answer
        question = app.consultation.current
        await pilot.press(*keys_for(question, values.get(question.id, SKIPPED)))
    assert app.return_code == 1
    assert "boom" in sessions.crash_log_path().read_text(encoding="utf-8")
    known_at_crash = dict(app.consultation.known)
    assert len(known_at_crash) == 9
    monkeypatch.setattr(SpineAssistApp, "give_answer", original)

    again = make_app(tree)
    assert again.offer is not None
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("r")
        await pilot.pause()
        assert again.consultation.known == known_at_crash
        assert again.session.id == app.session.id
        transcript = again.screen.query_one(Transcript)
        assert len(transcript.entries) == len(again.consultation.walk.path)
        await answer_all(pilot, values)
        await pilot.press("enter")
        await pilot.pause()
        assert again.screen.outcome.recommendation == "OSS"
    assert sessions.load_session(again.session.path).finished


async def test_start_new_keeps_the_old_session(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        await pilot.press("1", "s")
        await pilot.pause()
    again = make_app(tree)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(again.screen, ConsultScreen)
        assert again.consultation.known == {}
    assert sessions.load_session(app.session.path).known["fit_for_surgery"] == "yes"


async def test_resume_command_builds_the_app_with_the_session(tree: Tree):
    saved = sessions.new_session(tree)
    saved.known = {"fit_for_surgery": "yes", "sins_location": SKIPPED}
    sessions.save_session(saved)
    app = make_resume_app(saved.id[:12])
    async with app.run_test(size=(80, 24)):
        assert app.consultation.current.id == "surgical_indications"
        assert [e.qid for e in app.screen.query_one(Transcript).entries] == \
            ["fit_for_surgery", "sins_location"]


async def test_a_corrupt_session_is_set_aside_and_never_blocks_start(tree: Tree):
    folder = sessions.sessions_dir()
    folder.mkdir(parents=True)
    (folder / "half.json").write_text('{"format": "spine-assist-session", "vers', "utf-8")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)
        assert app.consultation.current.id == "fit_for_surgery"
        assert any("half.json" in n for n in app.notices)
    assert (folder / "half.json.corrupt").exists()
    assert not (folder / "half.json").exists()


async def test_command_palette_offers_what_applies_here(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "consult: why this matters" not in titles  # the case label is asked first
        await pass_label(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "consult: why this matters" in titles
        assert "consult: restart" in titles
        assert "consult: switch tree" in titles
        assert "consult: back one question" not in titles  # nothing to go back to
        assert "result: export the note" not in titles
        values = fixture_values(tree, "miss.yaml")
        await to_result(pilot, values)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"result: export the note", "result: what if...",
                "result: copy the note"} <= set(titles)


async def test_new_consultation_from_the_result(tree: Tree):
    values = fixture_values(tree, "nonoperative.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_result(pilot, values)
        old = app.session.id
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)
        assert app.consultation.known == {}
        assert app.session.id != old
        assert app.screen.query_one(Transcript).entries == []


# -- edit mode: Esc cancels the edit only (issue 12, item 3) -----------------------------
EDITS = {
    "a choice, after moving": ("neurological_deficit", ["down"]),
    "a checklist, after ticking": ("surgical_indications", ["3"]),
    "a number, after typing": ("age_years", ["ctrl+u", "7"]),
    "a text, after typing": ("level", ["x"]),
    "a choice, untouched": ("fit_for_surgery", []),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
async def test_esc_in_an_edit_cancels_it_and_nothing_else(tree: Tree, edit: str):
    question_id, keys = EDITS[edit]
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, values, stop_at="postoperative_rt_available")
        known = dict(app.consultation.known)
        current = app.consultation.current.id
        screen = app.screen
        transcript = screen.query_one(Transcript)
        entries = list(transcript.entries)
        screen.edit(question_id)
        await pilot.pause()
        assert isinstance(app.screen, EditAnswerScreen)
        await pilot.press(*keys, "escape")
        await pilot.pause()
        assert app.screen is screen
        assert app.consultation.known == known  # no answer taken back or changed
        assert app.consultation.current.id == current  # not one question back
        assert transcript.entries == entries
        assert sessions.load_session(app.session.path).known == known


async def test_esc_in_an_edit_from_the_review_returns_to_the_review_unchanged(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all(pilot, values)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        known = dict(app.consultation.known)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EditAnswerScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review
        assert app.consultation.known == known


# -- no surprises (issue 13) ------------------------------------------------------------
async def test_a_case_label_is_asked_first_saved_and_shown_in_the_title(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "case label" in screen_text(app).lower()
        assert "no names or record numbers" in screen_text(app)
        await pass_label(pilot, "T11 renal")
        assert app.consultation.current.id == "fit_for_surgery"
        assert app.session.meta["case_label"] == "T11 renal"
        assert "T11 renal" in screen_text(app).splitlines()[0]  # the title
        await pilot.press("1")
        await pilot.pause()
    assert sessions.load_session(app.session.path).meta["case_label"] == "T11 renal"


async def test_the_case_label_is_skipped_with_enter_and_not_asked_on_resume(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        assert "case_label" not in app.session.meta
        await pilot.press("1", "s")
        await pilot.pause()
        await pilot.press("escape", "escape")  # back to the first question: no label again
        await pilot.pause()
        assert app.consultation.current.id == "fit_for_surgery"
        assert "case label" not in screen_text(app).lower()
    saved = sessions.load_session(app.session.path)
    app = make_resume_app(saved.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "case label" not in screen_text(app).lower()


def progress(app) -> tuple[int, int]:
    text = app.screen.query_one(QuestionBox).progress.render()
    asked, total = str(text).removeprefix("question ").split(" of ~")
    return int(asked), int(total)


async def test_the_progress_count_never_repeats_or_goes_back_and_shrinks_after_an_edit(
        tree: Tree):
    values = fixture_values(tree, "oss_several.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        seen = [progress(app)[0]]
        for _ in range(8):  # SINS questions are skipped (optional): the count still moves
            question = app.consultation.current
            await pilot.press(*keys_for(question, values.get(question.id, SKIPPED)))
            await pilot.pause()
            seen.append(progress(app)[0])
        assert seen == list(range(1, 10))
        await answer_all_partial(pilot, values, stop_at="region")
        asked, total = progress(app)
        app.screen.edit("hypervascular")  # yes -> no: embolization is no longer asked
        await pilot.pause()
        await pilot.press(*keys_for(tree.questions["hypervascular"], "no"))
        await pilot.pause()
        await pilot.pause()
        assert "embolization" not in app.consultation.walk.path
        assert app.consultation.current.id == "region"
        assert progress(app) == (asked - 1, total - 1)


async def test_footer_keys_in_a_text_field_are_keys_that_work_there(tree: Tree):
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, values, stop_at="level")
        offered = [b for b in app.screen.active_bindings.values() if b.binding.show]
        keys = {key for b in offered for key in b.binding.key.split(",")}
        typed = {k for k in keys if len(k) == 1 and k.isprintable()}
        assert typed == set(), f"offered keys that a text field types: {typed}"
        footer = screen_text(app).splitlines()[-1]
        assert "Edit answer" not in footer and "F1" in footer
        await pilot.press("f1")  # offered, and it works while typing
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen)


async def test_a_toast_does_not_cover_the_hint_line(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pass_label(pilot)
        app.notify("A long notice that takes a few lines of the screen to say what it has "
                   "to say", title="Notice", timeout=30)
        await pilot.pause(0.3)
        hint = app.screen.query_one(QuestionBox).query_one("#q-foot")
        toasts = list(app.screen.query("Toast"))
        assert "A long notice" in screen_text(app)
        assert toasts
        for toast in toasts:
            assert not toast.region.overlaps(hint.region)


async def test_the_sins_total_shows_once_its_six_parts_are_answered(tree: Tree):
    sins = {"sins_location": "junctional", "sins_pain": "mechanical", "sins_lesion": "lytic",
            "sins_alignment": "normal", "sins_collapse": "none",
            "sins_posterolateral": "unilateral"}
    app = make_app(tree)
    async with app.run_test(size=(120, 40)) as pilot:
        await answer_all_partial(pilot, {"fit_for_surgery": "yes", **sins},
                                 stop_at="sins_posterolateral")
        assert "of 18" not in screen_text(app)  # a partial SINS is no SINS
        await pilot.press(*keys_for(tree.questions["sins_posterolateral"], "unilateral"))
        await pilot.pause()
        await pilot.pause()
        assert app.consultation.current.id == "surgical_indications"
        transcript = app.screen.query_one(Transcript)
        assert transcript.entries[-1].note == \
            ("Spinal Instability Neoplastic Score (SINS): 9 of 18, indeterminate, possibly "
             "impending instability (7-12)")
        assert "9 of 18, indeterminate" in region_text(app, transcript)
        assert "9 of 18, indeterminate" in region_text(app, app.screen.query_one("#panel"))


async def test_down_from_the_last_answer_returns_to_the_question(tree: Tree):
    """From the transcript, Down past the last answer goes back to the question asked now,
    and moves or changes nothing on the way."""
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all_partial(pilot, FIRST, stop_at="primary_histology")
        known = dict(app.consultation.walk.values)
        await pilot.press("e", "up")  # the last answer, then the one before it
        await pilot.pause()
        assert app.focused.highlighted_option.id != "escc_grade"
        await pilot.press("down")
        await pilot.pause()
        assert isinstance(app.focused, Transcript)  # not past the last answer yet
        assert app.focused.highlighted_option.id == "escc_grade"
        await pilot.press("down")
        await pilot.pause()
        assert not isinstance(app.focused, Transcript)
        assert app.screen.question_box in app.focused.ancestors_with_self
        assert app.consultation.current.id == "primary_histology"
        assert dict(app.consultation.walk.values) == known
