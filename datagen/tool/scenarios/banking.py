"""Retail banking assistant (Harborline Credit Union): transfers, payments, cards, disputes."""

from __future__ import annotations

import datetime as dt
import random

from .common import (
    Conv,
    b,
    code,
    day,
    digits,
    enum,
    fmt_money,
    i,
    iso,
    money,
    n,
    person,
    phrase,
    s,
    spoken,
    tool,
    yes,
)

NAME = "banking"

SYSTEM = (
    "You are the virtual assistant of Harborline Credit Union. The member is already signed in; their member ID "
    "is given in their first message or profile.\n"
    "Policy:\n"
    "- Never move money without stating the from-account, recipient, amount and date and receiving an explicit "
    "confirmation.\n"
    "- A transfer may not exceed the available balance of the source account. Same-day external payments above "
    "$5,000 are not allowed; suggest scheduling or a branch visit.\n"
    "- If a card is reported lost or stolen, freeze it right away after confirming which card; a replacement is "
    "mailed unless the member declines.\n"
    "- Disputes can be filed for card transactions from the last 60 days.\n"
    "- Show at most the last four digits of account and card numbers."
)

ACCOUNT_ID = {"type": "string", "description": "Account ID, e.g. 'acc_chk_4417'.",
              "pattern": "^acc_(chk|sav|mmk)_[0-9]{4}$"}
CATEGORIES = ["groceries", "dining", "travel", "utilities", "shopping", "entertainment", "transfer", "other"]

TOOLS = [
    tool("get_accounts", "List the member's accounts with balances, and their debit/credit cards.",
         {"member_id": s("Member ID, e.g. 'HCU-204718'.", pattern="^HCU-[0-9]{6}$")}, ["member_id"]),
    tool("get_transactions", "Recent posted transactions of one account, newest first.",
         {
             "account_id": ACCOUNT_ID,
             "since": s("Only transactions on or after this date, YYYY-MM-DD.", format="date"),
             "category": enum("Only this category.", CATEGORIES),
             "min_amount": n("Only transactions of at least this absolute amount.", minimum=0),
             "limit": i("Maximum number of transactions.", default=20, minimum=1, maximum=100),
         }, ["account_id"]),
    tool("list_payees", "External payees saved by the member.",
         {"member_id": s("Member ID.", pattern="^HCU-[0-9]{6}$"),
          "include_inactive": b("Also list payees not paid in the last 12 months.", default=False)},
         ["member_id"]),
    tool("transfer_between_accounts", "Move money between two of the member's own accounts.",
         {
             "from_account_id": ACCOUNT_ID,
             "to_account_id": ACCOUNT_ID,
             "amount": n("Amount in USD.", exclusiveMinimum=0, maximum=250000),
             "memo": s("Note shown on both statements.", maxLength=80),
             "schedule_date": s("Future date to run the transfer, YYYY-MM-DD; omit for now.", format="date"),
         }, ["from_account_id", "to_account_id", "amount"]),
    tool("send_payment", "Pay a saved external payee from one of the member's accounts.",
         {
             "from_account_id": ACCOUNT_ID,
             "payee_id": s("Payee ID from list_payees.", pattern="^pay_[0-9]{5}$"),
             "amount": n("Amount in USD.", exclusiveMinimum=0),
             "speed": enum("Delivery speed; 'instant' costs $1.50.", ["standard", "instant"], default="standard"),
             "schedule_date": s("Date to send, YYYY-MM-DD; omit for today.", format="date"),
             "memo": s("Reference for the payee, e.g. an invoice number.", maxLength=80),
         }, ["from_account_id", "payee_id", "amount"]),
    tool("freeze_card", "Immediately freeze a card.",
         {
             "card_id": s("Card ID, e.g. 'card_7731'.", pattern="^card_[0-9]{4}$"),
             "reason": enum("Why the card is frozen.", ["lost", "stolen", "suspicious_activity", "temporary"]),
             "order_replacement": b("Mail a replacement card with a new number.", default=True),
         }, ["card_id", "reason"]),
    tool("dispute_transaction", "Open a dispute for a card transaction.",
         {
             "transaction_id": s("Transaction ID.", pattern="^txn_[A-Z0-9]{10}$"),
             "reason": enum("Dispute reason.", ["unrecognized", "duplicate_charge", "item_not_received",
                                                "incorrect_amount", "cancelled_subscription"]),
             "disputed_amount": n("Portion disputed, if not the whole amount.", exclusiveMinimum=0),
             "details": s("What happened, in the member's words.", maxLength=500),
         }, ["transaction_id", "reason"]),
]

