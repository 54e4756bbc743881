"""Config files: find a key, change values with sed -i (plain and section-aware), dedupe keys, validate."""

from __future__ import annotations

from .common import code, expect, pick

NAME = "config"
COUNT = 7

SITES = ["shop", "blog", "status", "api", "docs", "billing"]
DOMAINS = ["example.com", "example.org", "acme-roasters.test", "northwind.test"]


def _nginx_site(name: str, domain: str, port: int, static: str) -> str:
    return f"""upstream {name}_backend {{
    server 127.0.0.1:{port};
    keepalive 16;
}}

server {{
    listen 80;
    server_name {name}.{domain};
    return 301 https://$host$request_uri;
}}

server {{
    listen 443 ssl http2;
    server_name {name}.{domain};

    ssl_certificate     /etc/letsencrypt/live/{name}.{domain}/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/{name}.{domain}/privkey.pem;

    access_log /var/log/nginx/{name}.access.log;
    client_max_body_size 10m;

    location /static/ {{
        alias {static};
        expires 7d;
    }}

    location / {{
        proxy_pass http://{name}_backend;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_read_timeout 60s;
    }}
}}
"""


def nginx_port(t, rng):
    main, other = rng.sample(SITES, 2)
    domain = pick(rng, DOMAINS)
    old, new = rng.sample([8000, 8080, 8081, 3000, 5000, 9000, 9090], 2)
    other_port = pick(rng, [p for p in (8001, 8082, 3001, 5001, 9001) if p not in (old, new)])
    files = {
        f"nginx/sites-available/{main}.conf": _nginx_site(main, domain, old, f"/srv/{main}/static/"),
        f"nginx/sites-available/{other}.conf": _nginx_site(other, domain, other_port, f"/srv/{other}/public/"),
        "nginx/nginx.conf": "user www-data;\nworker_processes auto;\n\nevents {\n    worker_connections 1024;\n}\n\n"
                            "http {\n    include mime.types;\n    sendfile on;\n    include sites-enabled/*.conf;\n}\n",
    }
    setup = ["mkdir -p nginx/sites-enabled",
             f"ln -s ../sites-available/{main}.conf nginx/sites-enabled/{main}.conf",
             f"ln -s ../sites-available/{other}.conf nginx/sites-enabled/{other}.conf"]
    conf = f"nginx/sites-available/{main}.conf"
    t.start(pick(rng, [
        f"The {main} backend moved from port {old} to {new}. Update its nginx site config and make sure nothing "
            f"under nginx/ still points at {old}. Check the braces still balance afterwards.",
        f"Please repoint the {main} site at its new backend port {new} (it was {old}) in the nginx config, check nothing else under nginx/ still uses {old}, and sanity-check the braces.",
    ]), files, setup)
    t.sh("ls nginx/sites-enabled")
    hits = t.sh(f"grep -rn ':{old}' nginx | sort").lines()
    expect(len(hits) == 1, "single reference")
    t.sh(f"sed -i 's/127.0.0.1:{old};/127.0.0.1:{new};/' {conf}", alt=[f"sed -i 's/:{old};/:{new};/' {conf}"])
    t.sh(f"grep -rn ':{old}' nginx")
    t.sh(f"grep -n 'server 127' {conf}")
    braces = t.sh(f"tr -cd '{{' < {conf} | wc -c; tr -cd '}}' < {conf} | wc -c").lines()
    expect(braces[0] == braces[1], "balanced")
    t.done(f"`{conf}` had the only reference to port {old} (line {hits[0].split(':')[1]}, the `{main}_backend` upstream); it now "
           f"reads `server 127.0.0.1:{new};`. A recursive grep finds no other `:{old}` under nginx/ (exit status 1), the "
           f"sites-enabled symlinks point at the edited file, and the braces balance ({braces[0]} opening, {braces[1]} closing).")


