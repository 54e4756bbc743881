"""Trajectories for repos/invoice (four issues, eight trajectories)."""

from .common import (
    bash,
    create,
    def_range,
    end_of,
    insert,
    line_of,
    pytest,
    replace,
    traj,
    view,
)

REPO = "invoice"

RENDER_SNIPPET = (
    "python3 -c 'from decimal import Decimal\n"
    "from invoice import Invoice, render\n"
    'inv = Invoice("INV-7", "Acme Ltd", discount_percent=Decimal("10"), tax_rate=Decimal("0.2"))\n'
    'inv.add_item("Consulting (hours)", "120.00", 5)\n'
    "print(render(inv))'"
)

# ------------------------------------------------------------------ issue 1
TAX_ISSUE = """
Tax is charged on the full subtotal instead of the discounted one

Our accountant noticed that invoices with a discount are overcharged:

```python
from decimal import Decimal
from invoice import Invoice, render

inv = Invoice("INV-7", "Acme Ltd", discount_percent=Decimal("10"), tax_rate=Decimal("0.2"))
inv.add_item("Consulting (hours)", "120.00", 5)
print(render(inv))
```

prints `Tax $120.00` and `Total $660.00`. The README says tax is charged on the discounted subtotal: 600 - 60 = 540, so tax should be $108.00 and the total $648.00.
"""

TAX_TEST = '''

def test_tax_is_charged_after_discount():
    inv = make_invoice(discount="10", tax="0.2")
    assert subtotal(inv) == Decimal("64.97")
    assert discount_amount(inv) == Decimal("6.50")
    assert tax_amount(inv) == Decimal("11.69")
    assert total(inv) == Decimal("70.16")
'''

# ------------------------------------------------------------------ issue 2
ROUND_ISSUE = """
round_money rounds half-cents down (banker's rounding through float)

`round_money` is documented to round halves away from zero, but:

```python
>>> from decimal import Decimal
>>> from invoice.totals import round_money
>>> round_money(Decimal("0.125"))
Decimal('0.12')
>>> round_money(Decimal("2.675"))
Decimal('2.67')
>>> round_money(Decimal("7"))
Decimal('7.0')
```

Expected `0.13`, `2.68` and `7.00`. It looks like the amount goes through `float`, which loses precision and uses round-half-even; money should stay in `Decimal` and always have two places.
"""

ROUND_TEST = '''

def test_round_money_rounds_halves_away_from_zero():
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_money(Decimal("-0.125")) == Decimal("-0.13")


def test_round_money_keeps_two_places():
    assert str(round_money(Decimal("7"))) == "7.00"
'''

# ------------------------------------------------------------------ issue 3
NEG_ISSUE = """
Negative amounts are formatted as "$-12.50"

`format_money(Decimal("-12.5"))` returns `"$-12.50"`; the docstring says the sign comes first (`"-$12.50"`). The discount line of every rendered invoice shows it:

```
Discount                           $-60.00
```

Other currencies are affected too: `format_money(Decimal("-1234"), "EUR")` should be `"-1,234.00 EUR"`.
"""

NEG_TEST = '''

def test_format_money_negative():
    assert format_money(Decimal("-12.5")) == "-$12.50"
    assert format_money(Decimal("-1234"), "EUR") == "-1,234.00 EUR"
'''

# ------------------------------------------------------------------ issue 4
QTY_ISSUE = """
LineItem accepts zero, negative and fractional quantities

```python
>>> from invoice import Invoice
>>> inv = Invoice("INV-12", "Globex")
>>> inv.add_item("Widget", "10.00", -2).amount
Decimal('-20.00')
```

A typo in an order import produced an invoice with a negative line and nobody noticed. `LineItem` is documented as "a whole, positive quantity": please raise `ValueError` for quantities that are not positive integers (0, -2, 1.5, "3"), and keep accepting normal ones.
"""

