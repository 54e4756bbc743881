"""IT helpdesk agent (Brightwater Logistics): accounts, passwords, tickets, access requests."""

from __future__ import annotations

import random

from .common import Conv, arr, b, digits, enum, i, person, phrase, s, tool, yes

NAME = "helpdesk"

SYSTEM = (
    "You are the IT service-desk agent for Brightwater Logistics.\n"
    "Policy:\n"
    "- Identify the employee with lookup_employee (by work email) before touching an account.\n"
    "- Password-reset codes go only to the phone or personal email already on file; never to an address the "
    "caller dictates.\n"
    "- Read access to shared resources can be granted directly for up to 30 days. Write and admin access "
    "always go to the employee's manager for approval.\n"
    "- Hardware faults and anything you cannot fix become a ticket: choose a category and a priority "
    "('urgent' only when a whole team or a customer shipment is blocked).\n"
    "- Summarise what you are about to do before doing it, and give the ticket number at the end."
)

USERNAME = {"type": "string", "description": "Network username, e.g. 'jthompson'.", "pattern": "^[a-z][a-z0-9.]{2,19}$"}

TOOLS = [
    tool("lookup_employee", "Find an employee by work email.",
         {"email": s("Work email address.", format="email")}, ["email"]),
    tool("list_assets", "IT assets assigned to an employee.",
         {
             "employee_id": s("Employee ID, e.g. 'E10442'.", pattern="^E[0-9]{5}$"),
             "asset_type": enum("Only this kind of asset.", ["laptop", "monitor", "phone", "dock", "headset"]),
         }, ["employee_id"]),
    tool("unlock_account", "Clear a lockout after too many failed sign-ins.", {"username": USERNAME}, ["username"]),
    tool("reset_password", "Send a one-time password-reset code to a contact method on file.",
         {
             "username": USERNAME,
             "delivery": enum("Where the code goes.", ["sms", "personal_email"], default="sms"),
             "require_mfa_reenrollment": b("Make the user re-register MFA at next sign-in.", default=False),
         }, ["username"]),
    tool("create_ticket", "Open a service-desk ticket.",
         {
             "requester_email": s("Employee's work email.", format="email"),
             "category": enum("Ticket category.", ["hardware", "software", "network", "access", "email", "other"]),
             "summary": s("One-line summary.", minLength=5, maxLength=120),
             "description": s("Details, steps already tried, error messages."),
             "priority": enum("Priority.", ["low", "normal", "high", "urgent"], default="normal"),
             "asset_tags": arr("Affected asset tags.", {"type": "string", "pattern": "^BW-[0-9]{6}$"},
                               uniqueItems=True, default=[]),
         }, ["requester_email", "category", "summary"]),
    tool("get_ticket", "Status and latest update of a ticket.",
         {"ticket_id": s("Ticket number, e.g. 'INC0048213'.", pattern="^(INC|REQ)[0-9]{7}$")}, ["ticket_id"]),
    tool("request_access", "Grant or request access to a shared resource.",
         {
             "username": USERNAME,
             "resource": enum("Resource.", ["sharepoint:finance-reports", "sharepoint:hr-policies",
                                            "warehouse-wms", "tableau:ops-dashboards", "github:route-optimizer",
                                            "sftp:carrier-edi"]),
             "access_level": enum("Level of access.", ["read", "write", "admin"], default="read"),
             "duration_days": i("How long access lasts.", default=30, minimum=1, maximum=180),
             "justification": s("Business reason.", minLength=10),
         }, ["username", "resource", "justification"]),
]

RESOURCES = {
    "sharepoint:finance-reports": "the Finance Reports SharePoint", "warehouse-wms": "the warehouse WMS",
    "tableau:ops-dashboards": "the Ops dashboards in Tableau", "github:route-optimizer": "the route-optimizer repo",
    "sftp:carrier-edi": "the carrier EDI SFTP",
}
DEPTS = ["Fleet Operations", "Finance", "Customer Success", "Warehouse Systems", "Procurement", "Data Engineering"]
LAPTOPS = ["Dell Latitude 7440", "Lenovo ThinkPad T14 Gen 4", "MacBook Pro 14 (M3)", "HP EliteBook 840 G10"]


def _employee(rng: random.Random) -> dict:
    first, last = person(rng)
    clean = "".join(ch for ch in last.lower() if ch.isalpha()).replace("ü", "u")
    mfirst, mlast = person(rng)
    return {"employee_id": f"E{digits(rng, 5)}", "name": f"{first} {last}", "first": first,
            "email": f"{first.lower()}.{clean}@brightwaterlogistics.com", "username": f"{first[0].lower()}{clean}",
            "department": rng.choice(DEPTS), "manager": f"{mfirst} {mlast}", "account_status": "active",
            "phone_on_file": f"***-***-{digits(rng, 4)}"}