ENV_BASE = [("APP_NAME", "{site}"), ("APP_ENV", "production"), ("LOG_LEVEL", "debug"), ("DEBUG", "true"),
            ("DATABASE_URL", "postgres://app@db.internal:5432/{site}"), ("REDIS_URL", "redis://cache.internal:6379/0"),
            ("SESSION_COOKIE_SECURE", "true"), ("WORKERS", "4"), ("SENTRY_DSN", ""), ("SMTP_HOST", "mail.internal")]


def _env_lines(rng, site: str, drop: set[str]) -> list[str]:
    lines = [f"# {site} service environment", "# managed by deploy scripts; one KEY=value per line", ""]
    for key, value in ENV_BASE:
        if key not in drop:
            lines.append(f"{key}={value.format(site=site)}")
    return lines


def env_settings(t, rng):
    site = pick(rng, SITES)
    level = pick(rng, ["warning", "info", "error"])
    extra, extra_val = pick(rng, [("CACHE_TTL", "600"), ("REQUEST_TIMEOUT", "30"), ("MAX_UPLOAD_MB", "25")])
    present = rng.random() < 0.4
    lines = _env_lines(rng, site, set())
    if present:
        lines.append(f"{extra}={extra_val}")
    path = pick(rng, ["config/app.env", f"deploy/{site}.env"])
    t.start(pick(rng, [
        f"In {path}, set LOG_LEVEL to {level} and turn DEBUG off. Also add {extra}={extra_val} unless it is already set.",
        f"Quick config change in {path}: LOG_LEVEL={level}, DEBUG=false, and make sure {extra}={extra_val} is present (add it if missing).",
    ]),
            {path: "\n".join(lines) + "\n"})
    keys = f"^(LOG_LEVEL|DEBUG|{extra})="
    t.sh(f"grep -nE '{keys}' {path}")
    t.sh(f"sed -i -e 's/^LOG_LEVEL=.*/LOG_LEVEL={level}/' -e 's/^DEBUG=.*/DEBUG=false/' {path}",
         alt=[f"sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL={level}/; s/^DEBUG=.*/DEBUG=false/' {path}",
              f"sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL={level}/' {path} && sed -i 's/^DEBUG=.*/DEBUG=false/' {path}"])
    t.sh(f"grep -q '^{extra}=' {path} || echo '{extra}={extra_val}' >> {path}")
    final = t.sh(f"grep -nE '{keys}' {path}").lines()
    expect(len(final) == 3, "three keys")
    t.done(f"Updated {path}: LOG_LEVEL is now `{level}` and DEBUG is `false`. "
           + (f"{extra} was already set to {extra_val}, so I left it alone." if present
              else f"{extra} was missing, so I appended `{extra}={extra_val}` (line {final[-1].split(':')[0]}).")
           + " No other lines changed.")


def _ini(rng, db_port: int, ttl: int) -> str:
    return f"""; application settings -- read by configparser
[server]
host = 0.0.0.0
port = {pick(rng, [8000, 8080, 5000])}
workers = {pick(rng, [2, 4, 8])}

[database]
host = db.internal
port = {db_port}
name = {pick(rng, ['orders', 'catalog', 'ledger'])}
pool_size = {pick(rng, [5, 10, 20])}

[cache]
backend = redis
host = cache.internal
port = 6379
ttl = {ttl}

[mail]
host = smtp.internal
port = 587
from = noreply@example.com
"""


