"""Workplace calendar assistant (Lumen Analytics): meetings, rooms, availability."""

from __future__ import annotations

import datetime as dt
import random

from .common import Conv, arr, b, code, day, enum, i, iso, obj, person, phrase, s, spoken, tool, yes

NAME = "calendar"

TZ = "-05:00"  # America/Chicago, daylight time (all generated dates are in April-May 2025)

SYSTEM = (
    "You are the calendar assistant for employees of Lumen Analytics (time zone America/Chicago). You can read "
    "the user's calendars, check colleagues' free/busy status, book rooms and create, move or delete events.\n"
    "Policy:\n"
    "- Only schedule inside working hours (09:00–17:30) unless the user explicitly asks otherwise.\n"
    "- Check availability of every required attendee before proposing a time.\n"
    "- Confirm title, time, duration and attendees with the user before creating, moving or deleting an event.\n"
    "- Never delete an event the user does not organise; offer to decline it instead.\n"
    "- Use ISO 8601 timestamps with the -05:00 offset in tool calls."
)

DATETIME = {"type": "string", "description": "ISO 8601 date-time with offset, e.g. '2025-04-14T10:00:00-05:00'.",
            "format": "date-time"}
EMAILS = arr("Attendee email addresses.", {"type": "string", "format": "email"}, minItems=1, maxItems=20)

TOOLS = [
    tool("list_events", "List events on one of the user's calendars between two dates (inclusive).",
         {
             "start_date": s("First day, YYYY-MM-DD.", format="date"),
             "end_date": s("Last day, YYYY-MM-DD.", format="date"),
             "calendar_id": enum("Which calendar.", ["primary", "family", "team_shared"], default="primary"),
             "include_declined": b("Include events the user declined.", default=False),
         }, ["start_date", "end_date"]),
    tool("check_availability", "Free/busy slots shared by a group of colleagues on one day.",
         {
             "attendees": EMAILS,
             "date": s("Day to check, YYYY-MM-DD.", format="date"),
             "duration_minutes": i("Length of the slot needed.", default=30, minimum=15, maximum=480),
             "working_hours_only": b("Only return slots inside 09:00-17:30.", default=True),
         }, ["attendees", "date"]),
    tool("find_room", "Find free meeting rooms for a time window.",
         {
             "building": enum("Office building.", ["HQ-Chicago", "Riverside", "Evanston-Lab"]),
             "start": DATETIME,
             "duration_minutes": i("Meeting length.", minimum=15, maximum=480),
             "capacity": i("Minimum number of seats.", minimum=1, maximum=60, default=4),
             "equipment": arr("Equipment the room must have.",
                              {"type": "string", "enum": ["projector", "whiteboard", "video_conference",
                                                         "phone"]}, uniqueItems=True, default=[]),
         }, ["building", "start", "duration_minutes"]),
    tool("create_event", "Create an event and send invitations.",
         {
             "title": s("Event title.", minLength=1),
             "start": DATETIME,
             "duration_minutes": i("Length in minutes.", default=30, minimum=5, maximum=720),
             "attendees": arr("Invitees other than the user.", obj({
                 "email": s("Invitee email.", format="email"),
                 "optional": b("Mark attendance as optional.", default=False),
             }, ["email"]), default=[]),
             "location": s("Room name or address."),
             "calendar_id": enum("Calendar to add it to.", ["primary", "family", "team_shared"], default="primary"),
             "video_conference": b("Attach a video-call link.", default=True),
             "reminder_minutes": i("Popup reminder before start.", default=10, minimum=0, maximum=1440),
         }, ["title", "start"]),
    tool("update_event", "Change fields of an existing event the user organises.",
         {
             "event_id": s("Event ID from list_events.", pattern="^evt_[a-z0-9]{8}$"),
             "start": DATETIME,
             "duration_minutes": i("New length in minutes.", minimum=5, maximum=720),
             "title": s("New title."),
             "location": s("New location."),
             "notify_attendees": b("Email attendees about the change.", default=True),
         }, ["event_id"]),
    tool("delete_event", "Delete an event the user organises.",
         {
             "event_id": s("Event ID from list_events.", pattern="^evt_[a-z0-9]{8}$"),
             "notify_attendees": b("Send a cancellation email.", default=True),
             "message": s("Note included in the cancellation email."),
         }, ["event_id"]),
]

