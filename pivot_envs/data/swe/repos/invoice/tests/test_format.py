from decimal import Decimal

from invoice.format import format_money, render
from invoice.models import Invoice


def test_format_money_usd():
    assert format_money(Decimal("1234.5")) == "$1,234.50"


def test_format_money_other_currency():
    assert format_money(Decimal("99"), "EUR") == "99.00 EUR"


def test_render_lists_items_and_total():
    inv = Invoice("INV-4", "Initech")
    inv.add_item("Stapler", "12.00", 2)
    text = render(inv)
    assert text.splitlines()[0] == "Invoice INV-4 for Initech"
    assert "Stapler" in text
    assert text.splitlines()[-1].endswith("$24.00")
