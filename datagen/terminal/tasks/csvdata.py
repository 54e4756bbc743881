"""CSV processing: per-group sums with awk, sorting by a column, dedupe, TSV conversion, filtering."""

from __future__ import annotations

from .common import expect, pick, plural, uniq_counts

NAME = "csv"
COUNT = 7

PRODUCTS = [("Espresso Grinder", 129.00), ("Pour-Over Kettle", 54.50), ("Ceramic Dripper", 24.90),
            ("Milk Frother", 39.99), ("Cold Brew Jar", 29.00), ("Burr Cleaning Kit", 12.75),
            ("Digital Scale", 34.20), ("Travel Mug", 19.95), ("Paper Filters 100pk", 6.49),
            ("Tamper 58mm", 27.30), ("Knock Box", 22.00), ("Barista Apron", 31.80)]
REGIONS = ["North", "South", "East", "West", "Central"]
FIRST = ["Maria", "Jonas", "Priya", "Tomasz", "Lena", "Amir", "Sofia", "Kenji", "Chloe", "Diego", "Aisha",
         "Marek", "Noor", "Elena", "Hugo", "Ines", "Ravi", "Freya", "Mateo", "Zara"]
LAST = ["Lopez", "Okafor", "Nair", "Kowalski", "Fischer", "Haddad", "Reyes", "Tanaka", "Moreau", "Silva",
        "Brennan", "Novak", "Iqbal", "Costa", "Berg", "Duarte", "Mehta", "Lund", "Ortiz", "Kaya"]
CITIES = ["Lisbon", "Leeds", "Porto", "Krakow", "Lyon", "Utrecht", "Ghent", "Bilbao", "Turin", "Aarhus"]


def _date(rng, month: int) -> str:
    return f"2026-{month:02d}-{rng.randint(1, 28):02d}"


def revenue_by_region(t, rng):
    regions = rng.sample(REGIONS, 4)
    products = rng.sample(PRODUCTS, 7)
    rows = ["order_id,date,region,product,qty,unit_price"]
    for i in range(rng.randint(30, 45)):
        name, price = pick(rng, products)
        rows.append(f"SO-{4100 + i},{_date(rng, pick(rng, [1, 2, 3]))},{pick(rng, regions)},{name},"
                    f"{rng.randint(1, 6)},{price:.2f}")
    out = pick(rng, ["reports/revenue_by_region.csv", "out/region_revenue.csv"])
    t.start(pick(rng, [
        f"Using data/sales.csv, work out total revenue (qty x unit_price) per region, highest first, and save it as {out}. Which product sold the most units?",
        f"I need revenue per region from data/sales.csv (quantity times unit price), sorted descending, written to {out}. Also tell me the best-selling product by units.",
    ]), {"data/sales.csv": "\n".join(rows) + "\n"})
    t.sh("head -n 3 data/sales.csv")
    n = t.sh("tail -n +2 data/sales.csv | wc -l", alt=["sed 1d data/sales.csv | wc -l", "awk 'NR > 1' data/sales.csv | wc -l"]).int()
    folder = out.split("/")[0]
    t.sh(f"mkdir -p {folder} && awk -F, 'NR > 1 {{rev[$3] += $5 * $6}} END {{for (r in rev) printf \"%s,%.2f\\n\", r, rev[r]}}' "
         f"data/sales.csv | sort -t, -k2,2nr > {out}")
    totals = [line.split(",") for line in t.sh(f"cat {out}").lines()]
    units = t.sh("awk -F, 'NR > 1 {u[$4] += $5} END {for (p in u) print u[p] \",\" p}' data/sales.csv | sort -t, -k1,1nr | head -n 3").lines()
    best_units, best = units[0].split(",", 1)
    expect(int(units[1].split(",")[0]) < int(best_units), "clear best seller")
    grand = sum(float(v) for _, v in totals)
    t.done(f"data/sales.csv has {n} orders. Revenue per region, highest first, is in `{out}`: "
           + ", ".join(f"{r} {v}" for r, v in totals)
           + f" (total {grand:.2f}). The best-selling product by units is the {best} with {best_units} units.")


