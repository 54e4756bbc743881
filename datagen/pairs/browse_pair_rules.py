"""Construction rules of the browse labeled set. Search queries are rewritten by hand-made
tables over the corpus vocabulary: same-intent rewrites (case, punctuation, stop words, word
order, synonyms) and near misses (another entity, a dropped entity, a wrong number, a
neighbouring topic, a degenerate query). Labels come from the rule, never from BM25."""

from __future__ import annotations

import re
from typing import Any

from .tool_pair_format import Call, Pair, bare_json_text, hermes_text, openai_message, text_message

# Interchangeable entities of the corpus (same kind, each its own page or topic).
ENTITY_GROUPS: dict[str, list[str]] = {
    "river": ["Rhine", "Danube", "Volga", "Elbe", "Seine", "Loire", "Thames", "Tagus", "Dnieper", "Vistula",
              "Oder", "Rhône", "Ebro", "Shannon", "Meuse", "Douro", "Tiber"],
    "lake": ["Lake Geneva", "Lake Constance", "Lake Baikal", "Lake Ladoga", "Lake Balaton", "Lake Como",
             "Lake Garda"],
    "planet": ["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"],
    "moon": ["Titan", "Ganymede", "Europa", "Callisto", "Enceladus", "Triton", "Phobos"],
    "mountain": ["Mont Blanc", "Matterhorn", "Eiger", "Zugspitze", "Mount Everest", "K2", "Kilimanjaro", "Denali",
                 "Aconcagua", "Mount Elbrus", "Mount Fuji", "Ben Nevis"],
    "element": ["Hydrogen", "Helium", "Carbon", "Nitrogen", "Oxygen", "Sodium", "Silicon", "Titanium", "Iron",
                "Copper", "Silver", "Gold", "Uranium"],
    "python_module": ["json", "pickle", "csv", "sqlite3", "pathlib", "shutil", "glob", "tempfile", "datetime",
                      "zoneinfo", "collections", "itertools", "functools", "heapq", "decimal", "fractions",
                      "subprocess", "threading", "multiprocessing", "asyncio", "argparse", "secrets", "difflib",
                      "logging"],
    "bread": ["sourdough", "focaccia", "brioche", "ciabatta", "baguette", "challah", "naan", "pita", "bagels",
              "cornbread", "rye bread"],
    "dish": ["tiramisu", "gazpacho", "carbonara", "bolognese", "lasagne", "minestrone", "pancakes", "brownies",
             "crêpes"],
    "city": ["Budapest", "Cologne", "Florence", "Seville", "Vienna", "Prague", "Lisbon", "Porto", "Basel", "Lyon"],
    "crop": ["garlic", "tomatoes", "radishes", "potatoes", "onions", "carrots"],
    "place": ["Meridian Museum", "VoltShop", "Metroville"],
}

# Phrases that stay together when words are reordered (besides the entities above).
PHRASES = [
    "first ascent", "melting point", "atomic number", "distance from the Sun", "opening hours", "pretty print",
    "lost property office", "Chain Bridge", "National Ignition Facility", "Europa Clipper", "red line", "Old Town",
    "no-knead bread", "soda bread", "park and ride", "single ticket", "temporary exhibition", "sourdough starter",
    "Dinosaur Hall", "oven temperature", "active dry yeast", "instant yeast", "web server", "elapsed time",
    "getting here", "ticket prices", "Quartz Pi 5", "65 W", "3.3 V", "5 V", "USB-C charger", "power supply",
    "raised beds", "garden bed", "close matches", "store opening hours", "shipping cost", "time zone",
    "global interpreter lock", "data exchange", "untrusted data", "capture output", "temporary directory",
    "function results", "best time to visit", "river cruise", "quick crop", "liquid metal", "Galilean moons",
    "step-free access", "wheelchair lift", "Celsius Fahrenheit", "butter brioche", "convert instant yeast",
    "Irish soda bread", "fuzzy match", "count occurrences", "exact decimal arithmetic", "CPU-bound processes",
]

