"""Log analysis: counts, top modules, time windows, nginx access logs, rotated/compressed logs."""

from __future__ import annotations

from .common import expect, hms, join_words, pick, plural, uniq_counts

NAME = "logs"
COUNT = 7

MODULES = ["api", "billing", "auth", "scheduler", "mailer", "search", "inventory", "payments",
           "cache", "worker", "checkout", "reports"]
INFO = ["request served in {ms}ms", "user {user} signed in", "job {job} finished in {ms}ms",
        "cache warmed with {n} keys", "sent {n} notification emails", "reindexed {n} documents",
        "order {order} confirmed", "health check ok", "config reloaded", "batch of {n} events flushed"]
WARN = ["slow query on orders table ({ms}ms)", "retrying upstream call (attempt {a}/3)",
        "queue depth {n} above soft limit", "token for {user} expires soon",
        "disk usage at {p}% on /var/lib/app", "deprecated endpoint /v1/cart called"]
ERROR = ["charge failed for invoice INV-{inv}: card_declined", "upstream timeout after {ms}ms",
         "could not connect to db-primary:5432", "unhandled exception in job {job}",
         "smtp relay refused message for {user}", "payload validation failed for order {order}",
         "lock wait timeout on stock row {n}"]
USERS = ["maria.lopez", "j.okafor", "priya.n", "tkowalski", "lena.fischer", "a.haddad", "sam.reyes",
         "yuki.tanaka", "omar.s", "ines.moreau"]
DAYS = ["2026-03-02", "2026-03-09", "2026-02-17", "2026-01-28", "2026-04-14"]


def _message(rng, level: str) -> str:
    pool = {"INFO": INFO, "WARN": WARN, "ERROR": ERROR}[level]
    return pick(rng, pool).format(
        ms=rng.randint(12, 4800), user=pick(rng, USERS), job=f"job-{rng.randint(1000, 9999)}",
        n=rng.randint(3, 900), order=f"ORD-{rng.randint(10000, 99999)}", a=rng.randint(1, 3),
        p=rng.randint(81, 97), inv=rng.randint(20000, 29999))


def app_log(rng, lines: int, start: int, hot: str, modules: list[str], error_rate=0.2, step=(4, 95)) -> list[str]:
    """Lines ``DATE TIME LEVEL MODULE message``; ``hot`` gets most of the errors."""
    day, t, out = pick(rng, DAYS), start, []
    for _ in range(lines):
        t += rng.randint(*step)
        roll = rng.random()
        level = "ERROR" if roll < error_rate else "WARN" if roll < error_rate + 0.15 else "INFO"
        if level == "ERROR" and rng.random() < 0.55:
            module = hot
        else:
            module = pick(rng, modules)
        out.append(f"{day} {hms(t)} {level} {module} {_message(rng, level)}")
    return out


def errors_by_module(t, rng):
    modules = rng.sample(MODULES, 6)
    hot = modules[0]
    lines = app_log(rng, rng.randint(70, 110), rng.randint(6, 10) * 3600, hot, modules)
    path = pick(rng, ["logs/app.log", "var/log/shop/app.log", "logs/backend.log"])
    report = pick(rng, ["reports/errors.txt", "triage/errors.txt"])
    t.start(pick(rng, [
        f"How many ERROR lines are in {path}, and which module logs the most of them? Also save all the error lines to {report} so I can attach them to the ticket.",
        f"Can you triage {path}? I need the number of errors, the module responsible for most of them, and a copy of the error lines in {report}.",
    ]), {path: "\n".join(lines) + "\n"})
    if rng.random() < 0.5:
        t.sh(f"head -n 5 {path}")
    n = t.sh(f"grep -c ERROR {path}", alt=[f"grep ERROR {path} | wc -l", f"awk '$3 == \"ERROR\"' {path} | wc -l"]).int()
    top = uniq_counts(t.sh(f"grep ERROR {path} | awk '{{print $4}}' | sort | uniq -c | sort -rn",
                           alt=[f"awk '$3 == \"ERROR\" {{print $4}}' {path} | sort | uniq -c | sort -rn"]).stdout)
    expect(sum(c for c, _ in top) == n and top[0][1] == hot and top[0][0] > top[1][0], "hot module must lead")
    folder = report.split("/")[0]
    t.sh(f"mkdir -p {folder} && grep ERROR {path} > {report}")
    m = t.sh(f"wc -l < {report}", alt=[f"grep -c '' {report}"]).int()
    expect(m == n, "report has every error")
    rest = ", ".join(f"{mod} ({c})" for c, mod in top[1:3])
    t.done(f"{path} has {n} ERROR lines. The `{hot}` module logs the most of them ({top[0][0]}), "
           f"followed by {rest}. All {n} error lines are saved in `{report}`.")


