"""Shared machinery for the terminal trajectories: sandbox runner, state snapshots, trajectory builder.

Every command is executed for real, in a fresh temporary work directory, exactly the way the
``pivot/terminal-v0`` sandbox replays it: ``bash -c COMMAND`` with the work directory as cwd, a fixed
minimal environment and umask 022.  Tool messages therefore hold genuine outputs, and the flows
write their closing summaries from those outputs.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass

SYSTEM = (
    "You are a careful Linux terminal agent. You work in /work. Use the bash tool to run commands; "
    "reply with a short summary when the task is done."
)
TOOLS = [{
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a bash command in /work and return its output (stdout and stderr) and exit status.",
        "parameters": {
            "type": "object",
            "properties": {"command": {"type": "string", "description": "The bash command to run"}},
            "required": ["command"],
            "additionalProperties": False,
        },
    },
}]
WORKDIR = "/work"
SOURCE = "pivotrl synthetic"
UMASK = 0o022
TIMEOUT_S = 30

os.umask(UMASK)


class FlowError(AssertionError):
    """A flow's expectation about a real command output did not hold."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise FlowError(message)


# --------------------------------------------------------------------------- sandbox

def command_env(root: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": root, "LC_ALL": "C", "TZ": "UTC"}


@dataclass
class Result:
    stdout: str
    stderr: str
    rc: int

    @property
    def content(self) -> str:
        """The tool message: stdout, then stderr, then ``[exit status N]`` when N != 0."""
        text = self.stdout + self.stderr
        if self.rc != 0:
            if text and not text.endswith("\n"):
                text += "\n"
            text += f"[exit status {self.rc}]"
        return text

    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def int(self) -> int:
        return int(self.stdout.split()[0])


def run_command(root: str, command: str) -> Result:
    proc = subprocess.run(
        ["bash", "-c", command], cwd=root, capture_output=True, text=True,
        env=command_env(root), stdin=subprocess.DEVNULL, timeout=TIMEOUT_S,
    )
    return Result(proc.stdout, proc.stderr, proc.returncode)


def materialise(root: str, files: dict[str, str], setup: list[str]) -> None:
    """Write ``files`` under ``root`` and run the ``setup`` commands, in order."""
    for rel, text in files.items():
        expect(not os.path.isabs(rel) and ".." not in rel.split("/"), f"bad file path {rel!r}")
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    for command in setup:
        res = run_command(root, command)
        expect(res.rc == 0, f"setup command failed: {command!r}: {res.content}")


def new_root() -> str:
    return tempfile.mkdtemp(prefix="pivot-terminal-")


# --------------------------------------------------------------------------- state snapshots

def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _semantic_digest(name: str, data: bytes) -> str:
    """Hash of what a file *means*: archives by members, gzip files by their decompressed text.

    Archive bytes embed timestamps, so two equally good ``tar czf`` runs differ byte-wise;
    comparing members (name, type, mode, content) is what "same effect" means for them.
    """
    try:
        if name.endswith((".tar", ".tgz", ".tar.gz")):
            members = []
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                for m in tar.getmembers():
                    body = tar.extractfile(m).read() if m.isfile() else b""
                    members.append((m.name.rstrip("/"), m.type.decode(), m.mode & 0o7777, _digest(body)))
            return "tar:" + _digest(json.dumps(sorted(members)).encode())
        if name.endswith(".gz"):
            return "gz:" + _digest(gzip.decompress(data))
    except (tarfile.TarError, OSError, EOFError):
        pass
    return _digest(data)


def snapshot(root: str, with_mtime: bool = True) -> dict[str, tuple]:
    """Every path under ``root`` -> (kind, mode, content digest[, mtime])."""
    state: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                state[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                state[rel] = ("dir", mode)
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
                entry = ("file", mode, _semantic_digest(name, data))
                state[rel] = entry + ((st.st_mtime_ns,) if with_mtime else ())
    return state


def check_equivalent(root: str, command: str, main: Result, changed: bool,
                     after: dict, alternative: str) -> str | None:
    """Run ``alternative`` on a copy of the state ``command`` started from; None if equivalent.

    ``root`` must still be in the pre-command state.  State-changing commands must leave the
    same files (same contents, modes, archive members); read-only ones must print the same.
    """
    scratch = new_root()
    try:
        shutil.rmtree(scratch)
        shutil.copytree(root, scratch, symlinks=True)
        res = run_command(scratch, alternative)
        if changed:
            other = snapshot(scratch, with_mtime=False)
            if other != after:
                diff = sorted(k for k in set(other) | set(after) if other.get(k) != after.get(k))
                return f"alternative {alternative!r} to {command!r} leaves a different state: {diff}"
        elif res.content != main.content:
            return (f"alternative {alternative!r} to read-only {command!r} prints "
                    f"{res.content!r} instead of {main.content!r}")
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --------------------------------------------------------------------------- trajectory builder

class Traj:
    """Builds one trajectory while executing its commands in a private work directory."""

    def __init__(self, family: str, flow: str):
        self.family, self.flow = family, flow
        self.messages: list[dict] = [{"role": "system", "content": SYSTEM}]
        self.files: dict[str, str] = {}
        self.setup: list[str] = []
        self.root: str | None = None
        self.calls = 0
        self.changing: list[str] = []
        self.equivalents: dict[str, list[str]] = {}
        self.finished = False

    def start(self, user: str, files: dict[str, str], setup: list[str] | tuple = ()) -> Traj:
        self.messages.append({"role": "user", "content": user})
        self.files, self.setup = dict(files), list(setup)
        self.root = new_root()
        materialise(self.root, self.files, self.setup)
        return self

    def sh(self, command: str, alt: list[str] | tuple = (), note: str | None = None) -> Result:
        """One assistant turn calling bash with ``command``; returns the real result.

        ``alt`` lists other commands with the same effect (checked here, kept in meta).
        """
        expect(self.root is not None and not self.finished, "sh() outside a started trajectory")
        self.calls += 1
        call_id = f"call_{self.calls}"
        before = snapshot(self.root)
        if alt:
            shadow = new_root()
            shutil.rmtree(shadow)
            shutil.copytree(self.root, shadow, symlinks=True)
        res = run_command(self.root, command)
        changed = snapshot(self.root) != before
        if changed:
            self.changing.append(call_id)
        if alt:
            try:
                after = snapshot(self.root, with_mtime=False)
                for other in alt:
                    problem = check_equivalent(shadow, command, res, changed, after, other)
                    expect(problem is None, str(problem))
            finally:
                shutil.rmtree(shadow, ignore_errors=True)
            self.equivalents[call_id] = list(alt)
        self.messages.append({
            "role": "assistant", "content": note,
            "tool_calls": [{"id": call_id, "type": "function",
                            "function": {"name": "bash", "arguments": json.dumps({"command": command})}}],
        })
        self.messages.append({"role": "tool", "tool_call_id": call_id, "name": "bash", "content": res.content})
        return res

    def done(self, summary: str) -> None:
        self.messages.append({"role": "assistant", "content": summary})
        self.finished = True
        self.close()

    def close(self) -> None:
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def record(self, record_id: str) -> dict:
        expect(self.finished, f"{record_id}: flow {self.flow} did not finish with a summary")
        meta = {"task": self.family, "source": SOURCE, "flow": self.flow,
                "state_changing_calls": list(self.changing)}
        if self.equivalents:
            meta["equivalent_commands"] = dict(self.equivalents)
        return {
            "id": record_id, "domain": "terminal", "messages": self.messages, "tools": TOOLS,
            "env": {"workdir": WORKDIR, "files": self.files, "setup": self.setup},
            "meta": meta,
        }


# --------------------------------------------------------------------------- small helpers

def pick(rng, options):
    return options[rng.randrange(len(options))]


def sample(rng, options, k):
    return rng.sample(list(options), k)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def join_words(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def code(items) -> str:
    return join_words([f"`{x}`" for x in items])


def uniq_counts(text: str) -> list[tuple[int, str]]:
    """Parse ``uniq -c`` style output ("   9 billing") into [(9, "billing"), ...]."""
    rows = []
    for line in text.splitlines():
        parts = line.split(None, 1)
        if parts:
            rows.append((int(parts[0]), parts[1] if len(parts) > 1 else ""))
    return rows


def hms(seconds: int) -> str:
    seconds %= 86400
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
