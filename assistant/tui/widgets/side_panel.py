"""Sections and their progress, scores and factors so far, grouped by what they favor.

One Static re-rendered on each answer (an evaluation replays a few dozen conditions;
cheaper than diffing widgets).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from assistant.core.errors import terminal_safe
from assistant.core.machine import Consultation
from assistant.core.whatif import factor_title
from assistant.tui.widgets.scores import score_lines

FAVOR_TITLES = (("OSS", "Favor open surgery (OSS)"), ("MISS", "Favor MISS"),
                ("nonoperative", "Favor nonoperative care"), ("caution", "Cautions"))


def hanging(rows: Iterable[tuple[Text, Text]]) -> Table:
    """The text wraps under itself, not under the mark; shared by every list with marks."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for mark, text in rows:
        grid.add_row(mark, text)
    return grid


def _marked(mark: str, text: str, style: str = "") -> tuple[Text, Text]:
    return Text(mark, style=style), Text(terminal_safe(text), style=style)


def panel_renderable(consultation: Consultation) -> RenderableType:
    tree = consultation.tree
    current = consultation.current
    order = list(tree.sections)
    current_index = order.index(current.section) if current else len(order)
    reached = {tree.questions[q].section for q in consultation.walk.path}
    sections = []
    for index, (sid, section) in enumerate(tree.sections.items()):
        if index < current_index:
            mark, style = ("✓", "green") if sid in reached else ("–", "dim")
        elif index == current_index:
            mark, style = "▸", "bold"
        else:
            mark, style = "·", "dim"
        sections.append(_marked(mark, section.title, style))
    parts: list[RenderableType] = [Text("Sections", style="bold"), hanging(sections)]
    scores = list(score_lines(consultation).values())
    if scores:
        parts += [Text("\nScores", style="bold"), hanging(_marked("•", s) for s in scores)]
    evaluation = consultation.evaluation()
    parts.append(Text("\nFactors so far", style="bold"))
    if not evaluation.factors:
        parts.append(Text("none yet", style="dim"))
    for favors, title in FAVOR_TITLES:
        factors = evaluation.favoring(favors)
        if factors:
            parts.append(Text(title, style="underline"))
            parts.append(hanging(_marked("•", factor_title(f)) for f in factors))
    return Group(*parts)


class SidePanel(Static):
    """The live overview beside the conversation (folds away on narrow terminals)."""

    def refresh_from(self, consultation: Consultation) -> None:
        self.update(panel_renderable(consultation))
