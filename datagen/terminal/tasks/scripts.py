"""Small scripts: write bash/python3 scripts with heredocs, chmod, run them, fix broken ones."""

from __future__ import annotations

from .common import expect, pick, plural

NAME = "scripts"
COUNT = 7

CSV_LINES = r"""#!/bin/bash
# usage: csv-rows.sh DIR -- data rows (header excluded) per CSV file, plus a total
set -euo pipefail
dir=${1:-.}
total=0
for f in "$dir"/*.csv; do
  n=$(( $(wc -l < "$f") - 1 ))
  printf '%-26s %5d\n' "$(basename "$f")" "$n"
  total=$((total + n))
done
printf '%-26s %5d\n' TOTAL "$total"
"""


def csv_rows_script(t, rng):
    names = rng.sample(["customers", "orders", "refunds", "shipments", "stock_moves", "suppliers", "tickets"], 4)
    files = {f"data/{n}.csv": "id,value\n" + "".join(f"{i},{rng.randint(1, 999)}\n" for i in range(rng.randint(3, 40)))
             for n in names}
    files["data/README.txt"] = "Nightly exports from the warehouse DB.\n"
    script = pick(rng, ["bin/csv-rows.sh", "tools/csv-rows.sh"])
    folder = script.split("/")[0]
    t.start(pick(rng, [
        f"Write a small bash script {script} that prints the number of data rows (excluding the header) in each CSV "
            f"file of a directory, plus a total. Make it executable and run it on data/.",
        f"I need {script}: a bash script taking a directory and printing, for every CSV in it, the row count without the header, then a TOTAL line. Make it executable and try it on data/.",
    ]), files)
    t.sh("ls data")
    t.sh(f"mkdir -p {folder} && cat > {script} <<'EOF'\n{CSV_LINES}EOF",
         alt=[f"mkdir -p {folder} && printf '%s' '{CSV_LINES.replace(chr(39), chr(39) + chr(92) + chr(39) + chr(39))}' > {script}"])
    t.sh(f"chmod +x {script}", alt=[f"chmod 755 {script}", f"chmod a+x {script}"])
    out = t.sh(f"./{script} data").lines()
    expect(out[-1].startswith("TOTAL"), "total line")
    rows = [o.split() for o in out[:-1]]
    big = max(rows, key=lambda r: int(r[1]))
    t.done(f"Created `{script}` (set -euo pipefail, one line per CSV plus a TOTAL line) and made it executable. On data/ "
           f"it reports {len(rows)} CSV files with {out[-1].split()[1]} data rows in total; the largest is {big[0]} "
           f"with {big[1]} rows. README.txt is ignored since it isn't a CSV.")


STATS_PY = '''#!/usr/bin/env python3
"""Min / max / mean per sensor from a CSV with columns timestamp,sensor,value."""
import csv
import statistics
import sys
from collections import defaultdict

values = defaultdict(list)
with open(sys.argv[1], newline="") as fh:
    for row in csv.DictReader(fh):
        values[row["sensor"]].append(float(row["value"]))

print(f"{'sensor':<14}{'n':>4}{'min':>8}{'max':>8}{'mean':>8}")
for sensor in sorted(values):
    v = values[sensor]
    print(f"{sensor:<14}{len(v):>4}{min(v):>8.1f}{max(v):>8.1f}{statistics.mean(v):>8.2f}")
'''


def python_stats(t, rng):
    sensors = rng.sample(["boiler-temp", "room-2-temp", "freezer-1", "freezer-2", "humidity-lab", "server-rack"], 4)
    base = {"boiler-temp": 68, "room-2-temp": 21, "freezer-1": -18, "freezer-2": -20, "humidity-lab": 45, "server-rack": 27}
    rows = ["timestamp,sensor,value"]
    for i in range(rng.randint(28, 40)):
        s = pick(rng, sensors)
        rows.append(f"2026-03-02T{i // 4 + 8:02d}:{(i % 4) * 15:02d}:00Z,{s},{base[s] + rng.uniform(-4, 4):.1f}")
    t.start(pick(rng, [
        "Write scripts/sensor_stats.py: given a CSV of readings (timestamp,sensor,value), print min, max and mean "
            "per sensor. Run it on data/readings.csv and save the table to reports/sensors.txt as well.",
        "Please write a Python script scripts/sensor_stats.py that prints min/max/mean per sensor for a readings CSV (timestamp,sensor,value). Run it on data/readings.csv and also save the output to reports/sensors.txt.",
    ]),
            {"data/readings.csv": "\n".join(rows) + "\n"})
    t.sh("head -n 4 data/readings.csv", alt=["sed -n 1,4p data/readings.csv"])
    t.sh(f"mkdir -p scripts && cat > scripts/sensor_stats.py <<'EOF'\n{STATS_PY}EOF")
    table = t.sh("python3 scripts/sensor_stats.py data/readings.csv").lines()
    t.sh("mkdir -p reports && python3 scripts/sensor_stats.py data/readings.csv > reports/sensors.txt",
         alt=["mkdir -p reports && python3 scripts/sensor_stats.py data/readings.csv | tee reports/sensors.txt > /dev/null"])
    n = t.sh("wc -l < reports/sensors.txt").int()
    expect(n == len(table) == len(sensors) + 1, "table")
    rows_ = [r.split() for r in table[1:]]
    hot = max(rows_, key=lambda r: float(r[3]))
    cold = min(rows_, key=lambda r: float(r[2]))
    t.done(f"`scripts/sensor_stats.py` reads the CSV with csv.DictReader and prints one row per sensor. For "
           f"data/readings.csv it covers {len(rows_)} sensors and {sum(int(r[1]) for r in rows_)} readings: the highest "
           f"reading is {hot[3]} ({hot[0]}), the lowest {cold[2]} ({cold[0]}). The same table is in `reports/sensors.txt`.")