QTY_TESTS = '''

@pytest.mark.parametrize("quantity", [0, -2, 1.5, "3"])
def test_rejects_invalid_quantity(quantity):
    with pytest.raises(ValueError):
        LineItem("Widget", "10.00", quantity)
'''

TRAJECTORIES = [
    traj(
        "swe-invoice-0001",
        REPO,
        TAX_ISSUE,
        [
            bash(RENDER_SNIPPET),
            view("invoice/totals.py"),
            replace(
                "invoice/totals.py",
                "    return round_money(subtotal(invoice) * Decimal(invoice.tax_rate))",
                "    taxable = subtotal(invoice) - discount_amount(invoice)\n"
                "    return round_money(taxable * Decimal(invoice.tax_rate))",
            ),
            bash(RENDER_SNIPPET),
            insert("tests/test_totals.py", line_of("tests/test_totals.py", 'assert total(inv) == Decimal("120.00")'), TAX_TEST),
            pytest("tests/test_totals.py"),
        ],
        "`tax_amount` in `invoice/totals.py` multiplied the tax rate by the full subtotal. It "
        "now taxes `subtotal - discount`, as the README describes, so the example invoice shows "
        "tax $108.00 and a total of $648.00. I added a test that combines a discount with tax; "
        "{passed} tests in `tests/test_totals.py` pass.",
    ),
    traj(
        "swe-invoice-0002",
        REPO,
        TAX_ISSUE,
        [
            bash("grep -n 'tax' invoice/*.py"),
            view("invoice/totals.py", def_range("invoice/totals.py", "def discount_amount", after=10)),
            replace(
                "invoice/totals.py",
                '    """Tax is charged on the subtotal after the discount has been taken off."""\n'
                "    return round_money(subtotal(invoice) * Decimal(invoice.tax_rate))",
                '    """Tax is charged on the subtotal after the discount has been taken off."""\n'
                "    return round_money(taxable_amount(invoice) * Decimal(invoice.tax_rate))",
            ),
            insert(
                "invoice/totals.py",
                line_of("invoice/totals.py", "* Decimal(invoice.discount_percent) / 100)"),
                "\n\ndef taxable_amount(invoice):\n"
                '    """The amount tax is charged on: the subtotal less the discount."""\n'
                "    return subtotal(invoice) - discount_amount(invoice)\n",
            ),
            insert("tests/test_totals.py", end_of("tests/test_totals.py"), TAX_TEST),
            pytest(),
        ],
        "Tax was computed from the undiscounted subtotal. I added `taxable_amount(invoice)` "
        "(subtotal minus discount) to `invoice/totals.py` and made `tax_amount` use it, which "
        "matches the documented rule. For a 64.97 subtotal with 10 % off and 20 % tax the tax is "
        "now 11.69 and the total 70.16 (new test). The full suite passes ({passed} tests).",
    ),
    traj(
        "swe-invoice-0003",
        REPO,
        ROUND_ISSUE,
        [
            bash("grep -n -B 2 -A 3 'def round_money' invoice/totals.py"),
            bash(
                "python3 -c 'from decimal import Decimal; from invoice.totals import round_money; "
                'print(repr(round_money(Decimal("0.125"))), repr(round_money(Decimal("7"))))\''
            ),
            replace(
                "invoice/totals.py",
                "    return Decimal(str(round(float(amount), 2)))",
                "    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)",
            ),
            bash(
                "python3 -c 'from decimal import Decimal; from invoice.totals import round_money; "
                'print(repr(round_money(Decimal("0.125"))), repr(round_money(Decimal("7"))))\''
            ),
            insert("tests/test_totals.py", end_of("tests/test_totals.py"), ROUND_TEST),
            pytest(),
        ],
        "`round_money` converted the amount to `float` and used the built-in `round`, which "
        "rounds halves to even and works on an inexact binary value. It now stays in `Decimal`: "
        "`Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)` (both names were already "
        "defined in `invoice/totals.py`). 0.125 becomes 0.13, 2.675 becomes 2.68 and 7 becomes "
        "7.00. Added tests for halves, negatives and the two decimal places; all {passed} tests "
        "pass.",
    ),
    traj(
        "swe-invoice-0004",
        REPO,
        ROUND_ISSUE,
        [
            view("invoice/totals.py", [1, 11]),
            create(
                "tests/test_rounding.py",
                "from decimal import Decimal\n\n"
                "from invoice.models import Invoice\n"
                "from invoice.totals import round_money, total\n\n\n"
                "def test_halves_round_up():\n"
                '    assert round_money(Decimal("0.125")) == Decimal("0.13")\n'
                '    assert round_money(Decimal("2.675")) == Decimal("2.68")\n\n\n'
                "def test_always_two_places():\n"
                '    assert str(round_money(Decimal("7"))) == "7.00"\n'
                '    assert str(round_money("19.999")) == "20.00"\n\n\n'
                "def test_total_of_half_cent_line():\n"
                '    inv = Invoice("INV-5", "Initech", tax_rate=Decimal("0.05"))\n'
                '    inv.add_item("Sticker", "0.50", 5)\n'
                '    assert total(inv) == Decimal("2.63")\n',
            ),
            pytest("tests/test_rounding.py"),
            replace(
                "invoice/totals.py",
                "return Decimal(str(round(float(amount), 2)))",
                "return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)",
            ),
            pytest("tests/test_rounding.py", "tests/test_totals.py"),
        ],
        "Reproduced the issue with `tests/test_rounding.py`, which failed on half cents and on "
        "the number of decimal places. `round_money` now quantizes a `Decimal` to `CENT` with "
        "`ROUND_HALF_UP` instead of going through `float` and `round()`, so amounts round half "
        "away from zero and always have two places (a 5 % tax on 2.50 is 0.13, total 2.63). "
        "{passed} tests pass in the rounding and totals test files.",
    ),
    traj(
        "swe-invoice-0005",
        REPO,
        NEG_ISSUE,
        [
            bash("grep -n -A 12 'def format_money' invoice/format.py"),
            bash("python3 -c 'from decimal import Decimal; from invoice.format import format_money; print(format_money(Decimal(\"-12.5\")))'"),
            replace(
                "invoice/format.py",
                '    text = f"{round_money(amount):,.2f}"\n'
                '    if currency == "USD":\n'
                '        return "$" + text\n'
                '    return f"{text} {currency}"',
                "    amount = round_money(amount)\n"
                '    sign = "-" if amount < 0 else ""\n'
                '    text = f"{abs(amount):,.2f}"\n'
                '    if currency == "USD":\n'
                '        return f"{sign}${text}"\n'
                '    return f"{sign}{text} {currency}"',
            ),
            insert("tests/test_format.py", line_of("tests/test_format.py", 'assert format_money(Decimal("99"), "EUR")'), NEG_TEST),
            pytest("tests/test_format.py"),
        ],
        "`format_money` formatted the signed number and then put the currency symbol in front, "
        "giving `$-12.50`. It now rounds first, takes the sign separately and formats the "
        "absolute value, so USD amounts read `-$12.50` and other currencies `-1,234.00 EUR`; the "
        "discount line of rendered invoices is fixed with it. Added a test for negative amounts; "
        "{passed} tests in `tests/test_format.py` pass.",
    ),
    traj(
        "swe-invoice-0006",
        REPO,
        NEG_ISSUE,
        [
            view("invoice"),
            view("invoice/format.py", def_range("invoice/format.py", "def format_money")),
            replace(
                "invoice/format.py",
                '    text = f"{round_money(amount):,.2f}"\n',
                "    if amount < 0:\n"
                '        return "-" + format_money(-amount, currency)\n'
                '    text = f"{round_money(amount):,.2f}"\n',
            ),
            bash(RENDER_SNIPPET),
            insert("tests/test_format.py", end_of("tests/test_format.py"), NEG_TEST),
            pytest(),
        ],
        "Negative amounts are now handled at the top of `format_money`: it formats the absolute "
        "value and prefixes a minus sign, so the sign comes before the currency symbol (`-$60.00` "
        "on the discount line of the rendered invoice) and before the number for other "
        "currencies. Added `test_format_money_negative`; the whole suite passes ({passed} tests).",
    ),
    traj(
        "swe-invoice-0007",
        REPO,
        QTY_ISSUE,
        [
            bash("grep -rn 'quantity' --include='*.py' invoice | sort"),
            view("invoice/models.py", def_range("invoice/models.py", "class LineItem")),
            replace(
                "invoice/models.py",
                "    def __post_init__(self):\n        self.unit_price = Decimal(str(self.unit_price))\n",
                "    def __post_init__(self):\n"
                "        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):\n"
                '            raise ValueError(f"quantity must be a whole number, got {self.quantity!r}")\n'
                "        if self.quantity < 1:\n"
                '            raise ValueError(f"quantity must be positive, got {self.quantity}")\n'
                "        self.unit_price = Decimal(str(self.unit_price))\n",
            ),
            bash("python3 -c 'from invoice import Invoice; Invoice(\"INV-12\", \"Globex\").add_item(\"Widget\", \"10.00\", -2)'"),
            replace("tests/test_models.py", "from decimal import Decimal\n", "from decimal import Decimal\n\nimport pytest\n"),
            insert("tests/test_models.py", end_of("tests/test_models.py"), QTY_TESTS),
            pytest("tests/test_models.py"),
        ],
        "`LineItem.__post_init__` now validates the quantity: anything that is not an `int` "
        "(floats, strings, and `bool`, which is an `int` subclass) or is below 1 raises "
        "`ValueError` with a message naming the bad value. `Invoice.add_item` builds a `LineItem`, "
        "so it is covered too. Added a parametrized test for 0, -2, 1.5 and \"3\"; {passed} tests "
        "in `tests/test_models.py` pass.",
    ),
    traj(
        "swe-invoice-0008",
        REPO,
        QTY_ISSUE,
        [
            bash("cat invoice/models.py"),
            bash("python3 -c 'from invoice.models import LineItem; print(LineItem(\"Widget\", \"10.00\", 1.5).amount)'"),
            insert(
                "invoice/models.py",
                line_of("invoice/models.py", "def __post_init__(self):"),
                "        if not isinstance(self.quantity, int) or self.quantity <= 0:\n"
                "            raise ValueError(\n"
                '                f"quantity must be a positive integer, got {self.quantity!r}"\n'
                "            )\n",
            ),
            create(
                "tests/test_quantity.py",
                "import pytest\n\n"
                "from invoice.models import Invoice, LineItem\n\n\n"
                '@pytest.mark.parametrize("quantity", [0, -2, 1.5, "3"])\n'
                "def test_invalid_quantity_is_rejected(quantity):\n"
                "    with pytest.raises(ValueError):\n"
                '        LineItem("Widget", "10.00", quantity)\n\n\n'
                "def test_add_item_rejects_negative_quantity():\n"
                "    with pytest.raises(ValueError):\n"
                '        Invoice("INV-12", "Globex").add_item("Widget", "10.00", -2)\n\n\n'
                "def test_valid_quantity_still_works():\n"
                '    assert LineItem("Widget", "10.00", 3).quantity == 3\n',
            ),
            pytest(),
        ],
        "Added a check at the start of `LineItem.__post_init__` in `invoice/models.py`: a "
        "quantity that is not an `int` or is not positive now raises `ValueError` (`quantity must "
        "be a positive integer, got 1.5`). Because `Invoice.add_item` creates `LineItem`s, bad "
        "quantities are rejected there as well. New tests in `tests/test_quantity.py` cover "
        "rejected and accepted values; the full suite passes ({passed} tests).",
    ),
]
