"""Plain-text rendering of invoices."""

from invoice.totals import discount_amount, round_money, subtotal, tax_amount, total


def format_money(amount, currency="USD"):
    """Format *amount* with thousands separators: 1234.5 -> "$1,234.50".

    Other currencies put the code after the number ("1,234.50 EUR").
    Negative amounts (credits, discounts) carry the sign first: "-$12.50".
    """
    text = f"{round_money(amount):,.2f}"
    if currency == "USD":
        return "$" + text
    return f"{text} {currency}"


def render(invoice, currency="USD"):
    """Return the invoice as a fixed-width text block."""
    lines = [f"Invoice {invoice.number} for {invoice.customer}", ""]
    for item in invoice.items:
        price = format_money(item.unit_price, currency)
        lines.append(f"{item.description:<24}{item.quantity:>4} x {price:>12}")
    lines.append("")
    lines.append(f"{'Subtotal':<28}{format_money(subtotal(invoice), currency):>14}")
    if invoice.discount_percent:
        discount = format_money(-discount_amount(invoice), currency)
        lines.append(f"{'Discount':<28}{discount:>14}")
    if invoice.tax_rate:
        lines.append(f"{'Tax':<28}{format_money(tax_amount(invoice), currency):>14}")
    lines.append(f"{'Total':<28}{format_money(total(invoice), currency):>14}")
    return "\n".join(lines)
