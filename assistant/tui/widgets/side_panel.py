"""Sections with their progress, and the factors raised so far grouped by what they favor.

One Static re-rendered from the consultation on each answer (an evaluation is a replay of
a few dozen conditions; cheaper than diffing widgets).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from assistant.core.machine import Consultation
from assistant.core.whatif import factor_title

FAVOR_TITLES = (("OSS", "Favor open surgery (OSS)"), ("MISS", "Favor MISS"),
                ("nonoperative", "Favor nonoperative care"), ("caution", "Cautions"))


def panel_text(consultation: Consultation) -> Text:
    tree = consultation.tree
    walk = consultation.walk
    current = consultation.current
    order = list(tree.sections)
    current_index = order.index(current.section) if current else len(order)
    reached = {tree.questions[q].section for q in walk.path}
    text = Text()
    text.append("Sections\n", style="bold")
    for index, (sid, section) in enumerate(tree.sections.items()):
        if index < current_index:
            mark, style = ("✓ ", "green") if sid in reached else ("– ", "dim")
        elif index == current_index:
            mark, style = "▸ ", "bold"
        else:
            mark, style = "· ", "dim"
        text.append(mark, style=style)
        text.append(f"{section.title}\n", style=style)
    evaluation = consultation.evaluation()
    text.append("\nFactors so far\n", style="bold")
    if not evaluation.factors:
        text.append("none yet\n", style="dim")
    for favors, title in FAVOR_TITLES:
        factors = evaluation.favoring(favors)
        if not factors:
            continue
        text.append(f"{title}\n", style="underline")
        for factor in factors:
            text.append(f" • {factor_title(factor)}\n")
    return text


class SidePanel(Static):
    """The live overview beside the conversation (folds away on narrow terminals)."""

    def refresh_from(self, consultation: Consultation) -> None:
        self.update(panel_text(consultation))
