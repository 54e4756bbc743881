"""Basic statistics about a piece of text."""

from collections import Counter

from textstats.tokenize import tokenize


def word_count(text):
    """Return the number of words in *text*.

    Words are separated by any run of whitespace (spaces, tabs, newlines).
    """
    if not text:
        return 0
    return len(text.split(" "))


def char_count(text, include_spaces=True):
    """Return the number of characters, optionally ignoring whitespace."""
    if include_spaces:
        return len(text)
    return sum(1 for ch in text if not ch.isspace())


def sentence_count(text):
    """Count sentences: runs of text that end in '.', '!' or '?'."""
    count = 0
    in_sentence = False
    for ch in text:
        if ch in ".!?":
            if in_sentence:
                count += 1
            in_sentence = False
        elif not ch.isspace():
            in_sentence = True
    if in_sentence:
        count += 1
    return count


def average_word_length(text):
    """Return the mean word length, rounded to two places (0.0 for no words)."""
    words = tokenize(text)
    return round(sum(len(word) for word in words) / len(words), 2)


def top_words(text, n=3):
    """Return the *n* most common words as (word, count) pairs.

    Ties are broken alphabetically so the result is stable.
    """
    counts = Counter(tokenize(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]
