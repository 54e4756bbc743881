"""JSON wrangling with python3 -c / heredocs: counts, filters, edits, JSON Lines to CSV, validation, merges."""

from __future__ import annotations

import json

from .common import expect, pick, plural

NAME = "json"
COUNT = 6

FIRST = ["maria", "jonas", "priya", "tomasz", "lena", "amir", "sofia", "kenji", "chloe", "diego", "aisha", "marek",
         "noor", "elena", "hugo", "ines", "ravi", "freya"]
ROLES = ["admin", "editor", "viewer", "billing"]


def users_by_role(t, rng):
    users = []
    for i, name in enumerate(rng.sample(FIRST, rng.randint(12, 16))):
        role = pick(rng, [*ROLES, "viewer", "editor"])
        users.append({"id": 100 + i, "name": name.title(), "email": f"{name}@example.com", "role": role,
                      "active": rng.random() < 0.75})
    if not any(u["role"] == "admin" and u["active"] for u in users):
        users[0].update(role="admin", active=True)
    src = pick(rng, ["data/users.json", "export/users.json"])
    out = src.rsplit("/", 1)[0] + "/active-admins.json"
    t.start(pick(rng, [
        f"{src} is an export of our user accounts. How many users are there per role, how many are inactive, "
            f"and please write the active admins to {out} (pretty-printed).",
        f"Summarise {src}: users per role and the number of inactive accounts. Also export the admins that are still active to {out}, indented.",
    ]), {src: json.dumps(users, indent=2) + "\n"})
    t.sh(f"head -n 9 {src}")
    n = t.sh(f"python3 -c 'import json; print(len(json.load(open(\"{src}\"))))'",
             alt=[f"grep -c '\"id\":' {src}"]).int()
    roles = t.sh(f"python3 -c 'import json, collections; d = json.load(open(\"{src}\")); "
                 f"c = collections.Counter(u[\"role\"] for u in d); print(\"\\n\".join(f\"{{r}} {{c[r]}}\" for r in sorted(c)))'").lines()
    inactive = t.sh(f"python3 -c 'import json; print(sum(1 for u in json.load(open(\"{src}\")) if not u[\"active\"]))'",
                    alt=[f"grep -c '\"active\": false' {src}"]).int()
    t.sh(f"python3 -c 'import json; d = json.load(open(\"{src}\")); "
         f"json.dump([u for u in d if u[\"role\"] == \"admin\" and u[\"active\"]], open(\"{out}\", \"w\"), indent=2)'")
    admins = t.sh(f"python3 -c 'import json; print(*[u[\"email\"] for u in json.load(open(\"{out}\"))])'").stdout.split()
    expect(len(admins) == sum(u["role"] == "admin" and u["active"] for u in users), "admins")
    t.done(f"{src} has {n} users: " + ", ".join(f"{r.split()[1]} {r.split()[0]}" for r in roles)
           + f". {plural(inactive, 'account is', 'accounts are')} inactive. {out} now holds the "
           + f"{plural(len(admins), 'active admin')} ({', '.join(admins)}).")


def bump_version(t, rng):
    name = pick(rng, ["@acme/storefront", "checkout-widget", "@northwind/ui-kit"])
    old = f"{rng.randint(1, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
    new = f"{old.split('.')[0]}.{int(old.split('.')[1]) + 1}.0"
    node = pick(rng, [">=18", ">=20"])
    pkg = {"name": name, "version": old, "private": True,
           "scripts": {"build": "vite build", "test": "vitest run", "lint": "eslint src"},
           "dependencies": {"react": "^18.2.0", "react-dom": "^18.2.0"},
           "devDependencies": {"vite": "^5.2.0", "vitest": "^1.5.0", "eslint": "^8.57.0"}}
    t.start(pick(rng, [
        f"Release prep for {name}: bump package.json from {old} to {new}, add an \"engines\" field requiring node "
            f"{node}, and keep the 2-space JSON formatting.",
        f"Bump {name} to {new} in package.json (currently {old}) and declare node {node} under \"engines\". Keep the file's 2-space indentation.",
    ]), {"package.json": json.dumps(pkg, indent=2) + "\n"})
    t.sh("grep -n '\"version\"' package.json")
    t.sh(f"sed -i 's/\"version\": \"{old}\"/\"version\": \"{new}\"/' package.json",
         alt=[f"python3 -c 'import json; p = json.load(open(\"package.json\")); p[\"version\"] = \"{new}\"; "
              f"open(\"package.json\", \"w\").write(json.dumps(p, indent=2) + \"\\n\")'"])
    t.sh(f"python3 - <<'EOF'\nimport json\n\nwith open(\"package.json\") as fh:\n    pkg = json.load(fh)\n"
         f"pkg[\"engines\"] = {{\"node\": \"{node}\"}}\nwith open(\"package.json\", \"w\") as fh:\n"
         f"    fh.write(json.dumps(pkg, indent=2) + \"\\n\")\nEOF")
    check = t.sh("python3 -c 'import json; p = json.load(open(\"package.json\")); print(p[\"version\"], p[\"engines\"])'").stdout
    t.sh("tail -n 6 package.json")
    expect(new in check, "bumped")
    t.done(f"package.json now has `\"version\": \"{new}\"` (was {old}) and an `\"engines\": {{\"node\": \"{node}\"}}` block at "
           f"the end; the file still parses and keeps 2-space indentation.")


