"""What kind of string an argument holds decides how strictly it compares: the classification
follows the schema first, then the argument's name, then the value's shape, and never changes
when only case or spacing does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pivotrl.verifiers.string_kinds import looks_like_identifier, name_says_identifier, string_kind


@pytest.mark.parametrize("value", [
    "/home/ana/Reports/q3.csv", "C:\\Users\\Ana\\notes.txt", "./build/out", "~/.bashrc",  # paths
    "ORD-48213", "user_42", "A1B2C3", "v2.1.0", "SKU-AB12",                              # ids, codes, versions
    "https://docs.example.com/Guides/Setup", "ftp://host/file",                        # URLs
    "Ana.Lopez@example.com",                                                             # e-mail addresses
    "123e4567-e89b-12d3-a456-426614174000", "9f86d081884c7d65", "0x1f2e3d4c5b",          # UUIDs, hashes
    "2024-05-01", "2024-05-01T10:00:00Z", "2024-05-01 10:00",                            # dates
    "Budget_2024.xlsx", "report.PDF", "snake_case_name",                                 # file names, names in code
])
def test_values_shaped_like_identifiers_are_identifiers(value):
    assert looks_like_identifier(value)
    assert string_kind(value, {"type": "string"}, "x") == "identifier"


@pytest.mark.parametrize("value", [
    "New York, NY", "San Francisco", "Paris", "machine learning basics", "Maria Garcia", "Route 66 travel guide",
    "Thanks for the update!", "Room 12B on the 3rd floor", "reset-password", "", "   ",
])
def test_prose_names_and_words_are_free_text(value):
    assert not looks_like_identifier(value)
    assert string_kind(value, {"type": "string"}, "note") == "free_text"


@pytest.mark.parametrize(("name", "value", "exact"), [
    ("order_id", "abc", True), ("customerId", "john", True), ("callbackURL", "home", True), ("sku", "shoe", True),
    ("promo_code", "summer", True), ("case_id", "R vs Adams", False),  # an id word, but a value with spaces
    ("key", "C Major", False), ("api_key", "sk live", False),
    ("file_path", "My Documents/a b.txt", True), ("command", "ls -la /tmp", True),  # exact even with spaces
    ("function", "3x**2 + 2x", True), ("location", "Austin", False), ("paid", "yes", False), ("valid", "x", False),
])
def test_argument_names_mark_identifiers_one_token_or_code(name, value, exact):
    assert name_says_identifier(name, value) is exact


@pytest.mark.parametrize(("schema", "kind"), [
    ({"type": "string", "enum": ["a", "B"]}, "enum"),
    ({"const": "x"}, "enum"),
    ({"type": "string", "format": "date"}, "format"),
    ({"type": "string", "pattern": "^[A-Z]+$"}, "format"),
    ({"type": "string"}, "free_text"),
    (None, "free_text"),
])
def test_the_schema_decides_before_the_value(schema, kind):
    assert string_kind("Hello world", schema, "greeting") == kind


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(_text, st.sampled_from([None, "order_id", "city", "file_path", "key", "note"]))
def test_classification_is_blind_to_case_and_to_spacing_at_the_ends(value, name):
    kind = string_kind(value, {"type": "string"}, name)
    for variant in (value.upper(), value.lower(), value.swapcase(), f"  {value} "):
        if variant.strip().casefold() == value.strip().casefold() and len(variant.strip()) == len(value.strip()):
            assert string_kind(variant, {"type": "string"}, name) == kind, (value, variant)


def test_huge_values_are_classified_quickly_as_free_text():
    assert not looks_like_identifier("a1" * 500_000)
