"""Pharmacy refill assistant (CareWell Pharmacy): refills, stores, transfers, interaction checks."""

from __future__ import annotations

import random

from .common import (
    Conv,
    arr,
    b,
    day,
    digits,
    enum,
    n,
    obj,
    person,
    plural,
    s,
    spoken,
    tool,
)

NAME = "pharmacy"

SYSTEM = (
    "You are the CareWell Pharmacy refill assistant.\n"
    "Policy:\n"
    "- Verify the patient with last name and date of birth before discussing any prescription.\n"
    "- Only refill prescriptions that are active and have refills remaining; otherwise offer to send a renewal "
    "request to the prescriber.\n"
    "- Controlled substances cannot be refilled early or delivered; they must be picked up in store.\n"
    "- Confirm medication, quantity, store or delivery address before submitting a refill or transfer.\n"
    "- You may run interaction checks, but do not give medical advice beyond the result; refer the patient to "
    "a pharmacist or their prescriber for clinical questions."
)

RX = {"type": "string", "description": "Prescription number, e.g. 'RX4417203'.", "pattern": "^RX[0-9]{7}$"}
PATIENT = {"type": "string", "description": "Patient ID from find_patient.", "pattern": "^PT-[0-9]{7}$"}

TOOLS = [
    tool("find_patient", "Verify a patient by last name and date of birth.",
         {"last_name": s("Patient's last name."), "date_of_birth": s("YYYY-MM-DD.", format="date")},
         ["last_name", "date_of_birth"]),
    tool("list_prescriptions", "List a patient's prescriptions.",
         {
             "patient_id": PATIENT,
             "status": enum("Filter by status.", ["active", "expired", "transferred", "all"], default="active"),
             "include_fill_history": b("Include past fill dates.", default=False),
         }, ["patient_id"]),
    tool("request_refill", "Submit a refill for one prescription.",
         {
             "rx_number": RX,
             "store_id": s("Store that fills the order, e.g. 'store_0412'.", pattern="^store_[0-9]{4}$"),
             "fulfillment": enum("Pickup in store or home delivery.", ["pickup", "delivery"], default="pickup"),
             "days_supply": {"type": "integer", "description": "Days of medication to dispense.",
                             "enum": [30, 60, 90], "default": 30},
             "notify_by": arr("How to tell the patient it's ready.",
                              {"type": "string", "enum": ["sms", "email", "phone_call"]},
                              uniqueItems=True, default=["sms"]),
         }, ["rx_number", "store_id"]),
    tool("find_stores", "Find CareWell stores near a ZIP code.",
         {
             "postal_code": s("5-digit ZIP code.", pattern="^[0-9]{5}$"),
             "radius_miles": n("Search radius.", default=5, minimum=0.5, maximum=50),
             "open_now": b("Only stores open right now.", default=False),
             "services": arr("Required services.", {"type": "string", "enum": ["drive_thru", "24_hour",
                                                                                "vaccinations", "compounding"]},
                             uniqueItems=True),
         }, ["postal_code"]),
    tool("check_drug_interactions", "Check a list of medications for known interactions.",
         {"medications": arr("Generic drug names.", {"type": "string", "minLength": 2}, minItems=2, maxItems=10)},
         ["medications"]),
    tool("transfer_prescription", "Request a prescription transfer from another pharmacy.",
         {
             "patient_id": PATIENT,
             "medication": s("Drug name and strength, e.g. 'atorvastatin 20 mg'."),
             "from_pharmacy": obj({
                 "name": s("Pharmacy name."),
                 "phone": s("Phone number, digits and dashes.", pattern="^[0-9]{3}-[0-9]{3}-[0-9]{4}$"),
                 "city": s("City."),
                 "rx_number": s("The prescription number at that pharmacy, if known."),
             }, ["name", "phone"]),
             "to_store_id": s("CareWell store receiving the transfer.", pattern="^store_[0-9]{4}$"),
         }, ["patient_id", "medication", "from_pharmacy", "to_store_id"]),
]

