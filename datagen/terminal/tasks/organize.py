"""File organisation: sort by extension, bulk renames, archiving by age (find -newer), cleanup, duplicates."""

from __future__ import annotations

from .common import expect, join_words, pick, plural, uniq_counts

NAME = "organize"
COUNT = 7

DOC_NAMES = ["invoice-2026-01", "invoice-2026-02", "lease-agreement", "boarding-pass", "tax-summary-2025",
             "meeting-notes", "offer-letter", "warranty-card", "travel-insurance", "payslip-2026-02"]
IMG_NAMES = ["IMG_2041", "IMG_2042", "screenshot-dashboard", "whiteboard", "receipt-scan", "team-photo", "logo-draft"]
DATA_NAMES = ["bank-export-2026-02", "contacts", "timesheet-week09", "budget-q1", "strava-activities"]


def _blob(rng, kind: str, name: str) -> str:
    return f"{kind} placeholder for {name}; {rng.randint(1000, 99999)} bytes in the original\n" * rng.randint(1, 4)


def sort_by_extension(t, rng):
    files = {}
    for name in rng.sample(DOC_NAMES, 4):
        ext = pick(rng, ["pdf", "pdf", "txt", "md"])
        files[f"downloads/{name}.{ext}"] = _blob(rng, ext.upper(), name)
    for name in rng.sample(IMG_NAMES, 4):
        ext = pick(rng, ["jpg", "png"])
        files[f"downloads/{name}.{ext}"] = _blob(rng, ext.upper(), name)
    for name in rng.sample(DATA_NAMES, 2):
        files[f"downloads/{name}.csv"] = "date,description,amount\n2026-02-03,coffee,3.40\n"
    exts = {p.rsplit(".", 1)[1] for p in files}
    imgs = sorted(e for e in exts if e in ("jpg", "png"))
    docs = sorted(e for e in exts if e in ("pdf", "txt", "md"))
    t.start(pick(rng, [
        "My downloads/ folder is a mess. Put images into downloads/images, documents (pdf, txt, md) into "
            "downloads/documents and CSV files into downloads/data.",
        "Please tidy downloads/: images go in downloads/images, PDFs/text/markdown in downloads/documents, CSVs in downloads/data.",
    ]), files)
    t.sh("ls downloads", alt=["ls -1 downloads"])
    counts = uniq_counts(t.sh("ls downloads | sed 's/.*\\.//' | sort | uniq -c",
                              alt=["ls downloads | awk -F. '{print $NF}' | sort | uniq -c"]).stdout)
    t.sh("mkdir -p downloads/images downloads/documents downloads/data",
         alt=["mkdir -p downloads/{images,documents,data}"])
    img_glob = " ".join(f"downloads/*.{e}" for e in imgs)
    t.sh(f"mv {img_glob} downloads/images/",
         alt=[f"for f in {img_glob}; do mv \"$f\" downloads/images/; done"])
    doc_glob = " ".join(f"downloads/*.{e}" for e in docs)
    t.sh(f"mv {doc_glob} downloads/documents/ && mv downloads/*.csv downloads/data/")
    tree = t.sh("find downloads -type f | sort").lines()
    loose = [p for p in tree if p.count("/") == 1]
    expect(not loose and len(tree) == len(files), "all moved")
    per = {}
    for p in tree:
        per[p.split("/")[1]] = per.get(p.split("/")[1], 0) + 1
    t.done(f"Sorted all {len(files)} files (" + ", ".join(f"{n} .{e}" for n, e in counts) + "): "
           + join_words([f"{per[d]} into downloads/{d}" for d in ("images", "documents", "data")])
           + ". Nothing is left loose in downloads/.")


