"""Search engines come from ``register_search_backend`` or another package's entry point in
the ``pivotrl.search_backends`` group; the shipped BM25 engine is pivotrl's own entry point."""

from __future__ import annotations

import sys
import textwrap
from importlib.metadata import entry_points

import pytest

from pivotrl.verifiers import get_verifier, list_search_backends, register_search_backend
from pivotrl.verifiers.search_backends import SEARCH_BACKENDS, get_search_backend
from tests.conftest import call, make_pivot

SEARCH_TOOLS = [{"type": "function", "function": {"name": "search", "parameters": {
    "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}}]


def test_a_search_backend_from_another_packages_entry_point_is_found(tmp_path, monkeypatch):
    package = tmp_path / "acme_search"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        class Engine:
            def search_urls(self, queries, k):
                return [["https://acme.test/" + q.split()[0]] for q in queries]

        def make():
            return Engine()
    """))
    dist = tmp_path / "acme_search-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-search\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pivotrl.search_backends]\nacme = acme_search:make\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(SEARCH_BACKENDS, "_entry_points_loaded", False)
    try:
        assert "acme" in list_search_backends() and "browse" in list_search_backends()
        assert get_search_backend("acme").search_urls(["rivers of europe"], 3) == [["https://acme.test/rivers"]]
        pivot = make_pivot(call("search", query="rivers of europe"), tools=SEARCH_TOOLS, domain="browse",
                           env={"corpus": "acme"})
        verdict = get_verifier("search_overlap").verify(
            '<tool_call>{"name": "search", "arguments": {"query": "rivers worldwide"}}</tool_call>', pivot)
        assert verdict.score == 1.0, verdict.reason
    finally:
        SEARCH_BACKENDS.unregister("acme")
        sys.modules.pop("acme_search", None)


def test_the_shipped_engine_is_pivotrls_own_entry_point():
    shipped = {ep.name: ep.value for ep in entry_points(group="pivotrl.search_backends")}
    assert shipped.get("browse") == "pivotrl.pivot_envs.browse_engine:default_engine"


def test_registering_a_taken_name_needs_override():
    register_search_backend("twice", "acme_search:make")
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_search_backend("twice", "other:make")
        register_search_backend("twice", "other:make", override=True)
    finally:
        SEARCH_BACKENDS.unregister("twice")
