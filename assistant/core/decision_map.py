"""The decision map: the review's Table rebuilt from the tree itself.

For each section, which answers favor OSS, which favor MISS, which lead to nonoperative care
and which only call for caution, each with the factor's citation and source passage. It is
generated from the factor rules, so it cannot drift from the logic the engine applies.
"""

from __future__ import annotations

from assistant.core.conditions import NUMERIC, SYMBOLS, All, AnyOf, Compare, Condition, Not
from assistant.core.model import FactorRule, OutcomeRule, Tree
from assistant.core.records import Record

COLUMNS = (
    ("OSS", "OSS more feasible"),
    ("MISS", "MISS more feasible"),
    ("nonoperative", "Nonoperative"),
    ("caution", "Caution (counts for neither)"),
)
ADDED_MARK = "†"


class MapEntry(Record):
    """One factor rule, as the map shows it."""

    factor: str
    title: str
    favors: str
    when: str  # the answers that raise it, in words
    text: str
    cite: str
    passage: str
    added_rule: bool
    provisional: bool
    anchor: str


class MapSection(Record):
    id: str
    title: str
    cite: str
    entries: tuple[MapEntry, ...]

    def column(self, favors: str) -> list[MapEntry]:
        return [e for e in self.entries if e.favors == favors]


def _slug(text: str, used: dict[str, int]) -> str:
    """A GitHub-style heading anchor (the same Textual's Markdown widget resolves)."""
    base = "".join(c for c in text.lower().strip() if c.isalnum() or c in " -_").replace(" ", "-")
    count = used.get(base, 0)
    used[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def describe_condition(tree: Tree, condition: Condition) -> str:
    """Answers in words: `bone_quality` is Hypersclerotic; `age_years` < 18."""
    if isinstance(condition, All):
        return " and ".join(describe_condition(tree, c) for c in condition.items)
    if isinstance(condition, AnyOf):
        return "either " + " or ".join(describe_condition(tree, c) for c in condition.items)
    if isinstance(condition, Not):
        return f"not ({describe_condition(tree, condition.item)})"
    if isinstance(condition, Compare):
        question = tree.questions.get(condition.name)
        name = f"`{condition.name}`"
        op, operand = condition.op, condition.operand
        if op == "answered":
            return f"{name} {'answered' if operand else 'not answered'}"
        if op == "matches":
            return f"{name} matches `{operand}`"
        if op in NUMERIC:
            unit = f" {question.unit}" if question and question.unit else ""
            return f"{name} {SYMBOLS[op]} {operand}{unit}"
        values = operand if isinstance(operand, tuple) else (operand,)
        labels = " or ".join(question.label_of(v) if question else str(v) for v in values)
        verb = {"eq": "is", "ne": "is not", "in": "is", "not_in": "is not"}[op]
        return f"{name} {verb} {labels}"
    return condition.describe()


def outcome_rule(tree: Tree, outcome: OutcomeRule) -> str:
    """When an outcome rule holds, in words: "otherwise" for a rule that always does."""
    rule = describe_condition(tree, outcome.when)
    return "otherwise" if rule == "always" else rule.replace("a factor favors",
                                                             "some factor favors")


def factor_source(tree: Tree, rule: FactorRule) -> tuple[str, str]:
    """(citation, passage) for a factor: its own passage, else the cited passage of the
    first question it reads that cites the same source and section (a factor that cites the
    Table row itself gets no borrowed passage)."""
    same = (rule.cite.source, rule.cite.section)
    borrowed = (q.cite.passage for q in map(tree.questions.get, rule.reads)
                if q and q.cite and q.cite.passage and (q.cite.source, q.cite.section) == same)
    passage = rule.cite.passage or next(borrowed, "")
    return tree.cite_text(rule.cite), " ".join(passage.split())


def build_map(tree: Tree) -> list[MapSection]:
    """Sections in tree order, each with its factor rules in tree order."""
    entries: dict[str, list[MapEntry]] = {s: [] for s in tree.sections}
    used: dict[str, int] = {}
    for rule in tree.factors:
        cite, passage = factor_source(tree, rule)
        title = rule.title or rule.id.replace("_", " ")
        entries[rule.section].append(MapEntry(
            rule.id, title, rule.favors, describe_condition(tree, rule.when),
            " ".join(rule.text.split()), cite, passage, rule.added_rule, rule.provisional,
            _slug(title, used),
        ))
    return [MapSection(s.id, s.title, tree.cite_text(s.cite), tuple(entries[s.id]))
            for s in tree.sections.values() if entries[s.id]]


def _cell(entries: list[MapEntry]) -> str:
    links = (f"[{e.title}](#{e.anchor}){ADDED_MARK if e.added_rule else ''} (`{e.factor}`)"
             for e in entries)
    return "<br>".join(links) or "-"


def to_markdown(tree: Tree) -> str:
    """The whole decision logic as Markdown: one summary table, then every entry's source
    (several entries in a cell joined by `<br>`)."""
    sections = build_map(tree)
    lines = [
        f"# Decision map: {tree.title}",
        "",
        f"Generated from tree `{tree.id}` {tree.version} (sha256 `{tree.sha256[:12]}`), so it "
        "always matches the logic the consultation applies. Each entry is a factor rule: the "
        "answers that raise it, the approach it favors and its source. "
        f"{ADDED_MARK} marks a rule from outside the review's Table, labelled as such in the "
        "tree. A factor favoring nonoperative care (not fit, no indication, or the NOMS "
        "rule) makes the recommendation nonoperative; otherwise an OSS factor makes it OSS; "
        "with none, MISS.",
        "",
        "| Section | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for section in sections:
        cells = [_cell(section.column(favors)) for favors, _ in COLUMNS]
        lines.append(f"| {section.title} | " + " | ".join(cells) + " |")
    lines.append("")
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        if section.cite:
            lines += [f"Section source: {section.cite}.", ""]
        for favors, heading in COLUMNS:
            entries = section.column(favors)
            if not entries:
                continue
            lines += [f"### {heading}", ""]
            for e in entries:
                lines += [f"#### {e.title}", ""]
                flags = [f"favors **{e.favors}**", f"factor `{e.factor}`"]
                if e.added_rule:
                    flags.append(f"{ADDED_MARK} added rule, outside the review's Table")
                if e.provisional:
                    flags.append("makes the result provisional")
                lines += [f"- When: {e.when}", f"- {'; '.join(flags)}", f"- Why: {e.text}",
                          f"- Source: {e.cite}"]
                if e.passage:
                    lines += ["", f"> {e.passage}"]
                lines.append("")
    lines += ["", "## Outcome rules (first that holds)", ""]
    for outcome in tree.outcomes:
        lines.append(f"1. **{outcome.id}** ({outcome.title}): {outcome_rule(tree, outcome)}. "
                     f"Source: {tree.cite_text(outcome.cite)}.")
    lines += ["", f"*{' '.join(tree.disclaimer.split())}*", ""]
    return "\n".join(lines)

