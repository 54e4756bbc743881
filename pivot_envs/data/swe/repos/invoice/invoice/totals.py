"""Money arithmetic for invoices. Every amount is a Decimal rounded to cents."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_money(amount):
    """Round *amount* to whole cents, halves away from zero (0.125 -> 0.13)."""
    return Decimal(str(round(float(amount), 2)))


def subtotal(invoice):
    """Sum of all line amounts."""
    return round_money(sum((item.amount for item in invoice.items), Decimal("0")))


def discount_amount(invoice):
    """The discount, as a positive amount of money."""
    return round_money(subtotal(invoice) * Decimal(invoice.discount_percent) / 100)


def tax_amount(invoice):
    """Tax is charged on the subtotal after the discount has been taken off."""
    return round_money(subtotal(invoice) * Decimal(invoice.tax_rate))


def total(invoice):
    """What the customer pays: subtotal - discount + tax."""
    return subtotal(invoice) - discount_amount(invoice) + tax_amount(invoice)