def dedupe_customers(t, rng):
    rows, used = [], set()
    for i in range(rng.randint(22, 30)):
        while True:
            first, last = pick(rng, FIRST), pick(rng, LAST)
            if (first, last) not in used:
                used.add((first, last))
                break
        rows.append(f"C{1001 + i},{first} {last},{first.lower()}.{last.lower()}@example.com,"
                    f"{pick(rng, CITIES)},{_date(rng, pick(rng, [1, 2]))}")
    dupes = rng.sample(rows, rng.randint(4, 8))
    body = rows + sorted(dupes, key=lambda r: rng.random())
    header = "customer_id,name,email,city,signup_date"
    t.start(pick(rng, [
        "The CRM export data/customers.csv was appended to twice, so some customers appear more than once. "
            "Remove the exact duplicate rows (keep the header and a backup of the original as data/customers.csv.bak) "
            "and tell me how many rows were dropped.",
        "data/customers.csv has duplicate rows after a double import. Back it up to data/customers.csv.bak, drop the exact duplicates (header stays on top), and tell me how many went.",
    ]),
            {"data/customers.csv": header + "\n" + "\n".join(body) + "\n"})
    before = t.sh("wc -l < data/customers.csv").int()
    dup = t.sh("tail -n +2 data/customers.csv | sort | uniq -d | wc -l",
               alt=["sed 1d data/customers.csv | sort | uniq -d | wc -l"]).int()
    t.sh("cp data/customers.csv data/customers.csv.bak")
    t.sh("{ head -n 1 data/customers.csv.bak; tail -n +2 data/customers.csv.bak | sort -u; } > data/customers.csv",
         alt=["awk '!seen[$0]++' data/customers.csv.bak > data/customers.csv"])
    after = t.sh("wc -l < data/customers.csv", alt=["grep -c '' data/customers.csv"]).int()
    expect(before - after == dup == len(dupes), "dropped rows = duplicates")
    t.done(f"data/customers.csv had {before} lines (header included) with {plural(dup, 'row')} repeated. "
           f"After removing the exact duplicates it has {after} lines — {dup} dropped, header kept, one row per "
           f"customer in id order. The original is saved as `data/customers.csv.bak`.")


CATEGORIES = {"Brewing": ["Pour-Over Kettle", "Ceramic Dripper", "Cold Brew Jar", "French Press 1L"],
              "Grinding": ["Espresso Grinder", "Hand Grinder", "Burr Cleaning Kit"],
              "Accessories": ["Digital Scale", "Tamper 58mm", "Knock Box", "Milk Frother", "Travel Mug"],
              "Consumables": ["Paper Filters 100pk", "Descaler 500ml", "Cleaning Tablets"]}


def _inventory(rng, low: int) -> list[str]:
    items = [(cat, name) for cat, names in CATEGORIES.items() for name in names]
    chosen = rng.sample(items, rng.randint(11, 14))
    lows = set(rng.sample(range(len(chosen)), low))
    rows = ["sku,name,category,stock,reorder_level"]
    for i, (cat, name) in enumerate(chosen):
        level = pick(rng, [10, 15, 20, 25, 40])
        stock = rng.randint(0, level - 1) if i in lows else rng.randint(level, level * 4)
        rows.append(f"{cat[:3].upper()}-{rng.randint(100, 999)},{name},{cat},{stock},{level}")
    return rows


def csv_to_tsv(t, rng):
    rows = _inventory(rng, rng.randint(2, 4))
    t.start(pick(rng, [
        "Our spreadsheet import wants tabs: convert data/inventory.csv to data/inventory.tsv. Then tell me how many "
            "products each category has, and list the ones whose stock is below their reorder level, lowest stock first.",
        "Please make a tab-separated copy of data/inventory.csv as data/inventory.tsv, then give me the product count per category and the items below their reorder level (lowest stock first).",
    ]),
            {"data/inventory.csv": "\n".join(rows) + "\n"})
    t.sh("head -n 4 data/inventory.csv", alt=["sed -n 1,4p data/inventory.csv"])
    t.sh("tr ',' '\\t' < data/inventory.csv > data/inventory.tsv",
         alt=["sed 's/,/\\t/g' data/inventory.csv > data/inventory.tsv",
              "awk 'BEGIN {FS = \",\"; OFS = \"\\t\"} {$1 = $1; print}' data/inventory.csv > data/inventory.tsv"])
    t.sh("head -n 2 data/inventory.tsv | cat -A")
    cats = uniq_counts(t.sh("tail -n +2 data/inventory.tsv | cut -f3 | sort | uniq -c | sort -rn").stdout)
    low = t.sh("awk -F'\\t' 'NR > 1 && $4 < $5' data/inventory.tsv | sort -t$'\\t' -k4,4n").lines()
    low_txt = "; ".join(f"{r.split(chr(9))[1]} ({r.split(chr(9))[3]} in stock, reorder at {r.split(chr(9))[4]})" for r in low)
    t.done(f"`data/inventory.tsv` is written (same {len(rows)} lines, commas replaced by tabs). Products per category: "
           + ", ".join(f"{c} {n}" for n, c in cats) + f". Below reorder level, lowest first: {low_txt}.")


