"""Online retail support (Northwind Outfitters): orders, returns, exchanges, addresses."""

from __future__ import annotations

import random

from .common import Conv, arr, b, digits, email, enum, i, money, n, obj, person, phrase, plural, s, tool, yes

NAME = "retail"

SYSTEM = (
    "You are the support assistant for Northwind Outfitters, an online store for outdoor and home goods.\n"
    "Policy:\n"
    "- Authenticate the customer by email before discussing an order, and only act on that customer's orders.\n"
    "- Pending orders can be cancelled or have their shipping address changed. Delivered orders can be "
    "returned or exchanged within 30 days; exchanges must be for another variant of the same product.\n"
    "- Refunds go to the original payment method unless the customer asks for store credit.\n"
    "- List what will happen (items, amounts, address) and get an explicit confirmation before calling any "
    "tool that changes an order.\n"
    "- Be concise and do not make up order details."
)

ORDER_ID = {"type": "string", "description": "Order ID including the leading '#', e.g. '#W4821973'.",
            "pattern": "^#W[0-9]{7}$"}

TOOLS = [
    tool("find_customer_by_email", "Look up a customer account by email address.",
         {"email": s("Customer email address.", format="email")}, ["email"]),
    tool("list_orders", "List a customer's orders, newest first.",
         {
             "customer_id": s("Customer ID, e.g. 'cus_58213'."),
             "status": enum("Only orders in this status.",
                            ["any", "pending", "processed", "shipped", "delivered", "cancelled"], default="any"),
             "limit": i("Maximum number of orders to return.", default=10, minimum=1, maximum=50),
         }, ["customer_id"]),
    tool("get_order", "Get an order with its items, status, payment and shipping address.",
         {"order_id": ORDER_ID}, ["order_id"]),
    tool("search_products", "Search the catalogue; returns products with their variants and stock.",
         {
             "query": s("Free-text search, e.g. 'trail running shoes'."),
             "max_price": n("Only variants at or below this price in USD.", exclusiveMinimum=0),
             "in_stock_only": b("Hide variants that are out of stock.", default=True),
             "sort": enum("Sort order.", ["relevance", "price_asc", "price_desc", "rating"], default="relevance"),
         }, ["query"]),
    tool("return_items", "Start a return for delivered items and email a prepaid label.",
         {
             "order_id": ORDER_ID,
             "item_ids": arr("Items to return.", {"type": "string", "pattern": "^itm_[0-9]{6}$"},
                             minItems=1, uniqueItems=True),
             "reason": enum("Return reason.", ["wrong_size", "defective", "not_as_described",
                                               "no_longer_needed", "other"]),
             "refund_method": enum("Where the refund goes.", ["original_payment", "store_credit"],
                                   default="original_payment"),
         }, ["order_id", "item_ids", "reason"]),
    tool("exchange_items", "Exchange delivered items for other variants of the same products.",
         {
             "order_id": ORDER_ID,
             "exchanges": arr("One entry per item being exchanged.", obj({
                 "item_id": s("Item in the order.", pattern="^itm_[0-9]{6}$"),
                 "new_variant_id": s("Variant to send instead.", pattern="^var_[0-9]{6}$"),
             }, ["item_id", "new_variant_id"]), minItems=1),
             "payment_method_id": s("Payment method for any price difference."),
         }, ["order_id", "exchanges", "payment_method_id"]),
    tool("update_shipping_address", "Change the shipping address of a pending order.",
         {
             "order_id": ORDER_ID,
             "shipping_address": obj({
                 "street": s("Street and house number."),
                 "unit": s("Apartment, suite or unit."),
                 "city": s("City."),
                 "state": s("State or province code."),
                 "postal_code": s("ZIP or postal code."),
                 "country": s("ISO 3166-1 alpha-2 country code.", pattern="^[A-Z]{2}$"),
             }, ["street", "city", "postal_code", "country"]),
         }, ["order_id", "shipping_address"]),
    tool("cancel_order", "Cancel a pending order and refund it in full.",
         {
             "order_id": ORDER_ID,
             "reason": enum("Cancellation reason.", ["no_longer_needed", "ordered_by_mistake", "found_cheaper",
                                                     "shipping_too_slow"]),
         }, ["order_id", "reason"]),
]

