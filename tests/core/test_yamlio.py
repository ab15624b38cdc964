"""Located YAML reading: yes/no stay words, duplicates and tabs are located errors."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.errors import InputError
from assistant.core.yamlio import load_data


def test_yes_no_on_off_stay_strings_true_false_are_booleans() -> None:
    data = load_data("a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: true\ng: False\n", "x.yaml")
    assert data == {"a": "yes", "b": "No", "c": "on", "d": "OFF", "e": "y", "f": True,
                    "g": False}


def test_locations_are_one_based() -> None:
    data = load_data("top:\n  - x: 1\n    y: [a, b]\n", "x.yaml")
    assert str(data.value_loc("top")) == "x.yaml:2:3"
    item = data["top"][0]
    assert str(item.key_loc("y")) == "x.yaml:3:5"
    assert str(item["y"].item_loc(1)) == "x.yaml:3:12"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "x.yaml:3:1: duplicate key 'a' (first at line 1)"),
        ("a:\n\t- b\n", "x.yaml:2:1: YAML syntax error: a tab character"),
        ("", "x.yaml:1:1: the file is empty"),
        ("a: !!python/object/apply:os.system [ls]\n", "unsupported YAML tag"),
        ("[" * 100 + "]" * 100, "nesting too deep"),
    ],
)
def test_bad_yaml_is_a_located_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_data(text, "x.yaml")
    assert message in str(info.value)


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    with pytest.raises(InputError, match="alias bomb"):
        load_data("\n".join(lines) + "\n", "bomb.yaml")


# ------------------------------------------------------------------ what a YAML writer writes

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["yes", "no", "on", "off", "y", "n", "020", "0x1F", "1:10", "~", "null",
                     "2001-12-14", ".inf", "1_000", "<<", "=", "True", "0o17", "+1"]),
)
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text("abcxyz_", min_size=1, max_size=6), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(st.text("abcdefgh_", min_size=1, max_size=8), _DATA, min_size=1,
                            max_size=6), flow=st.sampled_from([None, True, False]))
def test_what_a_yaml_writer_writes_reads_back_the_same(data: dict, flow: bool | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    assert load_data(text, "w.yaml") == data, text