def time_window(t, rng):
    modules = rng.sample(MODULES, 5)
    start_h = rng.randint(8, 15)
    lines = app_log(rng, rng.randint(80, 110), start_h * 3600, modules[0], modules, error_rate=0.12, step=(20, 160))
    day = lines[0].split()[0]
    h, m, _ = lines[len(lines) // 3].split()[1].split(":")
    lo = int(h) * 3600 + (1800 if int(m) >= 30 else 0)
    hi = lo + pick(rng, [1800, 2700, 3600])
    lo_s, hi_s = hms(lo)[:5], hms(hi)[:5]
    out = pick(rng, ["incident.txt", f"incident-{day}.txt", "notes/incident.log"])
    t.start(pick(rng, [
        f"Something went wrong on {day} between {lo_s} and {hi_s} UTC. Pull the WARN and ERROR lines "
            f"from that window of logs/app.log into {out}, and tell me which modules were involved.",
        f"We had an incident on {day}, roughly {lo_s}-{hi_s} UTC. Save the WARN/ERROR lines of logs/app.log from that window to {out} and tell me which modules show up.",
    ]),
            {"logs/app.log": "\n".join(lines) + "\n"})
    t.sh("head -n 3 logs/app.log")
    cond = f'$2 >= "{lo_s}:00" && $2 < "{hi_s}:00"'
    total = t.sh(f"awk '{cond}' logs/app.log | wc -l").int()
    prefix = "mkdir -p notes && " if "/" in out else ""
    t.sh(f"{prefix}awk '{cond} && ($3 == \"WARN\" || $3 == \"ERROR\")' logs/app.log > {out}",
         alt=[f"{prefix}awk '{cond}' logs/app.log | grep -E ' (WARN|ERROR) ' > {out}"])
    levels = uniq_counts(t.sh(f"cut -d' ' -f3 {out} | sort | uniq -c").stdout)
    mods = uniq_counts(t.sh(f"awk '{{print $4}}' {out} | sort | uniq -c | sort -rn").stdout)
    expect(bool(mods), "window must contain warnings")
    kept = sum(c for c, _ in levels)
    detail = join_words([f"{c} {lvl}" for c, lvl in levels])
    t.done(f"Between {lo_s} and {hi_s} on {day} the log has {total} lines; {kept} of them are warnings or errors "
           f"({detail}) and are now in `{out}`. Modules involved: "
           + ", ".join(f"{m} ({c})" for c, m in mods) + ".")


IPS = ["203.0.113.7", "198.51.100.23", "192.0.2.41", "203.0.113.88", "198.51.100.142", "192.0.2.9",
       "203.0.113.150", "198.51.100.77"]
PATHS = ["/", "/products", "/products/espresso-grinder", "/cart", "/checkout", "/api/orders",
         "/api/cart/items", "/static/app.js", "/static/site.css", "/account/login", "/search?q=kettle"]
PROBES = ["/wp-login.php", "/.env", "/admin/config.php", "/phpmyadmin/", "/.git/config", "/xmlrpc.php"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0", "Mozilla/5.0 (Macintosh) Safari/17.3",
          "curl/8.5.0", "Mozilla/5.0 (Windows NT 10.0) Chrome/122.0"]


def nginx_access(t, rng):
    ips = rng.sample(IPS, 6)
    scanner, clients = ips[0], ips[1:]
    day = pick(rng, ["02/Mar/2026", "11/Feb/2026", "23/Jan/2026"])
    sec, rows = rng.randint(8, 12) * 3600, []
    broken = rng.sample(["/api/orders", "/checkout", "/api/cart/items"], 2)
    for _ in range(rng.randint(60, 80)):
        sec += rng.randint(1, 40)
        if rng.random() < 0.22:
            ip, path, status = scanner, pick(rng, PROBES), 404
            agent = "python-requests/2.31.0"
        else:
            ip, path, agent = pick(rng, clients), pick(rng, PATHS), pick(rng, AGENTS)
            roll = rng.random()
            status = 502 if (path in broken and roll < 0.5) else 404 if roll < 0.05 else 304 if roll < 0.12 else 200
        size = 0 if status == 304 else rng.randint(150, 48000)
        method = "POST" if path in ("/checkout", "/api/cart/items") else "GET"
        rows.append(f'{ip} - - [{day}:{hms(sec)} +0000] "{method} {path} HTTP/1.1" {status} {size} "-" "{agent}"')
    block = pick(rng, ["nginx/blocklist.conf", "nginx/conf.d/deny.conf"])
    existing = "# managed by ops; one deny per line\ndeny 192.0.2.200;\ndeny 198.51.100.250;\n"
    t.start(pick(rng, [
        f"Look at logs/access.log: give me the status-code breakdown and the paths returning 5xx, then "
            f"block the client responsible for the most 404s by adding a deny line to {block}.",
        f"From logs/access.log I need: counts per HTTP status, which paths return 5xx, and the IP with the most 404s — block that one in {block} with a deny line.",
    ]),
            {"logs/access.log": "\n".join(rows) + "\n", block: existing})
    statuses = uniq_counts(t.sh("awk '{print $9}' logs/access.log | sort | uniq -c | sort -rn",
                                alt=["cut -d' ' -f9 logs/access.log | sort | uniq -c | sort -rn"]).stdout)
    fives = uniq_counts(t.sh("awk '$9 ~ /^5/ {print $7}' logs/access.log | sort | uniq -c | sort -rn").stdout)
    offenders = uniq_counts(t.sh("awk '$9 == 404 {print $1}' logs/access.log | sort | uniq -c | sort -rn | head -n 3").stdout)
    expect(offenders[0][1] == scanner, "scanner must lead the 404s")
    t.sh(f"echo 'deny {scanner};' >> {block}", alt=[f"printf 'deny %s;\\n' {scanner} >> {block}"])
    t.sh(f"tail -n 3 {block}")
    breakdown = ", ".join(f"{s}: {c}" for c, s in statuses)
    five_txt = ("5xx responses came from " + ", ".join(f"`{p}` ({c})" for c, p in fives)) if fives \
        else "there were no 5xx responses"
    t.done(f"Status codes in logs/access.log — {breakdown}. The {five_txt}. {scanner} caused the most 404s "
           f"({offenders[0][0]}, probing paths like /.env and /wp-login.php), so I appended `deny {scanner};` to {block}.")


def rotated_logs(t, rng):
    word = pick(rng, [("timeout", "gateway timeout after {ms}ms"), ("declined", "card declined for order ORD-{o}")])
    needle, template = word
    files, counts = {}, []
    for i, name in enumerate(["worker.log", "worker.log.1", "worker.log.2", "worker.log.3"]):
        rows, k, sec = [], 0, rng.randint(0, 40000)
        for _ in range(rng.randint(18, 30)):
            sec += rng.randint(30, 700)
            if rng.random() < 0.25:
                k += 1
                rows.append(f"2026-03-{9 - i:02d} {hms(sec)} ERROR payments {template.format(ms=rng.randint(5000, 30000), o=rng.randint(10000, 99999))}")
            else:
                rows.append(f"2026-03-{9 - i:02d} {hms(sec)} INFO payments {_message(rng, 'INFO')}")
        files[f"logs/{name}"] = "\n".join(rows) + "\n"
        counts.append(k)
    t.start(pick(rng, [
        f"How many '{needle}' errors did the payment worker log across all the rotated logs in logs/, "
            f"compressed ones included? Afterwards gzip worker.log.1 so it matches the older rotations.",
        f"Count the '{needle}' errors in all the payment worker logs under logs/ (the rotated .gz files too), then compress worker.log.1 the same way as the older ones.",
    ]),
            files, ["gzip logs/worker.log.2 logs/worker.log.3"])
    t.sh("ls logs")
    total = t.sh(f"zcat -f logs/worker.log* | grep -c {needle}",
                 alt=[f"zgrep -h {needle} logs/worker.log* | wc -l", f"zcat -f logs/worker.log* | grep {needle} | wc -l"]).int()
    per = t.sh(f"zgrep -c {needle} logs/worker.log*").lines()
    expect(total == sum(counts), "total matches fixture")
    t.sh("gzip logs/worker.log.1", alt=["gzip -c logs/worker.log.1 > logs/worker.log.1.gz && rm logs/worker.log.1"])
    t.sh("ls logs")
    parts = ", ".join(f"{line.split(':')[0].split('/')[-1]}: {line.split(':')[1]}" for line in per)
    t.done(f"The payment worker logged {total} '{needle}' errors across the four rotations ({parts}). "
           f"worker.log.1 is now compressed as `logs/worker.log.1.gz`, next to the .2.gz and .3.gz rotations.")


def slow_requests(t, rng):
    endpoints = rng.sample(["/api/orders", "/api/search", "/api/cart", "/api/users/me", "/api/invoices",
                            "/api/stock", "/api/recommendations"], 4)
    slowest = endpoints[0]
    rows, sec = [], rng.randint(9, 14) * 3600
    for _ in range(rng.randint(45, 70)):
        sec += rng.randint(1, 50)
        path = pick(rng, endpoints)
        base = 700 if path == slowest else 110
        ms = int(rng.expovariate(1 / base)) + 8
        method = pick(rng, ["GET", "GET", "POST"])
        rows.append(f"2026-03-02T{hms(sec)}Z method={method} path={path} status={pick(rng, [200, 200, 200, 201, 500])} duration_ms={ms}")
    durations = sorted(int(r.rsplit("=", 1)[1]) for r in rows)
    limit = max(x for x in (250, 500, 750, 1000, 1500, 2000) if x < durations[-3])
    t.start(pick(rng, [
        f"logs/api.log has one line per request. Which endpoint is slowest on average, what are the five slowest "
            f"requests, and please put every request over {limit} ms into slow.log.",
        f"Latency check on logs/api.log: average duration per endpoint, the five slowest requests, and write all requests slower than {limit} ms to slow.log.",
    ]), {"logs/api.log": "\n".join(rows) + "\n"})
    t.sh("head -n 2 logs/api.log")
    avg = t.sh("awk '{split($3,p,\"=\"); split($5,d,\"=\"); s[p[2]]+=d[2]; n[p[2]]++} "
               "END {for (k in s) printf \"%s %.1f %d\\n\", k, s[k]/n[k], n[k]}' logs/api.log | sort -k2,2nr").lines()
    top5 = t.sh("sort -t= -k5,5nr logs/api.log | head -n 5", alt=["sort -t= -k5nr logs/api.log | head -n 5"]).lines()
    t.sh(f"awk -F'duration_ms=' '$2+0 > {limit}' logs/api.log > slow.log",
         alt=[f"awk '{{split($5,d,\"=\"); if (d[2]+0 > {limit}) print}}' logs/api.log > slow.log"])
    n = t.sh("wc -l < slow.log").int()
    first = avg[0].split()
    worst = top5[0].split()
    t.done(f"`{first[0]}` is the slowest endpoint on average ({first[1]} ms over {first[2]} requests; next is "
           f"{avg[1].split()[0]} at {avg[1].split()[1]} ms). The slowest single request was a "
           f"{worst[1].split('=')[1]} {worst[2].split('=')[1]} at {worst[0][11:19]} that took {worst[4].split('=')[1]} ms. "
           f"{plural(n, 'request')} took longer than {limit} ms and {'is' if n == 1 else 'are'} now in `slow.log`.")


FLOWS = [errors_by_module, time_window, nginx_access, rotated_logs, slow_requests]