PRODUCTS = [
    ("Trailblazer Running Shoes", "size", ["8", "8.5", "9", "9.5", "10", "10.5", "11"], 89.0, 129.0),
    ("Alpine Down Jacket", "size", ["XS", "S", "M", "L", "XL"], 149.0, 219.0),
    ("Merino Crew Sweater", "size", ["S", "M", "L", "XL"], 64.0, 98.0),
    ("Summit 28L Daypack", "color", ["charcoal", "forest green", "rust", "navy"], 59.0, 85.0),
    ("Insulated Steel Bottle 1L", "color", ["white", "black", "sage", "coral"], 24.0, 36.0),
    ("Cast Iron Skillet", "size", ["8 inch", "10 inch", "12 inch"], 29.0, 54.0),
    ("Ceramic Pour-Over Set", "color", ["matte black", "cream", "terracotta"], 38.0, 52.0),
    ("Two-Person Dome Tent", "color", ["olive", "orange"], 179.0, 239.0),
    ("Linen Duvet Cover", "size", ["twin", "queen", "king"], 89.0, 139.0),
    ("LED Camp Lantern", "color", ["black", "yellow"], 27.0, 39.0),
    ("Wool Hiking Socks 3-Pack", "size", ["S", "M", "L"], 22.0, 28.0),
]

ADDRESSES = [
    ("1423 Maple Avenue", "Portland", "OR", "97214", "US"),
    ("88 Harbor Street", "Boston", "MA", "02110", "US"),
    ("2301 W Belmont Ave", "Chicago", "IL", "60618", "US"),
    ("515 Pine Ridge Road", "Asheville", "NC", "28804", "US"),
    ("77 Lakeshore Blvd", "Madison", "WI", "53703", "US"),
    ("940 Mission Street", "San Francisco", "CA", "94103", "US"),
    ("3100 Ocean Drive", "Miami Beach", "FL", "33139", "US"),
    ("12 Queen Street West", "Toronto", "ON", "M5H 2M9", "CA"),
    ("460 Elm Court", "Boulder", "CO", "80302", "US"),
    ("201 Congress Avenue", "Austin", "TX", "78701", "US"),
]


def _addr(rng: random.Random, with_unit: bool | None = None) -> dict:
    street, city, state, postal, country = rng.choice(ADDRESSES)
    a = {"street": street, "city": city, "state": state, "postal_code": postal, "country": country}
    if with_unit or (with_unit is None and rng.random() < 0.4):
        a["unit"] = f"Apt {rng.randint(1, 9)}{rng.choice('ABCD')}"
    return a


def _one_line(a: dict) -> str:
    unit = f", {a['unit']}" if "unit" in a else ""
    return f"{a['street']}{unit}, {a['city']}, {a['state']} {a['postal_code']}"


def _customer(rng: random.Random) -> dict:
    first, last = person(rng)
    return {"customer_id": f"cus_{digits(rng, 5)}", "name": f"{first} {last}", "first": first,
            "email": email(first, last, rng.choice(["gmail.com", "outlook.com", "fastmail.com", "icloud.com"])),
            "payment_methods": [{"id": f"pm_card_{digits(rng, 6)}", "brand": rng.choice(["visa", "mastercard"]),
                                 "last_four": digits(rng, 4)},
                                {"id": f"pm_gift_{digits(rng, 6)}", "type": "gift_card",
                                 "balance": float(rng.choice([25, 40, 60]))}]}


def _item(rng: random.Random, product=None) -> dict:
    name, opt, values, lo, hi = product or rng.choice(PRODUCTS)
    return {"item_id": f"itm_{digits(rng, 6)}", "product_id": f"prd_{digits(rng, 5)}", "name": name,
            "variant_id": f"var_{digits(rng, 6)}", "options": {opt: rng.choice(values)},
            "price": money(rng.uniform(lo, hi))}


def _order(rng: random.Random, cus: dict, status: str, n_items: int | None = None) -> dict:
    products = rng.sample(PRODUCTS, n_items or rng.randint(1, 3))
    items = [_item(rng, p) for p in products]
    return {"order_id": f"#W{digits(rng, 7)}", "customer_id": cus["customer_id"], "status": status,
            "placed_on": f"2025-03-0{rng.randint(1, 2)}" if status == "pending" else f"2025-02-{rng.randint(1, 24):02d}",
            "items": items,
            "total": money(sum(it["price"] for it in items)), "payment_method_id": cus["payment_methods"][0]["id"],
            "shipping_address": _addr(rng)}


