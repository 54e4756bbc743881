"""Text diffing: compare versions, revert a change, sync directories, apply a patch by hand with sed."""

from __future__ import annotations

from .common import expect, pick, plural

NAME = "diffing"
COUNT = 6

SETTINGS = [("listen_port", ["8080", "8000"]), ("max_connections", ["200", "500"]), ("timeout_seconds", ["30", "60"]),
            ("log_level", ["info", "warning"]), ("cache_size_mb", ["256", "512"]), ("worker_threads", ["4", "8"]),
            ("tls_min_version", ["1.2", "1.3"]), ("upload_limit_mb", ["10", "25"])]


def revert_one_change(t, rng):
    keys = rng.sample(SETTINGS, 6)
    orig = [f"{k} = {v[0]}" for k, v in keys]
    new = list(orig)
    changed = rng.sample(range(6), 3)
    for i in changed:
        new[i] = f"{keys[i][0]} = {keys[i][1][1]}"
    bad = keys[changed[0]][0]
    header = ["# service configuration", "# edited by the deploy bot; see CHANGELOG"]
    t.start(pick(rng, [
        f"Someone edited config/service.conf (the previous version is config/service.conf.orig). Show me what "
            f"changed, and revert only the {bad} change — the others are intended.",
        f"config/service.conf was changed (old copy: config/service.conf.orig). What changed? Undo the {bad} change only and keep the rest.",
    ]), {"config/service.conf.orig": "\n".join(header + orig) + "\n",
             "config/service.conf": "\n".join(header + new) + "\n"})
    first = t.sh("diff config/service.conf.orig config/service.conf")
    expect(first.rc == 1, "differs")
    t.sh(f"grep -n '^{bad}' config/service.conf.orig config/service.conf")
    old_val = keys[changed[0]][1][0]
    t.sh(f"sed -i 's/^{bad} = .*/{bad} = {old_val}/' config/service.conf",
         alt=[f"sed -i 's/^{bad} = {keys[changed[0]][1][1]}$/{bad} = {old_val}/' config/service.conf"])
    rest = t.sh("diff config/service.conf.orig config/service.conf")
    kept = [line[2:] for line in rest.lines() if line.startswith("> ")]
    expect(len(kept) == 2, "two intended changes remain")
    t.done("The diff showed three changed settings: " + ", ".join(
        f"{keys[i][0]} {keys[i][1][0]} → {keys[i][1][1]}" for i in sorted(changed))
        + f". I set `{bad}` back to `{old_val}`; diffing again now shows only the two intended changes ("
        + ", ".join(f"`{k}`" for k in kept) + ").")


PAGES = ["index.html", "about.html", "pricing.html", "contact.html", "blog.html", "careers.html"]


def _page(title: str, body: str) -> str:
    return f"<!doctype html>\n<html>\n<head><title>{title}</title></head>\n<body>\n<p>{body}</p>\n</body>\n</html>\n"


def sync_dirs(t, rng):
    pages = ["index.html", *rng.sample(PAGES[1:], 3)]
    rng.shuffle(pages)
    pages.sort(key=lambda p: p == "index.html")
    files = {}
    for p in pages:
        files[f"site-live/{p}"] = _page(p[:-5].title(), "Fresh coffee, roasted weekly.")
        files[f"site-staging/{p}"] = files[f"site-live/{p}"]
    edited = pages[0]
    files[f"site-staging/{edited}"] = _page(edited[:-5].title(), pick(rng, ["Now shipping to the EU.", "New: subscriptions from 9 EUR a month."]))
    added = pick(rng, [p for p in PAGES if p not in pages] + ["press.html", "faq.html"])
    files[f"site-staging/{added}"] = _page(added[:-5].title(), "Coming soon.")
    removed = pages[1]
    del files[f"site-staging/{removed}"]
    t.start(pick(rng, [
        "Publish staging: make site-live/ identical to site-staging/ (update changed pages, add new ones, remove "
            "pages that staging dropped). Tell me what you changed.",
        "Sync site-live/ to match site-staging/ exactly — changed pages updated, new pages added, pages removed from staging deleted — and tell me what changed.",
    ]), files)
    summary = t.sh("diff -rq site-live site-staging").lines()
    expect(len(summary) == 3, "three differences")
    t.sh(f"diff site-live/{edited} site-staging/{edited}")
    t.sh(f"cp site-staging/{edited} site-staging/{added} site-live/",
         alt=[f"cp site-staging/{edited} site-live/{edited} && cp site-staging/{added} site-live/{added}",
              "cp -r site-staging/. site-live/"])
    t.sh(f"rm site-live/{removed}", alt=[f"rm -f site-live/{removed}"])
    final = t.sh("diff -rq site-live site-staging && echo identical")
    expect(final.stdout.strip() == "identical", "synced")
    t.done(f"`diff -rq` found three differences. I copied the updated `{edited}` and the new `{added}` from staging and "
           f"removed `{removed}`, which staging no longer has. site-live/ and site-staging/ are now identical.")


