"""Plain question/answer tasks with an exact answer, for measuring what a policy could do
before training and keeps after it (out-of-domain skills).

A task file is JSONL (or anything ``iter_raw`` reads), one task a line:
``{"id", "question", "answer"}``, where ``answer`` may be a list of accepted answers and
``messages`` (a chat conversation ending with the user) may replace ``question``; optional
``system``, ``category`` and ``meta``. A reply is correct when, with any reasoning block
removed and whitespace and quotes normalized as the ``exact`` verifier does, it equals one of
the answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.io import Source, iter_raw
from pivotrl.pivot_envs.records import Pivot, normalize_messages
from pivotrl.verifiers.exact import normalize_text
from pivotrl.verifiers.parsers.reasoning import strip_reasoning


@dataclass(frozen=True)
class Task:
    """One question with its accepted answers."""

    id: str
    messages: list[dict[str, Any]]
    answers: list[str]
    category: str = "-"
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Task:
        if not isinstance(record, Mapping):
            raise DataError(f"expected a JSON object, found {type(record).__name__}")
        if record.get("id") is None:
            raise DataError("missing required field (a task needs 'id')", field="id")
        answers = record.get("answers", record.get("answer"))
        if isinstance(answers, (str, int, float)) and not isinstance(answers, bool):
            answers = [str(answers)]
        if not isinstance(answers, list) or not answers or not all(isinstance(a, (str, int, float)) for a in answers):
            raise DataError("expected 'answer' as a string (or 'answers' as a non-empty list of strings)",
                            field="answer")
        if "messages" in record:
            messages = normalize_messages(record["messages"])
        else:
            question = record.get("question")
            if not isinstance(question, str) or not question.strip():
                raise DataError("missing required field (a task needs 'question' or 'messages')", field="question")
            messages = [{"role": "user", "content": question}]
            system = record.get("system")
            if system is not None:
                if not isinstance(system, str):
                    raise DataError(f"expected a string, found {type(system).__name__}", field="system")
                messages.insert(0, {"role": "system", "content": system})
        if messages[-1].get("role") != "user":
            raise DataError("the conversation must end with a user message (the question)", field="messages")
        category = record.get("category", "-")
        meta = record.get("meta") or {}
        if not isinstance(meta, Mapping):
            raise DataError(f"expected an object, found {type(meta).__name__}", field="meta")
        return cls(str(record["id"]), messages, [str(a) for a in answers], str(category), dict(meta))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "messages": self.messages, "answers": self.answers,
                               "category": self.category}
        if self.meta:
            out["meta"] = self.meta
        return out

    def as_pivot(self, suite: str) -> Pivot:
        """The task as a state a ``Policy`` can sample at (no tools; the first answer as reference)."""
        return Pivot(id=self.id, domain=suite, messages=self.messages, tools=[],
                     reference={"role": "assistant", "content": self.answers[0]}, meta={"category": self.category})


def load_tasks(source: Source) -> list[Task]:
    """Tasks from a file; errors name the file, line and field. Ids must be unique."""
    out: list[Task] = []
    seen: set[str] = set()
    for record, path, line in iter_raw(source):
        try:
            task = Task.from_dict(record)
            if task.id in seen:
                raise DataError(f"the id {task.id!r} appears twice; task ids must be unique", field="id")
        except DataError as exc:
            raise exc.located(path=path or "<tasks>", line=line) from None
        seen.add(task.id)
        out.append(task)
    return out


def write_tasks(tasks: Iterable[Task], path: str | os.PathLike[str]) -> int:
    from pivotrl.pivot_envs.io import write_jsonl

    return write_jsonl([t.to_dict() for t in tasks], path)


def check_answer(reply: str, answers: Iterable[str]) -> tuple[bool, str]:
    """Whether ``reply`` states one of ``answers`` exactly (after normalization), and why not."""
    visible, _ = strip_reasoning(reply or "")
    got = normalize_text(visible)
    accepted = [normalize_text(a) for a in answers]
    if got in accepted:
        return True, "exact answer"
    if not got:
        return False, "empty reply"
    return False, f"expected {accepted[0]!r}{' (or another accepted answer)' if len(accepted) > 1 else ''}, got {got[:60]!r}"
