"""Archives: list/extract tar.gz made in setup, bundle and remove logs, gzip by size, repack, exclude patterns."""

from __future__ import annotations

from .common import expect, pick, plural

NAME = "archives"
COUNT = 7


def _nginx_snippet(rng, host: str) -> str:
    return (f"server {{\n    listen 443 ssl;\n    server_name {host};\n    root /srv/site/public;\n"
            f"    gzip {pick(rng, ['on', 'off'])};\n    client_max_body_size {pick(rng, [8, 10, 20])}m;\n}}\n")


def restore_config(t, rng):
    host = pick(rng, ["www.acme-roasters.test", "shop.northwind.test", "docs.example.org"])
    day = pick(rng, ["2026-02-14", "2026-03-01", "2026-01-30"])
    cfg = {"config/site.conf": _nginx_snippet(rng, host),
           "config/app.env": f"APP_ENV=production\nWORKERS={pick(rng, [2, 4])}\nLOG_LEVEL=info\n",
           "config/robots.txt": "User-agent: *\nDisallow: /admin/\n"}
    files = {f"site/{k}": v for k, v in cfg.items()}
    files.update({"site/public/index.html": f"<!doctype html>\n<title>{host}</title>\n<h1>Welcome</h1>\n",
                  "site/public/app.js": "document.querySelector('h1').classList.add('ready');\n"})
    # The live config has drifted since the backup.
    changed = pick(rng, ["config/app.env", "config/site.conf"])
    live = dict(cfg)
    live["config/app.env"] = live["config/app.env"].replace("LOG_LEVEL=info", "LOG_LEVEL=debug") if changed == "config/app.env" \
        else live["config/app.env"]
    if changed == "config/site.conf":
        live["config/site.conf"] = live["config/site.conf"].replace("listen 443 ssl;", "listen 8443 ssl;")
    files.update(live)
    archive = f"backups/site-{day}.tar.gz"
    setup = ["mkdir -p backups", f"tar --sort=name -czf {archive} site", "rm -rf site"]
    t.start(pick(rng, [
        f"Restore only the config directory from {archive} into restore/ (don't touch the live config/), then "
            f"tell me how the backed-up config differs from the live one.",
        f"I only need the config/ part of {archive} back — extract it under restore/ (the live config/ must stay as it is) and show me what differs from the live config.",
    ]), files, setup)
    listing = t.sh(f"tar tzf {archive}", alt=[f"tar -tzf {archive}"]).lines()
    t.sh(f"mkdir -p restore && tar xzf {archive} -C restore site/config",
         alt=[f"mkdir -p restore && tar -xzf {archive} -C restore --wildcards 'site/config/*'"])
    restored = t.sh("find restore -type f | sort").lines()
    diff = t.sh("diff -r restore/site/config config")
    expect(diff.rc == 1 and len(restored) == 3, "one drifted file")
    t.done(f"The archive holds {len(listing)} entries; I extracted only `site/config/` into restore/ "
           f"({plural(len(restored), 'file')}: " + ", ".join(r.split('/')[-1] for r in restored)
           + f"). Compared with the live config/, only `{changed.split('/')[1]}` differs:\n\n```\n{diff.stdout.strip()}\n```\n\n"
           f"The live config/ was not modified.")


def bundle_logs(t, rng):
    month, label = pick(rng, [("2026-02", "February"), ("2026-01", "January")])
    days = sorted(rng.sample(range(1, 29), rng.randint(5, 8)))
    files = {}
    for d in days:
        files[f"logs/app-{month}-{d:02d}.log"] = "".join(
            f"{month}-{d:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00 INFO api request served\n"
            for _ in range(rng.randint(3, 8)))
    nxt = "2026-03" if month == "2026-02" else "2026-02"
    for d in (1, 2):
        files[f"logs/app-{nxt}-{d:02d}.log"] = f"{nxt}-{d:02d} 09:00:00 INFO api request served\n"
    archive = f"logs/app-{month}.tar.gz"
    t.start(pick(rng, [
        f"Bundle all the {label} app logs in logs/ into {archive}, check the archive is complete, and then "
            f"delete the originals. Leave the other months alone.",
        f"Please archive the {label} logs: put every logs/app-{month}-*.log into {archive}, make sure nothing is missing from the archive, then remove those log files.",
    ]), files)
    t.sh("ls logs")
    t.sh(f"cd logs && tar czf app-{month}.tar.gz app-{month}-*.log",
         alt=[f"tar -czf {archive} -C logs $(cd logs && ls app-{month}-*.log)"])
    listed = t.sh(f"tar tzf {archive}").lines()
    count = t.sh(f"tar tzf {archive} | wc -l; ls logs/app-{month}-*.log | wc -l").lines()
    expect(count[0] == count[1] == str(len(days)), "complete")
    t.sh(f"rm logs/app-{month}-*.log", alt=[f"find logs -name 'app-{month}-*.log' -delete"])
    left = t.sh("ls logs").lines()
    t.done(f"Created `{archive}` with all {len(listed)} {label} logs ({listed[0]} … {listed[-1]}); the archive listing "
           f"matched the {count[1]} files on disk, so I deleted the originals. logs/ now contains " + ", ".join(left) + ".")


