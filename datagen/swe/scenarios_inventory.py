"""Trajectories for repos/inventory (three issues, six trajectories)."""

from .common import (
    bash,
    create,
    def_range,
    end_of,
    insert,
    line_of,
    pytest,
    replace,
    traj,
    view,
)

REPO = "inventory"

# ------------------------------------------------------------------ issue 1
REMOVE_ISSUE = """
Inventory.remove() lets stock go negative

```python
>>> from inventory import Inventory
>>> inv = Inventory()
>>> inv.add("TEA-02", 3, name="Green tea")
>>> inv.remove("TEA-02", 5)
>>> inv.quantity("TEA-02")
-2
```

The docstring says `remove` raises `ValueError` when there is not enough stock and leaves the level unchanged. We oversold tea twice last week because of this. Expected: `ValueError`, and `quantity("TEA-02")` still 3.
"""

REMOVE_TEST = '''

def test_remove_more_than_in_stock():
    inv = make_inventory()
    with pytest.raises(ValueError):
        inv.remove("TEA-02", 5)
    assert inv.quantity("TEA-02") == 3


def test_remove_everything():
    inv = make_inventory()
    inv.remove("TEA-02", 3)
    assert inv.quantity("TEA-02") == 0
'''

# ------------------------------------------------------------------ issue 2
LOW_ISSUE = """
low_stock() misses items exactly at the threshold

`low_stock(threshold)` is documented as "SKUs whose quantity is at or below threshold", but an item with exactly `threshold` units is not reported:

```python
>>> inv = Inventory()
>>> inv.add("MUG-01", 5)
>>> inv.low_stock(5)
[]
```

Expected `['MUG-01']`. The same item is not flagged `LOW` by `summary(inv, threshold=5)`.
"""

LOW_SETUP_TEST = """cat > tests/test_threshold.py <<'EOF'
from inventory.report import summary
from inventory.stock import Inventory


def make():
    inv = Inventory()
    inv.add("MUG-01", 5)
    inv.add("PEN-07", 6)
    return inv


def test_low_stock_includes_threshold():
    assert make().low_stock(5) == ["MUG-01"]


def test_summary_flags_threshold():
    lines = summary(make(), threshold=5).splitlines()
    assert lines == ["MUG-01         5  LOW", "PEN-07         6"]
EOF"""

# ------------------------------------------------------------------ issue 3
CSV_ISSUE = """
to_csv() produces broken rows for names with commas

```python
>>> from inventory import Inventory, to_csv
>>> inv = Inventory()
>>> inv.add("BOLT-M6", 100, name="Bolt, M6 x 20")
>>> print(to_csv(inv))
sku,name,quantity
BOLT-M6,Bolt, M6 x 20,100
```

The row has four columns, so the spreadsheet import puts " M6 x 20" into the quantity column. The docstring says values are quoted where needed. Expected `BOLT-M6,"Bolt, M6 x 20",100`; names with double quotes (`12" ruler`) need escaping too.
"""

CSV_TESTS = '''

def test_to_csv_quotes_commas_and_quotes():
    inv = Inventory()
    inv.add("BOLT-M6", 100, name="Bolt, M6 x 20")
    inv.add("RUL-12", 7, name='12" ruler')
    assert to_csv(inv) == (
        "sku,name,quantity\\n"
        'BOLT-M6,"Bolt, M6 x 20",100\\n'
        'RUL-12,"12"" ruler",7\\n'
    )
'''

