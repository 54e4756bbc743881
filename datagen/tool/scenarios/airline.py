"""Airline customer service (Meridian Air): reservations, changes, cancellations."""

from __future__ import annotations

import datetime as dt
import random

from .common import (
    Conv,
    arr,
    b,
    code,
    day,
    digits,
    enum,
    i,
    iso,
    money,
    obj,
    person,
    phrase,
    plural,
    s,
    spoken,
    tool,
    yes,
)

NAME = "airline"

SYSTEM = (
    "You are a customer-service agent for Meridian Air. Help users view, change and cancel "
    "reservations, add checked bags and check flight status.\n"
    "Policy:\n"
    "- Look up the reservation before acting on it; never guess reservation IDs or flight numbers.\n"
    "- Before any change that modifies a booking (flight change, passenger update, bags, cancellation), "
    "summarise the change and its cost and get an explicit 'yes' from the user.\n"
    "- Basic economy fares cannot be changed. Other fares can move to another flight on the same route; "
    "the fare difference is charged to or refunded to a payment method already on the profile.\n"
    "- Cancellations are refunded to the original payment only if booked within the last 24 hours, the "
    "fare is business, or the reservation has travel insurance; otherwise the value becomes travel credit.\n"
    "- Economy passengers get 1 free checked bag each, business passengers 2; extra bags cost $50 each.\n"
    "- Call one tool at a time unless the lookups are independent."
)

CABINS = ["basic_economy", "economy", "premium_economy", "business"]

TOOLS = [
    tool("get_user_details", "Get a Meridian Air profile: name, membership tier, saved payment methods "
         "and reservation IDs.",
         {"user_id": s("Profile ID, e.g. 'maria_garcia_4821'.")}, ["user_id"]),
    tool("get_reservation", "Get a reservation by its 6-character booking code.",
         {"reservation_id": s("Booking code, e.g. '8JX2QK'.", pattern="^[A-Z0-9]{6}$")}, ["reservation_id"]),
    tool("search_flights", "Search direct and connecting flights between two airports on a date.",
         {
             "origin": s("IATA code of the departure airport.", pattern="^[A-Z]{3}$"),
             "destination": s("IATA code of the arrival airport.", pattern="^[A-Z]{3}$"),
             "date": s("Departure date, YYYY-MM-DD.", format="date"),
             "cabin": enum("Cabin class.", CABINS[1:], default="economy"),
             "max_stops": i("Maximum number of connections.", default=1, minimum=0, maximum=2),
             "passengers": i("Number of seats needed.", default=1, minimum=1, maximum=9),
             "flexible_dates": b("Also return flights one day before and after.", default=False),
         }, ["origin", "destination", "date"]),
    tool("update_reservation_flights", "Move a reservation to new flights. The fare difference is charged "
         "to or refunded to the given payment method.",
         {
             "reservation_id": s("Booking code.", pattern="^[A-Z0-9]{6}$"),
             "flights": arr("All flights of the new itinerary, in order.", obj({
                 "flight_number": s("Flight number, e.g. 'MR1423'.", pattern="^MR[0-9]{3,4}$"),
                 "date": s("Flight date, YYYY-MM-DD.", format="date"),
             }, ["flight_number", "date"]), minItems=1, maxItems=4),
             "cabin": enum("Cabin class for the new flights.", CABINS,
                           default="economy"),
             "payment_method_id": s("Saved payment method for the fare difference."),
         }, ["reservation_id", "flights", "payment_method_id"]),
    tool("update_passengers", "Correct passenger details. The list must contain every passenger, in the "
         "original order.",
         {
             "reservation_id": s("Booking code.", pattern="^[A-Z0-9]{6}$"),
             "passengers": arr("Passengers on the booking.", obj({
                 "first_name": s("Given name as on the passport."),
                 "last_name": s("Family name as on the passport."),
                 "date_of_birth": s("YYYY-MM-DD.", format="date"),
             }, ["first_name", "last_name", "date_of_birth"]), minItems=1),
         }, ["reservation_id", "passengers"]),
    tool("add_baggage", "Set the total number of checked bags on a reservation.",
         {
             "reservation_id": s("Booking code.", pattern="^[A-Z0-9]{6}$"),
             "total_bags": i("New total of checked bags for the whole booking.", minimum=0, maximum=10),
             "payment_method_id": s("Saved payment method for bag fees."),
             "priority_handling": b("Add priority tag ($15 per bag).", default=False),
         }, ["reservation_id", "total_bags", "payment_method_id"]),
    tool("cancel_reservation", "Cancel every flight on a reservation.",
         {
             "reservation_id": s("Booking code.", pattern="^[A-Z0-9]{6}$"),
             "reason": enum("Why the user cancels.", ["change_of_plans", "airline_cancelled", "medical", "other"],
                            default="change_of_plans"),
             "refund_to": enum("Where the refund goes.", ["original_payment", "travel_credit"],
                               default="original_payment"),
         }, ["reservation_id"]),
    tool("get_flight_status", "Live status of one flight on a date.",
         {
             "flight_number": s("Flight number, e.g. 'MR1423'.", pattern="^MR[0-9]{3,4}$"),
             "date": s("YYYY-MM-DD.", format="date"),
         }, ["flight_number", "date"]),
]

