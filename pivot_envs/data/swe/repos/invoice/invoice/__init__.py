"""invoice: line items, discounts, tax and plain-text invoices."""

from invoice.format import format_money, render
from invoice.models import Invoice, LineItem
from invoice.totals import discount_amount, round_money, subtotal, tax_amount, total

__all__ = [
    "Invoice",
    "LineItem",
    "discount_amount",
    "format_money",
    "render",
    "round_money",
    "subtotal",
    "tax_amount",
    "total",
]