# Same-intent rewrites of a word or phrase (written by hand from the corpus vocabulary).
SYNONYMS: list[tuple[str, str]] = [
    ("length", "how long"), ("height", "elevation"), ("moons", "satellites"), ("melting point", "melting temperature"),
    ("depth", "how deep"), ("first ascent", "first climbed"), ("recipe", "how to make"), ("prices", "cost"),
    ("price", "cost"), ("fare", "ticket price"), ("tickets", "admission"), ("opening hours", "hours open"),
    ("shipping cost", "delivery charge"), ("cost", "price"), ("bicycles", "bikes"), ("temporary", "temp"),
    ("capture output", "capture stdout"), ("pretty print", "pretty-print"), ("refrigerate", "chill in the fridge"),
    ("chill", "refrigerate"), ("quick crop", "fast-growing crop"), ("megajoules", "MJ"), ("largest", "biggest"),
    ("highest", "tallest"), ("web server", "HTTP server"), ("time zone", "timezone"), ("elapsed time", "time taken"),
    ("lost property office", "lost and found office"), ("getting here", "directions"), ("cache", "memoize"),
("plant apart", "spacing between plants"), ("when plant", "best time to plant"),
    ("distance from the Sun", "distance to the Sun"), ("climb", "ascend"),
    ("days", "duration in days"), ("best time to visit", "when to visit"), ("boil", "boiling"),
    ("hydration", "water percentage"), ("mouth", "estuary"), ("power supply", "power adapter"),
    ("security", "safety"), ("occurrences", "frequency"), ("suggest corrections", "propose corrections"),
    ("recursive", "recursively"), ("multimeter", "digital multimeter"), ("store", "shop"), ("arrival", "arrival date"),
    ("oldest", "most ancient"), ("output", "output power"), ("logic", "logic level"), ("resistor", "resistor value"),
    ("width", "how wide"), ("orbit", "orbital"), ("sea", "sea it flows into"),
]

# Rewrites of whole queries where a word's sense depends on the query ("opened" a bridge
# vs an opened package); checked before the word table.
QUERY_SYNONYMS: dict[str, str] = {
    "Chain Bridge Danube Budapest opened": "Chain Bridge Danube Budapest opening year",
    "return opened solder": "return policy opened solder",
    "json vs pickle data exchange": "json or pickle for data exchange",
    "Dinosaur Hall Triceratops": "Triceratops in the Dinosaur Hall",
}

STOP_PREFIXES = ["what is the", "the", "tell me the", "info on the"]

