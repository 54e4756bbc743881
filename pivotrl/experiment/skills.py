"""The out-of-domain skill: short questions with exactly checkable answers (counting, adding,
reversing, sorting, comparing, copying an identifier), which the base model learns in
pretraining and a fine-tuned model may forget.

Every possible question belongs to one split by a hash of its text (test, dev or train), so
the held-out questions can never appear in pretraining, whatever the seeds and sizes.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Callable

from pivotrl.pivot_envs.tasks import Task

SPLITS = ("train", "dev", "test")


def _successor(rng: random.Random) -> tuple[str, str]:
    n = rng.randint(0, 998)
    return f"What number comes after {n}?", str(n + 1)


def _add(rng: random.Random) -> tuple[str, str]:
    a, b = rng.randint(0, 99), rng.randint(0, 99)
    return f"What is {a} + {b}?", str(a + b)


def _reverse(rng: random.Random) -> tuple[str, str]:
    letters = [rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 5))]
    return f"Reverse the letters: {' '.join(letters)}", " ".join(reversed(letters))


def _sort(rng: random.Random) -> tuple[str, str]:
    digits = [str(rng.randint(0, 9)) for _ in range(rng.randint(3, 5))]
    return f"Sort the digits: {' '.join(digits)}", " ".join(sorted(digits))


def _largest(rng: random.Random) -> tuple[str, str]:
    numbers = rng.sample(range(10, 100), 3)
    return f"Which is largest: {', '.join(map(str, numbers))}?", str(max(numbers))


def _copy(rng: random.Random) -> tuple[str, str]:
    """Repeat an identifier exactly: the copying that tool arguments need, on strings of no domain."""
    shape = rng.choice(("code", "id", "email"))
    if shape == "code":
        text = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(4, 8)))
    elif shape == "id":
        text = f"{''.join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 5)))}_" \
               f"{''.join(rng.choice(string.digits) for _ in range(rng.randint(3, 7)))}"
    else:
        text = f"{''.join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 7)))}." \
               f"{''.join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 7)))}@" \
               f"{rng.choice(['mail', 'post', 'inbox', 'net'])}.org"
    return f"Repeat exactly: {text}", text


CATEGORIES: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "successor": _successor, "add": _add, "reverse": _reverse, "sort": _sort, "largest": _largest, "copy": _copy,
}


def split_of(question: str) -> str:
    """test for a tenth of all questions, dev for another tenth, train for the rest."""
    bucket = int(hashlib.sha256(question.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


def skill_tasks(split: str, per_category: int, seed: int | str = 0) -> list[Task]:
    """``per_category`` distinct questions of every category from ``split``."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    out = []
    for name, make in CATEGORIES.items():
        rng = random.Random(f"pivotrl-skills-{name}-{split}-{seed}")
        seen: set[str] = set()
        attempts = 0
        while len(seen) < per_category:
            attempts += 1
            if attempts > 200 * per_category + 1000:
                raise ValueError(f"{name}: fewer than {per_category} distinct {split} questions exist")
            question, answer = make(rng)
            if question in seen or split_of(question) != split:
                continue
            seen.add(question)
            out.append(Task(f"{name}-{split}-{len(seen):05d}", [{"role": "user", "content": question}], [answer],
                            name))
    return out