def bulk_rename(t, rng):
    trip = pick(rng, ["lisbon", "dolomites", "kyoto", "iceland", "porto", "seville"])
    year = pick(rng, ["2025", "2026"])
    start = rng.randint(100, 8000)
    nums = sorted(rng.sample(range(start, start + 60), rng.randint(6, 9)))
    files = {f"photos/IMG_{n:04d}.JPG": _blob(rng, "JPEG", f"IMG_{n:04d}") for n in nums}
    files["photos/notes.txt"] = f"{trip.title()} {year}: keep the originals on the NAS too.\n"
    t.start(pick(rng, [
        f"Rename the camera files in photos/ from IMG_1234.JPG to {year}-{trip}-1234.jpg (lower-case extension). "
            "Leave other files alone.",
        f"The photos/ folder has camera names like IMG_1234.JPG. Rename them to {year}-{trip}-1234.jpg (same number, lower-case .jpg) and don't touch anything else.",
    ]), files)
    t.sh("ls photos")
    t.sh(f"cd photos && for f in IMG_*.JPG; do n=${{f#IMG_}}; mv \"$f\" \"{year}-{trip}-${{n%.JPG}}.jpg\"; done",
         alt=[f"for f in photos/IMG_*.JPG; do b=$(basename \"$f\" .JPG); mv \"$f\" \"photos/{year}-{trip}-${{b#IMG_}}.jpg\"; done",
              f"cd photos && ls IMG_*.JPG | sed 's/^IMG_\\(.*\\)\\.JPG$/mv IMG_\\1.JPG {year}-{trip}-\\1.jpg/' | bash"])
    listing = t.sh("ls photos").lines()
    n = t.sh(f"ls photos | grep -c '^{year}-{trip}-'", alt=[f"ls photos/{year}-{trip}-*.jpg | wc -l"]).int()
    expect(n == len(nums), "all renamed")
    t.done(f"Renamed {plural(n, 'photo')}: {listing[0]} through {listing[n - 1]} now follow the {year}-{trip}-NNNN.jpg "
           f"pattern, keeping the original numbers. `notes.txt` was left as it was.")


SPACED = ["Quarterly Report (final).docx", "Board Deck v3.pptx", "Budget 2026 draft.xlsx", "Team Offsite Agenda.md",
          "Vendor Contract - signed.pdf", "Onboarding Checklist.md", "Roadmap Q2.pdf", "Interview Notes.txt"]


def spaces_to_underscores(t, rng):
    names = rng.sample(SPACED, rng.randint(4, 6))
    files = {f"shared/{n}": _blob(rng, "document", n) for n in names}
    files["shared/README.txt"] = "Team share. Please keep file names free of spaces for the sync tool.\n"
    t.start(pick(rng, [
        "The sync tool chokes on spaces in file names. Replace the spaces in every file name under shared/ with "
            "underscores, and drop parentheses while you're at it.",
        "File names under shared/ must not contain spaces or parentheses (the sync tool breaks). Rename them: spaces become underscores, parentheses are dropped.",
    ]), files)
    bad = t.sh("ls shared | grep -c ' '", alt=["find shared -name '* *' | wc -l"]).int()
    t.sh("cd shared && for f in *' '*; do mv \"$f\" \"$(printf '%s' \"$f\" | tr ' ' '_' | tr -d '()')\"; done",
         alt=["for f in shared/*' '*; do b=${f#shared/}; b=${b// /_}; b=${b//[()]/}; mv \"$f\" \"shared/$b\"; done"])
    listing = t.sh("ls shared").lines()
    left = t.sh("find shared -name '* *' -o -name '*[()]*' | wc -l").int()
    expect(left == 0 and bad == len(names), "clean")
    t.done(f"Renamed {plural(bad, 'file')} in shared/; the folder now holds " + ", ".join(f"`{x}`" for x in listing)
           + ". No names with spaces or parentheses remain.")


def archive_old(t, rng):
    months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    kinds = rng.sample(["sales", "traffic", "churn", "inventory", "support"], 3)
    files, setup = {}, []
    for kind in kinds:
        for m in months:
            if rng.random() < 0.7:
                path = f"reports/{kind}-{m}.csv"
                files[path] = f"metric,value\n{kind}_total,{rng.randint(100, 9000)}\n"
                setup.append(f"touch -d '{m}-{rng.randint(2, 9):02d} 06:{rng.randint(0, 59):02d}:00' {path}")
    cutoff = pick(rng, ["2026-01-01", "2026-02-01", "2025-12-01"])
    use_marker = rng.random() < 0.5
    if use_marker:
        files["reports/.last_sync"] = ""
        setup.append(f"touch -d '{cutoff} 00:00:00' reports/.last_sync")
        test, why = "! -newer reports/.last_sync", "not modified since the last sync (reports/.last_sync)"
    else:
        test, why = f"! -newermt '{cutoff}'", f"last modified before {cutoff}"
    t.start(pick(rng, [
        f"Move every CSV in reports/ that was {why} into reports/archive/. Tell me what moved.",
        f"Archive the old reports: every CSV in reports/ {why} should move to reports/archive/. What got moved?",
    ]), files, setup)
    if use_marker:
        t.sh("stat -c '%y %n' reports/.last_sync")
    old = t.sh(f"find reports -maxdepth 1 -name '*.csv' {test} | sort").lines()
    expect(0 < len(old) < len(files) - use_marker, "some but not all")
    t.sh("mkdir -p reports/archive")
    t.sh(f"find reports -maxdepth 1 -name '*.csv' {test} -exec mv {{}} reports/archive/ \\;",
         alt=[f"find reports -maxdepth 1 -name '*.csv' {test} -print0 | xargs -0 mv -t reports/archive/",
              f"find reports -maxdepth 1 -name '*.csv' {test} -exec mv -t reports/archive/ {{}} +"])
    kept = t.sh("ls reports/*.csv | wc -l").int()
    arch = t.sh("ls reports/archive").lines()
    t.done(f"Moved {plural(len(arch), 'report')} {why} into reports/archive/: "
           + ", ".join(arch) + f". {plural(kept, 'newer CSV')} {'stays' if kept == 1 else 'stay'} in reports/.")


