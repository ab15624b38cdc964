"""Graph output: DOT parsed with pydot (and laid out by Graphviz when installed), Mermaid
checked by structure (and by Mermaid's own parser when one is provided)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pydot
import pytest

from assistant.cli import main
from assistant.core.graph import END_NODE, node_id, outcome_node, render_graph
from assistant.core.headless import run_file
from assistant.core.model import END, Tree
from tests.conftest import ANSWERS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's pyparsing use

SEVERAL = ANSWERS / "oss_several.yaml"
MERMAID_KEYWORDS = {"end", "graph", "subgraph", "flowchart", "style", "class", "classDef",
                    "click", "linkStyle", "direction", "default"}


def branches(tree: Tree) -> list[tuple[str, str]]:
    return [(node_id(q.id), node_id(b.goto)) for q in tree.questions.values() for b in q.next]


def path_edges(path: list[str]) -> set[tuple[str, str]]:
    return {(node_id(a), node_id(b)) for a, b in zip(path, [*path[1:], END], strict=True)}


# ---------------------------------------------------------------------------- DOT
def parse_dot(text: str) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(text)
    assert graphs and len(graphs) == 1
    return graphs[0]


def dot_nodes(graph: pydot.Dot) -> dict[str, pydot.Node]:
    out = {n.get_name(): n for n in graph.get_nodes()}
    for sub in graph.get_subgraphs():
        out.update({n.get_name(): n for n in sub.get_nodes()})
    return out


def test_dot_has_every_section_question_branch_and_outcome(tree: Tree) -> None:
    graph = parse_dot(render_graph(tree, "dot"))
    clusters = {s.get_name(): s for s in graph.get_subgraphs()}
    for section in tree.sections.values():
        cluster = clusters[f"cluster_s_{section.id}"]
        assert cluster.get_label().strip('"') == section.title
        members = {n.get_name() for n in cluster.get_nodes()}
        assert members == {node_id(q.id) for q in tree.questions.values()
                           if q.section == section.id}
    nodes = dot_nodes(graph)
    for q in tree.questions.values():
        assert q.id in nodes[node_id(q.id)].get_label()
    edges = [(e.get_source(), e.get_destination()) for e in graph.get_edges()]
    for edge in branches(tree):
        assert edge in edges
    for outcome in tree.outcomes:
        assert (END_NODE, outcome_node(outcome.id)) in edges
    labels = {(e.get_source(), e.get_destination()): (e.get_label() or "").strip('"')
              for e in graph.get_edges()}
    assert labels[(node_id("fit_for_surgery"), END_NODE)] == "fit_for_surgery = no"
    assert labels[(END_NODE, outcome_node("OSS"))] == "a factor favors OSS"


def test_dot_highlights_the_path_and_the_outcome(tree: Tree) -> None:
    result = run_file(tree, SEVERAL).outcome
    path = list(result.walk.path)
    graph = parse_dot(render_graph(tree, "dot", path, result.recommendation))
    nodes = dot_nodes(graph)
    lit = {name for name, n in nodes.items() if n.get("fillcolor") == '"#fde68a"'}
    assert lit == {node_id(p) for p in path} | {END_NODE, outcome_node("OSS")}
    lit_edges = {(e.get_source(), e.get_destination()) for e in graph.get_edges()
                 if e.get("penwidth") == "3"}
    assert lit_edges == path_edges(path) | {(END_NODE, outcome_node("OSS"))}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_lays_the_dot_out(tree: Tree) -> None:
    text = render_graph(tree, "dot", list(run_file(tree, SEVERAL).outcome.walk.path), "OSS")
    done = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout and not done.stderr.strip()


# ---------------------------------------------------------------------------- Mermaid
NODE = re.compile(r'^\s+(\w+)(\["|\(\["|\[/")(.*?)("\]|"\]\)|"/\])$')
EDGE = re.compile(r'^\s+(\w+) (?:-->|-\.->|-- "(.*?)" -->|-\. "(.*?)" \.->) (\w+)$')


def parse_mermaid(text: str) -> dict:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    clusters: dict[str, list[str]] = {}
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    classes: dict[str, set[str]] = {}
    link_styles: list[int] = []
    current: str | None = None
    for line in lines[1:]:
        if m := re.match(r'^  subgraph (\w+)\["(.*)"\]$', line):
            assert current is None, "nested subgraph"
            current = m.group(1)
            clusters[current] = []
        elif line == "  end":
            assert current is not None, "end without subgraph"
            current = None
        elif m := NODE.match(line):
            nodes[m.group(1)] = m.group(3)
            if current:
                clusters[current].append(m.group(1))
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(4), m.group(2) or m.group(3) or ""))
        elif m := re.match(r"^  class ([\w,]+) (\w+)$", line):
            classes.setdefault(m.group(2), set()).update(m.group(1).split(","))
        elif m := re.match(r"^  linkStyle ([\d,]+) ", line):
            link_styles += [int(i) for i in m.group(1).split(",")]
        else:
            assert line.startswith("  classDef "), f"unexpected line: {line!r}"
    assert current is None, "unclosed subgraph"
    for label in nodes.values():
        assert '"' not in label and "<" not in label.replace("<br/>", "")
    return {"clusters": clusters, "nodes": nodes, "edges": edges, "classes": classes,
            "link_styles": link_styles}


def test_mermaid_has_every_section_question_branch_and_outcome(tree: Tree) -> None:
    parsed = parse_mermaid(render_graph(tree, "mermaid"))
    for section in tree.sections.values():
        assert parsed["clusters"][f"s_{section.id}"] == [
            node_id(q.id) for q in tree.questions.values() if q.section == section.id]
    for q in tree.questions.values():
        assert parsed["nodes"][node_id(q.id)].startswith(q.id)
    pairs = [(a, b) for a, b, _ in parsed["edges"]]
    assert pairs == branches(tree) + [(END_NODE, outcome_node(o.id)) for o in tree.outcomes]
    labels = {(a, b): label for a, b, label in parsed["edges"]}
    assert labels[(node_id("expected_survival_months"), node_id("functional_status"))] == \
        "expected_survival_months #gt; 24"
    ids = set(parsed["nodes"]) | set(parsed["clusters"])
    assert not ids & MERMAID_KEYWORDS
    assert parsed["link_styles"] == [] and "taken" not in parsed["classes"]


def test_mermaid_highlights_the_path_by_link_index(tree: Tree) -> None:
    result = run_file(tree, SEVERAL).outcome
    path = list(result.walk.path)
    parsed = parse_mermaid(render_graph(tree, "mermaid", path, "OSS"))
    assert parsed["classes"]["taken"] == {node_id(p) for p in path} | {END_NODE, "o_OSS"}
    styled = {parsed["edges"][i][:2] for i in parsed["link_styles"]}
    assert styled == path_edges(path) | {(END_NODE, "o_OSS")}


def test_graph_command_highlights_the_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "dot", "--answers", str(SEVERAL)]) == 0
    graph = parse_dot(capsys.readouterr().out)
    node = dot_nodes(graph)["o_OSS"]
    assert node.get("fillcolor") == '"#fde68a"'


def test_labels_with_quotes_and_brackets_are_escaped(tmp_path: Path) -> None:
    from assistant.core.loader import load_tree
    from tests.conftest import DEFAULT_TREE

    text = DEFAULT_TREE.read_text(encoding="utf-8").replace(
        'prompt: "Is the patient fit for surgery?"',
        """prompt: 'Is the "patient" fit \\ for <surgery> #1?'""", 1)
    file = tmp_path / "odd.yaml"
    file.write_text(text, encoding="utf-8")
    odd = load_tree(file)
    assert odd.questions["fit_for_surgery"].prompt == 'Is the "patient" fit \\ for <surgery> #1?'
    node = dot_nodes(parse_dot(render_graph(odd, "dot")))[node_id("fit_for_surgery")]
    assert 'Is the \\"patient\\" fit \\\\ for <surgery> #1?' in node.get_label()
    label = parse_mermaid(render_graph(odd, "mermaid"))["nodes"][node_id("fit_for_surgery")]
    assert label == ("fit_for_surgery<br/>Is the #quot;patient#quot; fit \\ for "
                     "#lt;surgery#gt; #35;1?")


MERMAID_CHECKER = os.environ.get("SPINE_ASSIST_MERMAID_CHECK")


@pytest.mark.skipif(not MERMAID_CHECKER, reason="set SPINE_ASSIST_MERMAID_CHECK to a script "
                    "that runs mermaid.parse on a file (node with mermaid and jsdom)")
def test_mermaid_parses_with_mermaid(tree: Tree, tmp_path: Path) -> None:
    file = tmp_path / "tree.mmd"
    file.write_text(render_graph(tree, "mermaid", list(run_file(tree, SEVERAL).outcome.walk.path),
                                 "OSS"), encoding="utf-8")
    done = subprocess.run(["node", str(MERMAID_CHECKER), str(file)], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
