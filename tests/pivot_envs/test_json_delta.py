"""JSON deltas: whatever two values are, the delta rebuilds the original exactly, and it is
small where the values are close (what keeps NeMo Gym pivots near their rows' size)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pivotrl.pivot_envs.json_delta import MISSING, Misfit, apply_delta, make_delta, same

scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, width=32) | st.text(max_size=12)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                      | st.dictionaries(st.sampled_from(["a", "b", "type", "id", "text"]), inner, max_size=4),
                      max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_a_delta_rebuilds_the_original_from_any_written_value(original, written):
    assert same(apply_delta(make_delta(original, written), written), original)


def test_a_delta_from_an_absent_value_and_from_itself():
    assert same(apply_delta(make_delta({"x": [1, 2]}, MISSING), MISSING), {"x": [1, 2]})
    assert make_delta({"x": [1, 2]}, {"x": [1, 2]}) == {}


def test_close_values_give_small_deltas():
    written = [{"role": "user", "content": "word " * 200}, {"role": "assistant", "content": "fine " * 200}]
    original = [{**written[0], "id": "msg_1", "type": "message"}, {**written[1], "content": "fine " * 199 + "Fine "}]
    delta = make_delta(original, written)
    assert same(apply_delta(delta, written), original)
    assert len(json.dumps(delta)) < 0.1 * len(json.dumps(original))


def test_a_delta_that_no_longer_fits_says_so():
    delta = make_delta({"a": "xyz" * 30, "b": 1}, {"a": "xy" + "xyz" * 29, "b": 1})
    assert "value" not in delta  # a patch of the text, not the value again
    for edited in ([1, 2, 3], {"a": 5, "b": 1}, "text"):
        with pytest.raises(Misfit):
            apply_delta(delta, edited)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["role", "content", "id", "name", "status"]), st.text(min_size=30, max_size=60),
                       min_size=3), st.data())
def test_one_changed_field_is_stored_as_that_field_alone(written, data):
    """The structural path, not the whole-value fallback, carries a small edit (the fallback
    alone would pass the round trip above while keeping a second copy of everything)."""
    key = data.draw(st.sampled_from(sorted(written)))
    original = {**written, key: data.draw(st.text(max_size=20))}
    if original == written:
        return
    delta = make_delta(original, written)
    assert "value" not in delta and set(delta.get("keys", {})) == {key}
    assert same(apply_delta(delta, written), original)
