"""Build the synthetic browsing trajectories shipped with the ``browse`` domain.

Every trajectory is an OpenAI chat-completions record in which an assistant answers a
question by calling ``search`` and ``open_page`` on the local web corpus
(``pivot_envs/data/browse/corpus.jsonl``, built by ``make_corpus``).  Tool outputs are produced by the real
engine (``pivotrl.pivot_envs.browse_engine.SearchEngine``), so the data is consistent with
what the environment will return at training time.

The script is deterministic: question templates are hand-written, and a seeded
``random.Random`` picks entities, paraphrases and flows.  Each trajectory asserts that

* its reference searches retrieve the page it then opens within the top 5 results,
* every opened URL was listed by an earlier search in the same trajectory, and
* the final answer's key facts ("evidence") occur in the text of the opened page(s).

The script ends with a self-check of the written file and exits non-zero on failure.
Run ``python -m pivotrl.datagen.browse.make_trajectories [--out FILE]`` (default: the shipped
``pivot_envs/data/browse/trajectories.jsonl``; the corpus is read from the shipped file).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from urllib.parse import urlparse

import jsonschema

from pivotrl.datagen.shipped import env_data
from pivotrl.pivot_envs.browse_engine import SearchEngine

from . import make_corpus as mc  # fact tables shared with the corpus

CORPUS_PATH = env_data("browse/corpus.jsonl")
SEED = 20250611
MIN_TRAJECTORIES = 60
MIN_PARALLEL = 5
RETRIEVAL_DEPTH = 5  # reference searches must put the opened page within this rank

SYSTEM_PROMPT = (
    "You are a research assistant. Use the search tool to find pages in the local web corpus "
    "and open_page to read them. Answer concisely and cite the URL."
)

SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search the local web corpus with BM25 and return the top results (title, URL, snippet).",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Search query"},
                "top_k": {
                    "type": "integer",
                    "description": "Number of results",
                    "default": 5,
                    "minimum": 1,
                    "maximum": 10,
                },
            },
            "required": ["query"],
            "additionalProperties": False,
        },
    },
}
OPEN_PAGE_TOOL = {
    "type": "function",
    "function": {
        "name": "open_page",
        "description": "Open a page of the local web corpus by URL and return its text.",
        "parameters": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "format": "uri", "description": "Page URL from search results"}
            },
            "required": ["url"],
            "additionalProperties": False,
        },
    },
}
TOOLS = [SEARCH_TOOL, OPEN_PAGE_TOOL]
SCHEMAS = {t["function"]["name"]: t["function"]["parameters"] for t in TOOLS}


class BuildError(AssertionError):
    pass


# ---------------------------------------------------------------------------
# Trajectory builder
# ---------------------------------------------------------------------------
class Traj:
    """Accumulates the messages of one trajectory, calling the engine for tool outputs."""

    def __init__(self, engine: SearchEngine, user: str, label: str):
        self.engine = engine
        self.label = label
        self.messages: list[dict] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user},
        ]
        self._n = 0
        self.listed: set[str] = set()  # URLs shown by search results so far
        self.opened: list[str] = []

    def _call(self, name: str, args: dict) -> dict:
        self._n += 1
        return {
            "id": f"call_{self._n}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)},
        }

    def _fail(self, msg: str) -> None:
        raise BuildError(f"[{self.label}] {msg}")

    # -- tool turns ---------------------------------------------------------
    def search(
        self,
        *queries: str,
        top_k: int | None = None,
        expect: str | list | None = None,
        avoid: str | None = None,
    ) -> list[list]:
        """One assistant turn with one search call per query (several = parallel calls).

        ``expect``: URL(s) that must be within the top RETRIEVAL_DEPTH of the matching
        query (one per query, or one for all).  ``avoid``: URL that must NOT be listed
        (used for searches that the trajectory then refines)."""
        k = top_k or 5
        calls, results = [], []
        for q in queries:
            args = {"query": q} if top_k is None else {"query": q, "top_k": top_k}
            calls.append(self._call("search", args))
            results.append(self.engine.search(q, k))
        self.messages.append({"role": "assistant", "content": None, "tool_calls": calls})
        for call, q, hits in zip(calls, queries, results, strict=True):
            self.messages.append(
                {
                    "role": "tool",
                    "tool_call_id": call["id"],
                    "name": "search",
                    "content": self.engine.render_search(q, k),
                }
            )
            self.listed.update(h.url for h in hits)
        expects = [expect] * len(queries) if not isinstance(expect, list) else expect
        for q, hits, want in zip(queries, results, expects, strict=True):
            if want is None:
                continue
            top = [h.url for h in hits[:RETRIEVAL_DEPTH]]
            if want not in top:
                self._fail(f"search {q!r} does not retrieve {want} in top {RETRIEVAL_DEPTH}: {top}")
        if avoid is not None:
            for q, hits in zip(queries, results, strict=True):
                if avoid in [h.url for h in hits]:
                    self._fail(f"search {q!r} already lists {avoid}; it needs no refinement")
        return results

    def open(self, *urls: str) -> None:
        """One assistant turn opening one or several (parallel) pages."""
        calls = []
        for url in urls:
            if url not in self.listed:
                self._fail(f"opens {url}, which no earlier search listed")
            if self.engine.page(url) is None:
                self._fail(f"opens {url}, which is not in the corpus")
            calls.append(self._call("open_page", {"url": url}))
        self.messages.append({"role": "assistant", "content": None, "tool_calls": calls})
        for call, url in zip(calls, urls, strict=True):
            self.messages.append(
                {
                    "role": "tool",
                    "tool_call_id": call["id"],
                    "name": "open_page",
                    "content": self.engine.render_page(url),
                }
            )
            self.opened.append(url)

    # -- text turns ----------------------------------------------------------
    def say(self, text: str) -> None:
        self.messages.append({"role": "assistant", "content": text})

    def user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def answer(self, text: str, evidence: dict[str, list[str]] | list[str]) -> None:
        """Final answer. ``evidence`` maps opened URLs to strings their text must contain
        (a plain list applies to the last opened page). The answer must cite an opened URL."""
        if isinstance(evidence, list):
            if not self.opened:
                self._fail("answer with evidence but no page opened")
            evidence = {self.opened[-1]: evidence}
        for url, needles in evidence.items():
            if url not in self.opened:
                self._fail(f"evidence from {url}, which was not opened")
            page = self.engine.page(url)
            for needle in needles:
                if needle not in page.text:
                    self._fail(f"evidence {needle!r} not found in {url}")
        if not any(u in text for u in self.opened):
            self._fail("the final answer cites no opened URL")
        self.say(text)


# ---------------------------------------------------------------------------
# Helpers over the fact tables
# ---------------------------------------------------------------------------
def wiki(slug: str) -> str:
    return mc.WIKI + slug


def by_name(table: list[dict], name: str) -> dict:
    return next(r for r in table if r["name"] == name)


def km(n: int) -> str:
    return f"{n:,} km"


def cite(*urls: str) -> str:
    return f"(source: {urls[0]})" if len(urls) == 1 else "(sources: " + ", ".join(urls) + ")"


# ---------------------------------------------------------------------------
# Flow families
# ---------------------------------------------------------------------------
def river_facts(engine, rng):
    out = []
    asks = [
        "How long is the {n} and which sea does it flow into?",
        "Where does the {n} river end up, and roughly how long is it?",
        "What's the length of the {n}, and where is its mouth?",
        "I'm reading about the {n}. How long is it and into what body of water does it drain?",
    ]
    queries = ["{n} river length mouth", "{n} river", "{n} length source mouth", "{n} river sea"]
    for r in rng.sample(mc.RIVERS, 8):
        name, url = r["name"], wiki(r["slug"])
        t = Traj(engine, rng.choice(asks).format(n=name), f"river {name}")
        q = rng.choice(queries).format(n=name)
        if name == "Po":
            q = "Po river Italy length"
        t.search(q, expect=url)
        t.open(url)
        t.answer(
            f"The {name} is about {km(r['length_km'])} long and flows into {r['mouth']} {cite(url)}.",
            [f"{r['length_km']:,}", r["sea"]],
        )
        out.append(t)
    return out


def river_compare(engine, rng):
    out = []
    pairs = [("Elbe", "Loire"), ("Rhône", "Seine"), ("Vistula", "Tagus"), ("Oder", "Meuse")]
    asks = ["Which is longer, the {a} or the {b}?", "Is the {a} longer than the {b}?"]
    for i, (a, b) in enumerate(pairs):
        ra, rb = by_name(mc.RIVERS, a), by_name(mc.RIVERS, b)
        ua, ub = wiki(ra["slug"]), wiki(rb["slug"])
        t = Traj(engine, rng.choice(asks).format(a=a, b=b), f"river compare {a}/{b}")
        if i % 2 == 0:  # parallel searches, then parallel opens
            t.search(f"{a} river length", f"{b} river length", expect=[ua, ub])
            t.open(ua, ub)
        else:  # sequential search/open per river
            t.search(f"{a} river length", expect=ua)
            t.open(ua)
            t.search(f"{b} river length", expect=ub)
            t.open(ub)
        longer, shorter = (ra, rb) if ra["length_km"] > rb["length_km"] else (rb, ra)
        t.answer(
            f"The {longer['name']} is longer: about {km(longer['length_km'])}, versus about "
            f"{km(shorter['length_km'])} for the {shorter['name']} {cite(ua, ub)}.",
            {ua: [f"{ra['length_km']:,}"], ub: [f"{rb['length_km']:,}"]},
        )
        out.append(t)
    return out


PLANET_METRICS = {
    "size": (
        "Which planet is bigger, {a} or {b}?",
        "{n} planet diameter",
        lambda p: p["diameter_km"],
        "diameter_km",
        lambda w, lo: (
            f"{w['name']} is larger: its equatorial diameter is about {w['diameter_km']:,} km, compared with about {lo['diameter_km']:,} km for {lo['name']}"
        ),
    ),
    "distance": (
        "Which is farther from the Sun, {a} or {b}?",
        "{n} planet distance from the Sun",
        lambda p: p["dist_mkm"],
        "dist_mkm",
        lambda w, lo: (
            f"{w['name']} is farther out, at an average of about {w['dist_mkm']:,.1f} million km from the Sun, while {lo['name']} orbits at about {lo['dist_mkm']:,.1f} million km"
        ),
    ),
    "moons": (
        "Does {a} or {b} have more moons?",
        "{n} planet moons",
        lambda p: p["moons"],
        "moons",
        lambda w, lo: (
            f"{w['name']} has more: {w['moons']} known moons (as of 2024), compared with {lo['moons']} for {lo['name']}"
        ),
    ),
}


def planet_evidence(p: dict, metric: str) -> list[str]:
    if metric == "size":
        return [f"{p['diameter_km']:,} km"]
    if metric == "distance":
        return [f"{p['dist_mkm']:,.1f} million km"]
    if p["moons"] == 0:
        return ["has no moons"]
    if p["moons"] == 1:
        return ["one natural satellite"]
    if p["moons"] == 2:
        return ["two small moons"]
    return [f"{p['moons']} known moons"]


def planet_compare(engine, rng):
    out = []
    planets = [p for p in mc.PLANETS]
    combos = [
        ("size", "Mars", "Mercury"),
        ("size", "Venus", "Earth"),
        ("size", "Uranus", "Neptune"),
        ("distance", "Saturn", "Jupiter"),
        ("moons", "Saturn", "Jupiter"),
        ("moons", "Uranus", "Neptune"),
    ]
    for i, (metric, a, b) in enumerate(combos):
        pa, pb = by_name(planets, a), by_name(planets, b)
        ua, ub = wiki(pa["slug"]), wiki(pb["slug"])
        ask, qtpl, key, _, phrase = PLANET_METRICS[metric]
        first, second = (a, b) if rng.random() < 0.5 else (b, a)
        t = Traj(engine, ask.format(a=first, b=second), f"planet {metric} {a}/{b}")
        t.search(qtpl.format(n=a), qtpl.format(n=b), expect=[ua, ub])
        if i % 3 == 2:
            t.open(ua)
            t.open(ub)
        else:
            t.open(ua, ub)
        w, lo = (pa, pb) if key(pa) > key(pb) else (pb, pa)
        t.answer(
            f"{phrase(w, lo)} {cite(ua, ub)}.",
            {ua: planet_evidence(pa, metric), ub: planet_evidence(pb, metric)},
        )
        out.append(t)
    return out


def planet_facts(engine, rng):
    out = []
    for name in rng.sample([p["name"] for p in mc.PLANETS if p["name"] != "Earth"], 3):
        p = by_name(mc.PLANETS, name)
        url = wiki(p["slug"])
        t = Traj(
            engine, f"How long is a year on {name}, and how far is it from the Sun?", f"planet year {name}"
        )
        t.search(f"{name} planet orbit year distance", expect=url)
        t.open(url)
        t.answer(
            f"{name} takes {p['year']} to orbit the Sun, at an average distance of about "
            f"{p['dist_mkm']:,.1f} million km ({p['dist_au']:.2f} AU) {cite(url)}.",
            [p["year"], f"{p['dist_mkm']:,.1f} million km"],
        )
        out.append(t)
    return out


def mountain_facts(engine, rng):
    out = []
    asks = [
        "How high is {n}, and who made the first ascent?",
        "When was {n} first climbed, and how tall is it?",
    ]
    for m in rng.sample(mc.MOUNTAINS, 5):
        url = wiki(m["slug"])
        t = Traj(engine, rng.choice(asks).format(n=m["name"]), f"mountain {m['name']}")
        t.search(f"{m['name']} height first ascent", expect=url)
        t.open(url)
        t.answer(
            f"{m['name']} is {m['height_m']:,} m high; it was first climbed {m['ascent']} {cite(url)}.",
            [f"{m['height_m']:,} m", m["ascent"]],
        )
        out.append(t)
    # comparison with parallel searches
    a, b = by_name(mc.MOUNTAINS, "Denali"), by_name(mc.MOUNTAINS, "Mount Kilimanjaro")
    ua, ub = wiki(a["slug"]), wiki(b["slug"])
    t = Traj(engine, "Which is taller, Denali or Kilimanjaro, and by how much?", "mountain compare")
    t.search("Denali height", "Kilimanjaro height", expect=[ua, ub])
    t.open(ua, ub)
    t.answer(
        f"Denali is taller: {a['height_m']:,} m against {b['height_m']:,} m for Kilimanjaro, a difference of "
        f"{a['height_m'] - b['height_m']} m {cite(ua, ub)}.",
        {ua: [f"{a['height_m']:,} m"], ub: [f"{b['height_m']:,} m"]},
    )
    out.append(t)
    # one search, two pages: an ambiguous superlative
    ue, um = wiki("Mount_Elbrus"), wiki("Mont_Blanc")
    t = Traj(engine, "What is the highest mountain in Europe?", "highest in Europe")
    t.search("highest mountain Europe", expect=ue)
    t.open(ue)
    t.open(um)
    t.answer(
        "It depends on where you draw Europe's boundary. By the most common definition it is Mount Elbrus "
        "in the Caucasus, at 5,642 m; if the Caucasus is excluded, it is Mont Blanc in the Alps, at 4,806 m, "
        f"the highest in Western Europe {cite(ue, um)}.",
        {ue: ["5,642 m", "highest mountain in Europe"], um: ["4,806 m", "Western Europe"]},
    )
    out.append(t)
    return out


def element_facts(engine, rng):
    out = []
    with_melt = [e for e in mc.ELEMENTS if e["melt_c"] is not None and e["name"] not in ("Mercury", "Carbon")]
    for e in rng.sample(with_melt, 4):
        url = wiki(e["name"])
        t = Traj(
            engine,
            f"What are the atomic number and melting point of {e['name'].lower()}?",
            f"element {e['name']}",
        )
        t.search(f"{e['name']} atomic number melting point", expect=url)
        t.open(url)
        page = engine.page(url).text
        melt = next(
            s
            for s in (
                f"{e['melt_c']:,} °C".replace("-", "−"),
                f"{e['melt_c']:,.1f} °C".replace("-", "−"),
                f"{e['melt_c']:g} °C".replace("-", "−"),
            )
            if s in page
        )
        t.answer(
            f"{e['name']} ({e['symbol']}) has atomic number {e['z']} and melts at {melt} {cite(url)}.",
            [f"atomic number {e['z']}", melt],
        )
        out.append(t)
    # parallel comparison
    ucu, uau = wiki("Copper"), wiki("Gold")
    t = Traj(engine, "Which melts at a higher temperature, copper or gold?", "element compare")
    t.search("copper melting point", "gold melting point", expect=[ucu, uau])
    t.open(ucu, uau)
    t.answer(
        f"Copper does, slightly: it melts at 1,084.6 °C, while gold melts at 1,064 °C {cite(ucu, uau)}.",
        {ucu: ["1,084.6 °C"], uau: ["1,064 °C"]},
    )
    out.append(t)
    return out


def clarifying(engine, rng):
    out = []
    # 1. Mercury: ask first, then search
    up, ue = wiki("Mercury_(planet)"), wiki("Mercury_(element)")
    t = Traj(engine, "What can you tell me about Mercury?", "clarify mercury planet")
    t.say(
        "Do you mean Mercury the planet or mercury the chemical element (Hg)? Let me know what you'd like to find out."
    )
    t.user("The planet. How long is its year?")
    t.search("Mercury planet orbit", expect=up)
    t.open(up)
    t.answer(
        f"Mercury completes one orbit of the Sun every 88 Earth days, so its year lasts 88 days {cite(up)}.",
        ["88 Earth days"],
    )
    out.append(t)

    t = Traj(engine, "Tell me about mercury.", "clarify mercury element")
    t.say("Are you asking about the planet Mercury, or the element mercury (the liquid metal)?")
    t.user("The metal. At what temperature does it freeze?")
    t.search("mercury element liquid metal melting point", expect=ue)
    t.open(ue)
    t.answer(
        f"Mercury melts (and freezes) at −38.8 °C; it is the only metal that is liquid at room temperature {cite(ue)}.",
        ["−38.8 °C", "only metal that is liquid"],
    )
    out.append(t)

    # 2. Search first, see ambiguity in results, then ask
    t = Traj(engine, "How heavy is mercury?", "clarify after search")
    t.search("mercury", expect=ue)
    t.say(
        "The corpus has pages on both the planet Mercury and the element mercury. Do you want the planet's mass "
        "or the element's atomic weight?"
    )
    t.user("The element's atomic weight, please.")
    t.open(ue)
    t.answer(f"Mercury (Hg, atomic number 80) has a standard atomic weight of 200.59 {cite(ue)}.", ["200.59"])
    out.append(t)

    # 3. Ticket price: transit or museum?
    uf = mc.TRANSIT + "tickets/fares"
    t = Traj(engine, "How much does a ticket cost?", "clarify ticket transit")
    t.say(
        "Which ticket do you mean — public transport in Metroville, or admission to somewhere like the Meridian "
        "Museum? If it's transport, where are you travelling to?"
    )
    t.user("Public transport: a single ticket from the city centre to the airport.")
    t.search("Metroville single ticket airport zone fare", expect=uf)
    t.open(uf)
    t.answer(
        f"A single ticket covering zones ABC (needed for Airport station) costs €4.60 and is valid for 90 minutes "
        f"including transfers {cite(uf)}.",
        ["€4.60", "90 minutes"],
    )
    out.append(t)

    um = mc.MUSEUM + "visit/tickets"
    t = Traj(engine, "What's the price of a ticket?", "clarify ticket museum")
    t.say("Could you tell me which ticket you mean — Metroville public transport, or a museum or attraction?")
    t.user("The Meridian Museum, for two adults and two kids.")
    t.search("Meridian Museum tickets prices family", expect=um)
    t.open(um)
    t.answer(
        f"A family ticket for two adults and up to three children costs €36 and includes one planetarium show; "
        f"under-18s are free anyway, so two adult tickets at €16 each (€32) would also work if you skip the "
        f"planetarium {cite(um)}.",
        ["€36", "€16", "under 18"],
    )
    out.append(t)

    # 4. Underspecified comparison
    ua, ub = wiki("Jupiter"), wiki("Saturn")
    t = Traj(engine, "Which one is bigger?", "clarify compare")
    t.say("Which two things would you like me to compare?")
    t.user("Jupiter and Saturn.")
    t.search("Jupiter diameter", "Saturn diameter", expect=[ua, ub])
    t.open(ua, ub)
    t.answer(
        f"Jupiter is bigger: its equatorial diameter is about 142,984 km versus about 120,536 km for Saturn, "
        f"and it is about 318 times as massive as Earth compared with 95 for Saturn {cite(ua, ub)}.",
        {ua: ["142,984 km", "317.8"], ub: ["120,536 km", "95.2"]},
    )
    out.append(t)

    # 5. Store opening hours: which store?
    us = mc.SHOP + "help/store-locations"
    t = Traj(engine, "Is VoltShop open on Saturday afternoon?", "clarify store")
    t.search("VoltShop store opening hours Saturday", expect=us)
    t.say(
        "VoltShop has two walk-in stores in Metroville, Central and Harbour. Which one are you planning to visit?"
    )
    t.user("The Harbour one.")
    t.open(us)
    t.answer(
        f"Yes — the Harbour store at 3 Quay Street is open Tuesday to Saturday, 10:00–18:00 {cite(us)}.",
        ["Tuesday to Saturday", "10:00–18:00"],
    )
    out.append(t)
    return out


def refine_flows(engine, rng):
    out = []
    # crêpes: no results -> closest recipe
    up = mc.RECIPES + "recipes/fluffy-pancakes"
    t = Traj(engine, "Do you have a recipe for crêpes?", "refine crepes")
    t.search("crêpes recipe", avoid=up)
    t.search("pancakes recipe", expect=up)
    t.open(up)
    t.answer(
        "I couldn't find a crêpe recipe in the corpus. The closest is a recipe for fluffy American pancakes: "
        "200 g plain flour, 2 teaspoons baking powder, 1 tablespoon sugar, a pinch of salt, 1 egg, 300 ml milk "
        f"and 25 g melted butter, cooked about 2 minutes before flipping {cite(up)}.",
        ["200 g plain flour", "300 ml milk", "25 g melted butter"],
    )
    out.append(t)

    # Galilean moons -> Ganymede
    ug = wiki("Ganymede_(moon)")
    t = Traj(
        engine, "Which of Jupiter's Galilean moons is the largest, and how big is it?", "refine ganymede"
    )
    t.search("Galilean moons", avoid=ug)
    t.search("Ganymede moon diameter", expect=ug)
    t.open(ug)
    t.answer(
        "Ganymede is the largest — about 5,268 km across, which makes it the largest moon in the Solar System "
        f"and bigger than the planet Mercury {cite(ug)}.",
        ["5,268 km", "largest moon in the Solar System"],
    )
    out.append(t)

    # lakes Italy -> Lake Garda
    ul = wiki("Lake_Garda")
    t = Traj(engine, "What's the largest lake in Italy?", "refine garda")
    t.search("lakes Italy", avoid=ul)
    t.search("largest lake Italy", expect=ul)
    t.open(ul)
    t.answer(
        f"Lake Garda is the largest lake in Italy, covering about 370 km² {cite(ul)}.",
        ["largest lake in Italy", "370 km²"],
    )
    out.append(t)

    # garden bed width -> raised beds
    ur = mc.GARDEN + "guides/raised-beds"
    t = Traj(engine, "How wide should I build a raised garden bed?", "refine raised beds")
    t.search("garden bed width", avoid=ur)
    t.search("raised beds width height", expect=ur)
    t.open(ur)
    t.answer(
        "Make it about 1.2 m wide so you can reach the middle from both sides without stepping on the soil; "
        f"20–30 cm high is enough for most vegetables, and leave paths at least 45 cm wide {cite(ur)}.",
        ["1.2 m", "20–30 cm", "45 cm"],
    )
    out.append(t)

    # first query returns only unrelated modules, then a more specific one
    ud = mc.PYDOCS + "library/difflib.html"
    t = Traj(
        engine,
        "My CLI tool should suggest the closest valid command when the user misspells one. Is there "
        "something in the Pylang standard library for that?",
        "refine difflib",
    )
    t.search("fuzzy match strings", avoid=ud)
    t.search("suggest corrections misspelled close matches", expect=ud)
    t.open(ud)
    t.answer(
        "Yes: difflib.get_close_matches() returns the best 'good enough' matches for a word from a list of "
        "possibilities, which is exactly what suggesting corrections for misspelled commands needs. For a raw "
        f"similarity score between two strings, use difflib.SequenceMatcher(...).ratio() {cite(ud)}.",
        ["get_close_matches()", "misspelled commands", "ratio()"],
    )
    out.append(t)

    # transit: first query finds the line page, refine for the accessibility page
    ua = mc.TRANSIT + "travel/accessibility"
    t = Traj(engine, "I use a wheelchair. Can I get out at Old Town metro station?", "refine accessibility")
    t.search("Old Town station", avoid=ua)
    t.search("step-free access stations wheelchair lift", expect=ua)
    t.open(ua)
    t.answer(
        "Not yet: Old Town is the only metro station without step-free access — a new lift is due to open in "
        f"2026. Use Market Square or Cathedral instead, which are step-free {cite(ua)}.",
        ["Old Town", "2026", "Market Square or Cathedral"],
    )
    out.append(t)
    return out


# Hand-written single-page questions: (question, queries, url, answer, evidence)
SINGLE_QA = [
    # --- programming docs ----------------------------------------------------
    (
        "How do I pretty-print a dictionary as JSON with indentation in Pylang?",
        ["json dumps indent pretty print", "pretty print JSON indentation"],
        mc.PYDOCS + "library/json.html",
        "Use json.dumps(obj, indent=2) (or json.dump() to write to a file); add sort_keys=True for a stable key order",
        ["indent=2", "sort_keys=True"],
    ),
    (
        "What's the recommended way to run an external command and capture its output?",
        ["run external command capture output", "subprocess run capture output"],
        mc.PYDOCS + "library/subprocess.html",
        "Use subprocess.run() with the command as a list, e.g. subprocess.run(['ls', '-l'], capture_output=True, text=True); "
        "add check=True to raise CalledProcessError on a non-zero exit status",
        ["subprocess.run()", "capture_output=True", "CalledProcessError"],
    ),
    (
        "How can I count how many times each word occurs in a list?",
        ["count occurrences collections Counter", "Counter most_common"],
        mc.PYDOCS + "library/collections.html",
        "Use collections.Counter: Counter(words) counts each item, and most_common() lists them by frequency",
        ["Counter", "most_common()"],
    ),
    (
        "Is it safe to unpickle data I downloaded from the internet?",
        ["pickle security untrusted data", "unpickle untrusted source"],
        mc.PYDOCS + "library/pickle.html",
        "No. The documentation warns never to unpickle data from an untrusted source, because loading can execute "
        "arbitrary code; use json for data exchange instead",
        ["not secure", "arbitrary code"],
    ),
    (
        "How do I create a temporary directory that gets deleted automatically?",
        ["temporary directory removed automatically", "tempfile temporary directory"],
        mc.PYDOCS + "library/tempfile.html",
        "Use tempfile.TemporaryDirectory() as a context manager (with tempfile.TemporaryDirectory() as tmp:); the "
        "directory and its contents are removed when the block exits",
        ["TemporaryDirectory()", "removed together with its contents"],
    ),
    (
        "How can I cache the results of an expensive recursive function?",
        ["cache function results lru_cache", "functools memoise cache"],
        mc.PYDOCS + "library/functools.html",
        "Decorate it with functools.lru_cache() or functools.cache(), which memoise the function's results",
        ["lru_cache()", "cache()"],
    ),
    (
        "How do I generate a secure random token for a password-reset link?",
        ["secure random token password reset", "secrets token_urlsafe"],
        mc.PYDOCS + "library/secrets.html",
        "Use the secrets module, e.g. secrets.token_urlsafe(); don't use the random module for security",
        ["token_urlsafe()", "password-reset URLs"],
    ),
    (
        "How do I make a datetime aware of the Europe/Berlin time zone?",
        ["time zone Europe/Berlin datetime", "zoneinfo IANA time zone"],
        mc.PYDOCS + "library/zoneinfo.html",
        "Create ZoneInfo('Europe/Berlin') from the zoneinfo module and pass it as the tzinfo of the datetime; "
        "daylight saving transitions are handled automatically",
        ["ZoneInfo('Europe/Berlin')", "tzinfo"],
    ),
    (
        "Why is 0.1 + 0.2 not exactly 0.3, and how can I do exact money calculations?",
        ["exact decimal arithmetic money", "decimal floating point financial"],
        mc.PYDOCS + "library/decimal.html",
        "Binary floats can't represent 0.1 exactly; use the decimal module, where Decimal('0.1') + Decimal('0.2') is "
        "exactly Decimal('0.3'). Create Decimals from strings, and use quantize() to round to fixed places",
        ["Decimal('0.1')", "quantize()"],
    ),
    (
        "What's the quickest way to share files from a folder over HTTP for testing?",
        ["python -m http.server serve files", "python web server"],
        mc.PYDOCS + "library/http.server.html",
        "Run python -m http.server 8000 (add --directory to serve another folder); it is meant for development, not production",
        ["python -m http.server 8000", "--directory"],
    ),
    (
        "How do I find all .py files in a directory tree?",
        ["glob recursive pattern", "recursive files python"],
        mc.PYDOCS + "library/glob.html",
        "Use glob.glob('src/**/*.py', recursive=True); with recursive=True the ** pattern matches any number of directories",
        ["recursive=True", "**"],
    ),
    (
        "What should I use to measure how long a piece of code takes, given the system clock can change?",
        ["measure elapsed time perf_counter", "time elapsed monotonic clock"],
        mc.PYDOCS + "library/time.html",
        "Use time.perf_counter() or time.monotonic(), which cannot go backwards when the system clock is adjusted",
        ["time.perf_counter()", "time.monotonic()"],
    ),
    (
        "How do I read a CSV file so each row is a dictionary keyed by the header?",
        ["csv read rows dictionary header", "csv DictReader"],
        mc.PYDOCS + "library/csv.html",
        "Use csv.DictReader, which maps each row to a dict keyed by the header line; open the file with newline=''",
        ["DictReader", "newline=''"],
    ),
    (
        "How do I add command-line options like --verbose to my script?",
        ["command-line options parser", "argparse add_argument"],
        mc.PYDOCS + "library/argparse.html",
        "Use argparse: create an ArgumentParser, call add_argument('--verbose', action='store_true'), then parse_args()",
        ["ArgumentParser", "action='store_true'", "parse_args()"],
    ),
    # --- recipes ---------------------------------------------------------------
    (
        "At what temperature and for how long do I bake the classic sourdough loaf?",
        ["sourdough loaf bake Dutch oven temperature", "classic sourdough loaf"],
        mc.RECIPES + "recipes/classic-sourdough-loaf",
        "Bake it in a preheated Dutch oven at 250 °C with the lid on for 20 minutes, then lid off at 230 °C for another "
        "20–25 minutes until deep brown",
        ["250 °C", "230 °C", "20–25 minutes"],
    ),
    (
        "How much yeast goes into the overnight no-knead bread?",
        ["no-knead bread yeast", "overnight no-knead bread"],
        mc.RECIPES + "recipes/no-knead-bread",
        "Just 1 g — a quarter teaspoon — of instant yeast for 400 g flour; the dough then rises for 12–18 hours",
        ["1 g (a quarter teaspoon)", "12–18 hours"],
    ),
    (
        "What hydration is the rosemary focaccia dough?",
        ["focaccia hydration", "rosemary focaccia"],
        mc.RECIPES + "recipes/rosemary-focaccia",
        "80%: 400 g water to 500 g bread flour",
        ["80% hydration", "400 g water"],
    ),
    (
        "Does Irish soda bread need yeast?",
        ["Irish soda bread", "soda bread without yeast"],
        mc.RECIPES + "recipes/irish-soda-bread",
        "No — it is leavened with bicarbonate of soda reacting with the acid in buttermilk; bake at 200 °C for 30–35 minutes",
        ["bicarbonate of soda", "buttermilk", "200 °C"],
    ),
    (
        "How long should bagels be boiled before baking?",
        ["boil bagels", "New York bagels"],
        mc.RECIPES + "recipes/new-york-bagels",
        "One minute per side, in water with malt syrup and a teaspoon of baking soda; then bake at 230 °C for 18–20 minutes",
        ["one minute per side", "230 °C"],
    ),
    (
        "Which pasta is traditionally served with ragù alla bolognese?",
        ["ragù bolognese pasta", "bolognese tagliatelle"],
        mc.RECIPES + "recipes/ragu-alla-bolognese",
        "Fresh egg tagliatelle (or lasagne) — in Bologna it is never served with spaghetti",
        ["tagliatelle", "never with spaghetti"],
    ),
    (
        "Does authentic carbonara contain cream?",
        ["carbonara cream", "spaghetti carbonara guanciale"],
        mc.RECIPES + "recipes/spaghetti-carbonara",
        "No. Roman carbonara gets its sauce from eggs, Pecorino Romano and pasta water, with guanciale and black pepper",
        ["no cream", "Pecorino Romano"],
    ),
    (
        "How long does tiramisù need in the fridge?",
        ["tiramisu refrigerate", "tiramisù mascarpone"],
        mc.RECIPES + "recipes/tiramisu",
        "At least 6 hours, or overnight, before dusting with cocoa",
        ["at least 6 hours"],
    ),
    (
        "How do I know when my new sourdough starter is ready to bake with?",
        ["sourdough starter ready", "make sourdough starter"],
        mc.RECIPES + "guides/how-to-make-a-sourdough-starter",
        "When it reliably doubles in volume within 4–8 hours of a feeding, which usually takes 7–14 days",
        ["doubles in volume within 4–8 hours", "7–14 days"],
    ),
    (
        "How long must gazpacho chill before serving?",
        ["gazpacho chill", "Andalusian gazpacho"],
        mc.RECIPES + "recipes/andalusian-gazpacho",
        "At least two hours — gazpacho must be served very cold",
        ["at least two hours"],
    ),
    # --- travel ------------------------------------------------------------------
    (
        "When did the Chain Bridge in Budapest open?",
        ["Budapest Chain Bridge", "Chain Bridge Danube Budapest opened"],
        mc.TRAVEL + "europe/hungary/budapest",
        "In 1849; it was the first permanent bridge across the Danube in the city",
        ["1849"],
    ),
    (
        "How big are the glasses Kölsch is served in, in Cologne?",
        ["Cologne Kölsch glass", "Kölsch beer Cologne"],
        mc.TRAVEL + "europe/germany/cologne",
        "Small 0.2-litre glasses, which waiters refill until you cover yours with a beer mat",
        ["0.2-litre"],
    ),
    (
        "How many steps are there up Brunelleschi's dome in Florence?",
        ["Florence dome steps", "Brunelleschi dome climb"],
        mc.TRAVEL + "europe/italy/florence",
        "463 steps, and climbing requires a reservation",
        ["463 steps", "reservation"],
    ),
    (
        "How long is a typical Rhine cruise from Basel to Amsterdam?",
        ["Rhine cruise Basel Amsterdam", "Rhine river cruise days"],
        mc.TRAVEL + "themes/rhine-river-cruise",
        "Usually seven or eight days, covering about 800 km of the river",
        ["seven or eight days", "800 km"],
    ),
    (
        "When is the best time to visit Seville?",
        ["Seville best time to visit", "Seville travel"],
        mc.TRAVEL + "europe/spain/seville",
        "Spring — summer temperatures regularly exceed 40 °C; Holy Week and the April Fair are highlights",
        ["spring", "40 °C"],
    ),
    # --- shop -------------------------------------------------------------------
    (
        "Can I connect 5 V signals directly to the ESP32 DevKit pins?",
        ["ESP32 DevKit 5 V pins", "ESP32 3.3 V logic"],
        mc.SHOP + "products/esp32-devkit-v1",
        "No. The ESP32 uses 3.3 V logic and its pins are not 5 V tolerant",
        ["3.3 V logic", "not 5 V tolerant"],
    ),
    (
        "What resistor should I use for a red LED on a 5 V pin?",
        ["red LED resistor 5 V", "LED series resistor"],
        mc.SHOP + "products/led-assortment",
        "About 200 Ω by calculation ((5 − 2) V ÷ 0.015 A), so a 220 Ω resistor is a good choice",
        ["220 Ω", "(5 − 2) V ÷ 0.015 A"],
    ),
    (
        "How much is standard shipping at VoltShop, and when is it free?",
        ["VoltShop shipping cost", "standard delivery free shipping"],
        mc.SHOP + "help/shipping",
        "Standard delivery costs €4.90 and takes 1–3 working days; it is free for orders over €50",
        ["€4.90", "over €50"],
    ),
    (
        "Can I return an opened reel of solder to VoltShop?",
        ["VoltShop returns solder", "return opened solder"],
        mc.SHOP + "help/returns",
        "Only if it is faulty: opened solder, flux and batteries can't be returned for hygiene and safety reasons; most "
        "other unused items can be returned within 30 days",
        ["opened solder", "30 days"],
    ),
    # --- transit ---------------------------------------------------------------
    (
        "How long does it take to get from Metroville Airport to Central Station by metro?",
        ["Metroville airport Central Station metro", "red line airport"],
        mc.TRANSIT + "lines/red-line",
        "22 minutes on the Red Line, with trains every 4–10 minutes depending on the time of day",
        ["22 minutes"],
    ),
    (
        "Can I take my bike on the metro at 8 a.m. on a weekday?",
        ["bike metro rush hour", "bicycles on trains"],
        mc.TRANSIT + "travel/bikes-on-transit",
        "No — bikes aren't allowed on weekdays between 7:00 and 9:00 (or 16:00–18:30); folded folding bikes are always allowed",
        ["between 7:00 and 9:00", "Folded folding bikes"],
    ),
    (
        "I left my umbrella on a tram. Where is the lost property office and when is it open?",
        ["lost property office", "lost umbrella metro"],
        mc.TRANSIT + "travel/lost-property",
        "At Central Station, lower concourse next to exit C; open Monday–Friday 8:00–18:00 and Saturday 9:00–13:00",
        ["lower concourse next to exit C", "Saturday from 9:00 to 13:00"],
    ),
    # --- museum -----------------------------------------------------------------
    (
        "When is the Great Rivers exhibition at the Meridian Museum on?",
        ["Great Rivers exhibition", "Meridian Museum temporary exhibition rivers"],
        mc.MUSEUM + "exhibitions/great-rivers",
        "From 14 March to 31 August 2025; it costs €6 on top of general admission",
        ["14 March to 31 August", "€6"],
    ),
    (
        "What is the dinosaur skeleton in the Meridian Museum's Dinosaur Hall?",
        ["Dinosaur Hall Triceratops", "Meridian Museum dinosaur skeleton"],
        mc.MUSEUM + "collections/dinosaur-hall",
        "Greta, a Triceratops skeleton about 65 percent complete, about 67 million years old, from Montana's Hell Creek Formation",
        ["Greta", "Triceratops", "67 million years"],
    ),
    # --- garden -----------------------------------------------------------------
    (
        "When should I plant garlic?",
        ["when plant garlic", "grow garlic cloves"],
        mc.GARDEN + "grow/garlic",
        "In autumn, from October to December (early spring at the latest), as garlic needs cold to form cloves",
        ["October to December"],
    ),
    (
        "How far apart should tomato plants be?",
        ["tomatoes plant apart", "grow tomatoes spacing"],
        mc.GARDEN + "grow/tomatoes",
        "About 45–60 cm apart, planted out after the last frost in the sunniest spot",
        ["45–60 cm"],
    ),
    (
        "What's the fastest vegetable to grow from seed?",
        ["fastest vegetable", "quick crop radishes"],
        mc.GARDEN + "grow/radishes",
        "Radishes — ready to eat about four weeks after sowing",
        ["four weeks"],
    ),
    # --- news -------------------------------------------------------------------
    (
        "When did Europa Clipper launch and when will it reach Jupiter?",
        ["Europa Clipper launch", "Europa Clipper Jupiter arrival"],
        mc.NEWS + "2024/10/europa-clipper-launches",
        "It launched on 14 October 2024 on a Falcon Heavy and is due to reach Jupiter in April 2030",
        ["14 October 2024", "April 2030"],
    ),
    (
        "How old is the oldest bread ever found?",
        ["oldest bread", "ancient bread archaeology Jordan"],
        mc.NEWS + "2018/07/oldest-bread-jordan",
        "About 14,400 years old — charred flatbread remains from Shubayqa 1 in northeastern Jordan, made by Natufian hunter-gatherers",
        ["14,400 years", "Shubayqa 1"],
    ),
    (
        "How much energy did the 2022 fusion ignition shot release?",
        ["fusion ignition energy", "National Ignition Facility megajoules"],
        mc.NEWS + "2022/12/fusion-ignition-achieved",
        "3.15 megajoules of fusion energy from 2.05 megajoules of laser energy, on 5 December 2022",
        ["3.15 megajoules", "2.05 megajoules"],
    ),
    (
        "How deep is Lake Baikal?",
        ["Lake Baikal depth", "deepest lake"],
        wiki("Lake_Baikal"),
        "About 1,642 m, making it the deepest lake in the world",
        ["1,642 m", "deepest lake in the world"],
    ),
]


def single_qa(engine, rng):
    out = []
    for question, queries, url, answer, evidence in SINGLE_QA:
        t = Traj(engine, question, f"qa {url}")
        q = rng.choice(queries)
        top_k = rng.choice([None, None, None, 3, 8])
        t.search(q, top_k=top_k, expect=url)
        t.open(url)
        t.answer(f"{answer} {cite(url)}.", evidence)
        out.append(t)
    return out


def multi_page(engine, rng):
    out = []
    # airport -> museum route + Thursday closing
    ug, uh = mc.MUSEUM + "visit/getting-here", mc.MUSEUM + "visit/opening-hours"
    t = Traj(
        engine,
        "I land at Metroville Airport on Thursday afternoon. How do I get to the Meridian Museum, and "
        "how late is it open that day?",
        "museum route+hours",
    )
    t.search("Meridian Museum getting here airport", expect=ug)
    t.open(ug)
    t.search("Meridian Museum opening hours Thursday", expect=uh)
    t.open(uh)
    t.answer(
        "Take the Red Line from the airport to Central Station, change to the Blue Line towards Harbourfront and "
        "get off after one stop at Museum Quarter (exit B, 4-minute walk) — about 30 minutes in total. On "
        f"Thursdays the museum stays open until 21:00, with last admission 45 minutes before closing {cite(ug, uh)}.",
        {
            ug: ["Red Line", "Museum Quarter", "about 30 minutes"],
            uh: ["Thursdays until 21:00", "45 minutes before closing"],
        },
    )
    out.append(t)

    # focaccia temperature in Fahrenheit
    uf, uc = mc.RECIPES + "recipes/rosemary-focaccia", mc.RECIPES + "guides/kitchen-conversions"
    t = Traj(
        engine, "My oven is in Fahrenheit. What should I set it to for the rosemary focaccia?", "focaccia F"
    )
    t.search("rosemary focaccia bake temperature", expect=uf)
    t.open(uf)
    t.search("oven temperature conversion Celsius Fahrenheit", expect=uc)
    t.open(uc)
    t.answer(
        f"The focaccia bakes at 220 °C for about 25 minutes, which is 425 °F (gas mark 7) {cite(uf, uc)}.",
        {uf: ["220 °C"], uc: ["220 °C = 425 °F"]},
    )
    out.append(t)

    # brioche with active dry yeast
    ub, uy = mc.RECIPES + "recipes/brioche", mc.RECIPES + "guides/yeast-types"
    t = Traj(
        engine,
        "I want to make the butter brioche but I only have active dry yeast. How much should I use?",
        "brioche yeast",
    )
    t.search("butter brioche recipe yeast", "convert instant yeast to active dry yeast", expect=[ub, uy])
    t.open(ub, uy)
    t.answer(
        "The brioche uses 10 g of instant yeast. Since 1 g of instant yeast corresponds to about 1.25 g of active "
        f"dry yeast, use about 12.5 g of active dry yeast {cite(ub, uy)}.",
        {ub: ["10 g instant yeast"], uy: ["1.25 g of active dry"]},
    )
    out.append(t)

    # Quartz Pi 5 and the 65 W charger
    up, uc = mc.SHOP + "products/sbc-8gb", mc.SHOP + "products/usb-c-charger-65w"
    t = Traj(engine, "Can I power the Quartz Pi 5 with VoltShop's 65 W USB-C charger?", "pi5 charger")
    t.search("Quartz Pi 5 power supply", expect=up)
    t.open(up)
    t.search("65 W USB-C charger output", expect=uc)
    t.open(uc)
    t.answer(
        "Not properly: the Quartz Pi 5 needs a 5 V / 5 A (27 W) USB-C supply for full USB power, while the 65 W "
        "GaN charger delivers at most 3.25 A per profile and its page notes it does not offer 5 V / 5 A "
        f"{cite(up, uc)}.",
        {up: ["5 V / 5 A"], uc: ["3.25 A", "does not offer"]},
    )
    out.append(t)

    # shop comparison with parallel searches
    u2, u4 = mc.SHOP + "products/dm-200-multimeter", mc.SHOP + "products/dm-450-multimeter"
    t = Traj(engine, "What's the difference between VoltShop's DM-200 and DM-450 multimeters?", "multimeters")
    t.search("DM-200 multimeter", "DM-450 multimeter", expect=[u2, u4])
    t.open(u2, u4)
    t.answer(
        "The DM-200 (€14.90) is a basic manual-ranging meter with a 2,000-count display, rated CAT III 300 V. "
        "The DM-450 (€49.00) is auto-ranging with True RMS, a 6,000-count backlit display, capacitance, "
        f"frequency and temperature ranges, CAT III 1000 V / CAT IV 600 V, and a three-year warranty {cite(u2, u4)}.",
        {u2: ["€14.90", "2,000-count", "CAT III 300 V"], u4: ["€49.00", "True RMS", "6,000"]},
    )
    out.append(t)

    # python comparison with parallel searches
    ut, um = mc.PYDOCS + "library/threading.html", mc.PYDOCS + "library/multiprocessing.html"
    t = Traj(
        engine,
        "For a CPU-heavy number-crunching job in Pylang, should I use threading or multiprocessing?",
        "threading vs multiprocessing",
    )
    t.search("threading global interpreter lock", "multiprocessing CPU-bound processes", expect=[ut, um])
    t.open(ut, um)
    t.answer(
        "Use multiprocessing (or ProcessPoolExecutor). In CPython the global interpreter lock lets only one "
        "thread run Python bytecode at a time, so threads suit I/O-bound work, while separate processes side-step "
        f"the GIL and use multiple cores {cite(ut, um)}.",
        {ut: ["global interpreter", "I/O-bound"], um: ["side-steps the global", "multiple CPU cores"]},
    )
    out.append(t)

    # json vs pickle, sequential
    uj, up = mc.PYDOCS + "library/json.html", mc.PYDOCS + "library/pickle.html"
    t = Traj(
        engine,
        "I need to send data from my Pylang service to a JavaScript front end. json or pickle?",
        "json vs pickle",
    )
    t.search("json vs pickle data exchange", expect=uj)
    t.open(uj)
    t.open(up)
    t.answer(
        "Use json: it is a text format that JavaScript reads natively and is safe to load from untrusted sources. "
        "pickle is a Python-specific binary format, and unpickling untrusted data can execute arbitrary code "
        f"{cite(uj, up)}.",
        {uj: ["safe to load from untrusted sources"], up: ["arbitrary code"]},
    )
    out.append(t)

    # transit + museum: family from Eastfield
    upr, ut = mc.TRANSIT + "travel/park-and-ride", mc.MUSEUM + "visit/tickets"
    t = Traj(
        engine,
        "We're two adults and two children driving in to visit the Meridian Museum. Is there a "
        "park-and-ride, and what will parking and entry cost?",
        "park and ride + museum",
    )
    t.search("park and ride Metroville", "Meridian Museum ticket prices", expect=[upr, ut])
    t.open(upr, ut)
    t.answer(
        "Yes — park at Eastfield (Blue Line, 600 spaces) or Westbrook (Green Line) for €5 a day; the parking "
        "ticket includes a day pass for two adults on metro, tram and bus lines in zones A and B. Museum entry is €16 per adult and "
        f"free for under-18s, so €32 for the family (or €36 for the family ticket with a planetarium show) {cite(upr, ut)}.",
        {upr: ["€5 per day", "day pass for two adults", "Eastfield"], ut: ["€16", "under 18", "€36"]},
    )
    out.append(t)

    # rivers: Budapest travel page + Danube encyclopedia
    ud, ubp = wiki("Danube"), mc.TRAVEL + "europe/hungary/budapest"
    t = Traj(
        engine, "Which river runs through Budapest, and which sea does it eventually reach?", "budapest river"
    )
    t.search("Budapest river", expect=ubp)
    t.open(ubp)
    t.search("Danube river mouth sea", expect=ud)
    t.open(ud)
    t.answer(
        "Budapest lies on the Danube, with Buda on the west bank and Pest on the east. The Danube eventually "
        f"flows into the Black Sea through the Danube Delta {cite(ubp, ud)}.",
        {ubp: ["Danube"], ud: ["Black Sea"]},
    )
    out.append(t)
    return out


FAMILIES = [
    river_facts,
    river_compare,
    planet_compare,
    planet_facts,
    mountain_facts,
    element_facts,
    clarifying,
    refine_flows,
    single_qa,
    multi_page,
]


def build(engine: SearchEngine) -> list[dict]:
    rng = random.Random(SEED)
    trajs: list[Traj] = []
    errors: list[str] = []
    for family in FAMILIES:
        try:
            trajs.extend(family(engine, rng))
        except BuildError as exc:
            errors.append(str(exc))
    if errors:
        raise BuildError("\n".join(errors))
    records = []
    for i, t in enumerate(trajs, start=1):
        records.append(
            {
                "id": f"browse-{i:04d}",
                "domain": "browse",
                "messages": t.messages,
                "tools": TOOLS,
                "env": {"corpus": "browse"},
                "meta": {"source": "pivotrl synthetic"},
            }
        )
    return records


# ---------------------------------------------------------------------------
# Self-check of the written file
# ---------------------------------------------------------------------------
def self_check(path: Path, engine: SearchEngine, corpus_urls: set[str]) -> tuple[list[str], dict]:
    problems: list[str] = []
    stats = dict(
        trajectories=0,
        assistant_turns=0,
        search_calls=0,
        open_calls=0,
        parallel_turns=0,
        parallel_search_turns=0,
        parallel_search_trajectories=0,
        clarifying_turns=0,
    )
    ids = set()
    validators = {
        name: jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        for name, schema in SCHEMAS.items()
    }
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        rec = json.loads(line)
        rid = rec.get("id")
        where = f"line {line_no} ({rid})"
        stats["trajectories"] += 1
        if rid in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(rid)
        if rec.get("domain") != "browse" or rec.get("env") != {"corpus": "browse"}:
            problems.append(f"{where}: wrong domain/env")
        if rec.get("meta", {}).get("source") != "pivotrl synthetic":
            problems.append(f"{where}: wrong meta.source")
        if rec.get("tools") != TOOLS:
            problems.append(f"{where}: tools differ from the two browse tools")
        msgs = rec["messages"]
        if msgs[0] != {"role": "system", "content": SYSTEM_PROMPT} or msgs[1]["role"] != "user":
            problems.append(f"{where}: must start with the system prompt and a user message")
        last = msgs[-1]
        if last["role"] != "assistant" or last.get("tool_calls") or not last.get("content"):
            problems.append(f"{where}: must end with a plain assistant answer")
        seen_call_ids: set[str] = set()
        has_parallel_search = False
        pending: list[dict] = []
        listed: set[str] = set()
        opened: list[str] = []
        for j, m in enumerate(msgs):
            role = m["role"]
            if role != "tool" and pending:
                problems.append(f"{where} msg {j}: tool calls {[c['id'] for c in pending]} left unanswered")
                pending = []
            if role == "assistant":
                stats["assistant_turns"] += 1
                calls = m.get("tool_calls") or []
                if calls and m.get("content") is not None:
                    problems.append(f"{where} msg {j}: tool-call turn should have content null")
                if not calls and not m.get("content"):
                    problems.append(f"{where} msg {j}: empty assistant turn")
                if not calls and j != len(msgs) - 1:
                    stats["clarifying_turns"] += 1
                    if j + 1 >= len(msgs) or msgs[j + 1]["role"] != "user":
                        problems.append(
                            f"{where} msg {j}: intermediate text turn not followed by a user turn"
                        )
                if len(calls) > 1:
                    stats["parallel_turns"] += 1
                    if all(c["function"]["name"] == "search" for c in calls):
                        stats["parallel_search_turns"] += 1
                        has_parallel_search = True
                for c in calls:
                    if c.get("type") != "function" or c["id"] in seen_call_ids:
                        problems.append(f"{where} msg {j}: bad or duplicate tool call id {c.get('id')}")
                    seen_call_ids.add(c["id"])
                    name = c["function"]["name"]
                    if name not in validators:
                        problems.append(f"{where} msg {j}: unknown tool {name}")
                        continue
                    try:
                        args = json.loads(c["function"]["arguments"])
                    except json.JSONDecodeError:
                        problems.append(f"{where} msg {j}: arguments are not JSON")
                        continue
                    errs = [e.message for e in validators[name].iter_errors(args)]
                    if errs:
                        problems.append(f"{where} msg {j}: {name} arguments invalid: {errs}")
                    if name == "search":
                        stats["search_calls"] += 1
                    else:
                        stats["open_calls"] += 1
                        url = args.get("url", "")
                        parts = urlparse(url)
                        if (
                            parts.scheme != "https"
                            or not parts.netloc
                            or not url.isascii()
                            or url not in corpus_urls
                        ):
                            problems.append(f"{where} msg {j}: opened URL not in corpus: {url}")
                        if url not in listed:
                            problems.append(f"{where} msg {j}: opened URL never listed by a search: {url}")
                pending = list(calls)
            elif role == "tool":
                if not pending:
                    problems.append(f"{where} msg {j}: tool message without a pending call")
                    continue
                call = pending.pop(0)
                if m.get("tool_call_id") != call["id"] or m.get("name") != call["function"]["name"]:
                    problems.append(f"{where} msg {j}: tool_call_id/name does not match call {call['id']}")
                args = json.loads(call["function"]["arguments"])
                if call["function"]["name"] == "search":
                    expected = engine.render_search(args["query"], args.get("top_k", 5))
                    listed.update(h.url for h in engine.search(args["query"], args.get("top_k", 5)))
                else:
                    expected = engine.render_page(args["url"])
                    opened.append(args["url"])
                if m.get("content") != expected:
                    problems.append(f"{where} msg {j}: tool output differs from the engine's")
            elif role == "user":
                if j > 1 and msgs[j - 1]["role"] != "assistant":
                    problems.append(f"{where} msg {j}: user turn must follow an assistant turn")
            elif role != "system" or j != 0:
                problems.append(f"{where} msg {j}: unexpected role {role}")
        stats["parallel_search_trajectories"] += has_parallel_search
        if pending:
            problems.append(f"{where}: unanswered tool calls at the end")
        if not opened:
            problems.append(f"{where}: no page opened")
        elif not any(u in last.get("content", "") for u in opened):
            problems.append(f"{where}: final answer cites no opened page")
    if stats["trajectories"] < MIN_TRAJECTORIES:
        problems.append(f"only {stats['trajectories']} trajectories (want >= {MIN_TRAJECTORIES})")
    if stats["parallel_search_trajectories"] < MIN_PARALLEL:
        problems.append(
            f"only {stats['parallel_search_trajectories']} trajectories with parallel searches "
            f"(want >= {MIN_PARALLEL})"
        )
    return problems, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=env_data("browse/trajectories.jsonl"),
                        help="output file (default: the shipped one, %(default)s)")
    out_path = parser.parse_args(argv).out
    # The corpus file must match what make_corpus builds.
    built = mc.build()
    on_disk = [
        json.loads(line) for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if built != on_disk:
        print("ERROR: corpus.jsonl is stale; run python -m pivotrl.datagen.browse.make_corpus first",
              file=sys.stderr)
        return 1
    corpus_urls = {d["url"] for d in on_disk}
    engine = SearchEngine.from_jsonl(CORPUS_PATH)
    try:
        records = build(engine)
    except BuildError as exc:
        print(f"ERROR: trajectory construction failed:\n{exc}", file=sys.stderr)
        return 1
    with open(out_path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    problems, stats = self_check(out_path, engine, corpus_urls)
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        return 1
    print(f"documents:        {len(on_disk)}")
    print(f"trajectories:     {stats['trajectories']}")
    print(f"assistant turns:  {stats['assistant_turns']}")
    print(f"search calls:     {stats['search_calls']}")
    print(f"open_page calls:  {stats['open_calls']}")
    print(
        f"parallel turns:   {stats['parallel_turns']} ({stats['parallel_search_turns']} with parallel searches, "
        f"in {stats['parallel_search_trajectories']} trajectories)"
    )
    print(f"clarifying turns: {stats['clarifying_turns']}")
    print(f"self-check OK; wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