EVENTS = ["page_view", "page_view", "page_view", "add_to_cart", "add_to_cart", "purchase", "search", "search", "login"]


def jsonl_to_csv(t, rng):
    lines, purchases = [], 0
    for i in range(rng.randint(30, 45)):
        kind = pick(rng, EVENTS)
        ev = {"ts": f"2026-03-02T{10 + i // 12:02d}:{(i * 5) % 60:02d}:00Z", "type": kind,
              "user": f"u{rng.randint(1, 12):03d}"}
        if kind == "purchase":
            ev["order"] = {"id": f"ORD-{rng.randint(10000, 99999)}", "total": round(rng.uniform(9, 250), 2)}
            purchases += 1
        lines.append(json.dumps(ev))
    t.start(pick(rng, [
        "data/events.jsonl has one analytics event per line. Give me the count per event type and export the "
            "purchases to out/purchases.csv with columns ts,user,order_id,total.",
        "Count the events in data/events.jsonl by type, and write the purchase events to out/purchases.csv (ts,user,order_id,total).",
    ]), {"data/events.jsonl": "\n".join(lines) + "\n"})
    t.sh("head -n 2 data/events.jsonl")
    types = t.sh("python3 -c 'import json, collections; c = collections.Counter(json.loads(l)[\"type\"] for l in "
                 "open(\"data/events.jsonl\")); print(\"\\n\".join(f\"{n:4d} {k}\" for k, n in c.most_common()))'",
                 alt=["python3 -c 'import json, collections; c = collections.Counter(json.loads(l)[\"type\"] for l in "
                      "open(\"data/events.jsonl\")); [print(f\"{n:4d} {k}\") for k, n in c.most_common()]'"]).lines()
    script = ("import csv, json\n\nwith open(\"data/events.jsonl\") as src, open(\"out/purchases.csv\", \"w\", newline=\"\") as dst:\n"
              "    w = csv.writer(dst, lineterminator=\"\\n\")\n    w.writerow([\"ts\", \"user\", \"order_id\", \"total\"])\n    for line in src:\n"
              "        ev = json.loads(line)\n        if ev[\"type\"] == \"purchase\":\n"
              "            w.writerow([ev[\"ts\"], ev[\"user\"], ev[\"order\"][\"id\"], f\"{ev['order']['total']:.2f}\"])\n")
    t.sh(f"mkdir -p out && python3 - <<'EOF'\n{script}EOF")
    rows = t.sh("wc -l < out/purchases.csv").int()
    head = t.sh("head -n 3 out/purchases.csv", alt=["sed -n 1,3p out/purchases.csv"]).stdout
    total = t.sh("awk -F, 'NR > 1 {s += $4} END {printf \"%.2f\\n\", s}' out/purchases.csv").stdout.strip()
    expect(rows == purchases + 1 and head.startswith("ts,user,order_id,total\n"), "csv")
    t.done("Events per type: " + ", ".join(f"{x.split()[1]} {x.split()[0]}" for x in types)
           + f". out/purchases.csv has the header plus {plural(rows - 1, 'purchase')} (ts,user,order_id,total; "
             f"{total} in total), written with Python's csv module so any odd values would be quoted properly.")


