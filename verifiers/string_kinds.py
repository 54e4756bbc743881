"""What kind of string an argument holds, which decides how strictly it is compared.

``enum``: a member of a closed vocabulary; ``format``: a string the schema constrains by
``format`` or ``pattern``; ``identifier``: a value that names something exactly (a path, an id, a
code, a URL, an e-mail address, a hash, a UUID, a date) or is code (a command, an expression); ``free_text``: everything else (a city, a
query, a title), where case and spacing carry no meaning. The classification never changes under
a change of case or spacing, so a candidate and its reference are always read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

StringKind = Literal["enum", "format", "identifier", "free_text"]

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)
_HEX = re.compile(r"^(?=.*\d)(?:0x)?[0-9a-f]{7,}$", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$", re.I)
_FILE = re.compile(r"^[^\s/\\]+\.[a-z0-9]{1,5}$", re.I)
_PATH = re.compile(r"^(?:~|\.{1,2}|[a-z]:)?[\\/]|[\\/]", re.I)
# A single token mixing letters with digits or joined by _ : - (ORD-1042, user_42, A1B2, v2.1.0).
_CODE = re.compile(r"^(?=\S*[a-z])(?=\S*\d)[a-z0-9][\w.:#-]*$|^[a-z0-9]+(?:_[a-z0-9]+)+$", re.I)

# Argument names whose last word says a one-token value names something exactly ("key": "C Major"
# is a musical key, "case_id": "R vs Adams" a case name: values with spaces stay free text) ...
TOKEN_NAME_WORDS = frozenset({
    "id", "ids", "uuid", "guid", "uid", "url", "urls", "uri", "link", "href", "endpoint", "email", "emails", "hash",
    "sha", "checksum", "digest", "token", "key", "code", "sku", "isbn", "username", "login", "handle", "slug",
})
# ... and names whose values are exact even with spaces in them: paths, code, expressions.
EXACT_NAME_WORDS = frozenset({
    "path", "paths", "filepath", "filename", "file", "files", "dir", "directory", "folder", "password", "regex", "glob",
    "command", "cmd", "script", "expression", "expr", "formula", "equation", "function", "sql", "selector", "xpath",
    "snippet", "program",
})
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _name_words(name: str | None) -> tuple[str, str]:
    words = [w.lower() for w in _NAME_WORDS.findall(name or "")]
    return (words[-1], "".join(words[-2:])) if words else ("", "")


def name_says_identifier(name: str | None, value: str = "") -> bool:
    """``order_id``, ``customerId``, ``file_path``, ``callbackURL``, ``sku``: the argument names a
    thing (for the one-token words, only when the value is one token)."""
    last, last_two = _name_words(name)
    if last in EXACT_NAME_WORDS or last_two in EXACT_NAME_WORDS:
        return True
    one_token = not any(ch.isspace() for ch in value.strip())
    return one_token and (last in TOKEN_NAME_WORDS or last_two in TOKEN_NAME_WORDS)


def looks_like_identifier(text: str) -> bool:
    """A value that names something exactly: one token shaped like a URL, e-mail address, UUID, hash,
    ISO date, file name, path, or a code mixing letters and digits. Case-blind on purpose."""
    value = text.strip()
    if not value or len(value) > 2048:
        return False
    if _URL.match(value) or _EMAIL.match(value) or _DATE.match(value):
        return True
    if any(ch.isspace() for ch in value):
        return False
    return bool(_UUID.match(value) or _HEX.match(value) or _FILE.match(value) or _PATH.search(value)
                or _CODE.match(value))


def looks_like_url(text: str) -> bool:
    return bool(_URL.match(text.strip()))


def string_kind(text: str, schema: Mapping[str, Any] | None, name: str | None = None) -> StringKind:
    """The kind of a string value at a place of the schema (``name``: the argument it belongs to)."""
    schema = schema if isinstance(schema, Mapping) else {}
    if isinstance(schema.get("enum"), list) or "const" in schema:
        return "enum"
    if schema.get("format") or schema.get("pattern"):
        return "format"
    if name_says_identifier(name, text) or looks_like_identifier(text):
        return "identifier"
    return "free_text"
