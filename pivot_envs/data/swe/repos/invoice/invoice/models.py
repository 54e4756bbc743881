"""Invoice data model."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class LineItem:
    """One billed line: a unit price times a whole, positive quantity."""

    description: str
    unit_price: Decimal
    quantity: int = 1

    def __post_init__(self):
        self.unit_price = Decimal(str(self.unit_price))

    @property
    def amount(self):
        return self.unit_price * self.quantity


@dataclass
class Invoice:
    """An invoice: line items plus an optional discount and a tax rate.

    ``discount_percent`` is a percentage (10 means 10 %); ``tax_rate`` is a
    fraction (Decimal("0.2") means 20 %).
    """

    number: str
    customer: str
    items: list = field(default_factory=list)
    discount_percent: Decimal = Decimal("0")
    tax_rate: Decimal = Decimal("0")

    def add_item(self, description, unit_price, quantity=1):
        item = LineItem(description, unit_price, quantity)
        self.items.append(item)
        return item