AIRPORTS = {
    "JFK": "New York", "LAX": "Los Angeles", "ORD": "Chicago", "SFO": "San Francisco",
    "SEA": "Seattle", "BOS": "Boston", "DEN": "Denver", "ATL": "Atlanta", "MIA": "Miami",
    "DFW": "Dallas", "PHX": "Phoenix", "MSP": "Minneapolis", "YYZ": "Toronto", "LHR": "London",
}
REASON_TEXT = {
    "change_of_plans": "my plans changed",
    "medical": "I had a minor surgery and my doctor says I shouldn't fly",
    "other": "the conference I was going to got moved online",
}


def _flight_no(rng: random.Random) -> str:
    return f"MR{rng.randint(100, 2999)}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(6, 21):02d}:{rng.choice(['00', '15', '30', '45'])}"


def _profile(rng: random.Random):
    first, last = person(rng)
    uid = f"{first.lower()}_{''.join(c for c in last.lower() if c.isalpha()).replace('ü', 'u')}_{digits(rng, 4)}"
    card = {"id": f"credit_card_{digits(rng, 7)}", "type": "credit_card",
            "brand": rng.choice(["visa", "mastercard", "amex"]), "last_four": digits(rng, 4)}
    cert = {"id": f"certificate_{digits(rng, 7)}", "type": "travel_certificate",
            "amount": float(rng.choice([100, 150, 250]))}
    return first, last, uid, [card, cert]