MERCHANTS = {
    "groceries": ["Whole Foods Market", "Trader Joe's", "Safeway", "H-E-B"],
    "dining": ["Blue Bottle Coffee", "Chipotle", "Olive & Thyme Bistro", "Sakura Ramen House"],
    "travel": ["Delta Air Lines", "Lyft", "Marriott Bonvoy", "Amtrak"],
    "utilities": ["Pacific Gas & Electric", "Comcast Xfinity", "City Water Dept"],
    "shopping": ["Target", "REI Co-op", "Best Buy", "IKEA"],
    "entertainment": ["Spotify", "AMC Theatres", "Netflix", "Ticketmaster"],
}
AMOUNTS = {"groceries": (18, 190), "dining": (7, 95), "travel": (14, 460), "utilities": (45, 180),
           "shopping": (12, 320), "entertainment": (10, 140)}
PAYEES = [("Pinecrest Property Management", "rent"), ("Pacific Gas & Electric", "utilities"),
          ("Dr. Alvarez Family Dental", "dental bill"), ("Northside Auto Repair", "car repair"),
          ("Brightpath Daycare", "daycare"), ("Sunrise Lawn Care", "lawn service"),
          ("Evergreen Student Loans", "student loan")]


def _member(rng: random.Random) -> dict:
    first, last = person(rng)
    chk, sav = digits(rng, 4), digits(rng, 4)
    accounts = [
        {"account_id": f"acc_chk_{chk}", "type": "checking", "nickname": "Everyday Checking",
         "available_balance": money(rng.uniform(800, 9000))},
        {"account_id": f"acc_sav_{sav}", "type": "savings", "nickname": "High-Yield Savings",
         "available_balance": money(rng.uniform(2000, 40000))},
    ]
    cards = [{"card_id": f"card_{digits(rng, 4)}", "type": "debit", "last_four": digits(rng, 4),
              "linked_account_id": accounts[0]["account_id"], "status": "active"},
             {"card_id": f"card_{digits(rng, 4)}", "type": "credit", "network": "visa", "last_four": digits(rng, 4),
              "status": "active"}]
    return {"member_id": f"HCU-{digits(rng, 6)}", "name": f"{first} {last}", "first": first,
            "accounts": accounts, "cards": cards}


def _view(m: dict) -> dict:
    return {k: v for k, v in m.items() if k != "first"}


def _txn(rng: random.Random, category: str | None = None, amount: float | None = None, when: dt.date | None = None):
    cat = category or rng.choice(sorted(MERCHANTS))
    when = when or (dt.date(2025, 3, 3) - dt.timedelta(days=rng.randint(0, 25)))
    return {"transaction_id": f"txn_{code(rng, 10)}", "date": iso(when), "merchant": rng.choice(MERCHANTS[cat]),
            "category": cat, "amount": -(amount if amount is not None else money(rng.uniform(*AMOUNTS[cat])))}


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