REPORT_SH = r"""#!/bin/bash
# Summarise data/orders.csv into out/summary.txt
set -eu
mkdir -p out
{
  echo "orders: $(tail -n +2 data/orders.csv | wc -l)"
  echo "revenue: $(awk -F, 'NR > 1 {s += $3} END {printf "%.2f", s}' data/orders.csv)"
  echo "refunded: $(grep -c ',refunded$' data/orders.csv || true)"
} > out/summary.txt
cat out/summary.txt
"""


def permission_denied(t, rng):
    rows = ["order_id,customer,amount,status"]
    for i in range(rng.randint(12, 25)):
        rows.append(f"W-{7000 + i},{pick(rng, ['acme', 'globex', 'initech', 'umbrella', 'hooli'])},"
                    f"{rng.uniform(15, 480):.2f},{pick(rng, ['paid', 'paid', 'paid', 'shipped', 'refunded'])}")
    t.start(pick(rng, [
        "bin/report.sh is supposed to write our order summary to out/summary.txt, but when I run it the shell just says "
        "\"Permission denied\". Can you get it working and tell me the numbers?",
        "Running ./bin/report.sh gives me \"Permission denied\" (exit 126). Please fix it, run it, and tell me what "
        "ends up in out/summary.txt.",
    ]), {"bin/report.sh": REPORT_SH, "data/orders.csv": "\n".join(rows) + "\n"})
    mode = t.sh("stat -c '%a %n' bin/report.sh", alt=["stat -c '%a %n' bin/*.sh"]).stdout.split()[0]
    t.sh("head -n 3 bin/report.sh", alt=["sed -n 1,3p bin/report.sh"])
    t.sh("chmod +x bin/report.sh", alt=["chmod 755 bin/report.sh", "chmod u+x,go+x bin/report.sh"])
    out = t.sh("./bin/report.sh").lines()
    saved = t.sh("cat out/summary.txt").lines()
    expect(len(out) == 3 and saved == out and mode == "644", "three lines")
    t.done(f"The script simply wasn't executable: it has a proper `#!/bin/bash` shebang but mode {mode}, so the shell "
           f"refused to run it. After `chmod +x bin/report.sh` it runs and writes out/summary.txt: {out[0]}, {out[1]}, "
           f"{out[2]}.")


BACKUP_SH = """#!/bin/bash
# Back up the documents folder into backups/
set -e
SRC=documets
DEST=backups
mkdir -p "$DEST"
tar -czf "$DEST/$SRC.tar.gz" "$SRC"
echo "backup written: $DEST/$SRC.tar.gz"
"""


def fix_script_bug(t, rng):
    docs = rng.sample(["contract.txt", "minutes-2026-02.md", "policy.md", "price-list.csv", "rota.txt"], 3)
    files = {f"documents/{d}": f"{d}\n" for d in docs}
    files["bin/backup.sh"] = BACKUP_SH
    t.start(pick(rng, [
        "Our backup script bin/backup.sh errors out. Please find the problem, fix it, and run it.",
        "bin/backup.sh fails when I run it. Can you debug it, fix it and get a successful backup?",
    ]),
            files, ["chmod +x bin/backup.sh"])
    first = t.sh("./bin/backup.sh", alt=["bash bin/backup.sh"])
    expect(first.rc != 0, "fails")
    t.sh("grep -n 'SRC' bin/backup.sh", alt=["grep -n SRC bin/backup.sh"])
    t.sh("sed -i 's/^SRC=documets$/SRC=documents/' bin/backup.sh", alt=["sed -i 's/documets/documents/' bin/backup.sh"])
    leftovers = t.sh("ls backups").lines()
    expect(leftovers == ["documets.tar.gz"], "failed run leaves an empty archive")
    t.sh("rm backups/documets.tar.gz", alt=["rm -f backups/documets.tar.gz", "find backups -name 'documets.tar.gz' -delete"])
    ok = t.sh("./bin/backup.sh")
    listing = t.sh("tar tzf backups/documents.tar.gz | sort").lines()
    expect(ok.rc == 0, "works")
    t.done(f"The script had a typo: `SRC=documets`, so tar failed with \"Cannot stat: No such file or directory\" (and "
           f"left an empty backups/documets.tar.gz behind, which I removed). I corrected it to `SRC=documents`; the script "
           f"now prints `{ok.stdout.strip()}` and the archive contains {len(listing)} entries (the documents/ folder and "
           f"its {len(docs)} files).")