def _customer_view(cus: dict) -> dict:
    return {k: v for k, v in cus.items() if k != "first"}


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def return_items(c: Conv, rng: random.Random) -> None:
    cus = _customer(rng)
    order = _order(rng, cus, "delivered", rng.randint(2, 3))
    ret = rng.sample(order["items"], rng.randint(1, len(order["items"]) - 1))
    reason, reason_text = rng.choice([("wrong_size", "didn't fit"), ("defective", "arrived damaged"),
                                      ("not_as_described", "looks nothing like the photos"),
                                      ("no_longer_needed", "turned out I don't need")])
    names = " and the ".join(it["name"] for it in ret)
    c.user(f"Hi, I want to return the {names} from order {order['order_id']} — {reason_text}. "
           f"My email is {cus['email']}.")
    c.parallel([("find_customer_by_email", {"email": cus["email"]}, _customer_view(cus)),
                ("get_order", {"order_id": order["order_id"]}, order)])
    amount = money(sum(it["price"] for it in ret))
    credit = rng.random() < 0.35
    c.say(f"Thanks {cus['first']}, I've verified your account. Order {order['order_id']} was delivered, so I can "
          f"return {plural(len(ret), 'item')} ({names}) for a refund of ${amount:.2f} to your original card. "
          f"I'll email a prepaid label. Shall I go ahead?")
    if credit:
        c.user("Actually, can you make it store credit instead? Then yes.")
    else:
        c.user(yes(rng))
    args = {"order_id": order["order_id"], "item_ids": [it["item_id"] for it in ret], "reason": reason}
    if credit:
        args["refund_method"] = "store_credit"
    elif rng.random() < 0.3:
        args["refund_method"] = "original_payment"
    c.call("return_items", args, {"return_id": f"ret_{digits(rng, 6)}", "order_id": order["order_id"],
                                  "status": "return_requested", "refund_amount": amount,
                                  "refund_method": args.get("refund_method", "original_payment"),
                                  "label_emailed_to": cus["email"]})
    where = "as store credit" if credit else "to your original payment method"
    c.say(f"Your return is set up. A prepaid label is on its way to {cus['email']}; once the package is scanned "
          f"you'll get ${amount:.2f} back {where}.")


def change_address(c: Conv, rng: random.Random) -> None:
    cus = _customer(rng)
    order = _order(rng, cus, "pending")
    new = _addr(rng, with_unit=False)
    while new["street"] == order["shipping_address"]["street"]:
        new = _addr(rng, with_unit=False)
    c.user(phrase(rng, ["I'm moving before my order arrives. Email {mail}, order {oid}. Can it go to {addr}?",
                      "Hi! I gave the wrong address on {oid}. Please ship it to {addr} instead. ({mail})",
                      "Can you change the delivery address for order {oid} to {addr}? My account is {mail}."],
                mail=cus["email"], oid=order["order_id"], addr=f"{new['street']}, {new['city']} {new['postal_code']}"))
    c.parallel([("find_customer_by_email", {"email": cus["email"]}, _customer_view(cus)),
                ("get_order", {"order_id": order["order_id"]}, order)])
    c.say(f"The order is still pending, so I can change it. Is there an apartment or unit number for "
          f"{new['street']}?")
    if rng.random() < 0.5:
        new["unit"] = f"Unit {rng.randint(2, 40)}"
        c.user(f"Yes, {new['unit']}.")
    else:
        c.user("No, it's a house.")
    c.say(f"I'll update {order['order_id']} to ship to {_one_line(new)}, {new['country']}. Confirm?")
    c.user(yes(rng))
    c.call("update_shipping_address", {"order_id": order["order_id"], "shipping_address": new},
           dict(order, shipping_address=new))
    c.say(f"Done — {order['order_id']} will now ship to {_one_line(new)}.")


def cancel(c: Conv, rng: random.Random) -> None:
    cus = _customer(rng)
    status = rng.choice(["pending", "pending", "delivered"])
    order = _order(rng, cus, status)
    reason, text = rng.choice([("ordered_by_mistake", "I ordered it by mistake"),
                               ("found_cheaper", "I found it cheaper locally"),
                               ("no_longer_needed", "I don't need it anymore")])
    c.user(f"Please cancel order {order['order_id']}, {text}. I'm {cus['name']}, {cus['email']}.")
    c.parallel([("find_customer_by_email", {"email": cus["email"]}, _customer_view(cus)),
                ("get_order", {"order_id": order["order_id"]}, order)])
    items = ", ".join(it["name"] for it in order["items"])
    if status == "pending":
        c.say(f"Order {order['order_id']} ({items}, ${order['total']:.2f}) hasn't shipped yet. Cancelling refunds "
              f"the full ${order['total']:.2f} to your card. Do you want me to cancel it?")
        c.user(yes(rng))
        c.call("cancel_order", {"order_id": order["order_id"], "reason": reason},
               {"order_id": order["order_id"], "status": "cancelled", "refund_amount": order["total"]})
        c.say(f"Order {order['order_id']} is cancelled; ${order['total']:.2f} will be back on your card in "
              f"3–5 business days.")
    else:
        c.say(f"Order {order['order_id']} ({items}) was already delivered, so it can't be cancelled. I can start a "
              f"return instead — you'd get a prepaid label and a refund once it's received. Want me to do that?")
        c.user("Oh, I didn't realise it arrived. Never mind, I'll keep it then.")
        c.say("No problem — nothing has been changed on your order. Let me know if you need anything else.")