def _reservation(rng: random.Random, uid: str, first: str, last: str, cabin: str | None = None,
                 n_pax: int = 1, created_days_ago: int | None = None, insurance: bool | None = None):
    origin, dest = rng.sample(sorted(AIRPORTS), 2)
    date = day(rng, 10, 70)
    cabin = cabin or rng.choice(CABINS)
    price = money(rng.uniform(140, 520) * (3.2 if cabin == "business" else 1.0))
    passengers = [{"first_name": first, "last_name": last,
                   "date_of_birth": f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}]
    for _ in range(n_pax - 1):
        f2, _l2 = person(rng)
        passengers.append({"first_name": f2, "last_name": last,
                           "date_of_birth": f"{rng.randint(1960, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"})
    ago = created_days_ago if created_days_ago is not None else rng.randint(3, 40)
    return {
        "reservation_id": code(rng), "user_id": uid, "origin": origin, "destination": dest,
        "flight_type": "one_way", "cabin": cabin,
        "flights": [{"flight_number": _flight_no(rng), "origin": origin, "destination": dest,
                     "date": iso(date), "departure": _time(rng), "price": price}],
        "passengers": passengers, "total_baggages": rng.randint(0, n_pax),
        "insurance": rng.random() < 0.3 if insurance is None else insurance,
        "created_days_ago": ago, "status": "confirmed",
    }


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def change_flight(c: Conv, rng: random.Random) -> None:
    first, last, uid, pms = _profile(rng)
    res = _reservation(rng, uid, first, last, cabin=rng.choice(["economy", "premium_economy", "business"]))
    f = res["flights"][0]
    old = dt.date.fromisoformat(f["date"])
    new = old + dt.timedelta(days=rng.choice([-2, -1, 1, 2, 3]))
    c.user(phrase(rng, [
        "Hi, this is {name}. I need to move my flight to {city} to {day} instead. Booking code is {rid}.",
        "Hello! Could you switch my {city} flight (booking {rid}) to {day}? Something came up.",
        "I'm {name}, reservation {rid}. My meeting in {city} moved, so I'd like to fly on {day} instead.",
    ], name=f"{first} {last}", city=AIRPORTS[res["destination"]], day=spoken(new), rid=res["reservation_id"]))
    c.call("get_reservation", {"reservation_id": res["reservation_id"]}, res)
    options = []
    for _ in range(rng.randint(2, 3)):
        options.append({"flight_number": _flight_no(rng), "date": iso(new), "departure": _time(rng),
                        "stops": 0, "seats_available": rng.randint(2, 14),
                        "price": money(f["price"] + rng.uniform(-40, 90))})
    options.sort(key=lambda o: o["departure"])
    search = {"origin": res["origin"], "destination": res["destination"], "date": iso(new)}
    if res["cabin"] != "economy":
        search["cabin"] = res["cabin"]
    if rng.random() < 0.3:
        search["max_stops"] = 0
    c.call("search_flights", search, {"results": options})
    pick = rng.choice(options)
    diff = money(pick["price"] - f["price"])
    card = pms[0]
    listing = "; ".join(f"{o['flight_number']} departing {o['departure']} (${o['price']:.2f})" for o in options)
    c.say(f"Your reservation {res['reservation_id']} is {f['flight_number']} from {AIRPORTS[res['origin']]} to "
          f"{AIRPORTS[res['destination']]} on {spoken(old)} in {res['cabin'].replace('_', ' ')}. On {spoken(new)} "
          f"I found: {listing}. Which one would you like?")
    c.user(f"The {pick['departure']} one please.")
    cost = (f"a fare difference of ${diff:.2f} charged to your {card['brand'].title()} ending {card['last_four']}"
            if diff >= 0 else f"a refund of ${-diff:.2f} to your {card['brand'].title()} ending {card['last_four']}")
    c.say(f"To confirm: move {res['reservation_id']} to {pick['flight_number']} on {spoken(new)} at "
          f"{pick['departure']}, same cabin, with {cost}. Shall I proceed?")
    c.user(yes(rng))
    upd = {"reservation_id": res["reservation_id"],
           "flights": [{"flight_number": pick["flight_number"], "date": iso(new)}],
           "payment_method_id": card["id"]}
    if res["cabin"] != "economy" or rng.random() < 0.3:
        upd["cabin"] = res["cabin"]
    res2 = dict(res, flights=[dict(f, flight_number=pick["flight_number"], date=iso(new),
                                   departure=pick["departure"], price=pick["price"])])
    c.call("update_reservation_flights", upd, dict(res2, fare_difference=diff))
    c.say(f"Done. You're now on {pick['flight_number']} departing {pick['departure']} on {spoken(new)}. "
          f"Anything else I can help with?")


