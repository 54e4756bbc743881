"""Disk usage: du -b / find -printf on files, per-owner totals, trimming logs, cache cleanup, empty files.

Directory sizes from ``du`` depend on the filesystem, so sizes here are always apparent file sizes
(``du -b`` on files, ``find -printf '%s'``, ``wc -c``), which replay identically anywhere.
"""

from __future__ import annotations

from .common import expect, pick, plural

NAME = "disk"
COUNT = 6

WORDS = ["request", "served", "cache", "miss", "hit", "user", "session", "refreshed", "queue", "drained", "retry",
         "upstream", "latency", "ok", "batch", "flushed"]


def _text(rng, lines: int, prefix: str) -> str:
    return "".join(f"{prefix} {i:05d} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))) + "\n"
                   for i in range(lines))


def trim_biggest_log(t, rng):
    names = rng.sample(["api", "worker", "cron", "nginx-error", "mailer", "search", "auth"], 5)
    files = {}
    for i, n in enumerate(names):
        files[f"var/log/{n}.log"] = _text(rng, rng.randint(120, 160) if i == 0 else rng.randint(8, 45), n)
    keep = pick(rng, [20, 30, 50])
    t.start(pick(rng, [
        f"var/log/ is taking too much space. Which logs are biggest? Trim the largest one down to its last {keep} "
            f"lines and tell me how many bytes that saved.",
        f"Show me the largest logs in var/log/, then cut the biggest one down to its last {keep} lines. How many bytes did that free?",
    ]), files)
    top = t.sh("du -b var/log/*.log | sort -rn | head -n 3",
               alt=["du -b var/log/*.log | sort -k1,1nr | head -n 3"]).lines()
    before = t.sh("du -cb var/log/*.log | tail -n 1").int()
    biggest = top[0].split()[1]
    expect(biggest == f"var/log/{names[0]}.log", "first is biggest")
    t.sh(f"tail -n {keep} {biggest} > {biggest}.tmp && mv {biggest}.tmp {biggest}",
         alt=[f"python3 -c 'import sys; p = sys.argv[1]; lines = open(p).readlines(); open(p, \"w\").writelines(lines[-{keep}:])' {biggest}",
              f"sed -i -e :a -e '$q;N;{keep + 1},$D;ba' {biggest}"])
    lines = t.sh(f"wc -l < {biggest}", alt=[f"grep -c '' {biggest}"]).int()
    after = t.sh("du -cb var/log/*.log | tail -n 1").int()
    expect(lines == keep, "trimmed")
    t.done("The biggest logs were " + ", ".join(f"{x.split()[1]} ({x.split()[0]} bytes)" for x in top)
           + f". I trimmed {biggest} to its last {keep} lines; var/log/*.log went from {before} to {after} bytes, "
             f"saving {before - after} bytes.")


USERS = ["alice", "bogdan", "chen", "dara", "emeka", "farah"]
DOCS = ["thesis-draft.md", "notes.txt", "budget.csv", "photo-index.txt", "reading-list.md", "scan-001.txt",
        "timesheet.csv", "slides-outline.md"]