TRAJECTORIES = [
    traj(
        "swe-inventory-0001",
        REPO,
        REMOVE_ISSUE,
        [
            bash("grep -n -A 10 'def remove' inventory/stock.py"),
            bash(
                "python3 -c 'from inventory import Inventory\n"
                "inv = Inventory()\n"
                'inv.add("TEA-02", 3)\n'
                'inv.remove("TEA-02", 5)\n'
                "print(inv.quantity(\"TEA-02\"))'"
            ),
            replace(
                "inventory/stock.py",
                '        entry = self._items[sku]\n        entry["quantity"] -= quantity\n',
                "        entry = self._items[sku]\n"
                '        if quantity > entry["quantity"]:\n'
                "            raise ValueError(\n"
                "                f\"cannot remove {quantity} of {sku}: only {entry['quantity']} in stock\"\n"
                "            )\n"
                '        entry["quantity"] -= quantity\n',
            ),
            bash(
                "python3 -c 'from inventory import Inventory\n"
                "inv = Inventory()\n"
                'inv.add("TEA-02", 3)\n'
                'inv.remove("TEA-02", 5)\n'
                "print(inv.quantity(\"TEA-02\"))'"
            ),
            insert("tests/test_stock.py", line_of("tests/test_stock.py", 'assert inv.quantity("MUG-01") == 7'), REMOVE_TEST),
            pytest("tests/test_stock.py"),
        ],
        "`Inventory.remove` subtracted without checking the available stock. It now raises "
        "`ValueError` (`cannot remove 5 of TEA-02: only 3 in stock`) before changing anything "
        "when more units are requested than are in stock; an unknown SKU still raises `KeyError` "
        "first, and removing exactly the stock level is allowed. Added two tests; {passed} tests "
        "in `tests/test_stock.py` pass.",
    ),
    traj(
        "swe-inventory-0002",
        REPO,
        REMOVE_ISSUE,
        [
            view("inventory/stock.py", def_range("inventory/stock.py", "def remove")),
            view("tests/test_stock.py", [1, 12]),
            replace(
                "inventory/stock.py",
                '        entry = self._items[sku]\n        entry["quantity"] -= quantity\n',
                '        available = self._items[sku]["quantity"]\n'
                "        if quantity > available:\n"
                '            raise ValueError("insufficient stock")\n'
                '        self._items[sku]["quantity"] = available - quantity\n',
            ),
            insert("tests/test_stock.py", end_of("tests/test_stock.py"), REMOVE_TEST),
            pytest(),
        ],
        "`remove` now compares the requested quantity with what is in stock and raises "
        "`ValueError(\"insufficient stock\")` without touching the level when there is not "
        "enough, matching its docstring. The lookup of the SKU happens first, so unknown SKUs "
        "still raise `KeyError`. New tests cover overselling and removing the last units; the "
        "full suite passes ({passed} tests).",
    ),
    traj(
        "swe-inventory-0003",
        REPO,
        LOW_ISSUE,
        [
            bash("grep -rn 'threshold' inventory | sort"),
            view("inventory/stock.py", def_range("inventory/stock.py", "def low_stock")),
            replace(
                "inventory/stock.py",
                'self._items[sku]["quantity"] < threshold]',
                'self._items[sku]["quantity"] <= threshold]',
            ),
            bash(
                "python3 -c 'from inventory import Inventory, summary\n"
                "inv = Inventory()\n"
                'inv.add("MUG-01", 5)\n'
                "print(inv.low_stock(5))\n"
                "print(summary(inv, threshold=5))'"
            ),
            insert(
                "tests/test_stock.py",
                line_of("tests/test_stock.py", 'assert inv.low_stock(10) == ["TEA-02"]'),
                "\n\ndef test_low_stock_includes_threshold():\n"
                "    inv = make_inventory()\n"
                '    assert inv.low_stock(3) == ["TEA-02"]\n'
                '    assert inv.low_stock(12) == ["MUG-01", "TEA-02"]\n',
            ),
            pytest(),
        ],
        "`Inventory.low_stock` compared with `<`, so an item exactly at the threshold was left "
        "out. It now uses `<=`, as documented; `summary` relies on `low_stock`, so it flags those "
        "items `LOW` as well. Added a test at the boundary; all {passed} tests pass.",
    ),
    traj(
        "swe-inventory-0004",
        REPO,
        LOW_ISSUE + "\nI put the two cases in `tests/test_threshold.py`.\n",
        [
            pytest("tests/test_threshold.py"),
            bash("grep -n 'low_stock' inventory/*.py"),
            replace(
                "inventory/stock.py",
                '        return [sku for sku in self.skus() if self._items[sku]["quantity"] < threshold]',
                "        return [\n"
                "            sku for sku in self.skus() if self._items[sku][\"quantity\"] <= threshold\n"
                "        ]",
            ),
            pytest(),
        ],
        "The comparison in `Inventory.low_stock` was strict (`<`). Changed it to `<=` so items "
        "at the threshold count as low stock, which also makes `summary` flag them. Both tests "
        "in `tests/test_threshold.py` pass now, along with the rest of the suite ({passed} "
        "tests).",
        setup=[LOW_SETUP_TEST],
    ),
    traj(
        "swe-inventory-0005",
        REPO,
        CSV_ISSUE,
        [
            view("inventory/report.py"),
            replace(
                "inventory/report.py",
                '"""Reports and exports for an Inventory."""\n',
                '"""Reports and exports for an Inventory."""\n\nimport csv\nimport io\n',
            ),
            replace(
                "inventory/report.py",
                '    lines = ["sku,name,quantity"]\n'
                "    for sku in inventory.skus():\n"
                '        lines.append(f"{sku},{inventory.name(sku)},{inventory.quantity(sku)}")\n'
                '    return "\\n".join(lines) + "\\n"\n',
                "    buffer = io.StringIO()\n"
                '    writer = csv.writer(buffer, lineterminator="\\n")\n'
                '    writer.writerow(["sku", "name", "quantity"])\n'
                "    for sku in inventory.skus():\n"
                "        writer.writerow([sku, inventory.name(sku), inventory.quantity(sku)])\n"
                "    return buffer.getvalue()\n",
            ),
            bash(
                "python3 -c 'from inventory import Inventory, to_csv\n"
                "inv = Inventory()\n"
                'inv.add("BOLT-M6", 100, name="Bolt, M6 x 20")\n'
                "print(to_csv(inv), end=\"\")'"
            ),
            insert("tests/test_report.py", line_of("tests/test_report.py", 'assert to_csv(inv) == "sku,name,quantity'), CSV_TESTS),
            pytest("tests/test_report.py"),
        ],
        "`to_csv` built rows with an f-string, so commas and double quotes in names were written "
        "unescaped. It now writes through `csv.writer` (with `lineterminator=\"\\n\"` to keep the "
        "previous line endings), which quotes fields containing commas, quotes or newlines and "
        "doubles embedded quotes. Plain rows are byte-for-byte unchanged. Added a test with both "
        "cases; {passed} tests in `tests/test_report.py` pass.",
    ),
    traj(
        "swe-inventory-0006",
        REPO,
        CSV_ISSUE,
        [
            bash("grep -n -B 2 -A 12 'def to_csv' inventory/report.py"),
            insert(
                "inventory/report.py",
                line_of("inventory/report.py", '"""Reports and exports for an Inventory."""', offset=1),
                "\ndef _csv_field(value):\n"
                '    """Quote *value* for CSV if it contains a comma, quote or line break."""\n'
                "    text = str(value)\n"
                "    if any(ch in text for ch in ',\"\\r\\n'):\n"
                "        return '\"' + text.replace('\"', '\"\"') + '\"'\n"
                "    return text\n\n",
            ),
            replace(
                "inventory/report.py",
                'lines.append(f"{sku},{inventory.name(sku)},{inventory.quantity(sku)}")',
                'fields = (sku, inventory.name(sku), inventory.quantity(sku))\n'
                '        lines.append(",".join(_csv_field(value) for value in fields))',
            ),
            create(
                "tests/test_csv_quoting.py",
                "import csv\nimport io\n\n"
                "from inventory.report import to_csv\n"
                "from inventory.stock import Inventory\n\n\n"
                "def test_names_with_commas_and_quotes_round_trip():\n"
                "    inv = Inventory()\n"
                '    inv.add("BOLT-M6", 100, name="Bolt, M6 x 20")\n'
                "    inv.add(\"RUL-12\", 7, name='12\" ruler')\n\n"
                "    rows = list(csv.reader(io.StringIO(to_csv(inv))))\n\n"
                "    assert rows == [\n"
                '        ["sku", "name", "quantity"],\n'
                '        ["BOLT-M6", "Bolt, M6 x 20", "100"],\n'
                "        [\"RUL-12\", '12\" ruler', \"7\"],\n"
                "    ]\n",
            ),
            pytest(),
        ],
        "Added a small `_csv_field` helper to `inventory/report.py` that wraps a value in double "
        "quotes (doubling any quotes inside) when it contains a comma, a quote or a line break, "
        "and used it for every field in `to_csv`. Rows without special characters are unchanged. "
        "The new `tests/test_csv_quoting.py` parses the output back with the `csv` module and "
        "gets three columns per row; the full suite passes ({passed} tests).",
    ),
]
