from textstats.tokenize import tokenize


def test_lowercases_words():
    assert tokenize("The Cat SAT") == ["the", "cat", "sat"]


def test_splits_on_any_whitespace():
    assert tokenize("one\ttwo\nthree") == ["one", "two", "three"]


def test_empty_text():
    assert tokenize("") == []
