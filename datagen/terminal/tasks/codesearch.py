"""Code search and mechanical refactors: rename a function, TODO reports, license headers, debug-line removal."""

from __future__ import annotations

from .common import expect, pick, plural

NAME = "codesearch"
COUNT = 6

PKG = ["shop", "ledger", "helpdesk", "inventory"]


def _sources(rng, pkg: str, old: str, debug: bool = False, todos: bool = False) -> dict[str, str]:
    """A small Python package whose modules call ``old`` (and ``old_by_email``, which must survive renames)."""
    dbg = lambda what: f"    print(\"DEBUG\", {what})  # debug\n" if debug and rng.random() < 0.8 else ""  # noqa: E731
    todo = lambda text: f"    # {pick(rng, ['TODO', 'FIXME', 'TODO'])}: {text}\n" if todos and rng.random() < 0.75 else ""  # noqa: E731
    return {
        f"src/{pkg}/__init__.py": f'"""{pkg} service."""\n\n__version__ = "{rng.randint(1, 4)}.{rng.randint(0, 9)}.0"\n',
        f"src/{pkg}/users.py": (
            "from .db import query\n\n\n"
            f"def {old}(user_id):\n" + todo("cache lookups per request") + dbg("user_id")
            + "    rows = query(\"SELECT * FROM users WHERE id = %s\", user_id)\n    return rows[0] if rows else None\n\n\n"
            f"def {old}_by_email(email):\n" + todo("normalise e-mail case") + "    rows = query(\"SELECT * FROM users WHERE email = %s\", email)\n"
            "    return rows[0] if rows else None\n"),
        f"src/{pkg}/orders.py": (
            f"from .users import {old}\n\n\n"
            "def order_summary(order):\n" + dbg("order") + f"    customer = {old}(order[\"user_id\"])\n"
            + todo("include shipping address") + "    return {\"id\": order[\"id\"], \"customer\": customer[\"name\"]}\n"),
        f"src/{pkg}/api/handlers.py": (
            f"from ..users import {old}, {old}_by_email\n\n\n"
            "def show_user(request):\n" + dbg("request") + f"    return {old}(int(request.args[\"id\"]))\n\n\n"
            "def search_user(request):\n" + todo("rate-limit this endpoint") + f"    return {old}_by_email(request.args[\"email\"])\n"),
        f"src/{pkg}/api/__init__.py": "",
        f"src/{pkg}/db.py": ("def query(sql, *params):\n" + todo("use a connection pool")
                             + "    raise NotImplementedError(\"wired up in production\")\n"),
    }


SYNTAX_OK = ("python3 -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]; "
             "print(len(sys.argv) - 1, \"files parse\")' $(find src -name '*.py' | sort)")


def rename_function(t, rng):
    pkg = pick(rng, PKG)
    old, new = pick(rng, [("get_user", "fetch_user"), ("load_user", "get_user_record"), ("find_user", "lookup_user")])
    files = _sources(rng, pkg, old)
    t.start(pick(rng, [
        f"Rename the function `{old}` to `{new}` everywhere in src/ (definition, imports and calls). "
            f"`{old}_by_email` is a different function and must keep its name.",
        f"We're renaming `{old}` to `{new}`. Update the definition and every import and call site under src/, but don't touch `{old}_by_email`.",
    ]), files)
    hits = t.sh(f"grep -rnw '{old}' src | sort", alt=[f"grep -rn '\\b{old}\\b' src | sort"]).lines()
    targets = t.sh(f"grep -rlw '{old}' src | sort").lines()
    t.sh(f"sed -i 's/\\b{old}\\b/{new}/g' " + " ".join(targets),
         alt=[f"grep -rlw '{old}' src | xargs sed -i 's/\\b{old}\\b/{new}/g'",
              f"find src -name '*.py' -exec sed -i 's/\\b{old}\\b/{new}/g' {{}} +"])
    left = t.sh(f"grep -rnw '{old}' src")
    kept = t.sh(f"grep -rn '{old}_by_email' src | wc -l").int()
    ok = t.sh(SYNTAX_OK).stdout.strip()
    expect(left.rc == 1 and kept == 3, "renamed")
    t.done(f"`{old}` appeared on {len(hits)} lines in {plural(len(targets), 'file')} (" + ", ".join(targets)
           + f"); I replaced it with `{new}` using a word-boundary sed, so `{old}_by_email` is untouched ({kept} "
           f"occurrences remain). No whole-word `{old}` is left and all {ok.split()[0]} Python files still parse.")


