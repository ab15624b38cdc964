"""The result screen's content, built from the outcome's data (`Outcome.context()`).

Why not the rendered Markdown note: the screen orders things for a glance (recommendation,
what to find out, reasons), and a note parsed back from Markdown couples the screen to the
template. Every text is a `Text`, never markup (a label `[draft]` shows as written), passed
through `terminal_safe`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from assistant.core.errors import terminal_safe
from assistant.tui.widgets.side_panel import hanging

HEADLINES = {
    "MISS": "Minimally invasive spine surgery (MISS)",
    "OSS": "Open spine surgery (OSS)",
    "nonoperative": "Nonoperative care",
}
FAVORS = {"OSS": "favors open surgery (OSS)", "MISS": "favors minimally invasive surgery "
          "(MISS)", "nonoperative": "favors nonoperative care",
          "caution": "caution (does not change the outcome)"}


def plural(count: int, word: str) -> str:
    """`1 caution`, `2 cautions`, `0 factors`."""
    return f"{count} {word if count == 1 else word + 's'}"


def safe(text: Any, style: str = "") -> Text:
    """Shown literally, without control characters."""
    return Text(terminal_safe(" ".join(str(text).split())), style=style)


def banner(context: dict[str, Any]) -> Text:
    """The recommendation, then the balance in words (none for nonoperative)."""
    recommendation = context["recommendation"]
    text = Text()
    text.append("Recommendation: ", style="bold")
    text.append(HEADLINES.get(recommendation, context["outcome"]["title"]),
                style="bold reverse")
    if context["provisional"]:
        text.append("  provisional", style="bold italic")
    counts = context["counts"]
    balance = []
    if recommendation != "nonoperative":  # OSS and MISS factors do not decide that one
        balance = [f"{plural(counts['OSS'], 'factor')} for OSS",
                   f"{plural(counts['MISS'], 'factor')} for MISS"]
    if counts.get("caution"):
        balance.append(plural(counts["caution"], "caution"))
    balance.append("Decision support: the surgeon decides")
    text.append("\n" + ", ".join(balance[:-1]) + (". " if len(balance) > 1 else "") +
                balance[-1] + ".", style="dim")
    return text


def bullets(items: Iterable[Text]) -> Table:
    """A list whose wrapped lines keep their indent."""
    return hanging((Text("•", style="dim"), item) for item in items)


def heading(title: str) -> Text:
    return Text.assemble("\n", safe(title, "bold underline"))


def factor_line(factor: dict[str, Any]) -> Text:
    line = Text.assemble(safe(factor["title"], "bold"), ": ",
                         FAVORS.get(factor["favors"], f"favors {factor['favors']}"), ". ")
    if factor.get("answer_label"):
        line.append_text(Text.assemble("Answer: ", safe(factor["answer_label"], "italic"),
                                       ". "))
    line.append_text(safe(factor["text"]))
    line.append_text(Text.assemble(" ", safe(f"Source: {factor['cite']}.", "dim")))
    if factor.get("added_rule"):
        line.append(" Added rule (from outside the review's Table; see its source).",
                    style="bold")
    return line


def advice_line(advice: dict[str, Any]) -> Text:
    return Text.assemble(safe(advice["title"], "bold"), ": ", safe(advice["text"]), " ",
                         safe(f"Source: {advice['cite']}.", "dim"))


def score_table(score: dict[str, Any]) -> Table:
    table = Table(title=None, box=None, padding=(0, 1), show_edge=False, expand=False)
    table.add_column(terminal_safe(score["title"]), ratio=3)
    table.add_column("Answer", ratio=2)
    table.add_column("Points", justify="right", no_wrap=True)
    for component in score["components"]:
        table.add_row(safe(component["prompt"]), safe(component["label"]),
                      str(component["points"]))
    table.add_row(Text("Total", style="bold"), safe(score["label"], "bold"),
                  Text(str(score["total"]), style="bold"))
    return table


def outcome_renderable(context: dict[str, Any]) -> RenderableType:
    """Everything below the banner, in reading order."""
    parts: list[RenderableType] = []
    if context["provisional"]:
        parts.append(Text("PROVISIONAL: one or more answers were \"unknown\", so this "
                          "recommendation may change. Find out before relying on it:",
                          style="bold"))
        parts.append(bullets(Text.assemble(safe(f["title"], "bold"), ": ", safe(f["text"]))
                             for f in context["provisional_factors"]))
        parts.append(Text())
    outcome = context["outcome"]
    parts.append(Text.assemble(safe(outcome["title"] + ".", "bold"), " ",
                               safe(outcome["summary"]), " ",
                               safe(f"({outcome['cite']})", "dim italic")))
    if context["recommendation"] != "nonoperative":
        favoring = context["favoring"]
        parts.append(Text("\nBalance of the considerations raised (cautions inform without "
                          "changing the outcome):", style="dim"))
        parts.append(bullets(
            Text.assemble(f"{label} ({len(favoring[key])}): ",
                          safe("; ".join(f["title"] for f in favoring[key]) or "none"))
            for key, label in (("OSS", "Favor OSS"), ("MISS", "Favor MISS"),
                               ("caution", "Cautions"))))
    parts.extend(_reasons(context))
    parts.extend(_advice(context))
    parts.extend(_frameworks(context))
    if context.get("comments"):
        parts += [heading("Comments"), Text(terminal_safe(context["comments"],
                                                          keep_lines=True))]
    parts.extend(_record(context))
    return Group(*parts)


def _reasons(context: dict[str, Any]) -> list[RenderableType]:
    parts: list[RenderableType] = [heading("Why")]
    sections = [s for s in context["sections"] if s["factors"]]
    if not sections:
        parts.append(Text("No factor was raised."))
    for section in sections:
        title = Text.assemble("\n", safe(section["title"], "bold"))
        if section.get("cite"):
            title.append("  ")
            title.append_text(safe(f"(source: {section['cite']})", "dim italic"))
        parts += [title, bullets(factor_line(f) for f in section["factors"])]
    return parts


def _advice(context: dict[str, Any]) -> list[RenderableType]:
    parts: list[RenderableType] = []
    by_kind = context["advice_by_kind"]
    for kind, title in (("operative_option", "Options"), ("adjuvant", "Adjuvant plan")):
        if by_kind.get(kind):
            parts += [heading(title), bullets(advice_line(a) for a in by_kind[kind])]
    return parts


def _frameworks(context: dict[str, Any]) -> list[RenderableType]:
    frameworks = context["advice_by_kind"].get("framework", [])
    scores = context["scores"]
    answers = context["answers_by_id"]
    if not (frameworks or scores or "escc_grade" in answers):
        return []
    lines = [advice_line(a) for a in frameworks]
    if "escc_grade" in answers:
        lines.append(Text.assemble(("ESCC grade (Bilsky): ", "bold"),
                                   safe(answers["escc_grade"]["label"])))
    if "radiosensitivity" in answers:
        lines.append(Text.assemble(("Radiosensitivity (NOMS oncologic): ", "bold"),
                                   safe(answers["radiosensitivity"]["label"])))
    for score in scores:
        lines.append(Text.assemble(safe(score["title"] + ": ", "bold"),
                                   f"{score['total']} of {score['maximum']}, ",
                                   safe(score["label"]), " ",
                                   safe(f"Source: {score['cite']}.", "dim")))
    parts: list[RenderableType] = [heading("Frameworks left to the team"), bullets(lines)]
    parts += [score_table(score) for score in scores]
    return parts


def _record(context: dict[str, Any]) -> list[RenderableType]:
    tree = context["tree"]
    label = context.get("case_label") or "none given"
    lines = [
        Text.assemble(("Case: ", "bold"), safe(label)),
        Text.assemble(("Generated: ", "bold"), context["generated_at"]),
        Text.assemble(("Decision tree: ", "bold"),
                      safe(f"{tree['title']}, version {tree['version']}")),
    ]
    return [Text("\n" + "─" * 20, style="dim"), *lines,
            Text.assemble("\n", ("Decision support. ", "bold"),
                          safe(context["disclaimer"], "italic"))]
