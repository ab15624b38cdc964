"""The review: opens with the recommendation line and the first section in view, wrapped
lines keep their indent, the SINS total and band show, Enter on an answer changes it, Esc
goes back to the last question."""

from __future__ import annotations

from assistant.core.model import Tree
from assistant.tui.screens.result import ResultScreen
from tests.tui.complete import finished_app, open_review
from tests.tui.drive import screen_text


async def test_the_review_opens_at_the_top_on_the_recommendation_line(tree: Tree):
    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        lines = screen_text(app).splitlines()
        first_section = tree.sections[tree.questions["fit_for_surgery"].section].title
        assert any("Review the answers" in line for line in lines[:3])
        assert any("See the recommendation" in line for line in lines[:6])
        assert any(first_section in line for line in lines[:8]), lines[:8]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)


async def test_wrapped_questions_keep_their_indent(tree: Tree):
    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(50, 40)) as pilot:
        await open_review(pilot)
        lines = screen_text(app).splitlines()
        start = next(i for i, line in enumerate(lines)
                     if "Which surgical indications" in line)
        indent = len(lines[start]) - len(lines[start].lstrip())
        follow = lines[start + 1]  # the prompt's second line
        assert follow.strip() and "➜" not in follow, lines[start:start + 3]
        assert len(follow) - len(follow.lstrip()) == indent, lines[start:start + 3]
        header = next(line for line in lines if "Surgical indication" in line)
        assert len(header) - len(header.lstrip()) < indent  # answers sit under their section


async def test_the_sins_total_and_band_show_under_its_section(tree: Tree):
    app = finished_app(tree, "sins_miss.json")
    async with app.run_test(size=(120, 80)) as pilot:
        await open_review(pilot)
        text = screen_text(app)
        sins = next(s for s in tree.scores if s.id == "sins")
        assert f"{sins.title}: " in text
        line = next(line for line in text.splitlines() if f"{sins.title}: " in line)
        assert f" of {sins.maximum}, " in line


async def test_no_sins_line_when_the_sins_questions_were_skipped(tree: Tree):
    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(120, 80)) as pilot:
        await open_review(pilot)
        sins = next(s for s in tree.scores if s.id == "sins")
        assert f"{sins.title}: " not in screen_text(app)


async def test_esc_on_the_review_goes_back_to_the_last_question(tree: Tree):
    """Esc is Back: the last question asked again, its answer remembered to pick again."""
    from assistant.tui.screens.consult import ConsultScreen

    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        path = list(app.consultation.walk.path)
        last, given = path[-1], app.consultation.walk.values[path[-1]]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)
        assert app.consultation.current is not None
        assert app.consultation.current.id == last
        assert list(app.consultation.walk.path) == path[:-1]
        assert app.consultation.remembered[last] == given
