from decimal import Decimal

from invoice.models import Invoice, LineItem


def test_line_item_amount():
    item = LineItem("Widget", Decimal("2.50"), 4)
    assert item.amount == Decimal("10.00")


def test_unit_price_is_converted_to_decimal():
    item = LineItem("Widget", "0.10", 3)
    assert isinstance(item.unit_price, Decimal)
    assert item.amount == Decimal("0.30")


def test_add_item_appends():
    inv = Invoice("INV-9", "Globex")
    inv.add_item("Bolt", "0.25", 8)
    assert [item.description for item in inv.items] == ["Bolt"]
