"""The profile report (pivotrl.pivot_envs.profiling.report): one self-contained HTML file with the
three plots and the funnel, and the zero-advantage share computed from the records."""

from __future__ import annotations

import base64
import re

import pytest

from tests.pivot_envs.profiling.test_filter import profiled

pytest.importorskip("matplotlib")

from pivotrl.pivot_envs.profiling.report import summary, write_html


def test_report_is_self_contained_with_three_plots(tmp_path):
    pivots = [profiled("f1", [0.0] * 8, turn=0), profiled("f2", [0.0] * 8, turn=1),
              profiled("s1", [1.0] * 8, turn=1), profiled("k1", [1.0] * 2 + [0.0] * 6, turn=2),
              profiled("e1", [1.0] * 7 + [0.0], domain="browse", turn=3)]
    path = tmp_path / "report.html"
    facts = write_html(pivots, path, lam=0.6)
    text = path.read_text()
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", text)
    assert len(images) == 3
    assert all(base64.b64decode(img).startswith(b"\x89PNG") for img in images)
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert facts["zero_advantage"] == 3 and facts["zero_advantage_share"] == pytest.approx(0.6)
    assert facts["kept"] == 1
    assert "60.0%" in text and "per turn position" in text and "browse" in text


def test_summary_counts_match_the_filter():
    pivots = [profiled("a", [0.5] * 8), profiled("b", [1.0] + [0.0] * 7)]
    facts = summary(pivots, lam=0.6)
    assert facts["funnel"]["total"]["uniform_success"] == 1 and facts["kept"] == 1 and facts["k"] == [8]


def test_empty_report_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no profiled candidates"):
        write_html([], tmp_path / "r.html")