# A query about a neighbouring subject of the same site or cluster: another page, another need.
NEIGHBOURS: dict[str, str] = {
    "Meridian Museum tickets prices family": "Meridian Museum opening hours",
    "Meridian Museum opening hours Thursday": "Meridian Museum tickets prices",
    "Meridian Museum getting here airport": "Meridian Museum membership benefits",
    "Meridian Museum ticket prices": "Meridian Museum guided tours",
    "Meridian Museum temporary exhibition rivers": "Meridian Museum dinosaur hall",
    "Dinosaur Hall Triceratops": "Meridian Museum great rivers exhibition",
    "VoltShop store opening hours Saturday": "VoltShop shipping cost",
    "VoltShop shipping cost": "VoltShop returns policy",
    "return opened solder": "VoltShop shipping cost",
    "lost property office": "bicycles on trains",
    "bicycles on trains": "lost property office",
    "red line airport": "night bus routes",
    "park and ride Metroville": "Metroville monthly pass price",
    "Metroville single ticket airport zone fare": "Metroville park and ride",
    "step-free access stations wheelchair lift": "Metroville tram lines",
    "pickle security untrusted data": "pickle protocol versions",
    "tempfile temporary directory": "shutil copy directory tree",
    "cache function results lru_cache": "functools partial arguments",
    "subprocess run capture output": "threading start a thread",
    "secrets token_urlsafe": "random shuffle a list",
    "time zone Europe/Berlin datetime": "calendar leap year",
    "exact decimal arithmetic money": "fractions rational numbers",
    "python web server": "urllib download a URL",
    "glob recursive pattern": "pathlib file size",
    "measure elapsed time perf_counter": "time sleep seconds",
    "csv read rows dictionary header": "sqlite3 create table",
    "argparse add_argument": "logging basic configuration",
    "pretty print JSON indentation": "pickle dump object to file",
    "count occurrences collections Counter": "heapq smallest items",
    "json vs pickle data exchange": "base64 encode bytes",
    "threading global interpreter lock": "asyncio event loop",
    "classic sourdough loaf": "sourdough starter feeding",
    "sourdough starter ready": "classic sourdough loaf baking time",
    "overnight no-knead bread": "banana bread",
    "focaccia hydration": "ciabatta biga",
    "Irish soda bread": "skillet cornbread",
    "boil bagels": "braided challah strands",
    "tiramisu refrigerate": "crème brûlée torch",
    "gazpacho chill": "minestrone beans",
    "spaghetti carbonara guanciale": "cacio e pepe cheese",
    "bolognese tagliatelle": "classic lasagne layers",
    "Chain Bridge Danube Budapest opened": "Budapest thermal baths",
    "Cologne Kölsch glass": "Cologne cathedral towers",
    "Brunelleschi dome climb": "Florence Uffizi gallery tickets",
    "Rhine river cruise days": "Rhine river length",
    "Seville best time to visit": "Seville flamenco shows",
    "ESP32 3.3 V logic": "soldering iron temperature",
    "red LED resistor 5 V": "breadboard jumper wires",
    "when plant garlic": "when harvest potatoes",
    "tomatoes plant apart": "tomatoes blight",
    "quick crop radishes": "raised beds width",
    "Europa Clipper Jupiter arrival": "Juno spacecraft",
    "oldest bread": "oldest beer brewing",
    "National Ignition Facility megajoules": "ITER tokamak construction",
    "Lake Baikal depth": "Siberia rivers",
    "highest mountain Europe": "longest river Europe",
    "lakes Italy": "rivers Italy",
    "Galilean moons": "rings of Saturn",
    "crêpes recipe": "waffles recipe",
    "fuzzy match strings": "regular expression groups",
    "Old Town station": "Metroville airport train",
    "garden bed width": "compost bin",
}

NUMBER_SWAPS = {"65": "45", "3.3": "5", "200": "450", "450": "200", "5": "12"}
DEGENERATE = ["", "   ", "?", "search", "the"]
TEXT_INSTEAD = [
    "Let me search for that in the corpus.",
    "I'll look that up and get back to you.",
    "Searching now, one moment please.",
]
PAGE_ERROR_PREFIX = "Error: no page"


def _word_re(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])", re.IGNORECASE)


def find_entity(query: str) -> tuple[str, str, re.Match[str]] | None:
    """The longest corpus entity in the query: (group, entity, match)."""
    best = None
    for group, members in ENTITY_GROUPS.items():
        for entity in members:
            match = _word_re(entity).search(query)
            if match and (best is None or len(entity) > len(best[1])):
                best = (group, entity, match)
    return best