def user_quota(t, rng):
    users = rng.sample(USERS, 4)
    files = {}
    for i, u in enumerate(users):
        for k, d in enumerate(rng.sample(DOCS, rng.randint(3, 4))):
            files[f"home/{u}/{d}"] = _text(rng, rng.randint(32, 45) if i == 0 and k < 2 else rng.randint(1, 8), u)
    limit = 1500
    t.start(pick(rng, [
        f"Which user's folder under home/ uses the most space? For that user, move every file over {limit} bytes "
            f"into archive/<user>/ and report the new totals.",
        f"Find the user under home/ with the largest total file size and move their files bigger than {limit} bytes to archive/<user>/. Give me the per-folder totals afterwards.",
    ]), files)
    per = t.sh("find home -type f -printf '%s %h\\n' | awk '{s[$2] += $1} END {for (d in s) print s[d], d}' | sort -rn").lines()
    heavy = per[0].split()[1].split("/")[1]
    expect(heavy == users[0], "first user heaviest")
    big = t.sh(f"du -b home/{heavy}/* | sort -rn").lines()
    movers = [b.split()[1] for b in big if int(b.split()[0]) > limit]
    t.sh(f"mkdir -p archive/{heavy} && find home/{heavy} -type f -size +{limit}c -exec mv -t archive/{heavy}/ {{}} +",
         alt=[f"mkdir -p archive/{heavy} && mv {' '.join(movers)} archive/{heavy}/"])
    t.sh(f"ls archive/{heavy}")
    after = t.sh("find home archive -type f -printf '%s %h\\n' | awk '{s[$2] += $1} END {for (d in s) print s[d], d}' | sort -rn").lines()
    expect(len(movers) >= 1, "something to move")
    t.done(f"home/{heavy} was the largest ({per[0].split()[0]} bytes; next: " + ", ".join(
        f"{p.split()[1]} {p.split()[0]}" for p in per[1:]) + f"). I moved {plural(len(movers), 'file')} over {limit} bytes ("
        + ", ".join(m.split("/")[-1] for m in movers) + f") into archive/{heavy}/. New totals: "
        + ", ".join(f"{a.split()[1]} {a.split()[0]}" for a in after) + " bytes.")


def extension_report(t, rng):
    files = {}
    for n in rng.sample(["orders", "customers", "events", "returns", "stock"], 3):
        files[f"data/{n}.csv"] = _text(rng, rng.randint(10, 50), n)
    for n in rng.sample(["raw-2026-02", "raw-2026-03", "import"], 2):
        files[f"data/{n}.json"] = "{\"rows\": [" + ",".join(str(rng.randint(1, 999)) for _ in range(rng.randint(40, 200))) + "]}\n"
    for n in rng.sample(["schema", "notes", "changelog"], 2):
        files[f"data/docs/{n}.md"] = _text(rng, rng.randint(3, 12), "#")
    t.start(pick(rng, [
        "Write reports/data-usage.txt with the total bytes per file extension under data/ (largest first) followed "
            "by the five largest files, then tell me what's taking the space.",
        "How is the space in data/ split by file type? Save a report at reports/data-usage.txt (bytes per extension, largest first, then the five largest files) and summarise it for me.",
    ]), files)
    ext = t.sh("find data -type f -printf '%s %f\\n' | awk '{n = split($2, a, \".\"); s[a[n]] += $1} "
               "END {for (e in s) print s[e], e}' | sort -rn").lines()
    top = t.sh("find data -type f -printf '%s %p\\n' | sort -rn | head -n 5").lines()
    t.sh("mkdir -p reports && { echo '# bytes per extension'; find data -type f -printf '%s %f\\n' | awk '{n = split($2, a, "
         "\".\"); s[a[n]] += $1} END {for (e in s) print s[e], e}' | sort -rn; echo '# largest files'; find data -type f "
         "-printf '%s %p\\n' | sort -rn | head -n 5; } > reports/data-usage.txt")
    n = t.sh("wc -l < reports/data-usage.txt").int()
    expect(n == len(ext) + len(top) + 2, "report lines")
    total = sum(int(e.split()[0]) for e in ext)
    t.done(f"reports/data-usage.txt is written ({n} lines). data/ holds {total} bytes: "
           + ", ".join(f".{e.split()[1]} {e.split()[0]}" for e in ext) + f". The largest file is {top[0].split()[1]} "
           f"({top[0].split()[0]} bytes), followed by {top[1].split()[1]} and {top[2].split()[1]}.")


