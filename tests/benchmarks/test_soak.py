"""The soak benchmark runs end to end at a small size: its figures are printed as every
benchmark prints them, and a short soak finds no error and no wrong reward."""

from __future__ import annotations

import json

from pivotrl.benchmarks import soak


def test_small_soak_reports_its_figures_and_no_errors(capsys):
    phases = soak.main(["--browse-steps", "400", "--threads", "4", "--seconds", "1"])
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["benchmark"] == "soak"
    names = [r["name"] for r in last["results"]]
    assert any("browse steps/s" in n for n in names) and any("RSS growth" in n for n in names)
    assert phases["browse"].steps == 400 and phases["browse"].errors == []
    assert phases["tool"].steps > 0 and phases["tool"].errors == []
