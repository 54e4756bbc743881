from decimal import Decimal

from invoice.models import Invoice
from invoice.totals import discount_amount, round_money, subtotal, tax_amount, total


def make_invoice(discount="0", tax="0"):
    inv = Invoice("INV-1", "Acme Ltd", discount_percent=Decimal(discount), tax_rate=Decimal(tax))
    inv.add_item("Widget", "19.99", 3)
    inv.add_item("Shipping", "5.00")
    return inv


def test_subtotal():
    assert subtotal(make_invoice()) == Decimal("64.97")


def test_discount_amount():
    inv = Invoice("INV-2", "Acme Ltd", discount_percent=Decimal("10"))
    inv.add_item("Desk", "200.00")
    assert discount_amount(inv) == Decimal("20.00")
    assert total(inv) == Decimal("180.00")


def test_tax_without_discount():
    inv = Invoice("INV-3", "Acme Ltd", tax_rate=Decimal("0.2"))
    inv.add_item("Chair", "100.00")
    assert tax_amount(inv) == Decimal("20.00")
    assert total(inv) == Decimal("120.00")


def test_round_money():
    assert round_money(Decimal("1.234")) == Decimal("1.23")
    assert round_money(Decimal("7")) == Decimal("7.00")
