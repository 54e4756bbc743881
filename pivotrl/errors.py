"""Exception hierarchy shared by every layer of pivotrl.

One base class so callers can catch everything of ours; each error says what was
expected, what was found and, where it can, which file, line and field were at fault.
"""

from __future__ import annotations


class PivotRLError(Exception):
    """Base class of every error pivotrl raises on purpose."""


class DataError(PivotRLError, ValueError):
    """Bad input data: names the file, the line (1-based) and the field at fault."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
        elif self.line is not None:
            where = f"line {self.line}"
        parts = [p for p in (where, f"field '{self.field}'" if self.field else "") if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def located(self, *, path: str | None = None, line: int | None = None) -> DataError:
        """The same error with a file and line filled in where they were unknown."""
        return DataError(
            self.message,
            path=self.path if self.path is not None else path,
            line=self.line if self.line is not None else line,
            field=self.field,
        )


class UnknownNameError(PivotRLError, KeyError):
    """A registry lookup failed; the message lists the names that are known."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class VerifierError(PivotRLError):
    """A verifier is misconfigured or broken (not a bad action: those score 0)."""


class EndpointError(PivotRLError):
    """An OpenAI-compatible endpoint is misconfigured or does not answer (the shared client layer
    of the judge, the endpoint policy and the trainer's sampler; each maps it to its own policy)."""


class SandboxError(PivotRLError):
    """A sandbox backend failed (daemon down, image missing, setup command failed)."""


class OutputError(PivotRLError):
    """An output could not be written (disk full, read-only, held by another process)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class OutputLocked(OutputError):
    """Another process is writing the same output; the message says which one."""