MEDS = [
    ("lisinopril", "10 mg tablet", False), ("atorvastatin", "20 mg tablet", False),
    ("metformin", "500 mg tablet", False), ("levothyroxine", "50 mcg tablet", False),
    ("sertraline", "50 mg tablet", False), ("amlodipine", "5 mg tablet", False),
    ("omeprazole", "20 mg capsule", False), ("montelukast", "10 mg tablet", False),
    ("escitalopram", "10 mg tablet", False), ("losartan", "50 mg tablet", False),
    ("zolpidem", "5 mg tablet", True), ("methylphenidate ER", "18 mg tablet", True),
]
INTERACTIONS = {
    frozenset({"lisinopril", "ibuprofen"}): ("moderate", "NSAIDs may reduce the blood-pressure effect of "
                                             "lisinopril and affect kidney function."),
    frozenset({"losartan", "ibuprofen"}): ("moderate", "NSAIDs may reduce the effect of losartan and affect "
                                           "kidney function."),
    frozenset({"sertraline", "ibuprofen"}): ("moderate", "Combining SSRIs with NSAIDs increases bleeding risk."),
    frozenset({"escitalopram", "ibuprofen"}): ("moderate", "Combining SSRIs with NSAIDs increases bleeding risk."),
}
STORES = [("store_0412", "CareWell – Oak Park Ave"), ("store_0587", "CareWell – Lincoln Square"),
          ("store_0733", "CareWell – Hyde Park"), ("store_0921", "CareWell – Evanston Central"),
          ("store_1046", "CareWell – Wicker Park")]
OTHER_PHARMACIES = [("Main Street Drug", "Springfield"), ("Lakeside Apothecary", "Milwaukee"),
                    ("Riverbend Pharmacy", "Peoria"), ("Greenleaf Pharmacy", "Madison")]


def _patient(rng: random.Random) -> dict:
    first, last = person(rng)
    dob = f"{rng.randint(1948, 1999)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    store = rng.choice(STORES)
    return {"patient_id": f"PT-{digits(rng, 7)}", "first_name": first, "last_name": last, "date_of_birth": dob,
            "preferred_store_id": store[0], "preferred_store": store[1], "phone_on_file": f"***-***-{digits(rng, 4)}"}


def _rx(rng: random.Random, med, refills: int | None = None) -> dict:
    name, strength, controlled = med
    return {"rx_number": f"RX{digits(rng, 7)}", "medication": f"{name} {strength}", "generic_name": name,
            "controlled": controlled, "status": "active",
            "refills_remaining": rng.randint(1, 5) if refills is None else refills,
            "last_filled": f"2025-02-{rng.randint(1, 20):02d}", "days_supply": rng.choice([30, 90]),
            "prescriber": f"Dr. {person(rng)[1]}"}


def _verify(c: Conv, rng: random.Random, pt: dict, opener: str) -> None:
    c.user(f"{opener} I'm {pt['first_name']} {pt['last_name']}, born {pt['date_of_birth']}.")
    c.call("find_patient", {"last_name": pt["last_name"], "date_of_birth": pt["date_of_birth"]}, pt)


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def refill_one(c: Conv, rng: random.Random) -> None:
    pt = _patient(rng)
    rxs = [_rx(rng, m) for m in rng.sample([m for m in MEDS if not m[2]], 3)]
    target = rng.choice(rxs)
    _verify(c, rng, pt, f"I need a refill of my {target['generic_name']}.")
    c.call("list_prescriptions", {"patient_id": pt["patient_id"]}, {"prescriptions": rxs})
    ninety = rng.random() < 0.4
    c.say(f"Thanks, {pt['first_name']}. {target['medication'].capitalize()} ({target['rx_number']}) has "
          f"{plural(target['refills_remaining'], 'refill')} left. I can send it to {pt['preferred_store']} for pickup, "
          f"{'90' if ninety else '30'}-day supply, and text you when it's ready. Shall I submit it?")
    c.user("Yes, that's right." if not ninety else "Yes, the 90-day supply please.")
    args = {"rx_number": target["rx_number"], "store_id": pt["preferred_store_id"]}
    if ninety:
        args["days_supply"] = 90
    ready = spoken(day(rng, 0, 2))
    c.call("request_refill", args, {"order_id": f"RF-{digits(rng, 6)}", "rx_number": target["rx_number"],
                                    "status": "submitted", "ready_by": ready, "copay": rng.choice([0.0, 5.0, 10.0, 12.5])})
    c.say(f"Submitted. Your {target['generic_name']} should be ready at {pt['preferred_store']} by {ready}; "
          f"we'll text you when it is.")