def todo_report(t, rng):
    pkg = pick(rng, PKG)
    files = _sources(rng, pkg, "get_user", todos=True)
    n_expected = sum(text.count("# TODO") + text.count("# FIXME") for text in files.values())
    if n_expected == 0:
        files[f"src/{pkg}/db.py"] = "# TODO: retry on deadlock\n" + files[f"src/{pkg}/db.py"]
    t.start(pick(rng, [
        "Collect every TODO and FIXME comment under src/ into TODO.md as a Markdown checklist "
            "(`- [ ] file:line: text`), sorted by file and line, and tell me how many there are per file.",
        "Make me a TODO.md checklist of all TODO/FIXME comments in src/, one `- [ ] file:line: text` item each in file/line order, and give me a count per file.",
    ]), files)
    t.sh("grep -rnE '# (TODO|FIXME)' src | sort -t: -k1,1 -k2,2n")
    per = t.sh("grep -rcE '# (TODO|FIXME)' src | grep -v ':0$' | sort").lines()
    t.sh("grep -rnE '# (TODO|FIXME)' src | sort -t: -k1,1 -k2,2n | "
         "sed -E 's/^([^:]+):([0-9]+): *# *(TODO|FIXME): */- [ ] \\1:\\2: \\3 /' > TODO.md",
         alt=["grep -rnE '# (TODO|FIXME)' src | sort -t: -k1,1 -k2,2n | "
              "awk -F: '{text = $0; sub(/^[^:]+:[0-9]+: *# */, \"\", text); sub(/: */, \" \", text); "
              "print \"- [ ] \" $1 \":\" $2 \": \" text}' > TODO.md"])
    items = t.sh("cat TODO.md").lines()
    total = sum(int(p.rsplit(":", 1)[1]) for p in per)
    expect(len(items) == total, "one item per comment")
    t.done(f"TODO.md lists {plural(total, 'item')} as unchecked boxes, sorted by file and line. Per file: "
           + ", ".join(f"{p.rsplit(':', 1)[0]} {p.rsplit(':', 1)[1]}" for p in per) + ".")


HEADER = "# SPDX-License-Identifier: {lic}"


def license_headers(t, rng):
    pkg = pick(rng, PKG)
    lic = pick(rng, ["MIT", "Apache-2.0", "BSD-3-Clause"])
    files = _sources(rng, pkg, "get_user")
    has = rng.sample(sorted(p for p, v in files.items() if v), 2)
    for path in has:
        files[path] = HEADER.format(lic=lic) + "\n" + files[path]
    t.start(pick(rng, [
        f"Every Python file under src/ must start with `{HEADER.format(lic=lic)}`. Add the line to the files that "
            f"are missing it, without duplicating it where it already exists.",
        f"Legal wants `{HEADER.format(lic=lic)}` as the first line of every .py file in src/. Add it wherever it is missing (some files already have it).",
    ]), files)
    missing = t.sh("grep -L '^# SPDX-License-Identifier' $(find src -name '*.py' | sort)",
                   alt=["find src -name '*.py' | sort | xargs grep -L '^# SPDX-License-Identifier'"]).lines()
    header = HEADER.format(lic=lic)
    empty = [m for m in missing if not files[m]]
    use_sed = rng.random() < 0.6
    if use_sed:
        t.sh(f"for f in {' '.join(missing)}; do sed -i '1i {header}' \"$f\"; done")
        still = t.sh("grep -L '^# SPDX-License-Identifier' $(find src -name '*.py' | sort)").lines()
        expect(still == empty, "sed 1i skips empty files")
        t.sh(f"printf '%s\\n' '{header}' > {empty[0]}", alt=[f"echo '{header}' > {empty[0]}"])
    else:
        t.sh(f"for f in {' '.join(missing)}; do printf '%s\\n' '{header}' | cat - \"$f\" > \"$f.new\" && mv \"$f.new\" \"$f\"; done")
    t.sh("head -n 2 " + next(m for m in missing if files[m]))
    count = t.sh(f"grep -l '^# SPDX-License-Identifier: {lic}$' $(find src -name '*.py') | wc -l").int()
    dupes = t.sh("grep -c '^# SPDX-License-Identifier' $(find src -name '*.py' | sort) | grep -v ':1$' | wc -l").int()
    expect(count == len(files) and dupes == 0, "all headed once")
    how = (f"`sed -i '1i ...'` added it to all but the empty {empty[0]} (sed has no line 1 to insert before there), "
           f"so I wrote the header into that file directly" if use_sed else
           "I prepended it with `printf | cat -` and a temporary file, which also covers the empty __init__.py")
    t.done(f"{plural(len(missing), 'file')} lacked `{header}`; {how}. All {count} Python files now start with the header, "
           f"exactly once each; the {len(has)} that already had it were left untouched.")


def strip_debug(t, rng):
    pkg = pick(rng, PKG)
    files = _sources(rng, pkg, "get_user", debug=True)
    if not any("# debug" in v for v in files.values()):
        files[f"src/{pkg}/db.py"] = files[f"src/{pkg}/db.py"].replace(
            "    raise", "    print(\"DEBUG\", sql)  # debug\n    raise")
    t.start(pick(rng, [
        "Before the release, remove the temporary debug prints from src/ — they're all marked with a trailing "
            "`# debug` comment. Make sure the code still parses.",
        "Strip the leftover debugging prints (lines ending in `# debug`) out of src/ and check that everything still parses.",
    ]), files)
    hits = t.sh("grep -rn '# debug$' src | sort").lines()
    t.sh("grep -rl '# debug$' src | xargs sed -i '/# debug$/d'",
         alt=["find src -name '*.py' -exec sed -i '/# debug$/d' {} +",
              "for f in $(grep -rl '# debug$' src); do grep -v '# debug$' \"$f\" > \"$f.tmp\"; mv \"$f.tmp\" \"$f\"; done"])
    left = t.sh("grep -rn 'print(' src")
    ok = t.sh(SYNTAX_OK).stdout.strip()
    expect(left.rc == 1, "no prints")
    t.done(f"Removed {plural(len(hits), 'debug print')} from " + ", ".join(sorted({h.split(':')[0] for h in hits}))
           + f". No `print(` calls remain under src/, and {ok} with ast.parse.")


FLOWS = [rename_function, todo_report, license_headers, strip_debug]