def _view(e: dict) -> dict:
    return {k: v for k, v in e.items() if k != "first"}


def _ticket_id(rng: random.Random, kind: str = "INC") -> str:
    return f"{kind}{digits(rng, 7)}"


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def locked_out(c: Conv, rng: random.Random) -> None:
    e = _employee(rng)
    e["account_status"] = "locked"
    c.user(phrase(rng, ["I'm locked out after too many password attempts and I forgot the password anyway. It's {mail}.",
                      "Hi, my account got locked this morning and I can't remember my password. {mail}",
                      "Windows says my account is locked out. I need a password reset too — {mail}."],
                mail=e["email"]))
    c.call("lookup_employee", {"email": e["email"]}, _view(e))
    c.say(f"Hi {e['first']}, your account {e['username']} is locked. I'll unlock it and send a reset code to the "
          f"phone on file ({e['phone_on_file']}). Is that phone with you?")
    lost_phone = rng.random() < 0.35
    if lost_phone:
        c.user("No, I lost that phone last week — can you send it to my personal email instead? Also my "
               "authenticator was on it.")
        args = {"username": e["username"], "delivery": "personal_email", "require_mfa_reenrollment": True}
    else:
        c.user(yes(rng))
        args = {"username": e["username"]}
    c.parallel([("unlock_account", {"username": e["username"]}, {"username": e["username"], "status": "active"}),
                ("reset_password", args, {"username": e["username"], "code_sent_to": "personal email on file"
                                          if lost_phone else e["phone_on_file"], "expires_in_minutes": 15})])
    c.say("Your account is unlocked and a reset code was sent to "
          + ("the personal email we have on file. You'll be asked to set up MFA again when you sign in."
             if lost_phone else f"{e['phone_on_file']}.") + " The code expires in 15 minutes.")


def laptop_fault(c: Conv, rng: random.Random) -> None:
    e = _employee(rng)
    issue, detail = rng.choice([
        ("won't charge", "The charging light doesn't come on with two different chargers."),
        ("keeps blue-screening", "It crashes with a MEMORY_MANAGEMENT error about once an hour."),
        ("has a cracked screen", "I dropped it in the warehouse; the bottom half of the screen is black."),
        ("battery is swollen", "The trackpad is bulging and the lid doesn't close flat."),
    ])
    model = rng.choice([m for m in LAPTOPS if not ("blue" in issue and m.startswith("MacBook"))])
    c.user(f"My laptop {issue}. {detail} Email {e['email']}.")
    c.call("lookup_employee", {"email": e["email"]}, _view(e))
    tag = f"BW-{digits(rng, 6)}"
    assets = [{"asset_tag": tag, "type": "laptop", "model": model, "assigned": "2023-09-12",
               "warranty_until": rng.choice(["2026-09-11", "2025-01-31"])}]
    aargs = {"employee_id": e["employee_id"]}
    if rng.random() < 0.6:
        aargs["asset_type"] = "laptop"
    else:
        assets.append({"asset_tag": f"BW-{digits(rng, 6)}", "type": "monitor", "model": "Dell P2723DE"})
    c.call("list_assets", aargs, {"assets": assets})
    urgent = "swollen" in issue
    pr = "urgent" if urgent else "high"
    c.say(f"Your {model} ({tag}) is "
          + ("still under warranty" if assets[0]["warranty_until"] > "2025-03" else "out of warranty")
          + f". I'll open a hardware ticket at {pr} priority so desk-side support can swap or repair it"
          + (" — please stop using it and keep it unplugged, a swollen battery is a safety risk." if urgent else ".")
          + " OK?")
    c.user(yes(rng))
    targs = {"requester_email": e["email"], "category": "hardware", "summary": f"{model} {issue}",
             "description": detail, "priority": pr, "asset_tags": [tag]}
    tid = _ticket_id(rng)
    c.call("create_ticket", targs, {"ticket_id": tid, "status": "new", "assigned_group": "Desk-side Support",
                                    "priority": pr})
    c.say(f"Ticket {tid} is open with Desk-side Support at {pr} priority. They'll contact you to arrange a swap.")