def gzip_large(t, rng):
    services = rng.sample(["api", "worker", "scheduler", "mailer", "auth", "search", "billing"], 6)
    files, big = {}, []
    for i, s in enumerate(services):
        lines = rng.randint(45, 80) if i < 3 else rng.randint(4, 18)
        files[f"var/log/app/{s}.log"] = "".join(
            f"2026-03-0{rng.randint(1, 9)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} "
            f"INFO {s} {pick(rng, ['heartbeat ok', 'processed batch', 'request served', 'cache refreshed'])} "
            f"id={rng.randint(100000, 999999)}\n" for _ in range(lines))
        if i < 3:
            big.append(s)
    limit = 2
    t.start(pick(rng, [
        f"Disk is filling up: gzip every .log file in var/log/app larger than {limit} KB, leave the smaller ones "
            f"uncompressed, and make sure the compressed files are intact.",
        f"Compress the .log files in var/log/app that are over {limit} KB (gzip, replacing the originals); small logs should stay as they are. Verify the .gz files afterwards.",
    ]), files)
    t.sh("wc -c var/log/app/*.log", alt=["wc -c var/log/app/*.log | cat"])
    found = t.sh(f"find var/log/app -name '*.log' -size +{limit}k | sort").lines()
    expect(sorted(f.split("/")[-1][:-4] for f in found) == sorted(big), "big ones")
    t.sh(f"find var/log/app -name '*.log' -size +{limit}k -exec gzip {{}} +",
         alt=[f"find var/log/app -name '*.log' -size +{limit}k -print0 | xargs -0 gzip", "gzip " + " ".join(found)])
    after = t.sh("ls var/log/app").lines()
    ok = t.sh("gzip -t var/log/app/*.gz && echo all archives OK")
    expect(ok.rc == 0, "intact")
    t.done(f"{plural(len(found), 'log')} exceeded {limit} KB and {'is' if len(found) == 1 else 'are'} now gzipped: "
           + ", ".join(f"`{f.split('/')[-1]}.gz`" for f in found) + ". The smaller ones ("
           + ", ".join(a for a in after if a.endswith(".log")) + ") were left as they were, and `gzip -t` reports every "
           "compressed file intact.")


def repack_release(t, rng):
    version = f"{rng.randint(1, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 5)}"
    top = f"release-{version}"
    files = {f"{top}/bin/start.sh": "#!/bin/sh\nexec python3 -m shop.server --config config/settings.ini\n",
             f"{top}/config/settings.ini": f"[app]\nname = shop\ndebug = true\nlog_level = {pick(rng, ['info', 'debug'])}\n\n"
                                           f"[server]\nport = {pick(rng, [8000, 8080])}\n",
             f"{top}/shop/__init__.py": f'__version__ = "{version}"\n',
             f"{top}/shop/server.py": "def main():\n    print('serving')\n",
             f"{top}/README.md": f"# shop {version}\n\nUnpack and run bin/start.sh.\n"}
    archive = f"dist/{top}.tar.gz"
    setup = [f"chmod +x {top}/bin/start.sh", "mkdir -p dist", f"tar --sort=name -czf {archive} {top}", f"rm -rf {top}"]
    t.start(pick(rng, [
        f"Before we ship {archive}: does its bundled config have debug switched on? Check without unpacking it into "
            f"the current directory. If it does, make a fixed copy dist/{top}-fixed.tar.gz with debug off.",
        f"QA says the config inside {archive} might still have debug on. Peek into the archive (don't extract it here) and, if so, produce dist/{top}-fixed.tar.gz with debug disabled.",
    ]), files, setup)
    t.sh(f"tar tzf {archive}")
    hit = t.sh(f"tar xzOf {archive} {top}/config/settings.ini | grep -n '^debug'",
               alt=[f"tar -xzf {archive} -O {top}/config/settings.ini | grep -n '^debug'"]).stdout.strip()
    t.sh(f"mkdir -p build && tar xzf {archive} -C build")
    t.sh(f"sed -i 's/^debug = true$/debug = false/' build/{top}/config/settings.ini")
    t.sh(f"tar --sort=name -czf dist/{top}-fixed.tar.gz -C build {top}",
         alt=[f"cd build && tar czf ../dist/{top}-fixed.tar.gz {top}"])
    check = t.sh(f"tar xzOf dist/{top}-fixed.tar.gz {top}/config/settings.ini | grep -n '^debug'").stdout.strip()
    expect("false" in check, "fixed")
    t.done(f"Yes — `{top}/config/settings.ini` inside the archive has `{hit.split(':', 1)[1]}` (line {hit.split(':')[0]}). "
           f"I unpacked it into build/, set `debug = false`, and repacked it as `dist/{top}-fixed.tar.gz`; reading the "
           f"config straight from the new archive shows `{check.split(':', 1)[1]}`. The original archive is unchanged.")