def cache_cleanup(t, rng):
    files, setup = {}, []
    for _ in range(rng.randint(8, 11)):
        name = f"cache/{rng.getrandbits(32):08x}.bin"
        files[name] = "x" * pick(rng, [rng.randint(80, 600), rng.randint(1200, 2600)]) + "\n"
        setup.append(f"touch -d '2026-03-{rng.randint(1, 20):02d} {rng.randint(0, 23):02d}:00:00' {name}")
    stamp = f"2026-03-{rng.randint(8, 12):02d}"
    files["cache/.last_gc"] = ""
    setup.append(f"touch -d '{stamp} 00:00:00' cache/.last_gc")
    t.start(pick(rng, [
        "Clean cache/: delete entries that are larger than 1 KB and haven't been touched since the last GC run "
            "(cache/.last_gc). How much space does that free?",
        "cache/ needs a GC pass: remove *.bin entries over 1 KB that are not newer than cache/.last_gc, and tell me how many bytes were freed.",
    ]), files, setup)
    before = t.sh("du -cb cache/*.bin | tail -n 1").int()
    sel = "find cache -name '*.bin' -size +1k ! -newer cache/.last_gc"
    victims = t.sh(f"{sel} -printf '%s %p\\n' | sort -k2").lines()
    expect(victims, "something to delete")
    t.sh(f"{sel} -delete", alt=[f"{sel} -exec rm {{}} +", f"{sel} -print0 | xargs -0 rm"])
    after = t.sh("du -cb cache/*.bin | tail -n 1").int()
    left = t.sh("ls cache | wc -l").int()
    t.done(f"Deleted {plural(len(victims), 'cache entry', 'cache entries')} over 1 KB that predate the last GC "
           f"({stamp}): " + ", ".join(v.split()[1].split("/")[1] for v in victims)
           + f". cache/*.bin went from {before} to {after} bytes, freeing {before - after} bytes; {left} entries remain.")


def empty_cleanup(t, rng):
    files, setup = {}, []
    for p in rng.sample(["2026/02/invoice-118.pdf", "2026/02/avatar-77.png", "2026/03/contract-9.pdf",
                         "2026/03/logo.svg", "tmp/chunk-0001.part", "2026/01/menu.pdf"], 4):
        files[f"uploads/{p}"] = f"upload {p}\n" * rng.randint(1, 5)
    empties = rng.sample(["2026/03/failed-upload.jpg", "tmp/chunk-0002.part", "2026/02/.keep", "2026/01/blank.txt"], 2)
    for p in empties:
        files[f"uploads/{p}"] = ""
    dirs = rng.sample(["uploads/2025/12", "uploads/tmp/session-4f1c", "uploads/2026/04", "uploads/staging/old"], 2)
    setup.append("mkdir -p " + " ".join(dirs))
    t.start(pick(rng, [
        "Tidy uploads/: remove every empty file and every empty directory (including ones that become empty).",
        "Please delete all empty files and empty folders under uploads/, including folders that only become empty after that.",
    ]),
            files, setup)
    ef = t.sh("find uploads -type f -empty | sort").lines()
    ed = t.sh("find uploads -type d -empty | sort").lines()
    t.sh("find uploads -empty -delete", alt=["find uploads -type f -empty -delete && find uploads -depth -type d -empty -delete"])
    left = t.sh("find uploads | sort").lines()
    expect(not any(x in left for x in ef + ed), "gone")
    known = set()
    for path in list(files) + dirs:
        parts = path.split("/")
        known.update("/".join(parts[:k]) for k in range(1, len(parts) + (path in dirs)))
    cascade = sorted(known - set(left) - set(ed))
    t.done(f"Removed {plural(len(ef), 'empty file')} (" + ", ".join(ef) + ") and the empty directories "
           + ", ".join(ed) + (f", plus {', '.join(cascade)}, which became empty in turn" if cascade else "")
           + f". uploads/ now contains {plural(sum(1 for x in left if '.' in x.split('/')[-1]), 'file')} and no empty entries.")


FLOWS = [trim_biggest_log, user_quota, extension_report, cache_cleanup, empty_cleanup]
