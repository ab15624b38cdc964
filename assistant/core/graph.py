"""The tree as a diagram: plain graph data first, then Mermaid or DOT text.

Sections are clusters, questions nodes, branches edges labelled with their conditions; the end
fans out to the outcome rules. With a path (an answer file's), what it takes is highlighted.
Node ids are prefixed (`q_`, `o_`, `s_`) so no question id can collide with a keyword of
either language (Mermaid's `end`, DOT's `node`, `edge`, `graph`...).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from assistant.core.errors import InputError, terminal_safe
from assistant.core.model import END, Tree
from assistant.core.records import Record

END_NODE = "q_end"
HIGHLIGHT = "#b45309"
HIGHLIGHT_FILL = "#fde68a"


class Node(Record):
    id: str
    label: str
    kind: str  # question, end, outcome


class Edge(Record):
    source: str
    target: str
    label: str
    dashed: bool = False


class Cluster(Record):
    id: str
    title: str
    nodes: tuple[str, ...]


class Graph(Record):
    clusters: tuple[Cluster, ...]
    nodes: dict[str, Node]  # node id -> node, in drawing order
    edges: tuple[Edge, ...]  # in drawing order (Mermaid's linkStyle counts them so)


def node_id(question_or_end: str) -> str:
    return END_NODE if question_or_end == END else f"q_{question_or_end}"


def outcome_node(outcome_id: str) -> str:
    return f"o_{outcome_id}"


def build_graph(tree: Tree) -> Graph:
    """Plain graph data for a tree (no layout, no syntax)."""
    nodes: dict[str, Node] = {}
    members: dict[str, list[str]] = {s: [] for s in tree.sections}
    edges: list[Edge] = []
    for q in tree.questions.values():
        nid = node_id(q.id)
        label = q.id + (" (optional)" if q.optional else "")
        nodes[nid] = Node(nid, f"{label}\n{q.prompt}", "question")
        members[q.section].append(nid)
        for branch in q.next:  # labelled only where there is a choice
            text = branch.when.describe()
            label = ("otherwise" if text == "always" else text) if len(q.next) > 1 else ""
            edges.append(Edge(nid, node_id(branch.goto), label))
    nodes[END_NODE] = Node(END_NODE, "end: outcome rules, first that holds", "end")
    for outcome in tree.outcomes:
        oid = outcome_node(outcome.id)
        nodes[oid] = Node(oid, f"{outcome.id}\n{outcome.title}", "outcome")
        text = outcome.when.describe()
        edges.append(Edge(END_NODE, oid, "otherwise" if text == "always" else text, True))
    clusters = tuple(
        Cluster(f"s_{s.id}", s.title, tuple(members[s.id]))
        for s in tree.sections.values() if members[s.id]
    )
    return Graph(clusters, nodes, tuple(edges))


def taken(
    graph: Graph, path: Sequence[str], outcome: str | None = None,
) -> tuple[set[str], set[int]]:
    """(node ids, edge indexes) on the path; the edge from the end to `outcome` too."""
    if not path:
        return set(), set()
    ids = [node_id(p) for p in (*path, END)]
    nodes = set(ids)
    first: dict[tuple[str, str], int] = {}  # the first edge a -> b (branches may share one)
    for index, edge in enumerate(graph.edges):
        first.setdefault((edge.source, edge.target), index)
    edges = {first[step] for step in pairwise(ids) if step in first}
    if outcome is not None:
        oid = outcome_node(outcome)
        nodes.add(oid)
        edges.update(i for i, e in enumerate(graph.edges)
                     if e.source == END_NODE and e.target == oid)
    return nodes, edges


# ---------------------------------------------------------------------------- Mermaid
def _lines_safe(text: str) -> str:
    """Tree text as label lines with no control character (the graph goes to a terminal)."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: entity codes for what would end or break it."""
    out = (_lines_safe(text).replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;")
           .replace(">", "#gt;"))
    return out.replace("\n", "<br/>")