def cancel(c: Conv, rng: random.Random) -> None:
    first, last, uid, _pms = _profile(rng)
    eligible = rng.random() < 0.6
    res = _reservation(rng, uid, first, last,
                       cabin="business" if eligible and rng.random() < 0.5 else rng.choice(["economy", "basic_economy"]),
                       created_days_ago=0 if eligible and rng.random() < 0.5 else None,
                       insurance=None if eligible else False)
    if not eligible:
        res["created_days_ago"] = rng.randint(5, 40)
    eligible = res["cabin"] == "business" or res["insurance"] or res["created_days_ago"] == 0
    reason = rng.choice(list(REASON_TEXT))
    c.user(phrase(rng, ["Hello, I'd like to cancel reservation {rid}, {why}.",
                      "Please cancel my booking {rid} — {why}. Can I get my money back?",
                      "Hi, {why}, so I need to cancel {rid}."],
                rid=res["reservation_id"], why=REASON_TEXT[reason]))
    c.call("get_reservation", {"reservation_id": res["reservation_id"]}, res)
    f = res["flights"][0]
    total = money(f["price"] * len(res["passengers"]))
    if eligible:
        why = ("it's a business fare" if res["cabin"] == "business" else
               "it has travel insurance" if res["insurance"] else "it was booked within the last 24 hours")
        c.say(f"I found {res['reservation_id']}: {f['flight_number']} {res['origin']}→{res['destination']} on "
              f"{f['date']}. Since {why}, the full ${total:.2f} goes back to your original payment. "
              f"Do you want me to cancel it?")
        c.user("Yes, cancel it.")
        args = {"reservation_id": res["reservation_id"]}
        if reason != "change_of_plans":
            args["reason"] = reason
        c.call("cancel_reservation", args, {"reservation_id": res["reservation_id"], "status": "cancelled",
                                            "refund": {"amount": total, "to": "original_payment",
                                                       "eta_business_days": rng.choice([5, 7, 10])}})
        c.say(f"Reservation {res['reservation_id']} is cancelled and ${total:.2f} is on its way back to your "
              f"original payment method within 5–10 business days.")
    else:
        c.say(f"I found {res['reservation_id']}: {f['flight_number']} {res['origin']}→{res['destination']} on "
              f"{f['date']}, {res['cabin'].replace('_', ' ')}, booked {res['created_days_ago']} days ago without "
              f"insurance. Under our policy it can't be refunded to your card, but I can cancel it and issue "
              f"${total:.2f} in travel credit. Would you like that?")
        c.user("That's annoying, but fine — do it with the credit.")
        args = {"reservation_id": res["reservation_id"], "refund_to": "travel_credit"}
        if reason != "change_of_plans":
            args["reason"] = reason
        credit = f"certificate_{digits(rng, 7)}"
        c.call("cancel_reservation", args, {"reservation_id": res["reservation_id"], "status": "cancelled",
                                            "refund": {"amount": total, "to": "travel_credit",
                                                       "certificate_id": credit, "expires": "2026-03-31"}})
        c.say(f"Cancelled. A travel certificate ({credit}) for ${total:.2f} is on your profile and is valid "
              f"until March 31, 2026.")


def flight_status(c: Conv, rng: random.Random) -> None:
    d = day(rng, 0, 2)
    flights = [_flight_no(rng) for _ in range(rng.choice([2, 2, 3]))]
    c.user(phrase(rng, ["Can you check how {fl} are doing on {day}? I'm picking people up and flying myself.",
                      "Are {fl} on time {day}? My family is spread over those flights.",
                      "Quick one: status of {fl} for {day}, please."],
                fl=", ".join(flights[:-1]) + f" and {flights[-1]}", day=spoken(d)))
    calls, lines = [], []
    for fn in flights:
        status = rng.choice(["on_time", "on_time", "delayed", "boarding"])
        dep = _time(rng)
        r = {"flight_number": fn, "date": iso(d), "status": status, "scheduled_departure": dep,
             "gate": f"{rng.choice('ABCDE')}{rng.randint(1, 40)}"}
        if status == "delayed":
            r["delay_minutes"] = rng.choice([25, 40, 75, 110])
            lines.append(f"{fn} is delayed by {r['delay_minutes']} minutes (gate {r['gate']})")
        else:
            lines.append(f"{fn} is {status.replace('_', ' ')}, scheduled {dep} from gate {r['gate']}")
        calls.append(("get_flight_status", {"flight_number": fn, "date": iso(d)}, r))
    c.parallel(calls)
    c.say("Here's the latest: " + "; ".join(lines) + ".")
    c.user("Thanks! If the first one is late, would they hold the connection?")
    c.say("I can't promise a hold, but if a Meridian Air delay makes you miss a connection on the same "
          "booking, we rebook you on the next available flight at no cost. I'm happy to check again closer "
          "to departure.")


