"""Smart-home assistant (HearthOS hub): lights, thermostat, locks, automations."""

from __future__ import annotations

import random

from .common import Conv, arr, b, enum, i, n, obj, person, phrase, s, tool

NAME = "smarthome"

SYSTEM = (
    "You are HearthOS, the voice and chat assistant of a household's smart-home hub.\n"
    "Policy:\n"
    "- Use device IDs exactly as returned by list_devices; never invent devices.\n"
    "- Lights, scenes and thermostat changes can be applied directly. Unlocking a door or disabling an "
    "automation requires explicit confirmation from the user first.\n"
    "- Thermostat targets must stay between 10 and 30 °C.\n"
    "- When several independent devices must change, issue the commands together.\n"
    "- After acting, report the resulting state briefly."
)

DEVICE_ID = {"type": "string", "description": "Device ID, e.g. 'light.kitchen_pendant'.",
             "pattern": "^(light|climate|lock|sensor|cover)\\.[a-z0-9_]+$"}
ROOMS = ["living_room", "kitchen", "bedroom", "kids_room", "office", "hallway", "garage", "porch"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

TOOLS = [
    tool("list_devices", "List devices known to the hub, optionally filtered.",
         {
             "room": enum("Only devices in this room.", ROOMS),
             "device_type": enum("Only devices of this type.", ["light", "climate", "lock", "sensor", "cover"]),
             "include_offline": b("Also list devices that are not responding.", default=False),
         }),
    tool("get_device_state", "Current state of one device.", {"device_id": DEVICE_ID}, ["device_id"]),
    tool("set_light", "Turn a light on or off and optionally set brightness and colour temperature.",
         {
             "device_id": DEVICE_ID,
             "on": b("True to turn on, false to turn off."),
             "brightness": i("Brightness percent.", minimum=1, maximum=100),
             "color_temp_kelvin": i("White colour temperature.", minimum=2200, maximum=6500),
             "transition_seconds": n("Fade time.", default=0.5, minimum=0, maximum=60),
         }, ["device_id", "on"]),
    tool("set_thermostat", "Change thermostat mode and target temperature.",
         {
             "device_id": DEVICE_ID,
             "mode": enum("HVAC mode.", ["heat", "cool", "auto", "off"]),
             "target_celsius": n("Target temperature in °C.", minimum=10, maximum=30, multipleOf=0.5),
             "fan": enum("Fan mode.", ["auto", "on", "circulate"], default="auto"),
             "hold_hours": i("Hold this setting for N hours, 0 = until the next schedule change.", default=0,
                             minimum=0, maximum=72),
         }, ["device_id", "mode"]),
    tool("set_lock", "Lock or unlock a smart lock.",
         {
             "device_id": DEVICE_ID,
             "locked": b("True to lock, false to unlock."),
             "notify_household": b("Push a notification to all household members.", default=False),
         }, ["device_id", "locked"]),
    tool("create_automation", "Create a rule that runs actions when a trigger fires.",
         {
             "name": s("Human-readable name.", minLength=3, maxLength=60),
             "trigger": obj({
                 "type": enum("Trigger kind.", ["time", "sunset", "sunrise", "arrive_home", "leave_home"]),
                 "time": s("HH:MM, required for 'time' triggers.", pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$"),
                 "offset_minutes": i("Shift for sunrise/sunset triggers.", minimum=-120, maximum=120, default=0),
                 "days": arr("Days the rule is active.", {"type": "string", "enum": WEEKDAYS}, minItems=1,
                             uniqueItems=True, default=WEEKDAYS),
             }, ["type"]),
             "actions": arr("Steps to run, in order.", obj({
                 "device_id": DEVICE_ID,
                 "command": enum("What to do.", ["turn_on", "turn_off", "lock", "unlock", "set_temperature",
                                                 "open", "close"]),
                 "value": n("Brightness % or temperature °C, where relevant."),
             }, ["device_id", "command"]), minItems=1, maxItems=10),
             "enabled": b("Activate immediately.", default=True),
         }, ["name", "trigger", "actions"]),
]

LIGHTS = {
    "living_room": ["light.living_room_ceiling", "light.living_room_floor_lamp"],
    "kitchen": ["light.kitchen_pendant", "light.kitchen_under_cabinet"],
    "bedroom": ["light.bedroom_ceiling", "light.bedroom_nightstand"],
    "kids_room": ["light.kids_room_nightlight"],
    "office": ["light.office_desk_lamp"],
    "hallway": ["light.hallway"],
    "porch": ["light.porch"],
}
LOCKS = {"front door": "lock.front_door", "back door": "lock.back_door", "garage door": "lock.garage_entry"}
THERMOSTATS = {"downstairs": "climate.downstairs", "upstairs": "climate.upstairs"}


def _pretty(device_id: str) -> str:
    return device_id.split(".", 1)[1].replace("_", " ")


def _light(rng: random.Random, device_id: str, room: str, on: bool | None = None) -> dict:
    on = rng.random() < 0.6 if on is None else on
    d = {"device_id": device_id, "type": "light", "room": room, "name": _pretty(device_id).title(),
         "state": "on" if on else "off", "online": True}
    if on:
        d["brightness"] = rng.choice([30, 50, 70, 100])
    return d


def _lock(device_id: str, locked: bool) -> dict:
    room = "garage" if "garage" in device_id else "hallway"
    return {"device_id": device_id, "type": "lock", "room": room, "name": _pretty(device_id).title(),
            "state": "locked" if locked else "unlocked", "battery": 80, "online": True}


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def bedtime(c: Conv, rng: random.Random) -> None:
    room = rng.choice(["living_room", "kitchen"])
    lights = [_light(rng, d, room, True) for d in LIGHTS[room]]
    door = rng.choice(["front door", "back door"])
    c.user(phrase(rng, ["Going to bed. Turn off the {room} lights and lock the {door}.",
                      "Night mode please: {room} lights off, {door} locked.",
                      "Can you shut off the {room} lights and make sure the {door} is locked?"],
                room=room.replace("_", " "), door=door))
    devices = [*lights, _lock(LOCKS[door], False)]
    c.call("list_devices", {}, {"devices": devices})
    calls = []
    fade = rng.random() < 0.4
    for light in lights:
        args = {"device_id": light["device_id"], "on": False}
        if fade:
            args["transition_seconds"] = 5
        calls.append(("set_light", args, {"device_id": light["device_id"], "state": "off"}))
    calls.append(("set_lock", {"device_id": LOCKS[door], "locked": True},
                  {"device_id": LOCKS[door], "state": "locked"}))
    c.parallel(calls)
    c.say(f"Good night! The {room.replace('_', ' ')} lights are off" + (" (faded over 5 seconds)" if fade else "")
          + f" and the {door} is locked.")


def thermostat(c: Conv, rng: random.Random) -> None:
    zone = rng.choice(sorted(THERMOSTATS))
    dev = THERMOSTATS[zone]
    current = rng.choice([17.5, 18.0, 19.0, 24.5, 26.0])
    cold = current < 21
    state = {"device_id": dev, "type": "climate", "mode": "heat" if cold else "cool", "current_celsius": current,
             "target_celsius": current + (0.5 if cold else -0.5), "fan": "auto", "humidity": rng.randint(30, 60)}
    c.user(f"It feels {'freezing' if cold else 'really stuffy'} {zone}. What's it set to?")
    c.call("get_device_state", {"device_id": dev}, state)
    c.say(f"The {zone} thermostat reads {current} °C and is set to {state['mode']} at "
          f"{state['target_celsius']} °C. Want me to change it?")
    target = rng.choice([21.0, 21.5, 22.0]) if cold else rng.choice([22.0, 22.5, 23.0])
    hold = rng.random() < 0.5
    fan = (not cold) and rng.random() < 0.5
    req = f"Set it to {target:g}"
    req += " and keep it there for 3 hours" if hold else ""
    req += ", and run the fan continuously." if fan else "."
    c.user(req)
    args = {"device_id": dev, "mode": state["mode"], "target_celsius": target}
    if hold:
        args["hold_hours"] = 3
    if fan:
        args["fan"] = "on"
    c.call("set_thermostat", args, dict(state, target_celsius=target, fan="on" if fan else "auto",
                                        hold_until="3 hours from now" if hold else "next schedule change"))
    c.say(f"Done — {zone} is now {state['mode']}ing to {target:g} °C"
          + (" for the next 3 hours" if hold else " until the next scheduled change")
          + (" with the fan on." if fan else "."))


def automation(c: Conv, rng: random.Random) -> None:
    first, _ = person(rng)
    kind = rng.choice(["sunset", "time", "leave_home"])
    if kind == "sunset":
        c.user("Can the porch and hallway lights come on automatically at sunset every day?")
        c.call("list_devices", {"device_type": "light"},
               {"devices": [_light(rng, d, r) for r in ("porch", "hallway", "office") for d in LIGHTS[r]]})
        offset = rng.choice([0, -15, -30])
        trigger = {"type": "sunset"}
        if offset:
            trigger["offset_minutes"] = offset
        actions = [{"device_id": "light.porch", "command": "turn_on"},
                   {"device_id": "light.hallway", "command": "turn_on", "value": 60}]
        name = "Evening lights"
        desc = (f"at sunset{'' if not offset else f' minus {-offset} minutes'}, every day: porch light on, "
                f"hallway light on at 60%")
    elif kind == "time":
        days = ["mon", "tue", "wed", "thu", "fri"]
        t = rng.choice(["06:30", "06:45", "07:00"])
        c.user(f"I want the downstairs heat to 21 and the kitchen lights on at {t} on weekdays.")
        c.call("list_devices", {"room": "kitchen"},
               {"devices": [_light(rng, d, "kitchen", False) for d in LIGHTS["kitchen"]]})
        trigger = {"type": "time", "time": t, "days": days}
        actions = [{"device_id": "climate.downstairs", "command": "set_temperature", "value": 21},
                   {"device_id": "light.kitchen_pendant", "command": "turn_on", "value": 80},
                   {"device_id": "light.kitchen_under_cabinet", "command": "turn_on"}]
        name = "Weekday morning"
        desc = f"at {t} Monday–Friday: downstairs thermostat to 21 °C, kitchen pendant at 80%, under-cabinet lights on"
    else:
        c.user(f"When everyone leaves the house, lock up and turn off the living room lights. {first} always forgets.")
        c.call("list_devices", {"device_type": "lock"},
               {"devices": [_lock(d, rng.random() < 0.5) for d in LOCKS.values()]})
        trigger = {"type": "leave_home"}
        actions = [{"device_id": d, "command": "lock"} for d in LOCKS.values()]
        actions += [{"device_id": d, "command": "turn_off"} for d in LIGHTS["living_room"]]
        name = "Away mode"
        desc = "when the last person leaves: lock front, back and garage doors, turn off both living room lights"
    c.say(f"Here's the rule I'd create, '{name}': {desc}. Shall I save and enable it?")
    c.user("Perfect, save it.")
    args = {"name": name, "trigger": trigger, "actions": actions}
    if rng.random() < 0.3:
        args["enabled"] = True
    c.call("create_automation", args, {"automation_id": f"auto_{rng.randint(100, 999)}", "name": name,
                                       "enabled": True})
    c.say(f"'{name}' is saved and active. You can pause it any time from the Automations tab.")


def status_check(c: Conv, rng: random.Random) -> None:
    garage_open = rng.random() < 0.6
    c.user(rng.choice(["I'm at the airport — is the house locked up? And is the upstairs heat off?",
                       "Did we lock the front door and the garage entry? Also check the upstairs thermostat.",
                       "On my way to work and paranoid: doors locked? Upstairs heating off?"]))
    states = [_lock(LOCKS["front door"], True), _lock(LOCKS["garage door"], not garage_open),
              {"device_id": "climate.upstairs", "type": "climate", "mode": rng.choice(["heat", "off"]),
               "current_celsius": 19.5, "target_celsius": 20.0}]
    c.parallel([("get_device_state", {"device_id": st["device_id"]}, st) for st in states])
    heat = states[2]["mode"]
    c.say(f"Front door: locked. Garage entry: {'UNLOCKED' if garage_open else 'locked'}. Upstairs thermostat: "
          f"{'heating to 20 °C' if heat == 'heat' else 'off'}."
          + (" Want me to lock the garage entry" if garage_open else " Want me to change anything")
          + (" and turn the upstairs heat off?" if heat == "heat" else "?"))
    if not garage_open and heat != "heat":
        c.user("No, that's all. Thanks!")
        c.say("Great — everything is secure. Have a good trip!")
        return
    c.user("Yes, please.")
    calls = []
    if garage_open:
        calls.append(("set_lock", {"device_id": LOCKS["garage door"], "locked": True, "notify_household": True},
                      {"device_id": LOCKS["garage door"], "state": "locked", "notified": 3}))
    if heat == "heat":
        calls.append(("set_thermostat", {"device_id": "climate.upstairs", "mode": "off"},
                      {"device_id": "climate.upstairs", "mode": "off"}))
    c.parallel(calls)
    c.say("All set: " + " and ".join(
        (["the garage entry is locked (household notified)"] if garage_open else [])
        + (["upstairs heating is off"] if heat == "heat" else [])) + ". Safe travels!")


def guest_unlock(c: Conv, rng: random.Random) -> None:
    guest = rng.choice(["the dog walker", "my mother-in-law", "the plumber", "our cleaner"])
    door = rng.choice(["front door", "back door"])
    c.user(phrase(rng, ["{guest} is outside. Can you unlock the {door}?",
                      "Please let {guest_l} in — unlock the {door}.",
                      "{guest} just rang. Open the {door} for them?"],
                guest=guest[0].upper() + guest[1:], guest_l=guest, door=door))
    c.call("list_devices", {"device_type": "lock"}, {"devices": [_lock(d, True) for d in LOCKS.values()]})
    c.say(f"Just to confirm: unlock the {door} ({LOCKS[door]}) now? It's currently locked.")
    c.user("Yes, unlock it, and let the family know.")
    c.call("set_lock", {"device_id": LOCKS[door], "locked": False, "notify_household": True},
           {"device_id": LOCKS[door], "state": "unlocked", "notified": rng.randint(2, 4)})
    c.say(f"The {door} is unlocked and the household has been notified. Tell me when to lock it again.")
    c.user("Ok they're in, lock it and turn on the hallway light.")
    c.parallel([("set_lock", {"device_id": LOCKS[door], "locked": True}, {"device_id": LOCKS[door], "state": "locked"}),
                ("set_light", {"device_id": "light.hallway", "on": True},
                 {"device_id": "light.hallway", "state": "on", "brightness": 100})])
    c.say(f"The {door} is locked again and the hallway light is on.")


FLOWS = [bedtime, thermostat, automation, status_check, guest_unlock]
