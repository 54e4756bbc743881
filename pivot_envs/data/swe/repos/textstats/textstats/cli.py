"""Command line interface: python3 -m textstats FILE [--top N]."""

import argparse
import sys

from textstats.core import average_word_length, sentence_count, top_words, word_count


def build_parser():
    parser = argparse.ArgumentParser(
        prog="textstats", description="Print statistics about a text file."
    )
    parser.add_argument("path", help="file to analyse, or - for standard input")
    parser.add_argument(
        "--top", default=3, help="number of frequent words to list (default: 3)"
    )
    return parser


def read_text(path):
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def main(argv=None):
    args = build_parser().parse_args(argv)
    text = read_text(args.path)
    print(f"words: {word_count(text)}")
    print(f"sentences: {sentence_count(text)}")
    print(f"average word length: {average_word_length(text)}")
    for word, count in top_words(text, args.top):
        print(f"  {word}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
