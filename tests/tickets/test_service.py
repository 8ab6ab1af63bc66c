"""Custom attribute values: what each type accepts and how it is stored."""

from __future__ import annotations

import pytest

from podium.tickets.service import attribute_value


@pytest.mark.parametrize(
    "value_type, given, stored",
    [
        ("string", "", ""),
        ("number", 0, 0),
        ("number", "007", 7),
        ("number", "1e3", 1000.0),
        ("number", ".5", 0.5),
        ("number", "+3", 3),
        ("boolean", False, False),
        ("boolean", " true ", True),
        ("date", "1/2/2025", "2025-01-02T00:00:00.000Z"),
        ("date", "2025-01-02T03:04:05Z", "2025-01-02T03:04:05.000Z"),
        ("date", "2025-01-02T03:04:05.123456Z", "2025-01-02T03:04:05.123Z"),
    ],
)
def test_accepted_values(value_type, given, stored):
    assert attribute_value(value_type, given) == stored
    assert type(attribute_value(value_type, given)) is type(stored)


@pytest.mark.parametrize(
    "value_type, given",
    [
        ("string", None),
        ("string", True),
        ("number", ""),
        ("number", "1,000"),
        ("number", "inf"),
        ("number", float("nan")),
        ("number", False),
        ("boolean", "1"),
        ("boolean", None),
        ("date", ""),
        ("date", "2/30/2025"),
        ("date", "2025-13-01"),
        ("date", "tomorrow"),
        ("date", 1735689600),
    ],
)
def test_refused_values_say_what_was_expected(value_type, given):
    with pytest.raises(ValueError, match=f"expected a {value_type}"):
        attribute_value(value_type, given)