def refill_many(c: Conv, rng: random.Random) -> None:
    pt = _patient(rng)
    rxs = [_rx(rng, m) for m in rng.sample([m for m in MEDS if not m[2]], rng.choice([2, 3]))]
    _verify(c, rng, pt, rng.choice(["Can you refill all my regular meds and deliver them?",
                                    "I'd like every prescription I have refilled and mailed to me.",
                                    "Please set up home delivery refills for all my medications."]))
    c.call("list_prescriptions", {"patient_id": pt["patient_id"]}, {"prescriptions": rxs})
    lst = ", ".join(f"{r['medication']} ({r['rx_number']})" for r in rxs)
    email_too = rng.random() < 0.5
    c.say(f"I found {len(rxs)} active prescriptions with refills left: {lst}. I'll request home delivery for all "
          f"of them from {pt['preferred_store']}. OK?")
    c.user("Yes. And email me as well as texting, please." if email_too else "Yes please.")
    calls = []
    for r in rxs:
        args = {"rx_number": r["rx_number"], "store_id": pt["preferred_store_id"], "fulfillment": "delivery"}
        if email_too:
            args["notify_by"] = ["sms", "email"]
        calls.append(("request_refill", args, {"order_id": f"RF-{digits(rng, 6)}", "rx_number": r["rx_number"],
                                               "status": "submitted", "fulfillment": "delivery",
                                               "estimated_delivery": "2025-03-07"}))
    c.parallel(calls)
    c.say(f"{'Both' if len(rxs) == 2 else 'All three'} refills are submitted for delivery, estimated Friday, March 7. "
          + ("You'll get a text and an email when they ship." if email_too else "You'll get a text when they ship."))


def no_refills(c: Conv, rng: random.Random) -> None:
    pt = _patient(rng)
    controlled = rng.random() < 0.4
    med = rng.choice([m for m in MEDS if m[2] == controlled])
    target = _rx(rng, med, refills=0 if not controlled else rng.randint(1, 2))
    others = [_rx(rng, m) for m in rng.sample([m for m in MEDS if not m[2] and m != med], 1)]
    ask = "Please mail me a refill of my " + target["generic_name"] + "."
    _verify(c, rng, pt, ask)
    c.call("list_prescriptions", {"patient_id": pt["patient_id"], "include_fill_history": True},
           {"prescriptions": [target, *others]})
    if controlled:
        c.say(f"{target['medication'].capitalize()} is a controlled substance, so it can't be delivered — it has to be picked up "
              f"in store, and it can't be filled before it's due (last filled {target['last_filled']}). Would you "
              f"like me to queue it for pickup at {pt['preferred_store']} on the due date?")
        c.user("Oh, ok. Yes, pickup then.")
        c.call("request_refill", {"rx_number": target["rx_number"], "store_id": pt["preferred_store_id"],
                                  "fulfillment": "pickup"},
               {"order_id": f"RF-{digits(rng, 6)}", "status": "queued", "fill_on_or_after": "2025-03-10"})
        c.say(f"Queued: it will be filled for pickup at {pt['preferred_store']} on or after March 10. Please bring "
              f"a photo ID.")
    else:
        c.say(f"{target['medication'].capitalize()} ({target['rx_number']}) has no refills remaining, so I can't refill it. "
              f"A renewal needs approval from {target['prescriber']}. I'd recommend contacting their office, or the "
              f"pharmacy team can fax a request. Would you like the pharmacy's phone number?")
        c.user("I'll call my doctor myself, thanks.")
        c.say("Sounds good. Once the new prescription arrives, I can set up delivery for you.")