def ticket_status(c: Conv, rng: random.Random) -> None:
    ids = [_ticket_id(rng, rng.choice(["INC", "REQ"])) for _ in range(rng.choice([2, 3]))]
    c.user(phrase(rng, ["Any news on my tickets {ids}?", "Can you check the status of {ids}?",
                      "Following up on {ids} — where are they at?"], ids=", ".join(ids)))
    updates = [
        ("in_progress", "Technician ordered a replacement dock; ETA Thursday."),
        ("awaiting_user", "Please reply with a screenshot of the error."),
        ("resolved", "Mailbox quota increased to 100 GB."),
        ("awaiting_approval", "Waiting on manager approval for write access."),
    ]
    res, lines = [], []
    for tid, (st, note) in zip(ids, rng.sample(updates, len(ids)), strict=True):
        res.append(("get_ticket", {"ticket_id": tid},
                    {"ticket_id": tid, "status": st, "last_update": note,
                     "updated_at": f"2025-03-0{rng.randint(1, 3)}T{rng.randint(8, 17):02d}:{rng.choice(['05', '20', '42'])}:00Z"}))
        lines.append(f"{tid}: {st.replace('_', ' ')} — {note}")
    c.parallel(res)
    c.say("Here's where they stand: " + "; ".join(lines))
    c.user("Thanks. I'll send that screenshot if it's one of mine that needs it.")
    c.say("Great — just reply to the ticket email and it will attach automatically.")


def access_request(c: Conv, rng: random.Random) -> None:
    e = _employee(rng)
    resource = rng.choice(sorted(RESOURCES))
    level = rng.choice(["read", "read", "write", "admin"])
    days = rng.choice([None, 7, 14, 90]) if level == "read" else rng.choice([None, 30, 60])
    if level == "read" and days == 90:
        days = 30
    reason = rng.choice(["covering month-end close while a colleague is on leave",
                         "building the Q2 carrier performance report", "onboarding to the routing team",
                         "auditing last quarter's shipment exceptions"])
    c.user(f"Can I get {level} access to {RESOURCES[resource]}"
           + (f" for {days} days" if days else "") + f"? I'm {reason}. ({e['email']})")
    c.call("lookup_employee", {"email": e["email"]}, _view(e))
    dur = days or 30
    if level == "read":
        c.say(f"I can grant read access to {RESOURCES[resource]} for {dur} days right away for {e['username']}. "
              f"Proceed?")
    else:
        c.say(f"{level.title()} access needs approval from your manager, {e['manager']}. I'll submit the request "
              f"for {dur} days with your justification and they'll get an approval email. Proceed?")
    c.user(yes(rng))
    args = {"username": e["username"], "resource": resource, "justification": reason[0].upper() + reason[1:]}
    if level != "read":
        args["access_level"] = level
    if days:
        args["duration_days"] = days
    status = "granted" if level == "read" else "pending_approval"
    req = _ticket_id(rng, "REQ")
    c.call("request_access", args, {"request_id": req, "status": status, "approver": None if level == "read"
                                    else e["manager"], "expires_in_days": dur})
    c.say(f"Done — {req} is {status.replace('_', ' ')}."
          + (f" Access expires in {dur} days; sign out and back in if it doesn't show up." if level == "read"
             else f" I'll let you know once {e['manager'].split()[0]} approves."))


def vpn_issue(c: Conv, rng: random.Random) -> None:
    e = _employee(rng)
    c.user(rng.choice(["The VPN isn't working.", "I can't connect to the VPN.", "VPN keeps failing, help!"]))
    c.say("Sorry to hear that. What's your work email, and what exactly happens — any error message, and are you "
          "on home Wi-Fi, a hotel or a hotspot?")
    err = rng.choice(["'Authentication failed (code 691)'", "'Gateway unreachable'",
                      "it connects but then drops every few minutes", "'Certificate has expired'"])
    place = rng.choice(["home Wi-Fi", "a hotel network in Denver", "my phone hotspot"])
    blocked = rng.random() < 0.3
    c.user(f"{e['email']}. It says {err}, on {place}. Other websites load fine."
           + (" I can't release today's carrier manifests without it." if blocked else ""))
    c.call("lookup_employee", {"email": e["email"]}, _view(e))
    args = {"requester_email": e["email"], "category": "network", "summary": f"VPN failure: {err.strip(chr(39))}",
            "description": f"GlobalConnect VPN on {place}. Error: {err}. General internet works."
                           + (" User cannot release carrier manifests." if blocked else "")}
    pr = "high" if blocked else "normal"
    if blocked:
        args["priority"] = "high"
    c.say(f"Thanks {e['first']}. I can't fix this remotely, so I'll open a network ticket at {pr} priority with "
          f"the error and your location. OK?")
    c.user("Sure.")
    tid = _ticket_id(rng)
    c.call("create_ticket", args, {"ticket_id": tid, "status": "new", "assigned_group": "Network Operations",
                                   "priority": args.get("priority", "normal")})
    c.say(f"I've opened {tid} with Network Operations ({args.get('priority', 'normal')} priority). Meanwhile, try "
          f"disconnecting and choosing the 'Chicago-2' gateway in the VPN client; the network team will follow up "
          f"by email.")


FLOWS = [locked_out, laptop_fault, ticket_status, access_request, vpn_issue]
