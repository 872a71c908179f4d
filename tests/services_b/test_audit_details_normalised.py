"""``audit_canon.normalise_details``: details already made of plain JSON values skip the
JSON round trip; what comes back is exactly what the round trip gives (the values stored
and hashed, RULES Q7), keys in the same order, for any details an action may record."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from counter_app.services.audit_canon import canonical_json, normalise_details


class Kind(enum.StrEnum):
    NAME = "name"


class Level(enum.IntEnum):
    HIGH = 3


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.sampled_from([Kind.NAME, Level.HIGH, Decimal("1.50"), dt.date(2026, 3, 2)]),
    st.floats(allow_nan=False, allow_infinity=False),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.sampled_from(["a", "b", "名字"]), inner, max_size=3),
    ),
    max_leaves=8,
)
_keys = st.sampled_from(["session_id", "tabs", "hits", "query", "名字", "kind", "z", "a"])


def _round_trip(details: dict[str, Any]) -> Any:
    return json.loads(canonical_json(dict(details)))


@given(st.dictionaries(_keys, _values, max_size=5))
def test_normalised_details_are_what_a_json_round_trip_gives(details: dict[str, Any]) -> None:
    ours = normalise_details(details)
    theirs = _round_trip(details)
    assert ours == theirs
    assert ours is not None and list(ours) == list(theirs)
    assert all(type(ours[k]) is type(theirs[k]) for k in ours)


def test_an_enum_or_tuple_is_given_back_as_its_json_value() -> None:
    ours = normalise_details({"kind": Kind.NAME, "level": Level.HIGH, "pair": (1, 2)})
    assert ours == {"kind": "name", "level": 3, "pair": [1, 2]}
    assert ours is not None and type(ours["kind"]) is str and type(ours["level"]) is int


def test_plain_details_come_back_as_a_copy_in_key_order() -> None:
    """A copy, as the round trip gave: the caller changing its list afterwards changes
    nothing of what was recorded."""
    details = {"tabs": ["overview", "medical"], "session_id": 7}
    ours = normalise_details(details)
    assert ours == details and ours is not details
    assert ours is not None and list(ours) == ["session_id", "tabs"]
    details["tabs"].append("pension")
    assert ours["tabs"] == ["overview", "medical"]