def compare_backup(t, rng):
    pages = rng.sample(["install.md", "faq.md", "api.md", "changelog.md", "deploy.md", "security.md"], 4)
    files = {f"docs/{p}": f"# {p[:-3].title()}\n\nSee the team wiki for details.\n" + "- item\n" * rng.randint(1, 5)
             for p in pages}
    edited, added = pages[0], pick(rng, ["troubleshooting.md", "glossary.md"])
    day = pick(rng, ["2026-03-01", "2026-02-20"])
    setup = ["mkdir -p backups", f"tar --sort=name -czf backups/docs-{day}.tgz docs",
             f"echo '- new: rotate keys every 90 days' >> docs/{edited}",
             f"printf '# {added[:-3].title()}\\n' > docs/{added}"]
    t.start(pick(rng, [
        f"Has anything in docs/ changed since backups/docs-{day}.tgz was taken? Use a scratch copy to compare and "
            "clean it up afterwards.",
        f"Compare docs/ against the backup backups/docs-{day}.tgz and tell me what changed since then. Don't leave any extracted files lying around.",
    ]), files, setup)
    t.sh(f"mkdir -p .check && tar xzf backups/docs-{day}.tgz -C .check")
    summary = t.sh("diff -rq .check/docs docs").lines()
    detail = t.sh(f"diff .check/docs/{edited} docs/{edited}").stdout.strip()
    t.sh("rm -rf .check")
    t.sh("ls -A", alt=["ls -a | grep -v '^\\.\\.\\?$'"])
    expect(len(summary) == 2, "one edit, one new")
    t.done(f"Yes, two differences since the {day} backup: `docs/{edited}` was edited — it gained the line "
           f"`{detail.splitlines()[-1][2:]}` — and `docs/{added}` is new (not in the backup). Everything else matches. "
           f"The scratch copy in .check/ has been removed.")


def backup_excluding(t, rng):
    name = pick(rng, ["webshop", "dashboard", "landing"])
    files = {f"{name}/package.json": f'{{"name": "{name}", "version": "0.{rng.randint(1, 9)}.0"}}\n',
             f"{name}/src/index.js": "console.log('hello');\n",
             f"{name}/src/cart.js": "export const total = (items) => items.reduce((s, i) => s + i.price, 0);\n",
             f"{name}/README.md": f"# {name}\n",
             f"{name}/.git/HEAD": "ref: refs/heads/main\n",
             f"{name}/.git/config": "[core]\n\trepositoryformatversion = 0\n",
             f"{name}/node_modules/left-pad/index.js": "module.exports = (s) => s;\n",
             f"{name}/node_modules/left-pad/package.json": '{"name": "left-pad"}\n'}
    t.start(pick(rng, [
        f"Make a backup of {name}/ at backups/{name}-src.tar.gz, but leave out node_modules and the .git directory.",
        f"Tar up {name}/ into backups/{name}-src.tar.gz for the handover — source only, so skip node_modules and .git.",
    ]),
            files)
    t.sh(f"find {name} -maxdepth 1 | sort")
    t.sh(f"mkdir -p backups && tar --exclude=node_modules --exclude=.git -czf backups/{name}-src.tar.gz {name}",
         alt=[f"mkdir -p backups && tar -czf backups/{name}-src.tar.gz --exclude={name}/node_modules --exclude={name}/.git {name}"])
    listing = t.sh(f"tar tzf backups/{name}-src.tar.gz | sort").lines()
    leak = t.sh(f"tar tzf backups/{name}-src.tar.gz | grep -cE 'node_modules|\\.git/'")
    expect(leak.stdout.strip() == "0", "clean")
    files_in = [x for x in listing if not x.endswith("/")]
    t.done(f"Created `backups/{name}-src.tar.gz` with {len(listing)} entries ({plural(len(files_in), 'file')}: "
           + ", ".join(files_in) + "). A grep over the listing finds no node_modules or .git entries.")


FLOWS = [restore_config, bundle_logs, gzip_large, repack_release, compare_backup, backup_excluding]
