"""A small, linear, depth-bounded reader for the literal values models write inside calls:
Python literals (``'a'``, ``True``, ``None``, ``[1, 2]``), JSON (``"a"``, ``true``, ``null``),
and Gemma 4's ``{key:<|"|>text<|"|>}`` (unquoted keys, custom string delimiters).

``ast.literal_eval`` would accept only Python and recurses without bound; the templates of
LFM2 and Gemma mix the dialects (``tojson`` mappings beside ``| string`` lists), and LFM2.5
writes strings unescaped, so a quote closes a string only where a delimiter follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pivotrl.verifiers.parsers.tool_json import ToolCallSyntaxError

MAX_DEPTH = 64
_WORDS = {"True": True, "False": False, "None": None, "true": True, "false": False, "null": None}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0", "b": "\b", "f": "\f",
            "/": "/"}
_NUMBER_CHARS = frozenset("0123456789+-.eE_xXabcdefABCDEFoO")


@dataclass
class LiteralReader:
    """Reads values from ``text`` starting at ``pos``. ``delimiters`` are extra string quote
    marks (Gemma's ``<|"|>``, read raw); ``lenient_quotes`` lets a quote inside a string
    stand for itself unless a delimiter (``, ) ] } :`` or the end) follows it."""

    text: str
    pos: int = 0
    delimiters: tuple[str, ...] = ()
    lenient_quotes: bool = False
    unquoted_keys: bool = True

    # -- low level ------------------------------------------------------------------
    def error(self, message: str) -> ToolCallSyntaxError:
        snippet = self.text[max(0, self.pos - 20): self.pos + 20]
        return ToolCallSyntaxError(f"{message} at character {self.pos} (near {snippet!r})")

    def skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        self.pos = pos

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        self.skip_space()
        if not self.text.startswith(char, self.pos):
            raise self.error(f"expected {char!r}")
        self.pos += len(char)

    def identifier(self) -> str:
        """A name as calls and keys use them (letters, digits, ``_``, ``.``, ``-``)."""
        self.skip_space()
        start = pos = self.pos
        text = self.text
        while pos < len(text) and (text[pos].isalnum() or text[pos] in "_.-"):
            pos += 1
        if pos == start:
            raise self.error("expected a name")
        self.pos = pos
        return text[start:pos]

    # -- values ---------------------------------------------------------------------
    def value(self, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise self.error(f"value nested deeper than {MAX_DEPTH} levels")
        self.skip_space()
        char = self.peek()
        for delimiter in self.delimiters:
            if self.text.startswith(delimiter, self.pos):
                return self._delimited(delimiter)
        if char in "'\"":
            return self._quoted(char)
        if char == "[":
            return self._sequence("[", "]", depth)
        if char == "(":
            return self._sequence("(", ")", depth)
        if char == "{":
            return self._mapping(depth)
        if char == "":
            raise self.error("expected a value, found the end")
        return self._bare()

    def _delimited(self, delimiter: str) -> str:
        start = self.pos + len(delimiter)
        end = self.text.find(delimiter, start)
        if end < 0:
            raise self.error(f"string opened with {delimiter!r} is never closed")
        self.pos = end + len(delimiter)
        return self.text[start:end]

    def _closes(self, at: int) -> bool:
        """Whether a quote at ``at`` ends the string (lenient mode): a delimiter follows it."""
        text, pos = self.text, at + 1
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return pos >= len(text) or text[pos] in ",)]}:\n" or any(text.startswith(d, pos) for d in ("<|",))

    def _quoted(self, quote: str) -> str:
        text = self.text
        triple = text.startswith(quote * 3, self.pos)
        closing = quote * 3 if triple else quote
        pos = self.pos + len(closing)
        out: list[str] = []
        while True:
            if pos >= len(text):
                raise self.error("string is never closed")
            char = text[pos]
            if char == "\\" and pos + 1 < len(text):
                nxt = text[pos + 1]
                if nxt == "u" and pos + 6 <= len(text):
                    try:
                        out.append(chr(int(text[pos + 2: pos + 6], 16)))
                        pos += 6
                        continue
                    except ValueError:
                        pass
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    pos += 2
                    continue
                out.append(char)  # an unknown escape stands for itself, as in Python
                pos += 1
                continue
            if text.startswith(closing, pos) and (triple or not self.lenient_quotes or self._closes(pos)):
                self.pos = pos + len(closing)
                return "".join(out)
            out.append(char)
            pos += 1

    def _sequence(self, open_: str, close: str, depth: int) -> list[Any]:
        self.pos += 1
        items: list[Any] = []
        while True:
            self.skip_space()
            if self.text.startswith(close, self.pos):
                self.pos += 1
                return items
            items.append(self.value(depth + 1))
            self.skip_space()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if not self.text.startswith(close, self.pos):
                raise self.error(f"expected ',' or {close!r} in a list")

    def _key(self) -> str:
        self.skip_space()
        char = self.peek()
        if char in "'\"" or any(self.text.startswith(d, self.pos) for d in self.delimiters):
            key = self.value()
            return key if isinstance(key, str) else str(key)
        if not self.unquoted_keys:
            raise self.error("expected a quoted key")
        return self.identifier()

    def _mapping(self, depth: int) -> dict[str, Any]:
        self.pos += 1
        out: dict[str, Any] = {}
        while True:
            self.skip_space()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return out
            key = self._key()
            self.expect(":")
            out[key] = self.value(depth + 1)
            self.skip_space()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if not self.text.startswith("}", self.pos):
                raise self.error("expected ',' or '}' in a mapping")

    def _bare(self) -> Any:
        """A number or a word (True, false, None, null, nan)."""
        text, start = self.text, self.pos
        pos = start
        while pos < len(text) and (text[pos].isalnum() or text[pos] in _NUMBER_CHARS):
            pos += 1
        word = text[start:pos]
        if not word:
            raise self.error("expected a value")
        self.pos = pos
        if word in _WORDS:
            return _WORDS[word]
        try:
            if word.lstrip("+-")[:2].lower() in ("0x", "0o", "0b"):
                return int(word.replace("_", ""), 0)
            if len(word) <= 4000:  # longer digit strings are refused by int(); read them as floats
                return int(word)
        except ValueError:
            pass
        try:
            return float(word)
        except ValueError:
            raise self.error(f"{word!r} is not a value (strings need quotes)") from None


def read_value(text: str, **options: Any) -> Any:
    """The one literal value ``text`` holds (surrounding space allowed), else ToolCallSyntaxError."""
    reader = LiteralReader(text, **options)
    value = reader.value()
    reader.skip_space()
    if reader.pos != len(text):
        raise reader.error("unexpected text after the value")
    return value