def internal_transfer(c: Conv, rng: random.Random) -> None:
    m = _member(rng)
    chk, sav = m["accounts"]
    to_savings = rng.random() < 0.5
    src, dst = (chk, sav) if to_savings else (sav, chk)
    amount = float(rng.choice([150, 250, 400, 500, 750, 1200, 2000]))
    over = rng.random() < 0.25
    if over:
        src["available_balance"] = money(amount * rng.uniform(0.4, 0.85))
    c.user(phrase(rng, ["Hi, member {mid}. Please move ${amt:,.0f} from my {a} to my {b}.",
                      "Can you transfer ${amt:,.0f} from {a} to {b}? My member ID is {mid}.",
                      "{mid}: I need ${amt:,.0f} moved over to my {b} from {a}."],
                mid=m["member_id"], amt=amount, a=src["type"], b=dst["type"]))
    c.call("get_accounts", {"member_id": m["member_id"]}, _view(m))
    if over:
        c.say(f"Your {src['nickname']} (…{src['account_id'][-4:]}) only has {fmt_money(src['available_balance'])} "
              f"available, so I can't move ${amount:,.0f}. Would you like to transfer a smaller amount?")
        amount = float(max(50, int(src["available_balance"] // 50 * 50)))
        c.user(f"Ugh, ok — make it ${amount:,.0f} then.")
    memo = rng.choice([None, "Emergency fund", "Vacation savings", "Cover card payment"])
    c.say(f"To confirm: transfer {fmt_money(amount)} from {src['nickname']} (…{src['account_id'][-4:]}) to "
          f"{dst['nickname']} (…{dst['account_id'][-4:]}) now" + (f", memo '{memo}'" if memo else "") + ". Proceed?")
    c.user(yes(rng))
    args = {"from_account_id": src["account_id"], "to_account_id": dst["account_id"], "amount": amount}
    if memo:
        args["memo"] = memo
    c.call("transfer_between_accounts", args,
           {"transfer_id": f"trf_{digits(rng, 8)}", "status": "completed", "amount": amount,
            "from_balance_after": money(src["available_balance"] - amount),
            "to_balance_after": money(dst["available_balance"] + amount)})
    c.say(f"Done. {fmt_money(amount)} moved; your {src['type']} now has "
          f"{fmt_money(money(src['available_balance'] - amount))} available.")


def pay_bill(c: Conv, rng: random.Random) -> None:
    m = _member(rng)
    payees = [{"payee_id": f"pay_{digits(rng, 5)}", "name": nme, "last_paid": f"2025-02-{rng.randint(1, 28):02d}"}
              for nme, _ in rng.sample(PAYEES, 3)]
    target = rng.choice(payees)
    purpose = dict(PAYEES)[target["name"]]
    amount = money(rng.uniform(85, 2400))
    later = rng.random() < 0.5
    when = day(rng, 3, 20)
    c.user(f"I need to pay my {purpose} to {target['name']}, {fmt_money(amount)}"
           + (f", but please send it on {spoken(when)}." if later else " today.") + f" Member {m['member_id']}.")
    chk = m["accounts"][0]
    if chk["available_balance"] < amount:
        chk["available_balance"] = money(amount + rng.uniform(300, 1500))
    c.parallel([("get_accounts", {"member_id": m["member_id"]}, _view(m)),
                ("list_payees", {"member_id": m["member_id"]}, {"payees": payees})])
    instant = not later and rng.random() < 0.4
    c.say(f"I'll send {fmt_money(amount)} to {target['name']} from Everyday Checking (…{chk['account_id'][-4:]}) "
          + (f"on {spoken(when)}." if later else "today by standard delivery (1–2 business days).")
          + " Would you like to add a memo or invoice number?")
    invoice = f"INV-{digits(rng, 5)}"
    if instant:
        c.user(f"Use {invoice} as the memo. And can it go instantly? Then yes, send it.")
    else:
        c.user(f"Memo {invoice}. Yes, go ahead.")
    args = {"from_account_id": chk["account_id"], "payee_id": target["payee_id"], "amount": amount,
            "memo": invoice}
    if later:
        args["schedule_date"] = iso(when)
    if instant:
        args["speed"] = "instant"
    c.call("send_payment", args, {"payment_id": f"pmt_{digits(rng, 8)}",
                                  "status": "scheduled" if later else "sent",
                                  "fee": 1.5 if instant else 0.0, "amount": amount})
    c.say(f"{'Scheduled' if later else 'Sent'}: {fmt_money(amount)} to {target['name']} with memo {invoice}"
          + (" (instant delivery, $1.50 fee)." if instant else "."))


def lost_card(c: Conv, rng: random.Random) -> None:
    m = _member(rng)
    card = rng.choice(m["cards"])
    reason = rng.choice(["lost", "stolen"])
    text = "I think I left my {} card at a restaurant last night" if reason == "lost" else "my wallet with my {} card was stolen"
    c.user(f"Help, {text.format(card['type'])}! Member ID {m['member_id']}.")
    c.call("get_accounts", {"member_id": m["member_id"]}, _view(m))
    c.say(f"I'm sorry. Is it the {card['type']} card ending in {card['last_four']}? I'll freeze it immediately and "
          f"mail you a replacement with a new number.")
    keep = reason == "lost" and rng.random() < 0.5
    if keep:
        c.user("Yes that one. Freeze it, but hold off on a replacement — the restaurant might still have it.")
    else:
        c.user("Yes, that's the one.")
    args = {"card_id": card["card_id"], "reason": reason}
    if keep:
        args["order_replacement"] = False
    c.call("freeze_card", args, {"card_id": card["card_id"], "status": "frozen",
                                 "replacement": None if keep else {"eta_business_days": rng.choice([5, 7])}})
    c.say(f"Your card ending {card['last_four']} is frozen, so no new purchases will go through. "
          + ("No replacement was ordered; if you find it, you can unfreeze it in the app." if keep else
             "A replacement is on its way and should arrive in 5–7 business days."))


def dispute(c: Conv, rng: random.Random) -> None:
    m = _member(rng)
    chk = m["accounts"][0]
    cat = rng.choice(["entertainment", "shopping", "dining"])
    bad_amt = money(rng.uniform(*AMOUNTS[cat]))
    bad = _txn(rng, cat, bad_amt)
    dup = rng.random() < 0.5
    txns = [_txn(rng, cat) for _ in range(2)] + [bad]
    if dup:
        txns.append(dict(bad, transaction_id=f"txn_{code(rng, 10)}"))
    rng.shuffle(txns)
    c.user(f"There's a {bad['merchant']} charge for {fmt_money(bad_amt)} on my checking "
           f"{'that went through twice' if dup else 'that I never made'}. I'm {m['member_id']}, account "
           f"{chk['account_id']}.")
    args = {"account_id": chk["account_id"], "category": cat}
    if rng.random() < 0.5:
        args["since"] = "2025-02-01"
    c.call("get_transactions", args, {"transactions": txns})
    dates = sorted(t["date"] for t in txns if t["merchant"] == bad["merchant"] and t["amount"] == -bad_amt)
    c.say(f"I see {'two' if dup else 'one'} {bad['merchant']} {'charges' if dup else 'charge'} of {fmt_money(bad_amt)} on "
          f"{' and '.join(dates)}. I can open a dispute for "
          + ("the duplicate charge" if dup else "the charge as unrecognized") + "; a provisional credit is usually "
          "issued within 10 business days. Should I file it?")
    c.user("Yes please file it.")
    target = [t for t in txns if t["amount"] == -bad_amt][-1]
    dargs = {"transaction_id": target["transaction_id"],
             "reason": "duplicate_charge" if dup else "unrecognized"}
    if not dup or rng.random() < 0.5:
        dargs["details"] = ("Charged twice for the same purchase." if dup else
                            f"I don't recognize this {bad['merchant']} charge and still have my card.")
    c.call("dispute_transaction", dargs, {"dispute_id": f"dsp_{digits(rng, 7)}", "status": "open",
                                          "provisional_credit": bad_amt, "expected_resolution_days": 45})
    c.say(f"Dispute filed. You'll see a provisional credit of {fmt_money(bad_amt)} while we investigate "
          f"(up to 45 days). We'll contact you if we need more information.")


def spending_review(c: Conv, rng: random.Random) -> None:
    m = _member(rng)
    chk, sav = m["accounts"]
    c.user(phrase(rng, ["Member {mid}. What are my balances, and what were the last few things on each account?",
                      "Hi, {mid} here — can I get a quick overview of my accounts and recent activity?",
                      "How much do I have in checking and savings, and what's gone through lately? ({mid})"],
                mid=m["member_id"]))
    c.call("get_accounts", {"member_id": m["member_id"]}, _view(m))
    limit = rng.choice([3, 5])
    t_chk = sorted((_txn(rng) for _ in range(limit)), key=lambda t: t["date"], reverse=True)
    t_sav = [{"transaction_id": f"txn_{code(rng, 10)}", "date": f"2025-02-{rng.randint(1, 28):02d}",
              "merchant": "Interest payment", "category": "other", "amount": money(rng.uniform(5, 60))}]
    c.parallel([("get_transactions", {"account_id": chk["account_id"], "limit": limit}, {"transactions": t_chk}),
                ("get_transactions", {"account_id": sav["account_id"], "limit": limit}, {"transactions": t_sav})])
    recent = "; ".join(f"{t['date']} {t['merchant']} {fmt_money(-t['amount'])}" for t in t_chk)
    c.say(f"Everyday Checking (…{chk['account_id'][-4:]}): {fmt_money(chk['available_balance'])} available; recent: "
          f"{recent}. High-Yield Savings (…{sav['account_id'][-4:]}): {fmt_money(sav['available_balance'])}; the "
          f"only recent activity is an interest payment of {fmt_money(t_sav[0]['amount'])}.")
    c.user("Thanks, that's all I needed.")
    c.say("You're welcome! Anything else, just ask.")


FLOWS = [internal_transfer, pay_bill, lost_card, dispute, spending_review]