TOPICS = ["Q2 roadmap review", "Churn model sync", "Design critique", "Vendor onboarding: Datawell",
          "Sprint planning", "Pricing experiment readout", "Hiring debrief", "Data platform office hours",
          "Customer advisory prep", "Quarterly budget check-in", "Dashboard migration kickoff", "1:1"]
ROOMS = {"HQ-Chicago": ["Lakeview 3B", "Wrigley 4A", "Loop 2C"], "Riverside": ["Bridgeport", "Canal"],
         "Evanston-Lab": ["Sheridan", "Foster"]}
FAMILY = ["Dentist – Noah", "Soccer practice pickup", "Parent–teacher conference", "Dinner at Mom's",
          "Piano recital"]


def _email(first: str, last: str) -> str:
    return f"{first.lower()}.{''.join(ch for ch in last.lower() if ch.isalpha())}@lumenanalytics.com".replace("ü", "u")


def _ts(d: dt.date, hhmm: str) -> str:
    return f"{iso(d)}T{hhmm}:00{TZ}"


def _window(d: dt.date, hhmm: str, minutes: int) -> dict:
    h, m = map(int, hhmm.split(":"))
    end = dt.datetime(2000, 1, 1, h, m) + dt.timedelta(minutes=minutes)
    return {"start": _ts(d, hhmm), "end": _ts(d, end.strftime("%H:%M"))}


def _minutes(hhmm: str) -> int:
    h, m = map(int, hhmm.split(":"))
    return h * 60 + m


def _overlaps(event: dict, hhmm: str, minutes: int) -> bool:
    start = _minutes(event["start"][11:16])
    t = _minutes(hhmm)
    return start < t + minutes and t < start + event["duration_minutes"]


def _slot(rng: random.Random, lo: int = 9, hi: int = 16) -> str:
    return f"{rng.randint(lo, hi):02d}:{rng.choice(['00', '30'])}"


def _weekday(rng: random.Random) -> dt.date:
    d = day(rng, 30, 80)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def _event(rng: random.Random, d: dt.date, title: str, organizer: str, attendees: list[str], start: str | None = None,
           minutes: int | None = None) -> dict:
    return {"event_id": f"evt_{code(rng, 8, 'abcdefghijkmnpqrstuvwxyz23456789')}", "title": title,
            "start": _ts(d, start or _slot(rng)), "duration_minutes": minutes or rng.choice([30, 45, 60]),
            "organizer": organizer, "attendees": attendees, "status": "accepted"}


