"""Which lines of a shell command's stdout may be compared in any order, decided from the
command's syntax tree (tree-sitter-bash), never from a substring of its text.

Rules (each side of a comparison is judged by its own command):
- Unordered sources print in an order nothing fixes: ``find`` and ``du`` walk directories,
  ``ls -U``/``-f``, ``grep -r``/``rg`` walk a tree; ``xargs -P``, ``parallel`` without ``-k``,
  background jobs (``&``) that print beside other output, ``shuf`` and ``sort -R`` interleave
  or shuffle at random.
- A later pipeline stage ``sort`` fixes the order again; line filters (grep, sed, cut, head...)
  keep an unordered stream unordered; any other stage (wc, md5sum, a script) makes it strict.
- A per-item consumer of an unordered stream (``xargs CMD``, ``find -exec CMD``, a ``while
  read`` or ``for x in $(find ...)`` loop) keeps it unordered only when CMD prints one line per
  item; otherwise its lines cannot be attributed and the output is strict.
- Output sent away (``>file``, ``>/dev/null``, ``>&2``), assignments and quiet commands (cd,
  mkdir, cp, ``find -delete``...) print nothing. Comments, strings and arguments are never
  commands. Lines whose number is known statically (``echo``/``printf`` of literals) before or
  after the unordered part are kept in place; any other mix of ordered and unordered output,
  or two unordered parts, is strict. A command that does not parse is strict.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pivotrl.verifiers.shell_syntax import arguments, command_name, literal, named_children, parse, text, walk


@dataclass(frozen=True)
class Segment:
    """A run of output lines: unordered, or ordered with a known (``lines``) or unknown count."""

    unordered: bool
    lines: int | None = None


Shape = tuple[Segment, ...]  # the segments of stdout in order; () prints nothing
ORDERED: Shape = (Segment(False),)
UNORDERED: Shape = (Segment(True),)


def _fixed(lines: int | None) -> Shape:
    if lines == 0:
        return ()
    return (Segment(False, lines),)


@dataclass(frozen=True)
class OutputShape:
    """The decision for one command: its segments and a reason a person can read."""

    segments: Shape
    reason: str

    @property
    def span(self) -> tuple[int, int] | None:
        """``(lines before, lines after)`` the one unordered part, when there is exactly one and
        every other part has a known number of lines; None: compare every line in order."""
        unordered = [i for i, s in enumerate(self.segments) if s.unordered]
        if len(unordered) != 1:
            return None
        before, after = self.segments[: unordered[0]], self.segments[unordered[0] + 1 :]
        if any(s.lines is None for s in (*before, *after)):
            return None
        return sum(s.lines or 0 for s in before), sum(s.lines or 0 for s in after)

    @property
    def unordered(self) -> bool:
        return self.span is not None


def _concat(*shapes: Shape) -> Shape:
    out: list[Segment] = []
    for shape in shapes:
        for seg in shape:
            if out and not seg.unordered and not out[-1].unordered:
                last = out[-1]
                merged = None if last.lines is None or seg.lines is None else last.lines + seg.lines
                out[-1] = Segment(False, merged)
            else:
                out.append(seg)
    return tuple(out)


def _one_line(shape: Shape) -> bool:
    return shape == (Segment(False, 1),)


def _per_item(invocation: Shape) -> Shape:
    """Output of one invocation per item of an unordered stream."""
    if not invocation:
        return ()
    return UNORDERED if _one_line(invocation) else ORDERED


# Commands that print nothing on stdout unless asked to (-v / --verbose)
QUIET = {"cd", "mkdir", "rmdir", "touch", "rm", "cp", "mv", "ln", "chmod", "chown", "chgrp", "truncate",
         "true", "false", ":", "exit", "return", "break", "continue", "wait", "sleep", "read", "test", "[",
         "unset", "shift", "umask", "ulimit", "trap"}
# Line filters: each output line comes from input lines in input order
FILTERS = {"grep", "egrep", "fgrep", "sed", "awk", "gawk", "mawk", "cut", "tr", "head", "tail", "cat", "tac",
           "uniq", "tee", "rev", "nl", "fold", "expand", "unexpand", "column", "strings"}
# One line per operand
PER_OPERAND = {"wc", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum",
               "basename", "dirname", "realpath", "readlink", "file"}
SUMS_STDIN = {"wc", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum"}
# name -> options of that wrapper that take a separate value; the wrapped command follows
WRAPPERS: dict[str, set[str]] = {
    "env": {"-u", "--unset", "-C", "--chdir", "-S"}, "command": set(), "builtin": set(), "exec": {"-a"},
    "nice": {"-n", "--adjustment"}, "nohup": set(), "stdbuf": {"-i", "-o", "-e"}, "sudo": {"-u", "-g", "-C", "-D"},
    "ionice": {"-c", "-n", "-p"}, "timeout": {"-s", "--signal", "-k", "--kill-after"},
}
_GREP_WITH_VALUE = {"-e", "-f", "-m", "-A", "-B", "-C", "--regexp", "--file", "--max-count", "--include",
                    "--exclude", "--exclude-dir", "-d", "-D"}


def _short_flags(words: list[str | None]) -> set[str]:
    flags: set[str] = set()
    for w in words:
        if w and w.startswith("-") and not w.startswith("--") and len(w) > 1:
            flags.update(w[1:])
    return flags


def _has(words: list[str | None], *names: str) -> bool:
    return any(w is not None and (w in names or any(w.startswith(n + "=") for n in names if n.startswith("--")))
               for w in words)


class _Analyzer:
    def __init__(self) -> None:
        self.functions: dict[str, Any] = {}
        self.reasons: list[str] = []
        self.depth = 0
        self.item_variables: set[str] = set()  # loop and ``read`` variables: one item, one line

    def note(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)

    # -- statements ---------------------------------------------------------------------
    def node(self, node: Any, stdin: Shape | None = None) -> Shape:
        self.depth += 1
        try:
            if self.depth > 200:
                raise RecursionError
            return self._node(node, stdin)
        finally:
            self.depth -= 1

    def _node(self, node: Any, stdin: Shape | None) -> Shape:
        kind = node.type
        if kind in ("program", "compound_statement", "do_group"):
            return self.sequence(named_children(node))
        if kind == "subshell":
            return self.sequence(named_children(node), stdin)
        if kind == "list":
            return self.sequence(named_children(node))
        if kind == "pipeline":
            return self.pipeline(named_children(node))
        if kind == "redirected_statement":
            body = node.child_by_field_name("body")
            redirects = node.children_by_field_name("redirect")
            if _stdout_sent_away(redirects):
                if body is not None:
                    self.collect_functions(body)
                return ()
            feeds = [r for r in redirects if r.type == "file_redirect" and r.children and r.children[0].type == "<"]
            source = None
            for r in feeds:
                dest = r.child_by_field_name("destination")
                if dest is not None and dest.type == "process_substitution":
                    source = self.sequence(named_children(dest))
            return self.node(body, source if source is not None else stdin) if body is not None else ORDERED
        if kind == "command":
            return self.command(node, stdin)
        if kind in ("variable_assignment", "variable_assignments", "test_command"):
            return ()
        if kind == "declaration_command":
            return () if len(named_children(node)) > 0 else ORDERED
        if kind == "function_definition":
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is not None and body is not None:
                self.functions[text(name)] = body
            return ()
        if kind == "negated_command":
            inner = named_children(node)
            return self.node(inner[0], stdin) if inner else ()
        if kind == "if_statement":
            return self.if_statement(node)
        if kind == "for_statement":
            return self.for_loop(node)
        if kind in ("while_statement", "until_statement"):
            return self.while_loop(node, stdin)
        if kind == "case_statement":
            branches = []
            for item in (c for c in node.children if c.type == "case_item"):
                start = next((i for i, c in enumerate(item.children) if c.type == ")"), len(item.children))
                branches.append(self.sequence([c for c in item.children[start:] if c.is_named]))
            return _alternatives([*branches, ()])
        if kind == "comment":
            return ()
        self.note(f"{kind} is not analysed")
        return ORDERED

    def collect_functions(self, node: Any) -> None:
        if node.type == "function_definition":
            self.node(node)

    def sequence(self, nodes: list[Any], stdin: Shape | None = None) -> Shape:
        """Statements run one after another; ``&`` runs one beside the ones after it."""
        shapes: list[Shape] = []
        concurrent = False
        backgrounded = 0
        children = [n for n in nodes if n.type != "comment"]
        for n in children:
            shape = self.node(n, stdin if len(children) == 1 else None)
            shapes.append(shape)
            if backgrounded and shape:
                concurrent = True
            if _followed_by_ampersand(n) and shape:
                backgrounded += 1
                if backgrounded > 1:
                    concurrent = True
        if concurrent:
            self.note("background jobs (&) print beside other output")
            return UNORDERED
        return _concat(*shapes)

    def pipeline(self, stages: list[Any]) -> Shape:
        shape = self.node(stages[0])
        for stage in stages[1:]:
            shape = self.node(stage, stdin=shape)
        return shape

    def if_statement(self, node: Any) -> Shape:
        """The conditions run, then one branch: branches that print differently cannot be told apart."""
        conditions = [c for c in node.children_by_field_name("condition") if c.is_named and c.type != "comment"]
        condition_ids = {c.id for c in conditions}
        parts = [self.node(c) for c in conditions]
        body = [c for c in named_children(node) if c.id not in condition_ids
                and c.type not in ("elif_clause", "else_clause")]
        branches = [self.sequence(body)]
        has_else = False
        for clause in named_children(node):
            if clause.type == "else_clause":
                has_else = True
                branches.append(self.sequence(named_children(clause)))
            elif clause.type == "elif_clause":
                then = next((i for i, c in enumerate(clause.children) if c.type == "then"), len(clause.children))
                tests = [c for c in clause.children[:then] if c.is_named and c.type != "comment"]
                rest = [c for c in clause.children[then:] if c.is_named and c.type != "comment"]
                branches.append(_concat(self.sequence(tests), self.sequence(rest)))
        if not has_else:
            branches.append(())
        return _concat(*parts, _alternatives(branches))

    def for_loop(self, node: Any) -> Shape:
        body = node.child_by_field_name("body")
        variable = node.child_by_field_name("variable")
        each = self.with_items([text(variable)] if variable is not None else [], body)
        if not each:
            return ()
        if any(self.words_unordered(v) for v in node.children_by_field_name("value")):
            self.note("a loop over an unordered list")
            return _per_item(each)
        return ORDERED  # the body's output repeated: ordered, or several unordered parts (strict)

    def while_loop(self, node: Any, stdin: Shape | None) -> Shape:
        condition = node.child_by_field_name("condition")
        body = node.child_by_field_name("body")
        cond = self.node(condition) if condition is not None else ()
        read = next((c for c in ([condition, *named_children(condition)] if condition is not None else [])
                     if c.type == "command" and command_name(c) == "read"), None)
        names = [w for w in (literal(a) for a in arguments(read)) if w and not w.startswith("-")] if read else []
        each = _concat(cond, self.with_items(names, body))
        if not each:
            return ()
        reads = read is not None
        if reads and stdin is not None and stdin == UNORDERED:
            return _per_item(each)
        return ORDERED

    def with_items(self, names: list[str], body: Any) -> Shape:
        if body is None:
            return ()
        added = set(names) - self.item_variables
        self.item_variables |= added
        try:
            return self.node(body)
        finally:
            self.item_variables -= added

    # -- words ----------------------------------------------------------------------------
    def one_line_value(self, node: Any) -> bool:
        """A word whose value holds no newline: literal text and loop / ``read`` variables."""
        for current in walk(node):
            if current.type in ("command_substitution", "process_substitution", "arithmetic_expansion"):
                return False
            if current.type in ("simple_expansion", "expansion"):
                names = [c for c in current.children if c.type == "variable_name"]
                if len(names) != 1 or text(names[0]) not in self.item_variables:
                    return False
            if current.type in ("string_content", "word", "raw_string") and "\n" in text(current):
                return False
        return True

    def words_unordered(self, node: Any) -> bool:
        """A word list whose items come out of an unordered command substitution."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("command_substitution", "process_substitution"):
                if self.sequence(named_children(current)) == UNORDERED:
                    return True
                continue
            stack.extend(current.children)
        return False

    # -- simple commands -----------------------------------------------------------------
    def command(self, node: Any, stdin: Shape | None) -> Shape:
        if node.child_by_field_name("name") is None:
            return ()  # assignments only
        name, args = _unwrap(command_name(node), arguments(node))
        if name is None:
            self.note("the command name is computed")
            return ORDERED
        if name in self.functions:
            return self.node(self.functions[name], stdin)
        words = [literal(a) for a in args]
        handler = getattr(self, "cmd_" + re.sub(r"\W", "_", name), None)
        if handler is not None:
            return handler(args, words, stdin)
        if name in QUIET:
            verbose = "v" in _short_flags(words) or _has(words, "--verbose")
            return ORDERED if verbose or (name == "cd" and "-" in words) else ()
        if name in FILTERS:
            if stdin is not None and not _reads_files(name, words):
                return UNORDERED if stdin == UNORDERED else ORDERED
            return ORDERED
        if name in PER_OPERAND:
            operands = [a for a, w in zip(args, words, strict=True) if not (w or "").startswith("-")]
            if any(self.words_unordered(a) for a in operands):
                self.note(f"{name} of an unordered list of operands")
                return UNORDERED
            count = _operand_count(operands)
            if operands and count is not None:
                return _fixed(count + (1 if name == "wc" and count > 1 else 0))
            if not operands and stdin is not None and name in SUMS_STDIN:
                return _fixed(1)
        return ORDERED

    def cmd_echo(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        options: set[str] = set()
        rest = list(zip(args, words, strict=True))
        while rest and rest[0][1] and re.fullmatch(r"-[neE]+", rest[0][1]):
            options.update(rest.pop(0)[1][1:])  # type: ignore[index]
        if "n" in options:
            return ORDERED  # no newline: it joins the next output's first line
        newlines = 0
        for arg, word in rest:
            if word is None:
                if not self.one_line_value(arg):
                    return ORDERED  # a value that may hold several lines
                continue
            if "\\" in word:
                return ORDERED  # escapes: echo implementations differ on them
            newlines += word.count("\n")
        return _fixed(1 + newlines)

    def cmd_printf(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        if not words or words[0] is None or words[0].startswith("-"):
            return ORDERED
        fmt = words[0]
        values = words[1:]
        if "%b" in fmt or any(v is None and not self.one_line_value(a) for a, v in zip(args[1:], values, strict=True)):
            return ORDERED
        if any(v is not None and "\n" in v for v in values):
            return ORDERED
        body = fmt.replace("%%", "")
        conversions = len(re.findall(r"%[-+ #0-9.*]*[a-zA-Z]", body))
        newlines = fmt.count("\\n") + fmt.count("\n")
        if not fmt.endswith(("\\n", "\n")):
            return ORDERED  # an unfinished line joins the next output
        repeats = max(1, -(-len(values) // conversions)) if conversions else 1
        return _fixed(repeats * newlines)

    def has_substitution(self, node: Any) -> bool:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("command_substitution", "process_substitution"):
                return True
            stack.extend(current.children)
        return False

    def cmd_find(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        if any(w is None and self.has_substitution(a) for a, w in zip(args, words, strict=True)):
            return ORDERED
        i = 0
        actions: list[tuple[str, list[str | None]]] = []
        depth_zero = False
        while i < len(words):
            w = words[i]
            if w in ("-maxdepth",) and i + 1 < len(words) and words[i + 1] == "0":
                depth_zero = True
            if w in ("-exec", "-execdir", "-ok", "-okdir"):
                j = i + 1
                while j < len(words) and words[j] not in (";", "+"):
                    j += 1
                actions.append((w, words[i + 1 : j] + ([words[j]] if j < len(words) else [])))
                i = j + 1
                continue
            if w in ("-print", "-print0", "-printf", "-ls", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"):
                actions.append((w, []))
            i += 1
        printing = not actions or any(a in ("-print", "-print0", "-printf", "-ls") for a, _ in actions)
        execs = [cmd for a, cmd in actions if a in ("-exec", "-execdir", "-ok", "-okdir")]
        if not printing and not execs:
            return ()  # -delete / -fprint only: nothing on stdout
        if depth_zero:
            return ORDERED  # prints its operands in the order given
        self.note("find walks directories in an unspecified order")
        if execs:
            per_item = all(self.exec_one_line(cmd) for cmd in execs)
            return UNORDERED if per_item else ORDERED
        return UNORDERED

    def exec_one_line(self, words: list[str | None]) -> bool:
        """``-exec CMD {} ;`` (one item a run) or ``-exec CMD {} +`` (many): one line per item?"""
        if not words or words[0] is None:
            return False
        batched = words[-1] == "+"
        name = words[0].rsplit("/", 1)[-1]
        operands = [w for w in words[1:-1] if w is not None and not w.startswith("-")]
        if name in PER_OPERAND or (name in ("grep", "egrep", "fgrep") and _grep_lists_files(words[1:-1])):
            return True
        if batched:
            return False
        if name == "echo" and not any(w and w.startswith("-n") for w in words[1:]):
            return all(w is not None and "\n" not in w for w in operands)
        if name == "printf" and operands:
            return operands[0].endswith("\\n") and operands[0].count("\\n") == 1 and len(operands) <= 2
        return False

    def cmd_du(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        flags = _short_flags(words)
        summarize = "s" in flags or _has(words, "--summarize") or _depth_zero(words)
        if summarize:
            return ORDERED
        self.note("du walks directories in an unspecified order")
        return UNORDERED

    def cmd_ls(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        flags = _short_flags(words)
        if "U" in flags or "f" in flags or _has(words, "--sort=none") or _pair(words, "--sort", "none"):
            self.note("ls -U / -f lists in directory order")
            return UNORDERED
        return ORDERED

    def cmd_grep(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        flags = _short_flags(words)
        if "r" in flags or "R" in flags or _has(words, "--recursive", "--dereference-recursive"):
            self.note("grep -r walks directories in an unspecified order")
            return UNORDERED
        if stdin == UNORDERED and not _reads_files("grep", words):
            return UNORDERED
        return ORDERED

    cmd_egrep = cmd_grep
    cmd_fgrep = cmd_grep

    def cmd_rg(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        if _has(words, "--sort", "--sortr") or _has(words, "-j1", "--threads=1"):
            return ORDERED
        self.note("rg searches in parallel")
        return UNORDERED

    def cmd_sort(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        if "R" in _short_flags(words) or _has(words, "--random-sort", "--sort=random") or _pair(words, "--sort", "random"):
            self.note("sort -R shuffles")
            return UNORDERED
        if "c" in _short_flags(words) or "C" in _short_flags(words) or _has(words, "--check"):
            return ()
        return ORDERED

    def cmd_shuf(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        self.note("shuf shuffles")
        return UNORDERED

    def cmd_xargs(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        i, parallel, single = 0, False, False
        with_value = {"-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args",
                      "--max-lines", "--max-procs", "--replace", "--max-chars", "--eof"}
        while i < len(words):
            w = words[i]
            if w is None or not w.startswith("-"):
                break
            value = None
            if w in with_value:
                value = words[i + 1] if i + 1 < len(words) else None
                i += 1
            elif w.startswith("--") and "=" in w:
                w, value = w.split("=", 1)
            elif len(w) > 2 and w[1] in "PnLIsdaE":
                w, value = w[:2], w[2:]
            if w in ("-P", "--max-procs") and value != "1":
                parallel = True
            if (w in ("-n", "--max-args", "-L", "--max-lines") and value == "1") or w in ("-I", "-i", "--replace"):
                single = True
            i += 1
        if parallel:
            self.note("xargs -P runs commands in parallel")
            return UNORDERED
        if stdin != UNORDERED:
            return ORDERED
        command = words[i:] or ["echo"]
        if command[0] is not None and command[0].rsplit("/", 1)[-1] in PER_OPERAND:
            return UNORDERED
        if command[0] is not None and command[0].rsplit("/", 1)[-1] in ("grep", "egrep", "fgrep") \
                and _grep_lists_files(command[1:]):
            return UNORDERED
        if single and self.exec_one_line([*command, ";"]):
            return UNORDERED
        return ORDERED

    def cmd_parallel(self, args: list[Any], words: list[str | None], stdin: Shape | None) -> Shape:
        if _has(words, "-k", "--keep-order"):
            return ORDERED
        self.note("parallel prints jobs as they finish")
        return UNORDERED


def _pair(words: list[str | None], option: str, value: str) -> bool:
    return any(a == option and b == value for a, b in itertools.pairwise(words))


def _depth_zero(words: list[str | None]) -> bool:
    return _has(words, "--max-depth=0") or _pair(words, "--max-depth", "0") or _pair(words, "-d", "0") \
        or "-d0" in words


def _has_glob(values: list[Any]) -> bool:
    return any(v.type == "word" and any(ch in text(v) for ch in "*?[") for v in values)


def _grep_lists_files(words: list[str | None]) -> bool:
    flags = _short_flags(words)
    return bool({"l", "L", "c"} & flags) or _has(words, "--files-with-matches", "--files-without-match", "--count")


def _reads_files(name: str, words: list[str | None]) -> bool:
    """Whether a filter names input files (then it does not read the pipe)."""
    operands = [w for w in words if w is None or not w.startswith("-")]
    needs_script = name in ("grep", "egrep", "fgrep", "sed", "awk", "gawk", "mawk")
    if needs_script and not _has(words, "-e", "-f", "--regexp", "--file", "--expression"):
        operands = operands[1:]
    return bool(operands)


def _unwrap(name: str | None, args: list[Any]) -> tuple[str | None, list[Any]]:
    """``timeout 5 find .`` runs ``find .``: see through command wrappers."""
    for _ in range(8):
        if name not in WRAPPERS:
            break
        words = [literal(a) for a in args]
        if name == "command" and any(w in ("-v", "-V") for w in words[:2]):
            return "command -v", []  # prints where a command is
        i = 0
        while i < len(words) and words[i] is not None and words[i].startswith("-") and words[i] != "-":  # type: ignore[union-attr]
            i += 2 if words[i] in WRAPPERS[name] else 1
        while name == "env" and i < len(words) and words[i] is not None and "=" in words[i]:  # type: ignore[operator]
            i += 1
        if name == "timeout":
            i += 1  # the duration
        if i >= len(words):
            return name, []
        if words[i] is None:
            return None, []
        name, args = words[i].rsplit("/", 1)[-1], args[i + 1 :]  # type: ignore[union-attr]
    return name, args


def _alternatives(branches: list[Shape]) -> Shape:
    """One of several branches runs."""
    printing = {b for b in branches if b}
    if not printing:
        return ()
    if len(printing) > 1:
        return ORDERED
    only = next(iter(printing))
    if len(printing) < len(branches):  # or nothing at all: a known line count is no longer known
        return tuple(s if s.unordered else Segment(False) for s in only)
    return only


def _operand_count(operands: list[Any]) -> int | None:
    """How many words ``operands`` become; None when a glob or an unquoted substitution may split.
    An unquoted variable is taken as one word."""
    for node in operands:
        if node.type == "word" and any(ch in text(node) for ch in "*?["):
            return None
        if node.type in ("command_substitution", "process_substitution"):
            return None
        if node.type == "concatenation" and any(c.type == "command_substitution" for c in node.children):
            return None
    return len(operands)


def _followed_by_ampersand(node: Any) -> bool:
    sibling = node.next_sibling
    return sibling is not None and sibling.type == "&"


def _stdout_sent_away(redirects: list[Any]) -> bool:
    """Whether fd 1 goes to a file, /dev/null or stderr (a redirect beside a here-doc counts)."""
    pending = list(redirects)
    while pending:
        r = pending.pop(0)
        if r.type == "heredoc_redirect":
            pending.extend(c for c in r.children if c.type == "file_redirect")
            continue
        if r.type != "file_redirect":
            continue
        descriptor = r.child_by_field_name("descriptor")
        if descriptor is not None and text(descriptor) != "1":
            continue
        operator = next((c.type for c in r.children if not c.is_named), "")
        destination = r.child_by_field_name("destination")
        if operator in ("&>", "&>>", ">", ">>", ">|") or (
                operator == ">&" and (destination is None or text(destination) != "1")):
            return True
    return False


@lru_cache(maxsize=4096)
def output_shape(command: str) -> OutputShape:
    """How the stdout of ``command`` is ordered, decided from its syntax tree."""
    root = parse(command)
    if root is None:
        return OutputShape(ORDERED, "the command does not parse: compared in order")
    analyzer = _Analyzer()
    try:
        segments = analyzer.node(root)
    except RecursionError:
        return OutputShape(ORDERED, "the command is nested too deeply: compared in order")
    shape = OutputShape(segments, "")
    if shape.span is not None:
        reason = "; ".join(analyzer.reasons) or "unordered output"
    elif any(s.unordered for s in segments):
        reason = "unordered output mixed with other output that cannot be told apart: compared in order"
    else:
        reason = "output order is fixed"
    return OutputShape(segments, reason)
