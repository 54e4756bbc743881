from inventory.report import summary, to_csv
from inventory.stock import Inventory


def test_to_csv():
    inv = Inventory()
    inv.add("B-2", 1, name="Bolt")
    inv.add("A-1", 4, name="Anchor")
    assert to_csv(inv) == "sku,name,quantity\nA-1,Anchor,4\nB-2,Bolt,1\n"


def test_summary_flags_low_stock():
    inv = Inventory()
    inv.add("A-1", 2)
    inv.add("B-2", 9)
    assert summary(inv, threshold=5) == "A-1            2  LOW\nB-2            9"