def chunks(query: str) -> list[str]:
    """The query split into words, entities and known phrases kept whole."""
    atoms = sorted([e for members in ENTITY_GROUPS.values() for e in members] + PHRASES, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for atom in atoms:
        for match in _word_re(atom).finditer(query):
            if all(match.end() <= s or match.start() >= e for s, e in spans):
                spans.append((match.start(), match.end()))
    out, i = [], 0
    for start, end in sorted(spans):
        out.extend(query[i:start].split())
        out.append(query[start:end])
        i = end
    out.extend(query[i:].split())
    return out


def with_query(calls: list[Call], index: int, query: str) -> list[Call]:
    new = list(calls)
    name, args = new[index]
    new[index] = (name, {**args, "query": query})
    return new


def listed_urls(messages: list[dict[str, Any]]) -> list[str]:
    """URLs the last search result of the prefix lists."""
    for message in reversed(messages):
        if message.get("role") == "tool" and message.get("name") == "search":
            return re.findall(r"^\s+(https?://\S+)$", message.get("content") or "", flags=re.MULTILINE)
    return []


class BrowseRules:
    """Candidates for one browse pivot; ``urls`` are the corpus URLs, ``stamp`` varies the
    fixed choices (prefix, degenerate query, ...) from pivot to pivot without an RNG."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls

    def for_pivot(self, pivot: Any, calls: list[Call]) -> list[Pair]:
        out: list[Pair] = []
        stamp = sum(map(ord, pivot.id))

        def add(category: str, candidate: Any, rule: str) -> None:
            out.append(Pair(pivot.id, candidate, category.startswith("eq/"), category, rule))

        add("eq/format_hermes", hermes_text(calls), "the same calls as Hermes <tool_call> text")
        add("eq/format_bare_json", bare_json_text(calls), "the same calls as bare JSON text")
        add("neq/text_instead_of_call", text_message(TEXT_INSTEAD[stamp % len(TEXT_INSTEAD)]),
            "a text reply where the reference calls a tool")
        if len(calls) > 1:
            add("eq/parallel_order", openai_message(list(reversed(calls))), "parallel calls in reverse order")
            for i, (name, args) in enumerate(calls):
                add("neq/parallel_missing", openai_message(calls[:i] + calls[i + 1:]),
                    f"call {i} ({name} {args}) left out")
            first = calls[0]
            if all(c != first for c in calls[1:]):
                add("neq/parallel_one_repeated", openai_message([first] * len(calls)),
                    f"call 0 made {len(calls)} times instead of the other calls")
        for index, (name, args) in enumerate(calls):
            at = "" if len(calls) == 1 else f"call {index}: "
            if name == "search":
                self._search(add, calls, index, args, at, stamp)
            elif name == "open_page":
                self._open(add, calls, index, args, at, pivot)
        return out

    def _search(self, add, calls: list[Call], index: int, args: dict[str, Any], at: str, stamp: int) -> None:
        query = args["query"]

        def q(category: str, new: str, what: str) -> None:
            if new != query:
                add(category, openai_message(with_query(calls, index, new)), f"{at}{query!r} -> {new!r} ({what})")

        q("eq/case", query.lower() if query.lower() != query else query.upper(), "letter case")
        q("eq/punctuation", query + "?" if stamp % 2 else query.replace(" ", ", ", 1) + ".", "punctuation")
        q("eq/stop_words", f"{STOP_PREFIXES[stamp % len(STOP_PREFIXES)]} {query}", "stop words added")
        parts = chunks(query)
        if len(parts) > 1:
            q("eq/word_order", " ".join([parts[-1], *parts[:-1]]), "last term moved to the front")
        if query in QUERY_SYNONYMS:
            q("eq/synonym", QUERY_SYNONYMS[query], "query rewrite table")
        else:
            for old, new in SYNONYMS:
                pattern = _word_re(old)
                if pattern.search(query):
                    q("eq/synonym", pattern.sub(new, query, count=1), f"synonym table: {old!r} -> {new!r}")
                    break
        if "top_k" not in args:
            new_calls = list(calls)
            new_calls[index] = ("search", {**args, "top_k": 5})
            add("eq/explicit_top_k", openai_message(new_calls), f"{at}top_k=5 given (schema default)")
        found = find_entity(query)
        if found:
            group, entity, match = found
            others = [e for e in ENTITY_GROUPS[group] if e.casefold() != entity.casefold()
                      and not _word_re(e).search(query)]
            other = others[stamp % len(others)]
            q("neq/entity_swap", query[: match.start()] + other + query[match.end():],
              f"{group} {entity!r} swapped for {other!r}")
            rest = " ".join((query[: match.start()] + " " + query[match.end():]).split())
            # Only where nothing else names the subject: no other proper noun or identifier
            # ("Chain Bridge", "lru_cache"), no dish whose ingredients still name it.
            if rest and rest == rest.lower() and "_" not in rest and group != "dish":
                q("neq/entity_dropped", rest, f"{group} {entity!r} left out")
        number = re.search(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w.])|(?<=-)\d+\b", query)
        if number:
            old = number.group(0)
            new_number = NUMBER_SWAPS.get(old, str(int(float(old)) + 1))
            q("neq/wrong_number", query[: number.start()] + new_number + query[number.end():],
              f"number {old} -> {new_number}")
        if query in NEIGHBOURS:
            q("neq/neighbour_topic", NEIGHBOURS[query], "a neighbouring topic (hand table)")
        q("neq/degenerate_query", DEGENERATE[stamp % len(DEGENERATE)], "empty or degenerate query")

    def _open(self, add, calls: list[Call], index: int, args: dict[str, Any], at: str, pivot: Any) -> None:
        url = args["url"]
        match = re.match(r"^(https)://([^/]+)(/.*)$", url)
        if not match:
            return
        scheme, host, path = match.groups()

        def u(category: str, new: str, what: str) -> None:
            new_calls = list(calls)
            new_calls[index] = ("open_page", {**args, "url": new})
            add(category, openai_message(new_calls), f"{at}{url} -> {new} ({what})")

        u("eq/url_host_case", f"{scheme}://{host.upper()}{path}", "host names are case-insensitive")
        u("eq/url_fragment", f"{url}#{'top' if len(path) % 2 else 'overview'}", "a fragment is not sent")
        # Not made: "host:443" (RFC 3986 equivalent) opens no page in the corpus engine, whose
        # URL normalisation keeps default ports; the environment decides what an action does.
        u("eq/url_http_scheme", f"http://{host}{path}", "http for https: the corpus serves one page for both")
        u("eq/url_no_scheme", f"{host}{path}", "scheme left out")
        u("eq/url_trailing_slash", f"{url}/", "trailing slash: the corpus serves one page for both")
        if path != path.lower():
            u("neq/url_path_case", f"{scheme}://{host}{path.lower()}", "paths are case-sensitive: no such page")
        elif path != path.upper():
            u("neq/url_path_case", f"{scheme}://{host}{path.title()}", "paths are case-sensitive: no such page")
        u("neq/url_wrong_host", f"{scheme}://{_other_tld(host)}{path}", "another host: no such site")
        directory = url.rsplit("/", 1)[0] + "/"
        siblings = [x for x in self.urls if x.startswith(directory) and x != url and "/" not in x[len(directory):]]
        if siblings:
            other = siblings[(len(url) * 7) % len(siblings)]
            u("neq/url_sibling_page", other, "another page of the same section")
        listed = [x for x in listed_urls(pivot.messages) if x != url and x not in {a.get("url") for _, a in calls}]
        if listed:
            u("neq/wrong_listed_page", listed[0], "another result of the last search")
        title = url.rstrip("/").rsplit("/", 1)[-1].replace("_", " ").replace("-", " ").removesuffix(".html")
        new_calls = list(calls)
        new_calls[index] = ("search", {"query": title})
        add("neq/search_instead_of_open", openai_message(new_calls), f"{at}search {title!r} instead of opening {url}")


def _other_tld(host: str) -> str:
    for old, new in ((".org", ".com"), (".com", ".net"), (".net", ".org"), (".gov", ".org"), (".example", ".test")):
        if host.endswith(old):
            return host[: -len(old)] + new
    return host + ".invalid"