PATCH_TARGETS = [
    ("app/settings.py", ["DEBUG = True", 'ALLOWED_HOSTS = ["*"]', "SESSION_COOKIE_AGE = 86400"],
     ["DEBUG = False", 'ALLOWED_HOSTS = ["shop.example.com"]', "SESSION_COOKIE_AGE = 3600"]),
    ("app/limits.py", ["MAX_UPLOAD_MB = 100", "RATE_LIMIT_PER_MIN = 600", "PAGE_SIZE = 500"],
     ["MAX_UPLOAD_MB = 25", "RATE_LIMIT_PER_MIN = 120", "PAGE_SIZE = 50"]),
]


def apply_patch_with_sed(t, rng):
    path, olds, news = pick(rng, PATCH_TARGETS)
    which = sorted(rng.sample(range(3), 2))
    lines = [f'"""{path.split("/")[1][:-3]} for the shop service."""', "", olds[0], "", "# security", olds[1], "",
             "# sessions and paging", olds[2], ""]
    before = "\n".join(lines) + "\n"
    after_lines = list(lines)
    for i in which:
        after_lines[after_lines.index(olds[i])] = news[i]
    hunks = []
    for i in which:
        n = lines.index(olds[i]) + 1
        ctx = lines[n - 2]
        hunks.append(f"@@ -{n - 1},2 +{n - 1},2 @@\n {ctx}\n-{olds[i]}\n+{news[i]}\n")
    patch = f"--- a/{path}\n+++ b/{path}\n" + "".join(hunks)
    t.start(pick(rng, [
        f"There's no `patch` binary on this box. Apply fixes/hardening.diff to {path} by hand and confirm the "
            f"result matches what the diff intends.",
        f"Apply fixes/hardening.diff to {path}. `patch` isn't installed, so do it by hand, then check the result against the diff.",
    ]), {path: before, "fixes/hardening.diff": patch})
    t.sh("cat fixes/hardening.diff")
    t.sh(f"cp {path} {path}.orig")
    exprs = " ".join(f"-e 's/^{_sed_escape(olds[i])}$/{_sed_escape(news[i])}/'" for i in which)
    t.sh(f"sed -i {exprs} {path}",
         alt=[" && ".join(f"sed -i 's/^{_sed_escape(olds[i])}$/{_sed_escape(news[i])}/' {path}" for i in which)])
    check = t.sh(f"diff {path}.orig {path}")
    t.sh(f"diff <(grep '^[-+][^-+]' fixes/hardening.diff) <(diff -U1 {path}.orig {path} | grep '^[-+][^-+]') && echo "
         f"'matches the patch'")
    t.sh(f"rm {path}.orig")
    expect(check.rc == 1, "changed")
    t.done("Applied both hunks of fixes/hardening.diff with sed: " + "; ".join(f"`{olds[i]}` → `{news[i]}`" for i in which)
           + f". The removed/added lines of `diff -U1` against a backup copy are exactly the ones in the patch, so "
             f"{path} now matches its intent; I deleted the temporary .orig copy afterwards.")


def _sed_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("/", "\\/").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*") \
        .replace(".", "\\.")


PKGS = [("requests", "2.31.0", "2.32.3"), ("flask", "2.3.3", "3.0.3"), ("sqlalchemy", "2.0.25", "2.0.30"),
        ("pydantic", "2.5.3", "2.7.1"), ("gunicorn", "21.2.0", "22.0.0"), ("redis", "5.0.1", "5.0.4"),
        ("celery", "5.3.6", "5.4.0"), ("jinja2", "3.1.3", "3.1.4"), ("click", "8.1.7", "8.1.7"),
        ("psycopg2-binary", "2.9.9", "2.9.9")]


