import pytest

from inventory.stock import Inventory


def make_inventory():
    inv = Inventory()
    inv.add("MUG-01", 12, name="Coffee mug")
    inv.add("TEA-02", 3, name="Green tea")
    inv.add("PEN-07", 40)
    return inv


def test_add_and_quantity():
    inv = make_inventory()
    assert inv.quantity("MUG-01") == 12
    assert inv.quantity("NOPE") == 0
    assert inv.name("PEN-07") == "PEN-07"


def test_add_rejects_non_positive():
    with pytest.raises(ValueError):
        Inventory().add("X", 0)


def test_remove_within_stock():
    inv = make_inventory()
    inv.remove("MUG-01", 5)
    assert inv.quantity("MUG-01") == 7


def test_remove_unknown_sku():
    with pytest.raises(KeyError):
        make_inventory().remove("NOPE", 1)


def test_low_stock():
    inv = make_inventory()
    assert inv.low_stock(10) == ["TEA-02"]


def test_skus_and_total():
    inv = make_inventory()
    assert inv.skus() == ["MUG-01", "PEN-07", "TEA-02"]
    assert inv.total_units() == 55
