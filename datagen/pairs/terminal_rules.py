"""Rewrite rules for bash actions (shared by the terminal and swe generators): equivalent
rewrites (other flags or pipelines with the same effect) and near misses (a flag that changes
the effect, off-by-one numbers, the wrong file, hard-coded output, a destructive tail). Each
rule names its construction; execution on several fixtures confirms or drops what it makes."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

# (rule, pattern, replacement, category): first match only; a rule applies when the text changes.
EQ_SUBS: list[tuple[str, str, str, str]] = [
    ("head_short", r"\bhead -n (\d+)\b", r"head -\1", "eq/short_option"),
    ("head_long", r"\bhead -n (\d+)\b", r"head --lines=\1", "eq/long_option"),
    ("tail_long", r"\btail -n (\+?\d+)\b", r"tail --lines=\1", "eq/long_option"),
    ("tail_short", r"\btail -n (\d+)\b", r"tail -\1", "eq/short_option"),
    ("sort_nr", r"\bsort -rn\b", "sort -nr", "eq/flag_order"),
    ("sort_long", r"\bsort -rn\b", "sort --numeric-sort --reverse", "eq/long_option"),
    ("uniq_count_long", r"\buniq -c\b", "uniq --count", "eq/long_option"),
    ("grep_count_long", r"\bgrep -c\b", "grep --count", "eq/long_option"),
    ("wc_lines_long", r"\bwc -l\b", "wc --lines", "eq/long_option"),
    ("wc_bytes_long", r"\bwc -c\b", "wc --bytes", "eq/long_option"),
    ("mkdir_parents_long", r"\bmkdir -p\b", "mkdir --parents", "eq/long_option"),
    ("sed_in_place_long", r"\bsed -i\b", "sed --in-place", "eq/long_option"),
    ("sed_quiet_long", r"\bsed -n\b", "sed --quiet", "eq/long_option"),
    ("sed_E_r", r"\bsed -E\b", "sed -r", "eq/flag_spelling"),
    ("grep_E_long", r"\bgrep -E\b", "grep --extended-regexp", "eq/long_option"),
    ("grep_rn_nr", r"\bgrep -rn\b", "grep -nr", "eq/flag_order"),
    ("grep_n_A", r"\bgrep -n -A (\d+)", r"grep -A \1 -n", "eq/flag_order"),
    ("grep_n_long", r"\bgrep -n\b(?! -A)", "grep --line-number", "eq/long_option"),
    ("tar_list_long", r"\btar tzf\b", "tar --list --gzip --file", "eq/long_option"),
    ("tar_extract_split", r"\btar xzf\b", "tar -x -z -f", "eq/flag_spelling"),
    ("ls_one_per_line", r"^ls (?=[\w./ -]+$)", "ls -1 ", "eq/ls_one_per_line"),
    ("chmod_all_x", r"\bchmod \+x\b", "chmod a+x", "eq/flag_spelling"),
    ("rm_force_long", r"\brm -f\b", "rm --force", "eq/long_option"),
    ("printf_for_echo", r"^echo '([^'\n]*)' >> ([\w./-]+)$", r"printf '%s\\n' '\1' >> \2", "eq/printf_for_echo"),
    ("count_pipeline", r"^grep -c ('[^']*'|[\w.-]+) ([\w./-]+)$", r"grep \1 \2 | wc -l", "eq/count_pipeline"),
    ("wc_to_grep", r"^wc -l < ([\w./-]+)$", r"grep -c '' \1", "eq/count_pipeline"),
    ("wc_to_awk", r"^wc -l < ([\w./-]+)$", r"awk 'END {print NR}' \1", "eq/count_pipeline"),
    ("head_to_sed", r"^head -n (\d+) ([\w./-]+)$", r"sed -n '1,\1p' \2", "eq/line_range_tool"),
    ("head_to_awk", r"^head -n (\d+) ([\w./-]+)$", r"awk 'NR <= \1' \2", "eq/line_range_tool"),
    ("cat_head", r"^head -n (\d+) ([\w./-]+)$", r"cat \2 | head -\1", "eq/line_range_tool"),
    ("cat_stdin", r"^cat ([\w./-]+)$", r"cat < \1", "eq/redirect_input"),
    ("cat_to_sed", r"^cat ([\w./-]+)$", r"sed -n p \1", "eq/line_range_tool"),
    ("tee_for_redirect", r"^([^\n>]*[^\n>\s]) > ([\w./-]+)$", r"\1 | tee \2 > /dev/null", "eq/tee_redirect"),
]

NEQ_SUBS: list[tuple[str, str, str, str]] = [
    ("sort_not_reversed", r"\bsort -(rn|nr)\b", "sort -n", "neq/sort_order"),
    ("sort_key_not_reversed", r"\bsort (-t\S+ )?-k(\d+),(\d+)nr\b", r"sort \1-k\2,\3n", "neq/sort_order"),
    ("sort_reversed", r"\| sort(?= \||$)", "| sort -r", "neq/sort_order"),
    ("grep_inverted", r"\bgrep -c\b", "grep -vc", "neq/inverted_match"),
    ("grep_inverted_plain", r"(^|\| )grep (?=['\w])", r"\1grep -v ", "neq/inverted_match"),
    ("uniq_count_dropped", r"\buniq -c\b", "uniq", "neq/missing_flag"),
    ("uniq_d_u", r"\buniq -d\b", "uniq -u", "neq/wrong_flag"),
    ("wc_words", r"\bwc -l\b", "wc -w", "neq/wrong_flag"),
    ("append_for_truncate", r" > (?=[\w./-]+\s*$)", " >> ", "neq/append_vs_truncate"),
    ("truncate_for_append", r" >> ", " > ", "neq/append_vs_truncate"),
    ("mkdir_no_parents", r"\bmkdir -p ", "mkdir ", "neq/missing_flag"),
    ("sed_not_in_place", r"\bsed -i ", "sed ", "neq/not_in_place"),
    ("sed_first_only", r"/g'", "/'", "neq/first_match_only"),
    ("grep_word_dropped", r"\bgrep -r([nl])w\b", r"grep -r\1", "neq/missing_flag"),
    ("chmod_who", r"\bchmod \+x\b", "chmod u+x", "neq/wrong_mode"),
    ("head_for_tail", r"\btail -n (\d+)\b", r"head -n \1", "neq/head_vs_tail"),
    ("tail_for_head", r"\bhead -n (\d+)\b", r"tail -n \1", "neq/head_vs_tail"),
    ("move_not_copy", r"^cp (?!-)", "mv ", "neq/move_not_copy"),
    ("delete_dry_run", r" -delete\b", " -print", "neq/dry_run"),
    ("gzip_keeps", r"\bgzip (?=[\w.])", "gzip -k ", "neq/keep_original"),
    ("rm_not_recursive", r"\brm -rf\b", "rm -f", "neq/missing_flag"),
    ("header_kept", r"\btail -n \+2\b", "tail -n +1", "neq/off_by_one"),
    ("header_dropped_sed", r"\bsed 1d\b", "sed 2d", "neq/off_by_one"),
]


def _plus_one(match: re.Match[str]) -> str:
    number = match.group("n")
    start, end = match.span("n")
    text = match.group(0)
    offset = match.start(0)
    return text[: start - offset] + str(int(number) + 1) + text[end - offset:]


# numbers whose off-by-one changes the effect (head -n N, NR > N, -maxdepth N, a sed line address ...)
OFF_BY_ONE = [
    ("count_off_by_one", r"\b(?:head|tail) -n (?P<n>\d+)\b"),
    ("nr_off_by_one", r"\bNR ?(?:>|>=|<|<=|==|!=) ?(?P<n>\d+)\b"),
    ("context_off_by_one", r"\bgrep\b[^|]* -[AB] ?(?P<n>\d+)\b"),
    ("size_off_by_one", r"-size \+(?P<n>\d+)"),
    ("depth_off_by_one", r"-maxdepth (?P<n>\d+)"),
    ("line_address_off_by_one", r"\bsed -i '(?P<n>\d+)[ds]"),
    ("range_off_by_one", r"\bsed -n '?\d+,(?P<n>\d+)p"),
    ("seq_off_by_one", r"\bseq 1 (?P<n>\d+)\b"),
    ("field_off_by_one", r"\bcut\b[^|]*-f(?P<n>\d+)\b"),
    ("awk_field_off_by_one", r"\{print \$(?P<n>\d+)\}"),
]


@dataclass(frozen=True)
class Rewrite:
    command: str
    equivalent: bool
    category: str
    rule: str
    stdout: str = "exact"


def substitution_rewrites(command: str) -> list[Rewrite]:
    """The table rules that apply to ``command`` (multi-line commands, heredocs, are left alone)."""
    if "\n" in command:
        return []
    out = []
    for table, equivalent in ((EQ_SUBS, True), (NEQ_SUBS, False)):
        for rule, pattern, replacement, category in table:
            new = re.sub(pattern, replacement, command, count=1)
            if new != command:
                out.append(Rewrite(new, equivalent, category, rule))
    for rule, pattern in OFF_BY_ONE:
        new = re.sub(pattern, _plus_one, command, count=1)
        if new != command:
            out.append(Rewrite(new, False, "neq/off_by_one", rule))
    return out


def wrapper_rewrites(command: str) -> list[Rewrite]:
    """Rewrites that keep the command intact: a subshell, a pipe through cat, a stray space."""
    out = [Rewrite(f"( {command}\n)" if "\n" in command else f"( {command} )", True, "eq/subshell", "subshell")]
    if "\n" not in command:
        out.append(Rewrite(f"{command} | cat", True, "eq/pipe_through_cat", "pipe_through_cat"))
        head, _, rest = command.partition(" ")
        if rest and re.fullmatch(r"[\w.-]+", head):
            out.append(Rewrite(f"{head}   {rest}", True, "eq/whitespace", "extra_spaces"))
    return out


def path_tokens(command: str, existing: dict[str, str]) -> list[str]:
    """Paths of ``existing`` (path -> F|D) that ``command`` names, in order of appearance."""
    seen = []
    for token in re.findall(r"[\w][\w./-]*", command):
        token = token.rstrip("/")
        if token in existing and token not in seen:
            seen.append(token)
    return seen


def sibling(path: str, existing: dict[str, str]) -> str | None:
    """Another file of the same folder (the same extension where there is one): the wrong file."""
    folder, _, name = path.rpartition("/")
    ext = name.rpartition(".")[2] if "." in name else ""
    peers = sorted(p for p, kind in existing.items() if kind == "F" and p != path and p.rpartition("/")[0] == folder
                   and "/" not in p[len(folder) + 1 if folder else 0:])
    same = [p for p in peers if ext and p.endswith("." + ext)]
    return (same or peers or [None])[0]


def context_rewrites(command: str, existing: dict[str, str], ref_stdout: str, read_only: bool) -> list[Rewrite]:
    """Near misses built from the pivot state: the wrong file, hard-coded output, a destructive or
    file-writing tail that leaves stdout as it is."""
    out = []
    paths = path_tokens(command, existing)
    for path in paths:
        if existing[path] == "F":
            other = sibling(path, existing)
            if other:
                new = re.sub(rf"(?<![\w./-]){re.escape(path)}(?![\w./-])", other, command)
                if new != command:
                    out.append(Rewrite(new, False, "neq/wrong_file", "sibling_file"))
                    break
    if read_only and ref_stdout and len(ref_stdout) <= 4000:
        out.append(Rewrite(f"printf '%s' {shlex.quote(ref_stdout)}", False, "neq/hardcoded_output", "printf_stdout"))
    target = next((p for p in paths if existing[p] == "F"), None) or next(
        (p for p, kind in sorted(existing.items()) if kind == "F" and "/" not in p), None)
    if target:
        out.append(Rewrite(f"{command}\nrm -f {shlex.quote(target)}" if "\n" in command
                           else f"{command}; rm -f {shlex.quote(target)}", False,
                           "neq/destructive_same_stdout", "rm_named_file"))
    if read_only and "\n" not in command:
        out.append(Rewrite(f"{command} | tee output.txt", False, "neq/side_file", "tee_to_file"))
    return out


RuleFn = Callable[[str], list[Rewrite]]
