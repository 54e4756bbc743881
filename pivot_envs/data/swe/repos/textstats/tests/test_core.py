from textstats.core import (
    average_word_length,
    char_count,
    sentence_count,
    top_words,
    word_count,
)


def test_word_count_simple():
    assert word_count("the cat sat on the mat") == 6


def test_word_count_empty():
    assert word_count("") == 0


def test_char_count():
    assert char_count("a b c") == 5
    assert char_count("a b c", include_spaces=False) == 3


def test_sentence_count():
    assert sentence_count("One. Two! Three?") == 3
    assert sentence_count("no full stop") == 1
    assert sentence_count("") == 0


def test_average_word_length():
    assert average_word_length("ab abcd") == 3.0


def test_top_words_ranks_by_count():
    assert top_words("b a b c b a", 2) == [("b", 3), ("a", 2)]


def test_top_words_breaks_ties_alphabetically():
    assert top_words("pear apple fig", 2) == [("apple", 1), ("fig", 1)]