def transfer_in(c: Conv, rng: random.Random) -> None:
    pt = _patient(rng)
    other, city = rng.choice(OTHER_PHARMACIES)
    med_name, strength, _ = rng.choice([m for m in MEDS if not m[2]])
    zip_code = rng.choice(["60302", "60625", "60615", "60201", "60622"])
    need_drive = rng.random() < 0.5
    _verify(c, rng, pt, f"I'd like to move my {med_name} from {other} in {city} to a CareWell near {zip_code}"
            + (" with a drive-thru." if need_drive else "."))
    sargs = {"postal_code": zip_code}
    if need_drive:
        sargs["services"] = ["drive_thru"]
    radius = 5.0
    if rng.random() < 0.4:
        radius = sargs["radius_miles"] = rng.choice([2.5, 3])
    stores = [{"store_id": sid, "name": nm, "distance_miles": round(rng.uniform(0.4, radius - 0.1), 1),
               "services": ["vaccinations"] + (["drive_thru"] if need_drive else [])}
              for sid, nm in rng.sample(STORES, 2)]
    stores.sort(key=lambda x: x["distance_miles"])
    c.call("find_stores", sargs, {"stores": stores})
    c.say(f"The closest are {stores[0]['name']} ({stores[0]['distance_miles']} mi) and {stores[1]['name']} "
          f"({stores[1]['distance_miles']} mi). Which one, and do you have {other}'s phone number?")
    phone = f"{rng.choice(['217', '414', '309', '608'])}-555-{digits(rng, 4)}"
    pick = rng.choice(stores)
    c.user(f"{pick['name'].split('– ')[1]} please. Their number is {phone}.")
    c.call("transfer_prescription", {"patient_id": pt["patient_id"], "medication": " ".join([med_name, *strength.split()[:2]]), "from_pharmacy": {"name": other, "phone": phone,
                                                                                   "city": city},
                                     "to_store_id": pick["store_id"]},
           {"transfer_id": f"TR-{digits(rng, 6)}", "status": "requested", "expected_ready": "1-2 business days"})
    c.say(f"Transfer requested. {pick['name']} will contact {other} and have your {med_name} ready in 1–2 business "
          f"days; you'll get a text when it's in.")


def interactions(c: Conv, rng: random.Random) -> None:
    pt = _patient(rng)
    rxs = [_rx(rng, m) for m in rng.sample([m for m in MEDS if not m[2]], 2)]
    otc = rng.choice(["ibuprofen", "acetaminophen", "loratadine"])
    _verify(c, rng, pt, f"Is it okay to take {otc} with my prescriptions?")
    c.call("list_prescriptions", {"patient_id": pt["patient_id"]}, {"prescriptions": rxs})
    meds = [r["generic_name"] for r in rxs] + [otc]
    found = []
    for a in range(len(meds)):
        for b_ in range(a + 1, len(meds)):
            hit = INTERACTIONS.get(frozenset({meds[a], meds[b_]}))
            if hit:
                found.append({"drugs": [meds[a], meds[b_]], "severity": hit[0], "summary": hit[1]})
    c.call("check_drug_interactions", {"medications": meds}, {"interactions": found, "checked": meds})
    if found:
        txt = " ".join(f"{f['drugs'][0].title()} + {f['drugs'][1]}: {f['severity']} — {f['summary']}" for f in found)
        c.say(f"The check flagged: {txt} Please talk to a CareWell pharmacist or your prescriber before taking "
              f"{otc}; they can suggest an alternative.")
    else:
        c.say(f"No known interactions were found between {otc} and your {' or '.join(meds[:-1])}. Still, follow the "
              f"label dosing, and a pharmacist can answer any questions.")
    c.user("Thanks, that helps.")
    c.say("You're welcome. Anything else I can help with?")


FLOWS = [refill_one, refill_many, no_refills, transfer_in, interactions]
