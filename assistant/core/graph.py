"""The tree as a diagram: plain graph data first, then Mermaid or DOT text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.errors import InputError
from assistant.core.model import END, Tree


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass(frozen=True, slots=True)
class Graph:
    clusters: dict[str, tuple[str, list[str]]]  # section id -> (title, question ids)
    labels: dict[str, str]  # node id -> label
    edges: list[Edge]
    outcomes: list[tuple[str, str]]  # (node id, label)


def build_graph(tree: Tree) -> Graph:
    clusters: dict[str, tuple[str, list[str]]] = {
        s.id: (s.title, []) for s in tree.sections.values()
    }
    labels: dict[str, str] = {}
    edges: list[Edge] = []
    for q in tree.questions.values():
        clusters[q.section][1].append(q.id)
        labels[q.id] = q.id + (" (optional)" if q.optional else "")
        for branch in q.next:
            label = "" if len(q.next) == 1 else (
                "otherwise" if branch.when.describe() == "always" else branch.when.describe())
            edges.append(Edge(q.id, branch.goto, label))
    outcomes = [(f"outcome_{o.id}", f"{o.id}: {o.when.describe()}") for o in tree.outcomes]
    return Graph(clusters, labels, edges, outcomes)


def _esc(text: str) -> str:
    return text.replace('"', "'")


def to_mermaid(graph: Graph, path: Sequence[str] = ()) -> str:
    lines = ["flowchart TD"]
    for section, (title, members) in graph.clusters.items():
        if not members:
            continue
        lines.append(f'  subgraph {section}["{_esc(title)}"]')
        lines.extend(f'    {qid}["{_esc(graph.labels[qid])}"]' for qid in members)
        lines.append("  end")
    lines.append(f'  {END}(["{END}: outcome rules"])')
    for node, label in graph.outcomes:
        lines.append(f'  {node}[/"{_esc(label)}"/]')
        lines.append(f"  {END} -.-> {node}")
    on_path = set(path)
    highlighted: list[int] = []
    for index, edge in enumerate(graph.edges):
        arrow = f'-- "{_esc(edge.label)}" -->' if edge.label else "-->"
        lines.append(f"  {edge.source} {arrow} {edge.target}")
        if _on_path(edge, path):
            highlighted.append(index + len(graph.outcomes))
    if path:
        lines.append("  classDef taken fill:#fde68a,stroke:#b45309,stroke-width:2px")
        lines.append("  class " + ",".join(sorted(on_path)) + " taken")
        if highlighted:
            lines.append("  linkStyle " + ",".join(map(str, highlighted)) +
                         " stroke:#b45309,stroke-width:3px")
    return "\n".join(lines) + "\n"


def _on_path(edge: Edge, path: Sequence[str]) -> bool:
    if not path:
        return False
    for a, b in zip(path, [*path[1:], END], strict=True):
        if edge.source == a and edge.target == b:
            return True
    return False


def to_dot(graph: Graph, path: Sequence[str] = ()) -> str:
    lines = ["digraph tree {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    on_path = set(path)
    for section, (title, members) in graph.clusters.items():
        if not members:
            continue
        lines.append(f"  subgraph cluster_{section} {{")
        lines.append(f'    label="{_esc(title)}";')
        for qid in members:
            style = ', style=filled, fillcolor="#fde68a"' if qid in on_path else ""
            lines.append(f'    {qid} [label="{_esc(graph.labels[qid])}"{style}];')
        lines.append("  }")
    lines.append(f'  {END} [shape=oval, label="{END}: outcome rules"];')
    for node, label in graph.outcomes:
        lines.append(f'  {node} [shape=parallelogram, label="{_esc(label)}"];')
        lines.append(f"  {END} -> {node} [style=dashed];")
    for edge in graph.edges:
        attrs = [f'label="{_esc(edge.label)}"'] if edge.label else []
        if _on_path(edge, path):
            attrs.append('color="#b45309", penwidth=3')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {edge.source} -> {edge.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(tree: Tree, fmt: str, path: Sequence[str] = ()) -> str:
    graph = build_graph(tree)
    if fmt == "mermaid":
        return to_mermaid(graph, path)
    if fmt == "dot":
        return to_dot(graph, path)
    raise InputError(f"unknown graph format '{fmt}'", allowed="allowed: mermaid, dot")