def ini_section(t, rng):
    db_port = pick(rng, [5432, 5433, 6432, 3306])
    old_ttl, new_ttl = rng.sample([60, 120, 300, 600, 900, 3600], 2)
    path = pick(rng, ["config/settings.ini", "etc/app/settings.ini"])
    t.start(pick(rng, [
        f"Which port does the [database] section of {path} use? Then change the cache ttl to {new_ttl} seconds — "
            f"careful, several sections have similar keys — and confirm the file still parses.",
        f"Two things about {path}: tell me the [database] port, and set ttl in the [cache] section to {new_ttl} (other sections also have host/port keys, so be precise). Then check it still parses.",
    ]), {path: _ini(rng, db_port, old_ttl)})
    t.sh(f"grep -n '^\\[' {path}")
    port = t.sh(f"awk '/^\\[database\\]/ {{s = 1; next}} /^\\[/ {{s = 0}} s && /^port/' {path}",
                alt=[f"sed -n '/^\\[database\\]/,/^\\[/p' {path} | grep '^port'"]).stdout.split("=")[1].strip()
    t.sh(f"sed -i '/^\\[cache\\]/,/^\\[/ s/^ttl *=.*/ttl = {new_ttl}/' {path}",
         alt=[f"sed -i 's/^ttl = {old_ttl}$/ttl = {new_ttl}/' {path}"])
    check = t.sh("python3 -c 'import configparser; c = configparser.ConfigParser(); "
                 f"c.read(\"{path}\"); print(c[\"cache\"][\"ttl\"], c[\"database\"][\"port\"], c.sections())'").stdout
    expect(check.split()[0] == str(new_ttl) and port == str(db_port), "configparser agrees")
    t.done(f"The [database] section uses port {port}. I changed `ttl` in the [cache] section from {old_ttl} to {new_ttl} "
           f"(only that section; the other `port`/`host` keys are untouched), and configparser still reads all four "
           f"sections, reporting ttl={new_ttl}.")


def duplicate_key(t, rng):
    site = pick(rng, SITES)
    lines = _env_lines(rng, site, set())
    key, stale = pick(rng, [("WORKERS", "2"), ("LOG_LEVEL", "trace"), ("REDIS_URL", "redis://localhost:6379/0"),
                            ("SMTP_HOST", "localhost")])
    lines += ["", "# added during the 2026-02 incident", f"{key}={stale}", "FEATURE_NEW_CHECKOUT=false"]
    path = pick(rng, ["config/service.env", f"{site}/.env"])
    t.start(pick(rng, [
        f"The {site} service warns about a duplicate key in {path}. Find it and delete the later, stale definition "
            f"(keep the first one).",
        f"{path} defines one of its keys twice, and the second copy is a stale leftover. Remove the later definition and keep the first.",
    ]), {path: "\n".join(lines) + "\n"})
    dup = t.sh(f"grep -v '^#' {path} | grep -v '^$' | cut -d= -f1 | sort | uniq -d",
               alt=[f"awk -F= '!/^#/ && NF {{print $1}}' {path} | sort | uniq -d"]).stdout.strip()
    expect(dup == key, "found duplicate")
    where = t.sh(f"grep -n '^{key}=' {path}").lines()
    line = where[-1].split(":")[0]
    t.sh(f"sed -i '{line}d' {path}", alt=[f"awk 'NR != {line}' {path} > {path}.tmp && mv {path}.tmp {path}"])
    kept = t.sh(f"grep -n '^{key}=' {path}").stdout.strip()
    t.done(f"`{key}` was defined twice in {path}: {where[0].split(':', 1)[1]} on line {where[0].split(':')[0]} and "
           f"{where[1].split(':', 1)[1]} on line {line}. I deleted line {line}, so only `{kept.split(':', 1)[1]}` remains.")


SSHD = """# This is the sshd server system-wide configuration file.  See sshd_config(5).

Include /etc/ssh/sshd_config.d/*.conf

Port {port}
#AddressFamily any
#ListenAddress 0.0.0.0

#HostKey /etc/ssh/ssh_host_ed25519_key

# Authentication:
#LoginGraceTime 2m
{root}
#StrictModes yes
MaxAuthTries {tries}

PubkeyAuthentication yes
#AuthorizedKeysFile .ssh/authorized_keys

# To disable tunneled clear text passwords, change to no here!
{password}
#PermitEmptyPasswords no

KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding {x11}
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
"""


