"""Permissions: make scripts executable, lock down secrets, fix world-writable files, normalise trees, setgid dirs.

Modes are inspected with ``stat -c '%a %n'`` / ``find -printf '%m'`` (never ``ls -l``, which shows owners and
times).  Nothing relies on a permission *denial* when reading, since the sandbox may run as root.
"""

from __future__ import annotations

from .common import expect, pick, plural

NAME = "perms"
COUNT = 6

SCRIPTS = {"deploy.sh": "echo \"deploying $(cat VERSION)\"", "healthcheck.sh": "echo \"health: ok\"",
           "rotate-logs.sh": "echo \"rotated 0 files\"", "backup-db.sh": "echo \"dump skipped (dry run)\"",
           "warm-cache.sh": "echo \"cache warm\"", "migrate.sh": "echo \"no pending migrations\""}


def make_executable(t, rng):
    names = rng.sample(sorted(SCRIPTS), 4)
    files = {f"bin/{n}": f"#!/bin/bash\nset -eu\n{SCRIPTS[n]}\n" for n in names}
    files["bin/README.md"] = "Ops scripts. Run from the repository root.\n"
    files["VERSION"] = f"{rng.randint(1, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}\n"
    already = rng.sample(names, 1)
    setup = [f"chmod 755 bin/{a}" for a in already]
    run = pick(rng, [n for n in names if n not in already])
    t.start(pick(rng, [
        f"Some of the scripts in bin/ aren't executable. Fix that for every .sh file (leave the README alone) and "
            f"then run bin/{run} to check.",
        f"Make every .sh file in bin/ executable (not the README), then run bin/{run} to confirm it works.",
    ]), files, setup)
    t.sh("stat -c '%a %n' bin/*")
    missing = t.sh("find bin -name '*.sh' ! -perm -u+x | sort").lines()
    t.sh("chmod +x bin/*.sh", alt=["chmod 755 bin/*.sh", "find bin -name '*.sh' -exec chmod a+x {} +"])
    modes = t.sh("stat -c '%a %n' bin/*").lines()
    out = t.sh(f"./bin/{run}")
    expect(out.rc == 0 and len(missing) == 3, "runs")
    readme = next(m for m in modes if m.endswith("README.md")).split()[0]
    t.done(f"{plural(len(missing), 'script')} lacked the execute bit (" + ", ".join(m.split('/')[-1] for m in missing)
           + f"); after `chmod +x bin/*.sh` all four .sh files are 755 while README.md stays {readme}. "
           f"bin/{run} runs fine and prints `{out.stdout.strip()}`.")


def lock_secrets(t, rng):
    app = pick(rng, ["billing", "shop", "crm"])
    files = {"config/.env": f"DATABASE_URL=postgres://{app}:s3cr3t@db.internal/{app}\nSTRIPE_KEY=sk_test_51Hx\n",
             "config/tls/server.key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
             "config/tls/server.crt": "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUJ\n-----END CERTIFICATE-----\n",
             "config/app.yml": f"name: {app}\nport: 8080\n",
             "config/db-password": "s3cr3t\n"}
    setup = ["chmod 666 config/db-password"] if rng.random() < 0.5 else []
    t.start(pick(rng, [
        "Lock down the secrets in config/: the .env file, the TLS private key and db-password should be readable and "
            "writable by the owner only. Certificates and app.yml can stay world-readable.",
        "Tighten permissions in config/: .env, the TLS private key and db-password should be 600 (owner read/write only). The certificate and app.yml may stay readable by everyone.",
    ]), files, setup)
    t.sh("find config -type f -printf '%m %p\\n' | sort -k2")
    exposed = t.sh("find config -type f -perm /o+r \\( -name '.env' -o -name '*.key' -o -name 'db-password' \\) | sort").lines()
    t.sh("chmod 600 config/.env config/tls/server.key config/db-password",
         alt=["chmod u=rw,go= config/.env config/tls/server.key config/db-password"])
    t.sh("find config -type f -printf '%m %p\\n' | sort -k2").lines()
    still = t.sh("find config -type f -perm /o+r | sort").lines()
    expect(len(exposed) == 3 and len(still) == 2, "locked")
    t.done("Set mode 600 on " + ", ".join(exposed) + " (they were readable by everyone"
           + (", and db-password was even world-writable" if setup else "") + "). Only " + " and ".join(still)
           + " remain world-readable, as intended.")