def _colleagues(rng: random.Random, k: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    while len(out) < k:
        p = person(rng)
        if p not in out:
            out.append(p)
    return out


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def schedule(c: Conv, rng: random.Random) -> None:
    me, *others = _colleagues(rng, rng.randint(3, 4))
    me_mail = _email(*me)
    mails = [_email(*p) for p in others]
    d = _weekday(rng)
    topic = rng.choice(TOPICS[:-1])
    minutes = rng.choice([30, 45, 60])
    names = ", ".join(p[0] for p in others[:-1]) + f" and {others[-1][0]}"
    c.user(f"Can you set up a {minutes}-minute '{topic}' with {names} on {spoken(d)}? Emails: {', '.join(mails)}.")
    slots = sorted({_slot(rng, 10, 16) for _ in range(3)})
    while True:
        mine = [_event(rng, d, rng.choice(TOPICS), me_mail, [mails[0]]) for _ in range(2)]
        free = [t for t in slots if not any(_overlaps(e, t, minutes) for e in mine)]
        if free:
            break
    avail = {"date": iso(d), "duration_minutes": minutes,
             "common_free_slots": [_window(d, t, minutes) for t in slots]}
    args = {"attendees": mails, "date": iso(d)}
    if minutes != 30:
        args["duration_minutes"] = minutes
    c.parallel([("list_events", {"start_date": iso(d), "end_date": iso(d)}, {"events": mine}),
                ("check_availability", args, avail)])
    clash = [t for t in slots if t not in free]
    note = (f" ({', '.join(clash)} would clash with your own calendar)" if clash else "")
    c.say(f"You and {names} are all free on {spoken(d)} at {', '.join(free)}{note}. Which time works?")
    pick = rng.choice(free)
    video = rng.random() < 0.3
    c.user(f"{pick} is good." + (" It's in person, no video link needed." if video else ""))
    c.say(f"Creating '{topic}' on {spoken(d)} at {pick} for {minutes} minutes with {names}"
          f"{', without a video link' if video else ', with a video link'}. OK?")
    c.user(yes(rng))
    ev = {"title": topic, "start": _ts(d, pick), "attendees": [{"email": m} for m in mails]}
    if minutes != 30:
        ev["duration_minutes"] = minutes
    if video:
        ev["video_conference"] = False
    created = _event(rng, d, topic, me_mail, mails, pick, minutes)
    c.call("create_event", ev, dict(created, invitations_sent=len(mails)))
    c.say(f"Done — '{topic}' is on your calendar for {spoken(d)} at {pick} and invitations went out to {names}.")


def reschedule(c: Conv, rng: random.Random) -> None:
    me, other = _colleagues(rng, 2)
    d = _weekday(rng)
    topic = rng.choice(TOPICS)
    events = [_event(rng, d, t, _email(*me), [_email(*other)]) for t in rng.sample(TOPICS, 2)]
    target = _event(rng, d, topic, _email(*me), [_email(*other)], _slot(rng, 9, 12))
    events.insert(rng.randint(0, 2), target)
    new_d = d + dt.timedelta(days=rng.choice([1, 2, 7]))
    while new_d.weekday() >= 5:
        new_d += dt.timedelta(days=1)
    new_t = _slot(rng, 13, 16)
    c.user(phrase(rng, ["Please move my '{topic}' on {d1} to {d2} at {t}.",
                      "Something came up — can '{topic}' ({d1}) be pushed to {d2}, {t}?",
                      "Reschedule '{topic}' from {d1} to {d2} at {t}, please."],
                topic=topic, d1=spoken(d), d2=spoken(new_d), t=new_t))
    c.call("list_events", {"start_date": iso(d), "end_date": iso(d)}, {"events": events})
    c.say(f"Found '{topic}' on {spoken(d)} at {target['start'][11:16]} with {other[0]} {other[1]}. "
          f"I'll move it to {spoken(new_d)} at {new_t}, keeping the {target['duration_minutes']}-minute length, "
          f"and notify {other[0]}. Go ahead?")
    quiet = rng.random() < 0.3
    c.user("Yes, but don't send an update email, I'll tell them myself." if quiet else "Yes please.")
    args = {"event_id": target["event_id"], "start": _ts(new_d, new_t)}
    if quiet:
        args["notify_attendees"] = False
    c.call("update_event", args, dict(target, start=_ts(new_d, new_t)))
    c.say(f"Moved '{topic}' to {spoken(new_d)} at {new_t}." + (" No email was sent." if quiet else
                                                               f" {other[0]} has been notified."))


def cancel(c: Conv, rng: random.Random) -> None:
    me, a, b_ = _colleagues(rng, 3)
    d = _weekday(rng)
    mine = _event(rng, d, rng.choice(TOPICS), _email(*me), [_email(*a), _email(*b_)])
    theirs = _event(rng, d, rng.choice(TOPICS), _email(*a), [_email(*me)])
    own_target = rng.random() < 0.7
    target = mine if own_target else theirs
    reason = rng.choice(["I'm out sick", "the client pushed their deadline", "we covered it in standup"])
    c.user(f"Cancel the '{target['title']}' meeting on {spoken(d)}, {reason}.")
    c.call("list_events", {"start_date": iso(d), "end_date": iso(d)}, {"events": [mine, theirs]})
    if own_target:
        c.say(f"You organise '{mine['title']}' at {mine['start'][11:16]} with {a[0]} and {b_[0]}. I'll delete it and "
              f"send them a cancellation note saying {reason}. Confirm?")
        c.user(yes(rng))
        c.call("delete_event", {"event_id": mine["event_id"], "message": f"Cancelling: {reason}. Sorry for the late notice."},
               {"event_id": mine["event_id"], "status": "deleted", "notified": [_email(*a), _email(*b_)]})
        c.say(f"'{mine['title']}' is deleted and {a[0]} and {b_[0]} got the cancellation note.")
    else:
        c.say(f"'{theirs['title']}' at {theirs['start'][11:16]} is organised by {a[0]} {a[1]}, so I can't delete it. "
              f"I can draft a message for you to send to {a[0]}, or you can decline it from the invite. "
              f"What would you prefer?")
        c.user("I'll just decline it myself, thanks.")
        c.say("Sounds good — nothing was changed on your calendar.")


def book_room(c: Conv, rng: random.Random) -> None:
    me, *others = _colleagues(rng, rng.randint(4, 6))
    mails = [_email(*p) for p in others]
    d = _weekday(rng)
    building = rng.choice(sorted(ROOMS))
    t = _slot(rng, 9, 15)
    minutes = rng.choice([45, 60, 90])
    topic = rng.choice(TOPICS[:-1])
    need_proj = rng.random() < 0.5
    c.user(f"I need a room in {building} for '{topic}' on {spoken(d)} at {t}, {minutes} minutes, with "
           f"{', '.join(mails)}." + (" We'll need a projector." if need_proj else ""))
    room_args = {"building": building, "start": _ts(d, t), "duration_minutes": minutes}
    if len(others) + 1 > 4:
        room_args["capacity"] = len(others) + 1
    if need_proj:
        room_args["equipment"] = ["projector"]
    rooms = [{"room": r, "building": building, "capacity": rng.choice([6, 8, 10, 12]),
              "equipment": ["whiteboard", "video_conference"] + (["projector"] if need_proj else [])}
             for r in rng.sample(ROOMS[building], min(2, len(ROOMS[building])))]
    avail_args = {"attendees": mails, "date": iso(d), "duration_minutes": minutes}
    c.parallel([("find_room", room_args, {"rooms": rooms}),
                ("check_availability", avail_args,
                 {"date": iso(d), "common_free_slots": [_window(d, t, minutes)],
                  "note": "all attendees free at the requested time"})])
    room = rooms[0]["room"]
    c.say(f"Everyone is free at {t}, and {room} ({rooms[0]['capacity']} seats) is available. Shall I book it and "
          f"send the invite?")
    c.user("Yes, book it.")
    ev = {"title": topic, "start": _ts(d, t), "duration_minutes": minutes,
          "attendees": [{"email": m} for m in mails], "location": f"{room}, {building}"}
    if rng.random() < 0.4:
        ev["attendees"][-1]["optional"] = True
    c.call("create_event", ev, dict(_event(rng, d, topic, _email(*me), mails, t, minutes), location=ev["location"]))
    c.say(f"Booked: '{topic}' in {room} on {spoken(d)} at {t} for {minutes} minutes. Invites are out.")


def family_check(c: Conv, rng: random.Random) -> None:
    me, boss = _colleagues(rng, 2)
    d = _weekday(rng)
    work = [_event(rng, d, t, _email(*boss), [_email(*me)]) for t in rng.sample(TOPICS, rng.randint(1, 2))]
    fam = [_event(rng, d, rng.choice(FAMILY), "family", [], _slot(rng, 16, 18))]
    c.user(phrase(rng, ["What do I have on {day}, work and family?",
                      "Can you check both my work and family calendars for {day}?",
                      "Is {day} busy? Look at work and the family calendar."], day=spoken(d)))
    c.parallel([("list_events", {"start_date": iso(d), "end_date": iso(d)}, {"events": work}),
                ("list_events", {"start_date": iso(d), "end_date": iso(d), "calendar_id": "family"},
                 {"events": fam})])
    items = "; ".join(f"{e['start'][11:16]} {e['title']}" for e in sorted(work + fam, key=lambda e: e["start"]))
    c.say(f"On {spoken(d)} you have: {items}.")
    t = _slot(rng, 18, 19)
    c.user(f"Add 'Pick up groceries' to the family calendar at {t} that day, no video link obviously.")
    ev = {"title": "Pick up groceries", "start": _ts(d, t), "calendar_id": "family", "video_conference": False}
    if rng.random() < 0.5:
        ev["reminder_minutes"] = 30
    c.call("create_event", ev, _event(rng, d, "Pick up groceries", "family", [], t, 30))
    c.say(f"Added 'Pick up groceries' to your family calendar on {spoken(d)} at {t}"
          + (" with a 30-minute reminder." if "reminder_minutes" in ev else "."))


FLOWS = [schedule, reschedule, cancel, book_room, family_check]
