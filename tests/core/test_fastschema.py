"""fastschema may say "valid" only where jsonschema agrees: its one safety net (issue 13).

Random mutations at random places of the default tree: a changed type, a removed key, an
unknown key, an empty list, a bool, a float, an integer key, an id with a final newline,
a text over its length limit. Whenever the fast check accepts
the result, jsonschema must accept it too.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import fastschema, paths
from assistant.core.yamlio import load_file

ROOT = Path(__file__).resolve().parents[2]
TREE = load_file(ROOT / "trees" / "miss_vs_oss.yaml")
PLAIN = json.loads(json.dumps(TREE))  # plain dicts and lists, so deepcopy is cheap
VALIDATOR = jsonschema.Draft202012Validator(
    json.loads(paths.schema_file().read_text(encoding="utf-8"))
)


def _containers(data: Any, out: list) -> list:
    out.append(data)
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for item in items:
        _containers(item, out)
    return out


REPLACEMENTS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, width=16),
    st.text(max_size=3), st.just([]), st.just({}), st.just({"id": "x"}),
    st.sampled_from(["MISS", "OSS", "single", "multi", "bogus", "1bad id", "", "age\n",
                     "x" * 65, "y" * 201, "z" * 4001]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_valid_implies_jsonschema_valid(data: st.DataObject) -> None:
    tree = copy.deepcopy(PLAIN)
    containers = _containers(tree, [])
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(containers))
        if isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target, key=str)))
            action = data.draw(st.sampled_from(["replace", "delete", "add", "intkey"]))
            if action == "replace":
                target[key] = data.draw(REPLACEMENTS)
            elif action == "delete":
                del target[key]
            elif action == "add":
                target[data.draw(st.sampled_from(["extra", "when", "next", "min", "id"]))] = \
                    data.draw(REPLACEMENTS)
            else:
                target[1] = data.draw(REPLACEMENTS)
        elif isinstance(target, list) and target:
            index = data.draw(st.integers(0, len(target) - 1))
            if data.draw(st.booleans()):
                target[index] = data.draw(REPLACEMENTS)
            else:
                target.clear()
    if fastschema.is_valid(tree):
        assert not list(VALIDATOR.iter_errors(tree)), "fastschema accepted an invalid tree"


def test_default_tree_takes_the_fast_path() -> None:
    assert fastschema.is_valid(TREE)
    assert not list(VALIDATOR.iter_errors(PLAIN))


def test_an_id_with_a_final_newline_or_too_long_is_refused_by_both() -> None:
    for bad in ("age\n", "a" * 65):
        tree = copy.deepcopy(PLAIN)
        tree["questions"][0]["id"] = bad
        assert not fastschema.is_valid(tree)
        assert list(VALIDATOR.iter_errors(tree)), bad