def reorder_list(t, rng):
    rows = _inventory(rng, rng.randint(3, 5))
    out = pick(rng, ["purchasing/reorder.csv", "reorder.csv"])
    t.start(pick(rng, [
        f"Make a purchase list: copy every row of data/inventory.csv whose stock is below its reorder level into "
            f"{out} (keep the header), sorted so the biggest shortfall comes first.",
        f"Which items in data/inventory.csv are under their reorder level? Write them to {out} with the original header, largest shortfall (reorder_level - stock) first.",
    ]),
            {"data/inventory.csv": "\n".join(rows) + "\n"})
    t.sh("head -n 3 data/inventory.csv")
    n = t.sh("awk -F, 'NR > 1 && $4 < $5' data/inventory.csv | wc -l",
             alt=["awk -F, 'NR > 1 && $4 < $5 {n++} END {print n + 0}' data/inventory.csv"]).int()
    prefix = "mkdir -p purchasing && " if "/" in out else ""
    t.sh(f"{prefix}{{ head -n 1 data/inventory.csv; awk -F, 'NR > 1 && $4 < $5 {{print $5 - $4 \",\" $0}}' data/inventory.csv "
         f"| sort -t, -k1,1nr -k2,2 | cut -d, -f2-; }} > {out}")
    listed = t.sh(f"cat {out}").lines()
    expect(len(listed) == n + 1, "header + rows")
    parts = [r.split(",") for r in listed[1:]]
    t.done(f"{plural(n, 'product')} {'is' if n == 1 else 'are'} below reorder level; `{out}` lists them under the original "
           f"header, biggest shortfall first: " + ", ".join(f"{p[1]} ({p[3]}/{p[4]})" for p in parts) + ".")


VENDORS = {"Travel": ["Rail Europe", "CityCab", "Hotel Aurora"], "Software": ["GitHost", "CloudDesk", "DesignPad"],
           "Office": ["PaperPoint", "ChairCo"], "Meals": ["Cafe Lumen", "Noodle Bar"], "Training": ["CourseHub"]}


def expenses(t, rng):
    rows = ["date,category,vendor,amount"]
    for _ in range(rng.randint(26, 36)):
        cat = pick(rng, list(VENDORS))
        scale = {"Travel": 220, "Software": 60, "Office": 45, "Meals": 28, "Training": 300}[cat]
        amount = round(rng.uniform(0.2, 2.0) * scale, 2)
        rows.append(f"{_date(rng, pick(rng, [2, 3, 3, 4]))},{cat},{pick(rng, VENDORS[cat])},{amount:.2f}")
    rows[1:] = sorted(rows[1:])
    month = pick(rng, [("03", "March"), ("02", "February")])
    t.start(pick(rng, [
        f"From data/expenses.csv: what did we spend per category (largest first), what were the three biggest single "
            f"expenses, and please split the {month[1]} rows into data/expenses-2026-{month[0]}.csv with the header.",
        f"Expense report time. Using data/expenses.csv: totals per category, largest first; the top three individual expenses; and a separate file data/expenses-2026-{month[0]}.csv with just the {month[1]} rows plus the header.",
    ]),
            {"data/expenses.csv": "\n".join(rows) + "\n"})
    per = t.sh("awk -F, 'NR > 1 {s[$2] += $4} END {for (c in s) printf \"%-10s %9.2f\\n\", c, s[c]}' data/expenses.csv | sort -k2,2nr").lines()
    big = t.sh("sort -t, -k4,4nr data/expenses.csv | head -n 3", alt=["tail -n +2 data/expenses.csv | sort -t, -k4,4nr | head -n 3"]).lines()
    out = f"data/expenses-2026-{month[0]}.csv"
    t.sh(f"{{ head -n 1 data/expenses.csv; grep '^2026-{month[0]}-' data/expenses.csv; }} > {out}",
         alt=[f"awk -F, 'NR == 1 || $1 ~ /^2026-{month[0]}-/' data/expenses.csv > {out}"])
    n = t.sh(f"tail -n +2 {out} | wc -l").int()
    total = t.sh(f"awk -F, 'NR > 1 {{s += $4}} END {{printf \"%.2f\\n\", s}}' {out}").stdout.strip()
    t.done("Spend per category: " + ", ".join(f"{p.split()[0]} {p.split()[1]}" for p in per) + ". Biggest single expenses: "
           + "; ".join(f"{b.split(',')[3]} at {b.split(',')[2]} on {b.split(',')[0]}" for b in big)
           + f". `{out}` has the header plus the {n} {month[1]} rows (total {total}).")


FLOWS = [revenue_by_region, dedupe_customers, csv_to_tsv, reorder_list, expenses]