def fix_invalid(t, rng):
    good = {"config/features.json": {"new_checkout": True, "dark_mode": False, "beta_search": True},
            "config/limits.json": {"max_upload_mb": 25, "rate_limit_per_min": 120},
            "config/mail.json": {"host": "smtp.internal", "port": 587, "starttls": True}}
    broken_name = pick(rng, sorted(good))
    files = {k: json.dumps(v, indent=2) + "\n" for k, v in good.items()}
    lines = files[broken_name].splitlines()
    idx = rng.randint(1, len(lines) - 3)
    lines[idx] = lines[idx].rstrip(",")
    files[broken_name] = "\n".join(lines) + "\n"
    t.start(pick(rng, [
        "One of the JSON files in config/ no longer parses and the service refuses to start. Find it, fix it, and "
            "make sure all of them are valid.",
        "The service won't start because a JSON file in config/ is malformed. Track it down, repair it, and validate every file in config/.",
    ]), files)
    t.sh("for f in config/*.json; do python3 -m json.tool \"$f\" > /dev/null 2>&1 || echo \"invalid: $f\"; done")
    err = t.sh(f"python3 -m json.tool {broken_name}")
    expect(err.rc == 1 and "delimiter" in err.stderr, "missing comma")
    t.sh(f"cat -n {broken_name}")
    t.sh(f"sed -i '{idx + 1}s/$/,/' {broken_name}", alt=[f"sed -i '{idx + 1}s/\\(.*\\)/\\1,/' {broken_name}"])
    ok = t.sh("for f in config/*.json; do python3 -m json.tool \"$f\" > /dev/null && echo \"ok: $f\"; done")
    expect(ok.stdout.count("ok:") == 3, "all valid")
    t.done(f"`{broken_name}` was the broken one: line {idx + 1} (`{lines[idx].strip()}`) was missing its trailing comma, "
           f"so the parser stopped with \"{err.stderr.strip().splitlines()[-1]}\". I added the comma; all three files in "
           f"config/ now pass `python3 -m json.tool`.")


def merge_flags(t, rng):
    flags = ["new_checkout", "dark_mode", "beta_search", "gift_cards", "one_click_reorder", "live_chat"]
    defaults = {f: rng.random() < 0.4 for f in rng.sample(flags, 5)}
    overrides = {f: not defaults.get(f, False) for f in rng.sample(sorted(defaults), 2)}
    extra = pick(rng, [f for f in flags if f not in defaults])
    overrides[extra] = True
    env = pick(rng, ["staging", "production"])
    t.start(pick(rng, [
        f"Build config/flags.{env}.json by applying config/overrides.{env}.json on top of config/flags.default.json "
            "(override wins; sort keys; 2-space indent). Which flags end up different from the defaults?",
        f"Merge config/overrides.{env}.json over config/flags.default.json into config/flags.{env}.json (overrides take precedence, keys sorted, indent 2) and tell me which flags differ from the defaults.",
    ]),
            {"config/flags.default.json": json.dumps(defaults, indent=2) + "\n",
             f"config/overrides.{env}.json": json.dumps(overrides, indent=2) + "\n"})
    t.sh(f"cat config/overrides.{env}.json")
    t.sh(f"python3 -c 'import json; d = json.load(open(\"config/flags.default.json\")); "
         f"d.update(json.load(open(\"config/overrides.{env}.json\"))); "
         f"print(json.dumps(d, indent=2, sort_keys=True))' > config/flags.{env}.json",
         alt=[f"python3 -c 'import json; d = {{**json.load(open(\"config/flags.default.json\")), "
              f"**json.load(open(\"config/overrides.{env}.json\"))}}; print(json.dumps(d, indent=2, sort_keys=True))' "
              f"> config/flags.{env}.json"])
    t.sh(f"cat config/flags.{env}.json")
    diff = t.sh(f"python3 -c 'import json; a = json.load(open(\"config/flags.default.json\")); "
                f"b = json.load(open(\"config/flags.{env}.json\")); "
                f"print(\"\\n\".join(f\"{{k}}: {{a.get(k)}} -> {{b[k]}}\" for k in sorted(b) if a.get(k) != b[k]))'").lines()
    expect(len(diff) == 3, "three differences")
    t.done(f"Wrote config/flags.{env}.json ({len(defaults) + 1} flags, keys sorted). Compared with the defaults, "
           + "; ".join(_change(d) for d in diff) + ".")


def _change(line: str) -> str:
    key, change = line.split(": ", 1)
    old, new = (v.lower() for v in change.split(" -> "))
    return f"`{key}` is {new} (new, not in the defaults)" if old == "none" else f"`{key}` went from {old} to {new}"


FLOWS = [users_by_role, bump_version, jsonl_to_csv, fix_invalid, merge_flags]