def sshd_hardening(t, rng):
    text = SSHD.format(port=pick(rng, [22, 2222]), tries=pick(rng, [3, 6]), x11=pick(rng, ["yes", "no"]),
                       root=pick(rng, ["#PermitRootLogin prohibit-password", "PermitRootLogin yes"]),
                       password=pick(rng, ["PasswordAuthentication yes", "#PasswordAuthentication yes"]))
    t.start(pick(rng, [
        "Harden etc/ssh/sshd_config (a copy in this directory): disable root login and password authentication. "
            "Keep a backup of the original next to it and show me the difference.",
        "Please apply the usual SSH hardening to etc/ssh/sshd_config here: no root login, no password auth. Save the original as sshd_config.orig and show me a diff.",
    ]), {"etc/ssh/sshd_config": text})
    before = t.sh("grep -nE '^#?(PermitRootLogin|PasswordAuthentication)' etc/ssh/sshd_config").lines()
    t.sh("cp etc/ssh/sshd_config etc/ssh/sshd_config.orig", alt=["cp -p etc/ssh/sshd_config etc/ssh/sshd_config.orig"])
    t.sh("sed -i -E 's/^#?PermitRootLogin .*/PermitRootLogin no/; s/^#?PasswordAuthentication .*/PasswordAuthentication no/' "
         "etc/ssh/sshd_config",
         alt=["sed -i -e 's/^#\\?PermitRootLogin .*/PermitRootLogin no/' -e 's/^#\\?PasswordAuthentication .*/PasswordAuthentication no/' "
              "etc/ssh/sshd_config"])
    diff = t.sh("diff etc/ssh/sshd_config.orig etc/ssh/sshd_config")
    expect(diff.rc == 1, "changed")
    old = [b.split(":", 1)[1] for b in before]
    t.done(f"Backed up the original to `etc/ssh/sshd_config.orig`, then replaced {code(old)} with `PermitRootLogin no` "
           f"and `PasswordAuthentication no` (uncommenting where needed). `diff` shows exactly those two lines changed; "
           f"everything else is as before. Reload sshd on the real host after checking you still have key access.")


def compose_tag(t, rng):
    services = rng.sample(["web", "worker", "scheduler", "api", "frontend"], 3)
    target = services[0]
    old = f"1.{rng.randint(2, 6)}.{rng.randint(0, 9)}"
    new = f"1.{int(old.split('.')[1]) + 1}.0"
    body = ["services:"]
    for s in services:
        tag = old if s == target else f"1.{rng.randint(2, 9)}.{rng.randint(0, 9)}"
        body += [f"  {s}:", f"    image: registry.example.com/shop/{s}:{tag}", "    restart: unless-stopped",
                 "    env_file: ../config/app.env"]
        if s == target:
            body += ["    ports:", "      - \"8080:8080\""]
    body += ["  redis:", "    image: redis:7.2-alpine", "    restart: unless-stopped"]
    t.start(pick(rng, [
        f"Bump the {target} service in deploy/docker-compose.yml to image tag {new}, without touching the other services.",
        f"Update deploy/docker-compose.yml so the {target} service runs image tag {new}. The other services must keep their images.",
    ]),
            {"deploy/docker-compose.yml": "\n".join(body) + "\n"})
    t.sh("grep -n 'image:' deploy/docker-compose.yml")
    t.sh(f"sed -i 's#shop/{target}:{old}#shop/{target}:{new}#' deploy/docker-compose.yml",
         alt=[f"sed -i 's|registry.example.com/shop/{target}:{old}$|registry.example.com/shop/{target}:{new}|' deploy/docker-compose.yml"])
    after = t.sh("grep -n 'image:' deploy/docker-compose.yml").lines()
    expect(any(f"{target}:{new}" in a for a in after), "bumped")
    t.done(f"The {target} service now uses `registry.example.com/shop/{target}:{new}` (was {old}). The other images — "
           + ", ".join(a.split("image: ")[1] for a in after if f"/{target}:" not in a) + " — are unchanged.")


FLOWS = [nginx_port, env_settings, ini_section, duplicate_key, sshd_hardening, compose_tag]