def cleanup_temp(t, rng):
    src = ["src/app.py", "src/models.py", "src/views.py", "README.md", "docs/setup.md", "tests/test_app.py"]
    files = {f"project/{p}": f"# {p}\n" + "print('ok')\n" * rng.randint(2, 12) for p in src}
    junk = []
    for p in rng.sample(src, 3):
        junk.append(f"project/{p}~")
    for name in rng.sample(["build.tmp", "src/upload-3f2a.tmp", "docs/render.tmp", "cache.tmp"], 2):
        junk.append(f"project/{name}")
    for d in rng.sample(["", "src/", "docs/"], 2):
        junk.append(f"project/{d}.DS_Store")
    for j in junk:
        files[j] = "x" * rng.randint(40, 900) + "\n"
    expr = "\\( -name '*~' -o -name '*.tmp' -o -name '.DS_Store' \\)"
    t.start(pick(rng, [
        "Clean project/: delete editor backups (*~), *.tmp files and .DS_Store files anywhere under it, and tell "
            "me how many bytes that frees.",
        "Remove the junk from project/ — *~ backup files, *.tmp files and .DS_Store files in any subfolder — and tell me how much space it frees.",
    ]), files)
    found = t.sh(f"find project -type f {expr} | sort").lines()
    size = t.sh(f"find project -type f {expr} -printf '%s\\n' | awk '{{s += $1}} END {{print s}}'",
                alt=[f"find project -type f {expr} -exec cat {{}} + | wc -c"]).int()
    t.sh(f"find project -type f {expr} -delete", alt=[f"find project -type f {expr} -exec rm {{}} +"])
    left = t.sh("find project -type f | sort").lines()
    expect(len(found) == len(junk) and len(left) == len(src), "deleted exactly the junk")
    t.done(f"Deleted {len(found)} files ({size} bytes): " + ", ".join(f"`{f}`" for f in found)
           + f". {len(left)} project files remain, none of them backups or temp files.")


def dedupe_md5(t, rng):
    names = rng.sample(["beach.jpg", "cabin.jpg", "dinner.jpg", "harbour.jpg", "hike.jpg", "market.jpg", "sunset.jpg",
                        "train.jpg", "bridge.jpg"], 6)
    files = {f"album/{n}": _blob(rng, "JPEG", n) for n in names}
    copies = []
    for n in rng.sample(names, 3):
        copy = pick(rng, [n.replace(".jpg", " (1).jpg"), "copy-of-" + n, n.replace(".jpg", "-2.jpg")]).replace(" ", "_")
        files[f"album/{copy}"] = files[f"album/{n}"]
        copies.append(copy)
    t.start(pick(rng, [
        "album/ has the same photos saved under different names. Find files with identical content and delete the "
            "extra copies, keeping the original (shortest) name of each.",
        "There are byte-identical duplicates in album/ under different names. Delete the duplicates and keep the original (shortest) file name for each photo.",
    ]), files)
    t.sh("md5sum album/* | sort", alt=["md5sum album/* | sort -k1,1 -k2,2"])
    rank = "md5sum album/* | awk '{print $1, length($2), $2}' | sort -k1,1 -k2,2n -k3,3"
    extra = t.sh(rank + " | awk 'seen[$1]++ {print $3}'").lines()
    expect(sorted(e.split("/")[1] for e in extra) == sorted(copies), "exactly the copies")
    t.sh(rank + " | awk 'seen[$1]++ {print $3}' | xargs rm", alt=["rm " + " ".join(extra)])
    left = t.sh("md5sum album/* | cut -d' ' -f1 | sort | uniq -d | wc -l").int()
    n = t.sh("ls album | wc -l", alt=["ls -1 album | wc -l", "find album -type f | wc -l"]).int()
    expect(left == 0, "no dupes")
    t.done(f"Found {len(extra)} files that duplicated another photo byte for byte and deleted them: "
           + ", ".join(f"`{e}`" for e in extra) + f". The originals are kept and album/ now has {n} unique photos.")


FLOWS = [sort_by_extension, bulk_rename, spaces_to_underscores, archive_old, cleanup_temp, dedupe_md5]
