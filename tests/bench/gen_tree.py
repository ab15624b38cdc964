"""Synthetic trees of any size for the `check` benchmark (generated at run time, never committed).

The shape is chosen to be hard for anything that is not linear: every tenth question branches
to one of the next two branching points, so the number of distinct paths grows like Fibonacci
(a 50,000-question tree has more paths than atoms in the universe) and only counting, never
enumerating, can report it. Factors, outcomes and advice scale with the tree too.
"""

from __future__ import annotations

import sys
from pathlib import Path

SECTIONS = 10


def tree_text(n: int) -> str:
    """YAML for a sound tree of `n` questions (n >= 20)."""
    lines = [
        "id: synthetic",
        f'title: "Synthetic tree of {n} questions"',
        'version: "1.0.0"',
        "sources:",
        "  - {id: src, short: \"Synthetic 2026\", citation: \"A generated tree for benchmarks.\"}",
        "sections:",
    ]
    lines += [f'  - {{id: s{i}, title: "Section {i}", cite: {{source: src, section: "S{i}"}}}}'
              for i in range(SECTIONS)]
    lines.append("questions:")
    per_section = max(1, n // SECTIONS)
    for i in range(n):
        qid = f"q{i}"
        section = f"s{min(i // per_section, SECTIONS - 1)}"
        if i % 10 == 0:
            # A branching point: 'yes' goes on, 'no' jumps to the next branching point.
            jump = f"q{i + 10}" if i + 10 < n else "end"
            lines.append(
                f'  - {{id: {qid}, section: {section}, prompt: "Question {i}?", kind: single, '
                f'choices: [{{id: "yes", label: "Yes"}}, {{id: "no", label: "No"}}], '
                f'next: [{{when: {{{qid}: "no"}}, goto: {jump}}}, {{goto: q{i + 1}}}]}}'
                if i + 1 < n else
                f'  - {{id: {qid}, section: {section}, prompt: "Question {i}?", kind: single, '
                f'choices: [{{id: "yes", label: "Yes"}}, {{id: "no", label: "No"}}]}}'
            )
        elif i % 10 == 5:
            lines.append(f'  - {{id: {qid}, section: {section}, prompt: "How many {i}?", '
                         f"kind: integer, min: 0, max: 99}}")
        else:
            lines.append(f'  - {{id: {qid}, section: {section}, prompt: "Question {i}?", '
                         f'kind: single, choices: [{{id: a, label: "A"}}, {{id: b, label: "B"}}]}}')
    lines.append("factors:")
    favors = ("OSS", "MISS", "caution")
    for j, i in enumerate(range(1, n, 50)):
        lines.append(
            f'  - {{id: f{i}, section: s{min(i // per_section, SECTIONS - 1)}, '
            f'favors: {favors[j % 3]}, when: {{q{i}: b}}, text: "Factor on question {i}.", '
            f"cite: {{source: src, section: S0}}}}"
        )
    lines += [
        "outcomes:",
        '  - {id: OSS, title: "Open", summary: "Open surgery.", when: {favoring: OSS}}',
        '  - {id: MISS, title: "Minimally invasive", summary: "MISS."}',
        "advice:",
        '  - {id: a1, kind: discussion, title: "Discuss", text: "Discuss at the MDT.", '
        "when: {outcome: OSS}}",
        "",
    ]
    return "\n".join(lines)


def write_tree(folder: Path, n: int) -> Path:
    path = folder / f"synthetic_{n}.yaml"
    path.write_text(tree_text(n), encoding="utf-8")
    return path


if __name__ == "__main__":  # python tests/bench/gen_tree.py 5000 > tree.yaml
    sys.stdout.write(tree_text(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