def to_mermaid(graph: Graph, path: Sequence[str] = (), outcome: str | None = None) -> str:
    lines = ["flowchart TD"]
    for cluster in graph.clusters:
        lines.append(f'  subgraph {cluster.id}["{_mermaid_text(cluster.title)}"]')
        for nid in cluster.nodes:
            lines.append(f'    {nid}["{_mermaid_text(graph.nodes[nid].label)}"]')
        lines.append("  end")
    for node in graph.nodes.values():
        if node.kind == "end":
            lines.append(f'  {node.id}(["{_mermaid_text(node.label)}"])')
        elif node.kind == "outcome":
            lines.append(f'  {node.id}[/"{_mermaid_text(node.label)}"/]')
    for edge in graph.edges:
        if edge.dashed:
            arrow = f'-. "{_mermaid_text(edge.label)}" .->' if edge.label else "-.->"
        else:
            arrow = f'-- "{_mermaid_text(edge.label)}" -->' if edge.label else "-->"
        lines.append(f"  {edge.source} {arrow} {edge.target}")
    on_nodes, on_edges = taken(graph, path, outcome)
    lines.append("  classDef outcome fill:#e0f2fe,stroke:#0369a1")
    outcomes = [n.id for n in graph.nodes.values() if n.kind == "outcome"]
    lines.append("  class " + ",".join(outcomes) + " outcome")
    if on_nodes:
        lines.append(f"  classDef taken fill:{HIGHLIGHT_FILL},stroke:{HIGHLIGHT},stroke-width:2px")
        lines.append("  class " + ",".join(n for n in graph.nodes if n in on_nodes) + " taken")
    if on_edges:
        lines.append("  linkStyle " + ",".join(map(str, sorted(on_edges))) +
                     f" stroke:{HIGHLIGHT},stroke-width:3px")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- DOT
def _dot_string(text: str) -> str:
    """A double-quoted DOT string; newlines become centred line breaks."""
    safe = _lines_safe(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + safe.replace("\n", "\\n") + '"'


def to_dot(graph: Graph, path: Sequence[str] = (), outcome: str | None = None) -> str:
    on_nodes, on_edges = taken(graph, path, outcome)

    def node_line(nid: str, indent: str) -> str:
        node = graph.nodes[nid]
        attrs = [f"label={_dot_string(node.label)}"]
        if node.kind == "end":
            attrs.append("shape=oval")
        elif node.kind == "outcome":
            attrs.append('shape=parallelogram, style=filled, fillcolor="#e0f2fe"')
        if nid in on_nodes:
            attrs.append(f'style="filled,bold", fillcolor="{HIGHLIGHT_FILL}", '
                         f'color="{HIGHLIGHT}", penwidth=2')
        return f"{indent}{nid} [{', '.join(attrs)}];"

    lines = ["digraph tree {", "  rankdir=TB;", "  compound=true;",
             '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    for cluster in graph.clusters:
        lines.append(f"  subgraph cluster_{cluster.id} {{")
        lines.append(f"    label={_dot_string(cluster.title)};")
        lines.append('    style=rounded; color="#64748b";')
        lines.extend(node_line(nid, "    ") for nid in cluster.nodes)
        lines.append("  }")
    for node in graph.nodes.values():
        if node.kind != "question":
            lines.append(node_line(node.id, "  "))
    for index, edge in enumerate(graph.edges):
        attrs = [f"label={_dot_string(edge.label)}"] if edge.label else []
        if edge.dashed:
            attrs.append("style=dashed")
        if index in on_edges:
            attrs.append(f'color="{HIGHLIGHT}", penwidth=3')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {edge.source} -> {edge.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(tree: Tree, fmt: str, path: Sequence[str] = (),
                 outcome: str | None = None) -> str:
    """Mermaid or DOT text; `path` (and the `outcome` reached) highlighted."""
    graph = build_graph(tree)
    if fmt == "mermaid":
        return to_mermaid(graph, path, outcome)
    if fmt == "dot":
        return to_dot(graph, path, outcome)
    raise InputError(f"unknown graph format '{fmt}'", allowed="allowed: mermaid, dot")