def world_writable(t, rng):
    paths = ["www/index.html", "www/css/site.css", "www/js/app.js", "www/uploads/.keep", "www/robots.txt",
             "www/img/logo.svg"]
    files = {p: f"/* {p} */\n" for p in paths}
    bad = rng.sample(paths, 3)
    bad_dir = pick(rng, ["www/uploads", "www/img"])
    setup = [f"chmod 666 {b}" for b in bad] + [f"chmod 777 {bad_dir}"]
    t.start(pick(rng, [
        "A security scan flagged world-writable paths under www/. Find them all (files and directories) and remove "
            "write permission for 'others' without changing anything else.",
        "Find every world-writable file or directory under www/ and remove only the write bit for others.",
    ]), files, setup)
    found = t.sh("find www -perm -o+w -printf '%m %p\\n' | sort -k2", alt=["find www -perm -0002 -printf '%m %p\\n' | sort -k2"]).lines()
    t.sh("find www -perm -o+w -exec chmod o-w {} +",
         alt=["chmod o-w " + " ".join(sorted([bad_dir, *bad])), "find www -perm -o+w -print0 | xargs -0 chmod o-w"])
    left = t.sh("find www -perm -o+w | wc -l").int()
    modes = t.sh("stat -c '%a %n' " + " ".join(sorted([bad_dir, *bad]))).lines()
    expect(left == 0 and len(found) == 4, "fixed")
    t.done(f"Found {len(found)} world-writable paths: " + ", ".join(f"{f.split()[1]} ({f.split()[0]})" for f in found)
           + ". After `chmod o-w` on exactly those, none remain; their modes are now "
           + ", ".join(f"{m.split()[1]} {m.split()[0]}" for m in modes) + " (group and owner bits untouched).")


def normalise_tree(t, rng):
    files = {"site/index.php": "<?php echo 'home';\n", "site/lib/db.php": "<?php // db\n", "site/lib/auth.php": "<?php // auth\n",
             "site/assets/app.css": "body{}\n", "site/bin/cron.sh": "#!/bin/bash\necho cron ok\n",
             "site/bin/clear-cache.sh": "#!/bin/bash\necho cleared\n"}
    odd = rng.sample(["site/index.php", "site/lib/db.php", "site/assets/app.css", "site/lib/auth.php"], 2)
    setup = [f"chmod {pick(rng, ['777', '600', '755', '640'])} {o}" for o in odd] + \
            [f"chmod {pick(rng, ['700', '777', '750'])} site/lib", "chmod 644 site/bin/cron.sh site/bin/clear-cache.sh"]
    t.start(pick(rng, [
        "Normalise permissions under site/: directories 755, regular files 644, except the scripts in site/bin/, "
            "which must be 755.",
        "Reset the permissions in site/: 755 for directories, 644 for files, and 755 for the scripts in site/bin/.",
    ]), files, setup)
    t.sh("find site -printf '%m %p\\n' | sort -k2")
    t.sh("find site -type d -exec chmod 755 {} +", alt=["find site -type d -print0 | xargs -0 chmod 755"])
    t.sh("find site -type f -exec chmod 644 {} +", alt=["find site -type f -print0 | xargs -0 chmod 644"])
    t.sh("chmod 755 site/bin/*.sh", alt=["chmod a+x site/bin/*.sh"])
    final = t.sh("find site -printf '%m %p\\n' | sort -k2").lines()
    wrong = [f for f in final if not (f.startswith("755 ") if ("/bin/" in f or "." not in f.split("/")[-1]) else f.startswith("644 "))]
    expect(not wrong, "normalised")
    t.done(f"Directories are now 755 and files 644 across site/ ({len(final)} entries), with site/bin/cron.sh and "
           f"site/bin/clear-cache.sh set to 755 so cron can execute them. The odd modes on " + ", ".join(odd)
           + " and on site/lib are gone.")


def shared_group_dir(t, rng):
    team = pick(rng, ["design", "finance", "research"])
    files = {f"team/{team}/briefs/q2.md": "# Q2 brief\n", f"team/{team}/briefs/q3.md": "# Q3 brief\n",
             f"team/{team}/assets/palette.txt": "#1d3557 #457b9d #a8dadc\n", f"team/{team}/README.md": f"# {team}\n"}
    t.start(pick(rng, [
        f"Turn team/{team}/ into a shared folder: everything group-writable, and every directory setgid so new files "
            f"inherit the group. Don't make anything world-writable.",
        f"Make team/{team}/ collaborative: group write on everything and setgid on all directories, but nothing writable by others.",
    ]), files)
    t.sh(f"find team/{team} -printf '%m %p\\n' | sort -k2")
    t.sh(f"chmod -R g+w team/{team}", alt=[f"find team/{team} -exec chmod g+w {{}} +"])
    t.sh(f"find team/{team} -type d -exec chmod g+s {{}} +", alt=[f"find team/{team} -type d -print0 | xargs -0 chmod g+s"])
    final = t.sh(f"find team/{team} -printf '%M %p\\n' | sort -k2").lines()
    ww = t.sh(f"find team/{team} -perm -o+w | wc -l").int()
    expect(ww == 0 and all(f[5] == "w" for f in final), "shared")
    dirs = [f for f in final if f.startswith("d")]
    t.done(f"All {len(final)} entries under team/{team} are now group-writable; the {len(dirs)} directories show "
           f"`{dirs[0].split()[0]}` (the `s` in the group bits is setgid, so new files inherit the directory's group). "
           f"Nothing is world-writable.")


FLOWS = [make_executable, lock_secrets, world_writable, normalise_tree, shared_group_dir]
