"""The browse search engine: results that depend on the corpus and the query only."""

from __future__ import annotations

from pivotrl.pivot_envs.browse_engine import Document, SearchEngine


def _engine(texts: list[str]) -> SearchEngine:
    return SearchEngine([Document(f"https://x.example/{i}", f"page {i}", text) for i, text in enumerate(texts)])


def test_equal_scores_come_in_corpus_order_at_every_cut():
    # 40 pages score the same for "alpha": more than the engine first asks bm25s for (2k + 8),
    # so the tie at rank k reaches past the window and must be asked again
    engine = _engine(["gamma alpha alpha"] + [f"alpha beta filler{i}" for i in range(40)] + ["delta"] * 5)
    for k in (1, 3, 5, 20):
        urls = [h.url for h in engine.search("alpha", k)]
        assert urls == [f"https://x.example/{i}" for i in range(k)], k
    batch = engine.search_batch(["alpha", "beta", "delta", "nothing here"], 4)
    assert [h.url for h in batch[0]] == [f"https://x.example/{i}" for i in range(4)]
    assert [h.url for h in batch[1]] == [f"https://x.example/{i}" for i in range(1, 5)]
    assert [h.url for h in batch[2]] == [f"https://x.example/{i}" for i in range(41, 45)]
    assert batch[3] == []


def test_fewer_matches_than_k_gives_only_the_matches():
    engine = _engine(["apple pie", "banana bread"] + ["unrelated words"] * 50)
    assert [h.url for h in engine.search("apple", 10)] == ["https://x.example/0"]
