"""textstats: small helpers for counting words, sentences and frequent words."""

from textstats.core import (
    average_word_length,
    char_count,
    sentence_count,
    top_words,
    word_count,
)
from textstats.tokenize import tokenize

__version__ = "0.3.1"

__all__ = [
    "average_word_length",
    "char_count",
    "sentence_count",
    "tokenize",
    "top_words",
    "word_count",
]