def add_bags(c: Conv, rng: random.Random) -> None:
    first, last, uid, pms = _profile(rng)
    r1 = _reservation(rng, uid, first, last, cabin="economy", n_pax=rng.choice([1, 2, 3]))
    r2 = _reservation(rng, uid, first, last, cabin=rng.choice(["economy", "business"]))
    while r2["destination"] == r1["destination"]:
        r2 = _reservation(rng, uid, first, last, cabin=r2["cabin"])
    r1["total_baggages"] = 0
    profile = {"user_id": uid, "name": f"{first} {last}", "membership": rng.choice(["regular", "silver", "gold"]),
               "payment_methods": pms, "reservations": [r1["reservation_id"], r2["reservation_id"]]}
    c.user(f"Hi, I'm {first}, user id {uid}. I want to add checked bags to my upcoming trip to "
           f"{AIRPORTS[r1['destination']]} but I don't remember the booking code.")
    c.call("get_user_details", {"user_id": uid}, profile)
    c.parallel([("get_reservation", {"reservation_id": r1["reservation_id"]}, r1),
                ("get_reservation", {"reservation_id": r2["reservation_id"]}, r2)])
    n_pax = len(r1["passengers"])
    total = n_pax + rng.randint(1, 2)
    extra = total - n_pax
    card = pms[0]
    c.say(f"Your {AIRPORTS[r1['destination']]} trip is {r1['reservation_id']} on {r1['flights'][0]['date']} with "
          f"{plural(n_pax, 'economy passenger')}, so {plural(n_pax, 'bag')} {'is' if n_pax == 1 else 'are'} free. How many bags in total do you need?")
    c.user(f"{total} bags in total.")
    c.say(f"That's {plural(extra, 'extra bag')} at $50 each = ${50 * extra:.2f}, charged to your "
          f"{card['brand'].title()} ending {card['last_four']}. Shall I add them?")
    c.user(yes(rng))
    args = {"reservation_id": r1["reservation_id"], "total_bags": total, "payment_method_id": card["id"]}
    if rng.random() < 0.3:
        args["priority_handling"] = False
    c.call("add_baggage", args, {"reservation_id": r1["reservation_id"], "total_baggages": total,
                                 "charged": float(50 * extra), "payment_method_id": card["id"]})
    c.say(f"Done — {r1['reservation_id']} now has {total} checked bags and ${50 * extra:.2f} was charged.")


def fix_name(c: Conv, rng: random.Random) -> None:
    first, last, uid, _pms = _profile(rng)
    res = _reservation(rng, uid, first, last, n_pax=rng.choice([1, 2]))
    wrong = first[:-1] + ("a" if first[-1] != "a" else "e")
    res["passengers"][0]["first_name"] = wrong
    c.user(f"My first name on booking {res['reservation_id']} is misspelled as {wrong}, it should be {first}.")
    c.call("get_reservation", {"reservation_id": res["reservation_id"]}, res)
    fixed = [dict(p) for p in res["passengers"]]
    fixed[0]["first_name"] = first
    c.say(f"I see passenger 1 listed as {wrong} {last}, born {fixed[0]['date_of_birth']}. I'll change the first "
          f"name to {first} and keep everything else as is. Confirm?")
    c.user(yes(rng))
    c.call("update_passengers", {"reservation_id": res["reservation_id"], "passengers": fixed},
           dict(res, passengers=fixed))
    c.say(f"Updated — the booking now reads {first} {last}. Your boarding pass will show the corrected name.")


FLOWS = [change_flight, cancel, flight_status, add_bags, fix_name]