def requirements_drift(t, rng):
    pkgs = sorted(rng.sample(PKGS, 7))
    drift = [p for p in pkgs if p[1] != p[2]][:rng.randint(2, 3)]
    req = [f"{n}=={a}" for n, a, _ in pkgs]
    installed = [f"{n}=={b if (n, a, b) in drift else a}" for n, a, b in pkgs] + ["six==1.16.0", "urllib3==2.2.1"]
    t.start(pick(rng, [
        "requirements.txt has drifted from what's actually deployed (installed.txt is `pip freeze` from the server). "
            "Which pins differ? Update requirements.txt so every pin matches the server.",
        "installed.txt is a `pip freeze` from production. Find the pins in requirements.txt that don't match it and update them to the deployed versions.",
    ]),
            {"requirements.txt": "\n".join(req) + "\n", "installed.txt": "\n".join(sorted(installed)) + "\n"})
    t.sh("comm -23 <(sort requirements.txt) <(sort installed.txt)", alt=["sort requirements.txt | comm -23 - <(sort installed.txt)"])
    names = [n for n, _, _ in drift]
    t.sh("grep -E '^(" + "|".join(names) + ")==' installed.txt")
    t.sh("sed -i " + " ".join(f"-e 's/^{n}==.*/{n}=={b}/'" for n, _, b in drift) + " requirements.txt",
         alt=["sed -i '" + "; ".join(f"s/^{n}==.*/{n}=={b}/" for n, _, b in drift) + "' requirements.txt"])
    left = t.sh("comm -23 <(sort requirements.txt) <(sort installed.txt) | wc -l").int()
    expect(left == 0, "aligned")
    t.sh("cat requirements.txt")
    t.done(f"{plural(len(drift), 'pin')} differed: " + ", ".join(f"{n} {a} → {b}" for n, a, b in drift)
           + ". I updated those lines in requirements.txt; every pin now appears verbatim in installed.txt (the server "
             "also has transitive packages like six and urllib3 that aren't pinned directly, which is fine).")


def mismatch_rows(t, rng):
    rows = ["sku,price,stock"] + [f"SKU-{1000 + i},{rng.uniform(3, 90):.2f},{rng.randint(0, 300)}" for i in range(rng.randint(18, 26))]
    other = list(rows)
    bad = sorted(rng.sample(range(1, len(rows)), rng.randint(2, 4)))
    for i in bad:
        sku, price, stock = other[i].split(",")
        other[i] = f"{sku},{price},{int(stock) + rng.randint(1, 20)}"
    t.start(pick(rng, [
        "exports/erp.csv and exports/shop.csv should be identical stock exports. Are they? If not, write the SKUs "
            "that disagree to exports/mismatch.txt, one per line.",
        "Check whether exports/erp.csv and exports/shop.csv match. If they don't, list the disagreeing SKUs in exports/mismatch.txt (one per line).",
    ]),
            {"exports/erp.csv": "\n".join(rows) + "\n", "exports/shop.csv": "\n".join(other) + "\n"})
    t.sh("cmp exports/erp.csv exports/shop.csv")
    t.sh("diff exports/erp.csv exports/shop.csv")
    t.sh("diff exports/erp.csv exports/shop.csv | grep '^[<>]' | cut -c3- | cut -d, -f1 | sort -u > exports/mismatch.txt",
         alt=["diff exports/erp.csv exports/shop.csv | sed -n 's/^[<>] \\([^,]*\\),.*/\\1/p' | sort -u > exports/mismatch.txt"])
    skus = t.sh("cat exports/mismatch.txt").lines()
    expect(len(skus) == len(bad), "mismatches")
    t.done(f"No — `cmp` reports they differ, and `diff` shows {plural(len(skus), 'row')} with different stock counts "
           f"(prices agree). The SKUs that disagree are in exports/mismatch.txt: " + ", ".join(skus) + ".")


FLOWS = [revert_one_change, sync_dirs, apply_patch_with_sed, requirements_drift, mismatch_rows]