def exchange(c: Conv, rng: random.Random) -> None:
    cus = _customer(rng)
    product = rng.choice([p for p in PRODUCTS if len(p[2]) >= 3])
    order = _order(rng, cus, "delivered", 1)
    order["items"] = [_item(rng, product)]
    order["total"] = order["items"][0]["price"]
    it = order["items"][0]
    opt = product[1]
    current = it["options"][opt]
    others = [v for v in product[2] if v != current]
    c.user(f"Hey, the {product[0]} in order {order['order_id']} is the wrong {opt}. Can I swap it? "
           f"Account email {cus['email']}.")
    c.parallel([("find_customer_by_email", {"email": cus["email"]}, _customer_view(cus)),
                ("get_order", {"order_id": order["order_id"]}, order)])
    variants = [{"variant_id": f"var_{digits(rng, 6)}", "options": {opt: v},
                 "price": it["price"], "in_stock": rng.random() < 0.8} for v in others]
    variants[0]["in_stock"] = True
    query = {"query": product[0]}
    if rng.random() < 0.4:
        query["in_stock_only"] = False
    shown = variants if query.get("in_stock_only") is False else [v for v in variants if v["in_stock"]]
    c.call("search_products", query, {"results": [{"product_id": it["product_id"], "name": product[0],
                                                   "variants": shown}]})
    avail = [v for v in shown if v["in_stock"]]
    c.say(f"You received the {current} one. In stock for an exchange: "
          f"{', '.join(v['options'][opt] for v in avail)}. Which {opt} would you like?")
    pick = rng.choice(avail)
    c.user(f"{pick['options'][opt][0].upper()}{pick['options'][opt][1:]}, please.")
    card = cus["payment_methods"][0]
    c.say(f"I'll exchange your {product[0]} ({current}) for the {pick['options'][opt]} {opt} at the same price, so "
          f"nothing extra is charged to your {card['brand'].title()} ending {card['last_four']}. "
          f"You'll get a return label for the original. Proceed?")
    c.user("Yes, do it.")
    c.call("exchange_items", {"order_id": order["order_id"],
                              "exchanges": [{"item_id": it["item_id"], "new_variant_id": pick["variant_id"]}],
                              "payment_method_id": card["id"]},
           {"order_id": order["order_id"], "status": "exchange_requested", "price_difference": 0.0})
    c.say(f"All set — the {pick['options'][opt]} one ships once we receive the original. Check your email "
          f"for the return label.")


def order_status(c: Conv, rng: random.Random) -> None:
    cus = _customer(rng)
    orders = [_order(rng, cus, st) for st in rng.sample(["shipped", "shipped", "delivered", "processed"], 3)]
    orders.sort(key=lambda o: o["placed_on"], reverse=True)
    c.user(phrase(rng, ["Where are my orders? I have a few on the way. Email is {mail}.",
                      "Hi, can you give me a status update on my recent orders? {mail}",
                      "I ordered a bunch of stuff last month and lost track. Account {mail} — what's shipped?"],
                mail=cus["email"]))
    c.call("find_customer_by_email", {"email": cus["email"]}, _customer_view(cus))
    args = {"customer_id": cus["customer_id"]}
    if rng.random() < 0.5:
        args["limit"] = rng.choice([3, 5])
    summary = [{k: o[k] for k in ("order_id", "status", "placed_on", "total")} for o in orders]
    c.call("list_orders", args, {"orders": summary})
    lines = "; ".join(f"{o['order_id']} ({o['placed_on']}, ${o['total']:.2f}) is {o['status']}" for o in orders)
    c.say(f"Here are your recent orders: {lines}. Want details on any of them?")
    o = next(o for o in orders if o["status"] == "shipped")
    c.user(f"What's in {o['order_id']} and when does it arrive?")
    tracking = {"carrier": rng.choice(["UPS", "FedEx", "USPS"]), "tracking_number": f"1Z{digits(rng, 12)}",
                "estimated_delivery": f"2025-03-{rng.randint(10, 20)}"}
    c.call("get_order", {"order_id": o["order_id"]}, dict(o, tracking=tracking))
    names = ", ".join(f"{it['name']} ({', '.join(it['options'].values())})" for it in o["items"])
    c.say(f"{o['order_id']} contains {names}. It's {o['status']} with {tracking['carrier']} "
          f"(tracking {tracking['tracking_number']}), estimated delivery {tracking['estimated_delivery']}, to "
          f"{_one_line(o['shipping_address'])}.")


FLOWS = [return_items, change_address, cancel, exchange, order_status]
