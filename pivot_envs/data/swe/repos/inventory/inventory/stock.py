"""In-memory stock levels keyed by SKU."""


class Inventory:
    """Stock levels for a small shop.

    Each SKU has a display name and a non-negative whole quantity.
    """

    def __init__(self):
        self._items = {}

    def add(self, sku, quantity, name=None):
        """Put *quantity* units of *sku* into stock, creating it if needed."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        entry = self._items.setdefault(sku, {"name": name or sku, "quantity": 0})
        if name:
            entry["name"] = name
        entry["quantity"] += quantity

    def remove(self, sku, quantity):
        """Take *quantity* units of *sku* out of stock.

        Raises KeyError for an unknown SKU and ValueError when there is not
        enough stock; in both cases the stock level is left unchanged.
        """
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        entry = self._items[sku]
        entry["quantity"] -= quantity

    def quantity(self, sku):
        """Units in stock for *sku* (0 for an unknown SKU)."""
        entry = self._items.get(sku)
        return entry["quantity"] if entry else 0

    def name(self, sku):
        return self._items[sku]["name"]

    def skus(self):
        """All known SKUs, sorted."""
        return sorted(self._items)

    def total_units(self):
        return sum(entry["quantity"] for entry in self._items.values())

    def low_stock(self, threshold):
        """SKUs whose quantity is at or below *threshold*, sorted."""
        return [sku for sku in self.skus() if self._items[sku]["quantity"] < threshold]