def weekly_notes(t, rng):
    weeks = rng.randint(4, 8)
    project = pick(rng, ["migration", "onboarding", "q2-launch", "data-platform"])
    t.start(pick(rng, [
        f"Set up notes/ for the {project} project: one file per week, week-01.md to week-{weeks:02d}.md, each with a "
            f"'# Week NN' heading and an empty checklist item, plus notes/index.md linking all of them.",
        f"Please scaffold weekly notes for {project} in notes/: week-01.md through week-{weeks:02d}.md (heading `# Week NN` and one empty `- [ ]` item each) and an index.md that links them.",
    ]),
            {"notes/.keep": ""})
    t.sh(f"for i in $(seq 1 {weeks}); do n=$(printf '%02d' \"$i\"); printf '# Week %s\\n\\n- [ ] \\n' \"$n\" > notes/week-$n.md; done",
         alt=[f"for n in $(seq -f '%02g' 1 {weeks}); do printf '# Week %s\\n\\n- [ ] \\n' \"$n\" > notes/week-$n.md; done"])
    t.sh("ls notes", alt=["ls -1 notes"])
    t.sh("cat notes/week-01.md")
    t.sh("for f in notes/week-*.md; do b=$(basename \"$f\"); echo \"- [${b%.md}]($b)\"; done > notes/index.md",
         alt=["ls notes | grep '^week-' | sed 's/^\\(.*\\)\\.md$/- [\\1](\\1.md)/' > notes/index.md"])
    idx = t.sh("cat notes/index.md").lines()
    expect(len(idx) == weeks, "index")
    t.done(f"Created {weeks} weekly notes (notes/week-01.md … week-{weeks:02d}.md), each starting with `# Week NN` and an "
           f"empty `- [ ]` item, and notes/index.md with {plural(len(idx), 'link')}, from `{idx[0]}` to `{idx[-1]}`.")


PRUNE_SH = """#!/bin/bash
# keep only the newest KEEP database dumps in backups/ (names sort by date)
set -eu
KEEP=${1:-3}
ls backups/db-*.sql.gz | head -n -"$KEEP" | while read -r old; do
  rm -- "$old"
  echo "removed $old"
done
"""


def prune_backups(t, rng):
    days = sorted(rng.sample(range(1, 29), rng.randint(6, 9)))
    month = pick(rng, ["2026-01", "2026-02", "2026-03"])
    files = {f"backups/db-{month}-{d:02d}.sql": f"-- dump {month}-{d:02d}\nCREATE TABLE orders (id int);\n" for d in days}
    files["backups/README"] = "Nightly pg_dump output. Keep the newest few.\n"
    keep = pick(rng, [3, 4])
    setup = ["gzip backups/*.sql"]
    t.start(pick(rng, [
        f"Write bin/prune-backups.sh that keeps only the newest N database dumps (backups/db-*.sql.gz, default {keep}) "
            f"and deletes the rest, printing what it removes. Then run it.",
        f"Create a retention script bin/prune-backups.sh: keep the newest N backups/db-*.sql.gz (N defaults to {keep}), delete older ones and print each removal. Run it once.",
    ]), files, setup)
    t.sh("ls backups")
    t.sh(f"mkdir -p bin && cat > bin/prune-backups.sh <<'EOF'\n{PRUNE_SH.replace('${1:-3}', '${1:-' + str(keep) + '}')}EOF")
    t.sh("chmod +x bin/prune-backups.sh", alt=["chmod 755 bin/prune-backups.sh"])
    removed = t.sh("./bin/prune-backups.sh").lines()
    left = t.sh("ls backups").lines()
    expect(len(removed) == len(days) - keep, "pruned")
    t.done(f"`bin/prune-backups.sh` lists the dumps in name (= date) order and removes all but the newest N (default "
           f"{keep}). Running it removed {plural(len(removed), 'old dump')}; backups/ now keeps "
           + ", ".join(x for x in left if x.endswith(".gz")) + " plus the README.")


FLOWS = [csv_rows_script, python_stats, permission_denied, fix_script_bug, weekly_notes, prune_backups]
