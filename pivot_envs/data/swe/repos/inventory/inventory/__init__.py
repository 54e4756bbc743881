"""inventory: stock levels, low-stock alerts and CSV export."""

from inventory.report import summary, to_csv
from inventory.stock import Inventory

__all__ = ["Inventory", "summary", "to_csv"]
