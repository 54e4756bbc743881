"""Build the local web corpus used by the ``browse`` pivot environment.

All documents below were written for this project (no text is copied from real
web pages).  The corpus is organised as a handful of fictional-but-plausible
websites: an encyclopedia, a programming-docs site, a cooking site, a travel
guide, an electronics store, a science-news site, a city transit authority, a
museum and a gardening site.  Several families (rivers, lakes, planets,
mountains, chemical elements) are generated from hand-written fact tables so
that trajectories (see ``make_trajectories.py``) can quote the same facts.

Run ``python -m pivotrl.datagen.browse.make_corpus [--out FILE]`` to (re)write the corpus
(default: the shipped ``pivot_envs/data/browse/corpus.jsonl``). The output is deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from pivotrl.datagen.shipped import env_data

MIN_WORDS = 60
MAX_WORDS = 200

DOCS: list[dict] = []


def clean(text: str) -> str:
    """Collapse the whitespace of a triple-quoted paragraph."""
    return re.sub(r"\s+", " ", text).strip()


def add(url: str, title: str, text: str) -> None:
    DOCS.append({"url": url, "title": clean(title), "text": clean(text)})


WIKI = "https://wiki.example.org/wiki/"

# ---------------------------------------------------------------------------
# Encyclopedia: rivers of Europe
# ---------------------------------------------------------------------------
# length_km and basin_km2 are rounded, commonly quoted figures.
RIVERS = [
    dict(
        slug="Rhine",
        name="Rhine",
        length_km=1230,
        basin_km2=185000,
        lead="The Rhine is one of the great rivers of western Europe and among the busiest inland waterways in the world.",
        source="near Lake Toma in the Swiss canton of Graubünden",
        course="through Switzerland, Liechtenstein, Austria, Germany, France and the Netherlands",
        mouth="the North Sea through the Rhine–Meuse delta in the Netherlands",
        sea="North Sea",
        cities="Basel, Strasbourg, Cologne, Düsseldorf and Rotterdam",
        notes="Near Schaffhausen it drops over the Rhine Falls, the largest plain waterfall in Europe, and it passes through Lake Constance. The gorge of the Middle Rhine, with its castles and the Lorelei rock, is a UNESCO World Heritage Site.",
    ),
    dict(
        slug="Danube",
        name="Danube",
        length_km=2850,
        basin_km2=801000,
        lead="The Danube is the second-longest river in Europe after the Volga and flows through more countries than any other river in the world.",
        source="in the Black Forest of Germany, where the Brigach and Breg streams meet at Donaueschingen",
        course="through ten countries: Germany, Austria, Slovakia, Hungary, Croatia, Serbia, Romania, Bulgaria, Moldova and Ukraine",
        mouth="the Black Sea through the Danube Delta on the Romanian–Ukrainian border",
        sea="Black Sea",
        cities="Ulm, Regensburg, Vienna, Bratislava, Budapest and Belgrade",
        notes="Four national capitals stand on its banks. The Iron Gates gorge between Serbia and Romania is its most dramatic stretch, and the delta is one of Europe's largest wetlands, home to pelicans and more than 300 bird species.",
    ),
    dict(
        slug="Volga",
        name="Volga",
        length_km=3530,
        basin_km2=1360000,
        lead="The Volga is the longest river in Europe and is often called the national river of Russia.",
        source="in the Valdai Hills northwest of Moscow",
        course="entirely within Russia, first east and then south",
        mouth="the Caspian Sea near Astrakhan",
        sea="Caspian Sea",
        cities="Tver, Yaroslavl, Nizhny Novgorod, Kazan, Samara and Volgograd",
        notes="Because the Caspian is an inland sea, the Volga has no natural outlet to the ocean, but canals link it to the Baltic, White, Azov and Black seas. Soviet-era dams turned long stretches of it into reservoirs such as the Kuybyshev Reservoir.",
    ),
    dict(
        slug="Elbe",
        name="Elbe",
        length_km=1094,
        basin_km2=148000,
        lead="The Elbe, known in Czech as the Labe, is one of the major rivers of Central Europe.",
        source="in the Krkonoše (Giant Mountains) of the northern Czech Republic",
        course="through Bohemia and then across eastern and northern Germany",
        mouth="the North Sea at Cuxhaven",
        sea="North Sea",
        cities="Dresden, Magdeburg and Hamburg",
        notes="Hamburg, about 110 km upstream of the mouth, is one of Europe's largest seaports. For part of the Cold War a stretch of the river formed the border between East and West Germany.",
    ),
    dict(
        slug="Seine",
        name="Seine",
        length_km=777,
        basin_km2=79000,
        lead="The Seine is the river of Paris and one of the main commercial waterways of northern France.",
        source="on the Langres plateau at Source-Seine, northwest of Dijon",
        course="northwest through Troyes, Paris and Rouen",
        mouth="the English Channel between Le Havre and Honfleur",
        sea="English Channel",
        cities="Troyes, Paris, Rouen and Le Havre",
        notes="In Paris the riverbanks between the Pont de Sully and the Pont d'Iéna are a UNESCO World Heritage Site, and 37 bridges cross the river within the city limits.",
    ),
    dict(
        slug="Loire",
        name="Loire",
        length_km=1006,
        basin_km2=117000,
        lead="The Loire is the longest river in France, famous for the châteaux that line its valley.",
        source="at Mont Gerbier de Jonc in the Massif Central",
        course="north and then west across central France",
        mouth="the Atlantic Ocean at Saint-Nazaire",
        sea="Atlantic Ocean",
        cities="Orléans, Blois, Tours, Angers and Nantes",
        notes="The Loire Valley between Sully-sur-Loire and Chalonnes-sur-Loire is a UNESCO World Heritage Site. It is often called the last wild river of France because so few dams interrupt its flow.",
    ),
    dict(
        slug="Thames",
        name="Thames",
        length_km=346,
        basin_km2=12900,
        lead="The Thames is the longest river entirely in England and flows through the heart of London.",
        source="at Thames Head near Kemble in Gloucestershire, in the Cotswolds",
        course="east through Oxford, Reading and Windsor",
        mouth="the North Sea via the Thames Estuary",
        sea="North Sea",
        cities="Oxford, Reading, Windsor and London",
        notes="Through Oxford it is often called the Isis. The river is tidal below Teddington Lock, and the Thames Barrier at Woolwich, operational since 1982, protects London from storm surges.",
    ),
    dict(
        slug="Po_(river)",
        name="Po",
        length_km=652,
        basin_km2=71000,
        lead="The Po is the longest river in Italy, crossing the broad plain of the north.",
        source="at Pian del Re on the slopes of Monte Viso in the Cottian Alps",
        course="eastward across the Po Valley",
        mouth="the Adriatic Sea through a wide delta south of Venice",
        sea="Adriatic Sea",
        cities="Turin, Piacenza and Cremona",
        notes="The Po Valley is Italy's most productive farming and industrial region and grows much of the country's rice. The Po Delta is a regional park and a well-known birdwatching area.",
    ),
    dict(
        slug="Tagus",
        name="Tagus",
        length_km=1007,
        basin_km2=80600,
        lead="The Tagus (Tajo in Spanish, Tejo in Portuguese) is the longest river of the Iberian Peninsula.",
        source="in the Montes Universales of the Sierra de Albarracín in eastern Spain",
        course="west across Spain and Portugal, looping around the city of Toledo",
        mouth="the Atlantic Ocean at Lisbon",
        sea="Atlantic Ocean",
        cities="Aranjuez, Toledo, Talavera de la Reina and Lisbon",
        notes="At Lisbon it widens into a large estuary crossed by the 25 de Abril Bridge and the Vasco da Gama Bridge, one of the longest bridges in Europe.",
    ),
    dict(
        slug="Dnieper",
        name="Dnieper",
        length_km=2200,
        basin_km2=504000,
        lead="The Dnieper is the fourth-longest river in Europe and the principal river of Ukraine.",
        source="in the Valdai Hills in Russia's Smolensk region",
        course="south through Russia, Belarus and Ukraine",
        mouth="the Black Sea through the Dnieper–Bug estuary",
        sea="Black Sea",
        cities="Smolensk, Kyiv, Dnipro and Zaporizhzhia",
        notes="A cascade of six large dams and reservoirs was built on its Ukrainian section in the 20th century. Kyiv, founded on its high right bank, has been the river's principal city for more than a thousand years.",
    ),
    dict(
        slug="Vistula",
        name="Vistula",
        length_km=1047,
        basin_km2=194000,
        lead="The Vistula (Wisła) is the longest river in Poland and its basin covers more than half of the country.",
        source="on the slopes of Barania Góra in the Silesian Beskids",
        course="north through the length of Poland",
        mouth="the Baltic Sea at Gdańsk Bay",
        sea="Baltic Sea",
        cities="Kraków, Warsaw, Płock and Toruń",
        notes="Much of its middle course remains unregulated, with sandbanks and wooded islands that shelter breeding terns and other birds.",
    ),
    dict(
        slug="Oder",
        name="Oder",
        length_km=840,
        basin_km2=119000,
        lead="The Oder (Odra) is a Central European river that forms much of the modern border between Germany and Poland.",
        source="in the Oder Mountains of the eastern Czech Republic",
        course="through Czechia and western Poland",
        mouth="the Baltic Sea via the Szczecin Lagoon",
        sea="Baltic Sea",
        cities="Ostrava, Opole, Wrocław, Frankfurt (Oder) and Szczecin",
        notes="The Oder–Neisse line, drawn after the Second World War, follows the river for about 187 km. In 1997 a major flood struck the valley and badly damaged Wrocław.",
    ),
    dict(
        slug="Rhone",
        name="Rhône",
        length_km=813,
        basin_km2=98000,
        lead="The Rhône is one of the major rivers of Europe, running from the Alps to the Mediterranean.",
        source="at the Rhône Glacier in the Swiss canton of Valais",
        course="through Lake Geneva and then south through eastern France",
        mouth="the Mediterranean Sea, where it forms the Camargue delta on the Gulf of Lion",
        sea="Mediterranean Sea",
        cities="Geneva, Lyon, Valence, Avignon and Arles",
        notes="At Lyon it is joined by the Saône, its main tributary. Its strong current powers many hydroelectric plants, and its lower valley is known for Côtes du Rhône wines.",
    ),
    dict(
        slug="Ebro",
        name="Ebro",
        length_km=910,
        basin_km2=85000,
        lead="The Ebro is the longest river flowing entirely within Spain.",
        source="at Fontibre in the Cantabrian Mountains",
        course="southeast across northern Spain",
        mouth="the Mediterranean Sea through the Ebro Delta in Catalonia",
        sea="Mediterranean Sea",
        cities="Logroño, Zaragoza and Tortosa",
        notes="The Ebro Delta, one of the largest wetlands of the western Mediterranean, is an important rice-growing area. The river's Latin name, Iberus, gave its name to the Iberian Peninsula.",
    ),
    dict(
        slug="Shannon",
        name="Shannon",
        length_km=360,
        basin_km2=16900,
        lead="The Shannon is the longest river in Ireland and in the British Isles.",
        source="at the Shannon Pot in County Cavan",
        course="south through the Irish midlands",
        mouth="the Atlantic Ocean through the Shannon Estuary west of Limerick",
        sea="Atlantic Ocean",
        cities="Carrick-on-Shannon, Athlone and Limerick",
        notes="It widens into several large lakes, including Lough Ree and Lough Derg. The Ardnacrusha hydroelectric station, completed in 1929, was one of the largest of its time.",
    ),
    dict(
        slug="Meuse",
        name="Meuse",
        length_km=925,
        basin_km2=36000,
        lead="The Meuse (Maas in Dutch) is a river of France, Belgium and the Netherlands.",
        source="at Pouilly-en-Bassigny on the Langres plateau in France",
        course="north through the Ardennes, Belgium and the southern Netherlands",
        mouth="the North Sea, sharing the Rhine–Meuse delta",
        sea="North Sea",
        cities="Verdun, Namur, Liège, Maastricht and Venlo",
        notes="Its valley through the Belgian Ardennes is lined with cliffs and castles, notably around Dinant. The river was a key defensive line in both world wars, most famously at Verdun.",
    ),
    dict(
        slug="Douro",
        name="Douro",
        length_km=897,
        basin_km2=97000,
        lead="The Douro (Duero in Spanish) is one of the major rivers of the Iberian Peninsula.",
        source="in the Picos de Urbión in the province of Soria, Spain",
        course="west across the Castilian plateau and through northern Portugal",
        mouth="the Atlantic Ocean at Porto",
        sea="Atlantic Ocean",
        cities="Soria, Zamora, Peso da Régua and Porto",
        notes="For about 112 km it forms the border between Spain and Portugal. The terraced vineyards of the Alto Douro, where the grapes for port wine are grown, are a UNESCO World Heritage Site.",
    ),
    dict(
        slug="Tiber",
        name="Tiber",
        length_km=406,
        basin_km2=17400,
        lead="The Tiber is the third-longest river in Italy and the river of Rome.",
        source="on Monte Fumaiolo in the Apennines",
        course="south through Umbria and Lazio",
        mouth="the Tyrrhenian Sea near Ostia",
        sea="Tyrrhenian Sea",
        cities="Città di Castello, Todi and Rome",
        notes="Tiber Island in central Rome is the only island in the river's urban stretch. In ancient times Ostia, at its mouth, served as the port of Rome.",
    ),
]

_RIVER_FORMS = [
    "{lead} It is about {length} km long. The river rises {source} and flows {course} before emptying into {mouth}. Its drainage basin covers roughly {basin} square kilometres, and cities along its course include {cities}. {notes}",
    "{lead} From its source {source}, the {name} runs for roughly {length} km, flowing {course}. It reaches {mouth}. The basin drains about {basin} km², and the main cities on its banks are {cities}. {notes}",
    "{lead} Measuring around {length} kilometres, the {name} begins {source}. It flows {course} and ends in {mouth}. Notable cities on the river are {cities}; its catchment area is about {basin} km². {notes}",
]


def fmt_int(n: int) -> str:
    return f"{n:,}"


def build_rivers() -> None:
    for i, r in enumerate(RIVERS):
        text = _RIVER_FORMS[i % len(_RIVER_FORMS)].format(
            lead=r["lead"],
            length=fmt_int(r["length_km"]),
            source=r["source"],
            course=r["course"],
            mouth=r["mouth"],
            basin=fmt_int(r["basin_km2"]),
            cities=r["cities"],
            notes=r["notes"],
            name=r["name"],
        )
        add(WIKI + r["slug"], f"{r['name']} (river)" if r["name"] == "Po" else r["name"], text)
    longest = sorted(RIVERS, key=lambda r: -r["length_km"])[:6]
    listing = "; ".join(f"{r['name']} ({fmt_int(r['length_km'])} km)" for r in longest)
    add(
        WIKI + "List_of_rivers_of_Europe",
        "List of rivers of Europe",
        f"""
        This list covers the main rivers of Europe ranked by length. The longest are: {listing}.
        The Volga and the Ural flow into the landlocked Caspian Sea, while the Danube, Dnieper
        and Don drain to the Black Sea. Rivers of the northwest such as the Rhine, Elbe, Meuse and
        Thames empty into the North Sea, and the Vistula and Oder reach the Baltic. In southern
        Europe the Rhône, Ebro and Po drain to the Mediterranean and its arms, and the Tagus,
        Douro and Loire reach the Atlantic. Many European rivers are linked by canals, allowing
        barges to travel from the North Sea to the Black Sea via the Rhine–Main–Danube Canal.""",
    )


# ---------------------------------------------------------------------------
# Encyclopedia: lakes
# ---------------------------------------------------------------------------
def build_lakes() -> None:
    add(
        WIKI + "Lake_Geneva",
        "Lake Geneva",
        """
        Lake Geneva (Lac Léman in French) is a lake on the north side of the Alps, shared between
        Switzerland and France. With an area of about 580 km² it is one of the largest lakes in
        Western Europe, and it reaches a maximum depth of about 310 m. The Rhône enters the lake at
        its eastern end and leaves it at Geneva. The crescent-shaped lake is lined by Geneva,
        Lausanne, Vevey and Montreux on the Swiss shore and Évian-les-Bains and Thonon on the
        French shore. The Jet d'Eau fountain in Geneva harbour throws water about 140 m into the
        air, and paddle steamers of the CGN fleet have crossed the lake since the 19th century.""",
    )
    add(
        WIKI + "Lake_Constance",
        "Lake Constance",
        """
        Lake Constance (Bodensee) lies on the Rhine at the northern foot of the Alps, where Germany,
        Austria and Switzerland meet. It covers about 536 km² and is up to 251 m deep. The lake
        consists of the large Obersee and the smaller Untersee, connected by a short stretch of the
        Rhine at Konstanz. It supplies drinking water to around four million people in southern
        Germany. Popular sights include the flower island of Mainau, the island town of Lindau and
        the festival stage on the water at Bregenz. Zeppelin airships were first built at
        Friedrichshafen on its northern shore.""",
    )
    add(
        WIKI + "Lake_Baikal",
        "Lake Baikal",
        """
        Lake Baikal, in southern Siberia, Russia, is the deepest lake in the world, reaching about
        1,642 m, and probably the oldest, at an estimated 25 to 30 million years. Although its
        surface area of about 31,700 km² is smaller than several other lakes, it holds roughly a
        fifth of the world's unfrozen fresh surface water. More than 300 rivers flow into it, but
        only the Angara drains it. Baikal is home to many endemic species, including the Baikal
        seal, or nerpa, one of the only freshwater seals. The lake freezes over in winter and was
        inscribed as a UNESCO World Heritage Site in 1996.""",
    )
    add(
        WIKI + "Lake_Ladoga",
        "Lake Ladoga",
        """
        Lake Ladoga, in northwestern Russia near Saint Petersburg, is the largest lake entirely in
        Europe, with an area of about 17,700 km². Its maximum depth is about 230 m. The lake drains
        through the short Neva River into the Gulf of Finland, and the Valaam archipelago in its
        north is known for a historic Orthodox monastery. During the siege of Leningrad in the
        Second World War, supplies were carried across the frozen lake on the 'Road of Life'. The
        Ladoga ringed seal is a freshwater subspecies found only here.""",
    )
    add(
        WIKI + "Lake_Balaton",
        "Lake Balaton",
        """
        Lake Balaton in western Hungary is the largest lake in Central Europe, covering about
        592 km². It is remarkably shallow, with an average depth of only about 3 m, so its water
        warms quickly in summer and the lake is a favourite holiday destination, sometimes called
        the 'Hungarian Sea'. The Tihany peninsula, with its Benedictine abbey founded in 1055,
        juts into the lake from the north shore, which is also known for volcanic hills and
        vineyards. The south shore has sandy, gently sloping beaches at resorts such as Siófok.
        The Zala River is its main inflow.""",
    )
    add(
        WIKI + "Loch_Ness",
        "Loch Ness",
        """
        Loch Ness is a long, deep freshwater loch in the Scottish Highlands, running about 37 km
        southwest from near Inverness along the Great Glen fault. With depths of around 230 m it
        holds more fresh water than all the lakes of England and Wales combined, making it the
        largest body of fresh water in Great Britain by volume. The loch forms part of the
        Caledonian Canal, which links the east and west coasts of Scotland. Urquhart Castle stands
        on its shore, and the loch is world famous for the legend of the Loch Ness Monster,
        'Nessie', popularised after a photograph published in 1934.""",
    )
    add(
        WIKI + "Lake_Como",
        "Lake Como",
        """
        Lake Como (Lago di Como) is a glacial lake in Lombardy, northern Italy, shaped like an
        upside-down letter Y. It covers about 146 km² and, at over 400 m deep, is one of the
        deepest lakes in Europe. The town of Bellagio sits at the point where the three branches
        meet, and the city of Como lies at the southwestern tip. The lake has been a retreat for
        the wealthy since Roman times and is known for villas such as Villa Carlotta and Villa del
        Balbianello. The Adda River flows in at the north end and out at Lecco.""",
    )
    add(
        WIKI + "Lake_Garda",
        "Lake Garda",
        """
        Lake Garda (Lago di Garda) is the largest lake in Italy, with an area of about 370 km²,
        lying between Lombardy, Veneto and Trentino. Its narrow northern end is framed by
        mountains and is popular for windsurfing near Riva del Garda, while the wider southern
        basin is surrounded by rolling hills. The maximum depth is about 346 m. Sirmione, on a
        slender peninsula in the south, has a moated castle and Roman ruins known as the Grottoes
        of Catullus. The lake's mild climate allows olive and lemon trees to grow on its shores.""",
    )


# ---------------------------------------------------------------------------
# Encyclopedia: planets, dwarf planets and moons
# ---------------------------------------------------------------------------
# Figures follow commonly quoted fact-sheet values (equatorial diameter, mean
# distance from the Sun).  Moon counts are "known moons as of 2024".
PLANETS = [
    dict(
        name="Mercury",
        slug="Mercury_(planet)",
        order="first",
        diameter_km=4879,
        mass_earth=0.055,
        dist_mkm=57.9,
        dist_au=0.39,
        year="88 Earth days",
        rotation="It spins slowly, once every 58.6 Earth days, so a full solar day lasts about 176 Earth days",
        moons=0,
        temp_c=167,
        lead="Mercury is the smallest planet in the Solar System and the closest to the Sun.",
        notes="It has almost no atmosphere, so temperatures swing from about 430 °C by day to −180 °C at night. NASA's MESSENGER probe orbited it from 2011 to 2015, and the European–Japanese BepiColombo mission is on its way.",
    ),
    dict(
        name="Venus",
        slug="Venus",
        order="second",
        diameter_km=12104,
        mass_earth=0.815,
        dist_mkm=108.2,
        dist_au=0.72,
        year="224.7 Earth days",
        rotation="It rotates backwards (retrograde) once every 243 Earth days, longer than its year",
        moons=0,
        temp_c=464,
        lead="Venus is the second planet from the Sun and the hottest planet in the Solar System.",
        notes="Its dense carbon-dioxide atmosphere, with a surface pressure about 92 times Earth's, traps heat in a runaway greenhouse effect. Clouds of sulfuric acid hide the surface, which NASA's Magellan orbiter mapped by radar in the early 1990s. Venus is similar in size to Earth and is often called Earth's twin.",
    ),
    dict(
        name="Earth",
        slug="Earth",
        order="third",
        diameter_km=12756,
        mass_earth=1.0,
        dist_mkm=149.6,
        dist_au=1.00,
        year="365.25 days",
        rotation="It rotates once every 23 hours 56 minutes relative to the stars",
        moons=1,
        temp_c=15,
        lead="Earth is the third planet from the Sun and the only astronomical object known to harbour life.",
        notes="About 71 percent of its surface is covered by oceans. Its nitrogen–oxygen atmosphere and magnetic field shield the surface from harmful radiation. Earth is the densest planet in the Solar System and the largest of the four rocky planets.",
    ),
    dict(
        name="Mars",
        slug="Mars",
        order="fourth",
        diameter_km=6792,
        mass_earth=0.107,
        dist_mkm=227.9,
        dist_au=1.52,
        year="687 Earth days",
        rotation="A Martian day, or sol, lasts 24 hours 37 minutes",
        moons=2,
        temp_c=-65,
        lead="Mars, the Red Planet, is the fourth planet from the Sun; iron oxide dust gives its surface a reddish colour.",
        notes="Mars hosts Olympus Mons, the tallest volcano in the Solar System at about 22 km, and the Valles Marineris canyon system. Rovers such as Curiosity (landed 2012) and Perseverance (landed 2021) are studying its geology and searching for signs of ancient life.",
    ),
    dict(
        name="Jupiter",
        slug="Jupiter",
        order="fifth",
        diameter_km=142984,
        mass_earth=317.8,
        dist_mkm=778.5,
        dist_au=5.20,
        year="11.86 Earth years",
        rotation="It has the shortest day of any planet, rotating once every 9 hours 56 minutes",
        moons=95,
        temp_c=-110,
        lead="Jupiter is the fifth planet from the Sun and by far the largest planet in the Solar System.",
        notes="A gas giant made mostly of hydrogen and helium, it is more than twice as massive as all the other planets combined. Its Great Red Spot is a storm larger than Earth. The four large Galilean moons — Io, Europa, Ganymede and Callisto — were discovered by Galileo Galilei in 1610.",
    ),
    dict(
        name="Saturn",
        slug="Saturn",
        order="sixth",
        diameter_km=120536,
        mass_earth=95.2,
        dist_mkm=1432.0,
        dist_au=9.54,
        year="29.4 Earth years",
        rotation="It rotates once every 10 hours 33 minutes",
        moons=146,
        temp_c=-140,
        lead="Saturn is the sixth planet from the Sun, the second-largest planet, and is best known for its spectacular ring system.",
        notes="The rings are made of countless pieces of ice and rock. Saturn's average density is lower than that of water. Its largest moon, Titan, has a thick atmosphere. The Cassini spacecraft orbited Saturn from 2004 until it was deliberately plunged into the planet in 2017.",
    ),
    dict(
        name="Uranus",
        slug="Uranus",
        order="seventh",
        diameter_km=51118,
        mass_earth=14.5,
        dist_mkm=2867.0,
        dist_au=19.19,
        year="84 Earth years",
        rotation="It rotates in about 17 hours 14 minutes, but its axis is tilted by about 98 degrees, so it spins almost on its side",
        moons=28,
        temp_c=-195,
        lead="Uranus is the seventh planet from the Sun and an ice giant with a pale blue-green colour caused by methane in its atmosphere.",
        notes="It was the first planet discovered with a telescope, by William Herschel in 1781. Its extreme tilt produces seasons that each last about 21 years. Voyager 2 is the only spacecraft to have visited it, flying past in 1986.",
    ),
    dict(
        name="Neptune",
        slug="Neptune",
        order="eighth",
        diameter_km=49528,
        mass_earth=17.1,
        dist_mkm=4515.0,
        dist_au=30.07,
        year="164.8 Earth years",
        rotation="It rotates once every 16 hours 6 minutes",
        moons=16,
        temp_c=-200,
        lead="Neptune is the eighth and most distant planet from the Sun, a deep-blue ice giant.",
        notes="It was the first planet found by mathematical prediction: Johann Galle observed it in 1846 close to the position calculated by Urbain Le Verrier. Neptune has the strongest winds measured in the Solar System, exceeding 2,000 km/h. Its largest moon, Triton, orbits backwards. Voyager 2 flew past in 1989.",
    ),
]

_PLANET_FORMS = [
    "{lead} It orbits the Sun at an average distance of about {dist} million km ({au} AU), completing one orbit every {year}. Its equatorial diameter is about {diam} km and {mass_sentence} {rotation}. {moons_sentence} {temp_sentence} {notes}",
    "{lead} With an equatorial diameter of {diam} km, it orbits at a mean distance of {dist} million km ({au} AU), and a year on {name} lasts {year}; {mass_sentence} {rotation}. {moons_sentence} {temp_sentence} {notes}",
]


def _moons_sentence(p: dict) -> str:
    n = p["moons"]
    if n == 0:
        return f"{p['name']} has no moons."
    if n == 1:
        return "It has one natural satellite, the Moon."
    if n == 2:
        return "It has two small moons, Phobos and Deimos."
    return f"It has {n} known moons (as of 2024)."


def build_planets() -> None:
    for i, p in enumerate(PLANETS):
        if p["mass_earth"] == 1.0:
            mass_sentence = "its mass of about 5.97 × 10^24 kg is the unit used for planetary masses."
        else:
            mass_sentence = f"its mass is {p['mass_earth']:g} times that of Earth."
        temp = f"{p['temp_c']}".replace("-", "−")
        if p["diameter_km"] > 40000:
            temp_sentence = f"The mean temperature at the cloud tops is about {temp} °C."
        else:
            temp_sentence = f"The mean surface temperature is about {temp} °C."
        text = _PLANET_FORMS[i % 2].format(
            lead=p["lead"],
            order=p["order"],
            dist=f"{p['dist_mkm']:,.1f}",
            au=f"{p['dist_au']:.2f}",
            year=p["year"],
            diam=fmt_int(p["diameter_km"]),
            mass_sentence=mass_sentence,
            rotation=p["rotation"],
            moons_sentence=_moons_sentence(p),
            temp_sentence=temp_sentence,
            notes=p["notes"],
            name=p["name"],
        )
        add(WIKI + p["slug"], p["name"] if p["name"] != "Mercury" else "Mercury (planet)", text)

    add(
        WIKI + "Solar_System",
        "Solar System",
        """
        The Solar System consists of the Sun and the objects bound to it by gravity: eight planets,
        at least five dwarf planets, hundreds of moons and countless asteroids and comets. In order
        from the Sun the planets are Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus and
        Neptune. The four inner planets are small and rocky; the four outer planets are giants,
        with Jupiter and Saturn classed as gas giants and Uranus and Neptune as ice giants. The
        asteroid belt lies between Mars and Jupiter, and beyond Neptune lies the Kuiper belt, home
        to Pluto. The Sun contains about 99.86 percent of the system's mass. The Solar System
        formed about 4.6 billion years ago from a collapsing cloud of gas and dust.""",
    )
    add(
        WIKI + "Pluto",
        "Pluto",
        """
        Pluto is a dwarf planet in the Kuiper belt. It was discovered by Clyde Tombaugh at Lowell
        Observatory in 1930 and was counted as the ninth planet until 2006, when the International
        Astronomical Union adopted a definition of 'planet' that excluded it. Pluto has a diameter
        of about 2,377 km, smaller than Earth's Moon, and takes about 248 years to orbit the Sun on
        an eccentric path that sometimes brings it closer than Neptune. It has five known moons,
        the largest being Charon, which is about half Pluto's size. NASA's New Horizons probe flew
        past in July 2015 and revealed a heart-shaped nitrogen-ice plain named Sputnik Planitia.""",
    )
    add(
        WIKI + "Ceres_(dwarf_planet)",
        "Ceres (dwarf planet)",
        """
        Ceres is the largest object in the asteroid belt between Mars and Jupiter and the only
        dwarf planet in the inner Solar System. It was discovered by Giuseppe Piazzi in Palermo on
        1 January 1801 and was first considered a planet, then an asteroid, and since 2006 a dwarf
        planet. Ceres is about 940 km across and orbits the Sun every 4.6 years. NASA's Dawn
        spacecraft orbited it from 2015 to 2018 and found bright deposits of sodium carbonate in
        Occator crater, suggesting salty water once reached the surface.""",
    )
    add(
        WIKI + "Eris_(dwarf_planet)",
        "Eris (dwarf planet)",
        """
        Eris is a dwarf planet in the scattered disc beyond Neptune. Its discovery in 2005 by
        Michael Brown, Chad Trujillo and David Rabinowitz, announced as a possible 'tenth planet',
        prompted the debate that led to Pluto's reclassification in 2006. Eris is about 2,326 km in
        diameter, almost the same size as Pluto but noticeably more massive. It takes about 559
        years to orbit the Sun and is currently nearly three times as far from the Sun as Pluto.
        Eris has one known moon, Dysnomia, named after the daughter of Eris in Greek mythology.""",
    )
    add(
        WIKI + "Haumea",
        "Haumea",
        """
        Haumea is a dwarf planet in the Kuiper belt, notable for its elongated, egg-like shape. It
        spins once about every 4 hours, faster than any other known large body in the Solar
        System, and this rapid rotation stretches it to roughly 2,300 km along its longest axis.
        Haumea has two small moons, Hiʻiaka and Namaka, and in 2017 astronomers discovered that it
        also has a ring, the first found around a trans-Neptunian object. It is named after the
        Hawaiian goddess of childbirth and orbits the Sun about every 285 years.""",
    )
    add(
        WIKI + "Makemake",
        "Makemake",
        """
        Makemake is a dwarf planet in the Kuiper belt, about 1,430 km across, making it one of the
        largest known trans-Neptunian objects after Pluto and Eris. It was discovered in March 2005
        shortly after Easter, and is named after the creator god of the Rapa Nui people of Easter
        Island. Makemake orbits the Sun every 305 years or so. Its surface is covered with frozen
        methane and ethane, giving it a reddish-brown colour. A small, dark moon, nicknamed MK2,
        was detected by the Hubble Space Telescope in 2016.""",
    )
    add(
        WIKI + "Moon",
        "Moon",
        """
        The Moon is Earth's only natural satellite. It has a diameter of about 3,474 km, roughly a
        quarter of Earth's, and orbits at an average distance of 384,400 km. It takes about 27.3
        days to orbit Earth relative to the stars, and because it is tidally locked the same side
        always faces us. The cycle of phases, from new moon to new moon, lasts about 29.5 days. The
        Moon most likely formed from debris after a Mars-sized body collided with the young Earth.
        Twelve astronauts walked on its surface during the Apollo missions between 1969 and 1972,
        beginning with Neil Armstrong and Buzz Aldrin of Apollo 11.""",
    )
    add(
        WIKI + "Titan_(moon)",
        "Titan (moon)",
        """
        Titan is the largest moon of Saturn and the second-largest moon in the Solar System, with a
        diameter of about 5,150 km — larger than the planet Mercury. It is the only moon with a
        thick atmosphere, which is mostly nitrogen and about one and a half times as dense at the
        surface as Earth's. Titan has rivers, lakes and seas of liquid methane and ethane,
        especially near its north pole. It was discovered by Christiaan Huygens in 1655. The
        Huygens probe landed on Titan in January 2005, and NASA's Dragonfly rotorcraft is planned
        to explore its surface.""",
    )
    add(
        WIKI + "Ganymede_(moon)",
        "Ganymede (moon)",
        """
        Ganymede, a moon of Jupiter, is the largest moon in the Solar System, with a diameter of
        about 5,268 km, making it larger than the planet Mercury. It is the only moon known to
        generate its own magnetic field. Ganymede is made of roughly equal amounts of rock and
        water ice and is thought to hide a salty ocean beneath its icy crust. It orbits Jupiter
        once every 7.2 days. It was discovered by Galileo Galilei in January 1610. ESA's JUICE
        spacecraft, launched in 2023, is due to enter orbit around Ganymede in the 2030s.""",
    )
    add(
        WIKI + "Europa_(moon)",
        "Europa (moon)",
        """
        Europa is the smallest of Jupiter's four Galilean moons, about 3,122 km in diameter,
        slightly smaller than Earth's Moon. Its smooth surface of water ice is crossed by long
        cracks and ridges and has very few craters, meaning it is geologically young. Beneath the
        ice lies a global ocean of salty liquid water, which makes Europa one of the most promising
        places to search for life beyond Earth. NASA's Europa Clipper spacecraft, launched in
        October 2024, will make dozens of close flybys to study the ice shell and ocean.""",
    )
    add(
        WIKI + "Io_(moon)",
        "Io (moon)",
        """
        Io is the innermost of Jupiter's Galilean moons and the most volcanically active body in
        the Solar System, with more than 400 active volcanoes. Its diameter is about 3,643 km.
        Tidal heating caused by Jupiter's gravity and orbital resonance with Europa and Ganymede
        keeps its interior molten. Lava lakes and plumes of sulfur and sulfur dioxide, some rising
        hundreds of kilometres, give its surface yellow, red and white colours. Io's volcanoes
        were discovered in 1979 in images from Voyager 1.""",
    )
    add(
        WIKI + "Callisto_(moon)",
        "Callisto (moon)",
        """
        Callisto is the second-largest moon of Jupiter and the third-largest in the Solar System,
        with a diameter of about 4,821 km. Its dark surface is the most heavily cratered of any
        known object, indicating that it has changed little for billions of years. Callisto orbits
        farther from Jupiter than the other Galilean moons, taking 16.7 days, and it does not take
        part in their orbital resonance, so it experiences little tidal heating. Like Ganymede and
        Europa it may contain a subsurface ocean.""",
    )
    add(
        WIKI + "Enceladus",
        "Enceladus",
        """
        Enceladus is a small icy moon of Saturn, only about 504 km in diameter, yet one of the most
        intriguing worlds in the Solar System. Its surface is the most reflective of any body in
        the Solar System. In 2005 the Cassini spacecraft discovered jets of water vapour and ice
        grains erupting from 'tiger stripe' fractures near its south pole. The plumes come from a
        subsurface salty ocean and feed Saturn's E ring. Cassini flew through the plumes and
        detected salts, silica and simple organic molecules.""",
    )
    add(
        WIKI + "Triton_(moon)",
        "Triton (moon)",
        """
        Triton is the largest moon of Neptune, with a diameter of about 2,707 km. It is the only
        large moon in the Solar System that orbits in the opposite direction to its planet's
        rotation, which suggests it is a captured Kuiper belt object. Triton was discovered by
        William Lassell in 1846, just 17 days after Neptune itself. When Voyager 2 flew past in
        1989 it photographed geyser-like plumes of nitrogen gas and a surface of frozen nitrogen
        with few craters. Its surface temperature of about −235 °C is among the coldest measured.""",
    )
    add(
        WIKI + "Phobos_(moon)",
        "Phobos (moon)",
        """
        Phobos is the larger and inner of the two moons of Mars, an irregular lump about 27 km
        long. It orbits only about 6,000 km above the Martian surface, closer than any other known
        moon to its planet, and completes an orbit in about 7 hours 39 minutes — faster than Mars
        rotates. Tidal forces are slowly pulling it inward, and in tens of millions of years it will
        break up or crash into Mars. Phobos and its sibling Deimos were discovered by Asaph Hall in
        1877. Its largest feature is Stickney crater, about 9 km wide.""",
    )


# ---------------------------------------------------------------------------
# Encyclopedia: mountains
# ---------------------------------------------------------------------------
MOUNTAINS = [
    dict(
        slug="Mont_Blanc",
        name="Mont Blanc",
        height_m=4806,
        range_="the Graian Alps",
        where="on the border between France and Italy",
        ascent="on 8 August 1786 by Jacques Balmat and Michel-Gabriel Paccard",
        lead="Mont Blanc is the highest mountain in the Alps and in Western Europe.",
        notes="Its summit height varies by a metre or two from year to year because of the thickness of the ice cap. The Mont Blanc Tunnel, opened in 1965, runs 11.6 km beneath the massif between Chamonix in France and Courmayeur in Italy, and the Aiguille du Midi cable car brings visitors close to the summit.",
    ),
    dict(
        slug="Monte_Rosa",
        name="Monte Rosa",
        height_m=4634,
        range_="the Pennine Alps",
        where="on the border between Switzerland and Italy",
        ascent="in 1855 by a party led by Charles Hudson, which reached its highest point, the Dufourspitze",
        lead="Monte Rosa is a huge glaciated massif and the second-highest mountain in the Alps.",
        notes="The Dufourspitze is the highest summit in Switzerland. The massif also holds the Capanna Margherita, the highest building in Europe, a mountain hut on the Signalkuppe at about 4,554 m.",
    ),
    dict(
        slug="Matterhorn",
        name="Matterhorn",
        height_m=4478,
        range_="the Pennine Alps",
        where="on the border between Switzerland and Italy, above Zermatt and Breuil-Cervinia",
        ascent="on 14 July 1865 by Edward Whymper's party, four of whom died in a fall on the descent",
        lead="The Matterhorn is one of the most famous mountains in the world, recognised by its near-symmetrical pyramid shape.",
        notes="The usual route climbs the Hörnli ridge from the Swiss side. The mountain's silhouette appears on Swiss chocolate packaging, and more than 500 climbers have died on its slopes since the first ascent.",
    ),
    dict(
        slug="Eiger",
        name="Eiger",
        height_m=3967,
        range_="the Bernese Alps",
        where="in Switzerland, above Grindelwald",
        ascent="in 1858 by Charles Barrington with the guides Christian Almer and Peter Bohren",
        lead="The Eiger is a Swiss mountain best known for its notorious north face.",
        notes="The 1,800 m north face, the Nordwand, was first climbed in July 1938 by Anderl Heckmair, Ludwig Vörg, Heinrich Harrer and Fritz Kasparek. The Jungfrau Railway tunnels through the Eiger on its way to the Jungfraujoch.",
    ),
    dict(
        slug="Zugspitze",
        name="Zugspitze",
        height_m=2962,
        range_="the Wetterstein Mountains",
        where="on the border between Germany and Austria",
        ascent="in 1820 by the surveyor Josef Naus, his assistant and a local guide",
        lead="The Zugspitze is the highest mountain in Germany.",
        notes="The summit can be reached by a cogwheel railway from Garmisch-Partenkirchen and by cable cars from both the German and Austrian sides. Small glaciers still cling to its flanks, and a weather station has operated at the top since 1900.",
    ),
    dict(
        slug="Mount_Everest",
        name="Mount Everest",
        height_m=8849,
        range_="the Mahalangur Himal of the Himalayas",
        where="on the border between Nepal and the Tibet region of China",
        ascent="on 29 May 1953 by Edmund Hillary and Tenzing Norgay",
        lead="Mount Everest is Earth's highest mountain above sea level.",
        notes="Its height of 8,848.86 m was announced jointly by China and Nepal in 2020. It is called Sagarmatha in Nepali and Chomolungma in Tibetan. Most climbers use the South Col route from Nepal or the North Ridge from Tibet.",
    ),
    dict(
        slug="K2",
        name="K2",
        height_m=8611,
        range_="the Karakoram",
        where="on the border between Pakistan and China",
        ascent="on 31 July 1954 by Lino Lacedelli and Achille Compagnoni of an Italian expedition",
        lead="K2 is the second-highest mountain on Earth and is widely regarded as harder and more dangerous to climb than Everest.",
        notes="Its name comes from the survey notation of the Great Trigonometrical Survey of India. The first winter ascent was made in January 2021 by a team of ten Nepali climbers.",
    ),
    dict(
        slug="Kilimanjaro",
        name="Mount Kilimanjaro",
        height_m=5895,
        range_="the volcanic highlands of East Africa",
        where="in northeastern Tanzania, near the Kenyan border",
        ascent="in 1889 by Hans Meyer and Ludwig Purtscheller",
        lead="Mount Kilimanjaro is the highest mountain in Africa and the highest free-standing mountain in the world.",
        notes="Its highest point, Uhuru Peak, lies on the crater rim of Kibo, the tallest of its three volcanic cones. Climbers pass through rainforest, moorland and alpine desert on the way up, and its summit glaciers have shrunk dramatically since the early 20th century.",
    ),
    dict(
        slug="Denali",
        name="Denali",
        height_m=6190,
        range_="the Alaska Range",
        where="in Alaska, United States",
        ascent="in 1913 by Hudson Stuck, Harry Karstens, Walter Harper and Robert Tatum",
        lead="Denali, also known as Mount McKinley, is the highest mountain in North America.",
        notes="Measured from its base to its summit, its rise of about 5,500 m is greater than Everest's. Walter Harper, an Alaska Native, was the first person to stand on the summit. Most climbers take the West Buttress route.",
    ),
    dict(
        slug="Aconcagua",
        name="Aconcagua",
        height_m=6961,
        range_="the Andes",
        where="in Mendoza Province, Argentina",
        ascent="in 1897 by the Swiss guide Matthias Zurbriggen, a member of Edward FitzGerald's expedition",
        lead="Aconcagua is the highest mountain in the Americas and the highest outside Asia.",
        notes="The normal route from the north is non-technical, making it a popular objective, but altitude sickness and fierce winds known as 'viento blanco' turn many climbers back.",
    ),
    dict(
        slug="Mount_Elbrus",
        name="Mount Elbrus",
        height_m=5642,
        range_="the Caucasus",
        where="in southern Russia, near the border with Georgia",
        ascent="in 1829 by Khillar Khachirov, who reached the lower east summit; the higher west summit was first climbed in 1874",
        lead="Mount Elbrus is a dormant volcano and, by the most common definition of the boundary, the highest mountain in Europe.",
        notes="It has two summits, both dormant volcanic domes. Cable cars and chairlifts run up the southern slopes to about 3,800 m, and the mountain is covered by an ice cap feeding 22 glaciers.",
    ),
    dict(
        slug="Mount_Fuji",
        name="Mount Fuji",
        height_m=3776,
        range_="central Honshu",
        where="in Japan, about 100 km southwest of Tokyo",
        ascent="in 663, according to tradition, by an unnamed monk",
        lead="Mount Fuji, an active stratovolcano, is the highest mountain in Japan and a national symbol.",
        notes="It last erupted in 1707, during the Hōei eruption. The official climbing season runs from early July to early September, and it was inscribed as a UNESCO cultural World Heritage Site in 2013 for its place in art and religion.",
    ),
    dict(
        slug="Ben_Nevis",
        name="Ben Nevis",
        height_m=1345,
        range_="the Grampian Mountains",
        where="near Fort William in the Scottish Highlands",
        ascent="in 1771 by the botanist James Robertson",
        lead="Ben Nevis is the highest mountain in the British Isles.",
        notes="Its summit is the remains of an ancient volcano. A weather observatory was staffed on the summit from 1883 to 1904. The popular Mountain Track takes most walkers six to eight hours up and down.",
    ),
    dict(
        slug="Mount_Kosciuszko",
        name="Mount Kosciuszko",
        height_m=2228,
        range_="the Snowy Mountains of the Great Dividing Range",
        where="in New South Wales, Australia",
        ascent="in 1840 by the Polish explorer Paweł Strzelecki",
        lead="Mount Kosciuszko is the highest mountain on mainland Australia.",
        notes="Strzelecki named it after the Polish-Lithuanian national hero Tadeusz Kościuszko. The summit is an easy walk of about 13 km return from the top of the Thredbo chairlift.",
    ),
]


def build_mountains() -> None:
    for i, m in enumerate(MOUNTAINS):
        if i % 2 == 0:
            text = (
                f"{m['lead']} It rises to {fmt_int(m['height_m'])} m above sea level in {m['range_']}, "
                f"{m['where']}. The first recorded ascent was made {m['ascent']}. {m['notes']}"
            )
        else:
            text = (
                f"{m['lead']} Standing {fmt_int(m['height_m'])} m high, it lies {m['where']}, in "
                f"{m['range_']}. It was first climbed {m['ascent']}. {m['notes']}"
            )
        add(WIKI + m["slug"], m["name"], text)


# ---------------------------------------------------------------------------
# Encyclopedia: chemical elements
# ---------------------------------------------------------------------------
ELEMENTS = [
    dict(
        name="Hydrogen",
        symbol="H",
        z=1,
        mass="1.008",
        melt_c=-259.2,
        state="gas",
        text="Hydrogen is the lightest and most abundant chemical element, making up about three quarters of the ordinary matter in the universe. At room temperature it is a colourless, odourless and highly flammable gas of diatomic H2 molecules, which boils at −252.9 °C and freezes at −259.2 °C. Henry Cavendish identified it as a distinct substance in 1766, and Antoine Lavoisier named it from the Greek for 'water-former'. Stars such as the Sun shine by fusing hydrogen into helium. Today hydrogen is used to make ammonia, to refine petroleum and, increasingly, as a clean fuel.",
    ),
    dict(
        name="Helium",
        symbol="He",
        z=2,
        mass="4.0026",
        melt_c=None,
        state="gas",
        text="Helium is a noble gas and the second-lightest element. It has the lowest boiling point of any element, −268.9 °C, and does not solidify at ordinary pressure even at absolute zero. Helium was first detected in 1868 as a yellow line in the spectrum of the Sun, and was isolated on Earth by William Ramsay in 1895. Most helium is extracted from natural gas. Liquid helium cools the superconducting magnets of MRI scanners and particle accelerators, and the gas is used to fill balloons and airships because it is lighter than air and does not burn.",
    ),
    dict(
        name="Carbon",
        symbol="C",
        z=6,
        mass="12.011",
        melt_c=3642,
        state="solid",
        text="Carbon is the chemical basis of all known life and forms more compounds than any other element except hydrogen. It occurs in several allotropes: diamond, the hardest natural material; graphite, a soft conductor used in pencils and batteries; and graphene and fullerenes, discovered in the late 20th and early 21st centuries. At atmospheric pressure carbon does not melt but sublimes at about 3,642 °C. Carbon-14, a radioactive isotope, is used to date organic remains up to about 50,000 years old. Carbon has been known since prehistoric times as soot and charcoal.",
    ),
    dict(
        name="Nitrogen",
        symbol="N",
        z=7,
        mass="14.007",
        melt_c=-210.0,
        state="gas",
        text="Nitrogen is a colourless, unreactive gas that makes up about 78 percent of Earth's atmosphere by volume. It was discovered by the Scottish physician Daniel Rutherford in 1772. Nitrogen is an essential part of amino acids, proteins and DNA. Because the N2 molecule is held together by a strong triple bond, most organisms cannot use atmospheric nitrogen directly; the Haber–Bosch process, developed in the early 20th century, converts it into ammonia for fertilisers. Nitrogen melts at −210.0 °C, and liquid nitrogen, which boils at −195.8 °C, is widely used for freezing and cryogenics.",
    ),
    dict(
        name="Oxygen",
        symbol="O",
        z=8,
        mass="15.999",
        melt_c=-218.8,
        state="gas",
        text="Oxygen is a highly reactive non-metal that makes up about 21 percent of Earth's atmosphere and is the most abundant element in Earth's crust by mass, mostly bound in silicate minerals. It was discovered independently by Carl Wilhelm Scheele around 1772 and by Joseph Priestley in 1774; Antoine Lavoisier gave it its name. Animals need oxygen for respiration, and almost all of it in the air is produced by photosynthesis. Ozone (O3) in the stratosphere absorbs ultraviolet light. Oxygen liquefies at −183 °C and freezes at −218.8 °C; it is used in steelmaking, welding and medicine.",
    ),
    dict(
        name="Neon",
        symbol="Ne",
        z=10,
        mass="20.180",
        melt_c=-248.6,
        state="gas",
        text="Neon is a noble gas discovered in 1898 by William Ramsay and Morris Travers, who found it in liquefied air; its name comes from the Greek 'neos', meaning new. It is chemically inert and forms no stable compounds; it melts at −248.6 °C and boils at −246.0 °C. When an electric current passes through it in a vacuum tube, neon glows a distinctive reddish-orange, which made it famous in advertising signs from the 1910s onward, although many 'neon' signs use other gases for other colours. Neon is also used in high-voltage indicators and helium–neon lasers.",
    ),
    dict(
        name="Sodium",
        symbol="Na",
        z=11,
        mass="22.990",
        melt_c=97.8,
        state="solid",
        text="Sodium is a soft, silvery alkali metal that can be cut with a knife. It was first isolated by Humphry Davy in 1807 by the electrolysis of molten sodium hydroxide. Sodium reacts violently with water, producing hydrogen and sodium hydroxide, so the metal is stored under oil. It melts at only 97.8 °C. Its symbol, Na, comes from the Latin 'natrium'. Sodium chloride, common table salt, is its best-known compound. Low-pressure sodium lamps give street lighting its characteristic yellow glow, and sodium is being studied as a cheaper alternative to lithium in batteries.",
    ),
    dict(
        name="Aluminium",
        symbol="Al",
        z=13,
        mass="26.982",
        melt_c=660.3,
        state="solid",
        text="Aluminium (aluminum in American English) is a light, silvery metal and the most abundant metal in Earth's crust. It is never found free in nature and is produced from bauxite ore. Hans Christian Ørsted first produced impure aluminium in 1825, but it remained more expensive than gold until the Hall–Héroult electrolytic process was invented in 1886. Aluminium melts at 660.3 °C and resists corrosion thanks to a thin oxide layer. It is used in aircraft, drinks cans, window frames and power lines, and recycling it saves about 95 percent of the energy needed to make new metal.",
    ),
    dict(
        name="Silicon",
        symbol="Si",
        z=14,
        mass="28.085",
        melt_c=1414,
        state="solid",
        text="Silicon is a hard, brittle metalloid with a blue-grey metallic lustre. It is the second most abundant element in Earth's crust after oxygen, occurring mainly as silica (sand and quartz) and silicate minerals. Jöns Jacob Berzelius is credited with first preparing it in 1824. Silicon melts at 1,414 °C. Ultra-pure single crystals grown by the Czochralski process are sliced into wafers for integrated circuits and solar cells, which is why California's technology region is called Silicon Valley. Silicon is also used in glass, concrete and silicone polymers.",
    ),
    dict(
        name="Titanium",
        symbol="Ti",
        z=22,
        mass="47.867",
        melt_c=1668,
        state="solid",
        text="Titanium is a strong, lightweight, corrosion-resistant transition metal. It was discovered in Cornwall by the clergyman William Gregor in 1791 and named by Martin Heinrich Klaproth after the Titans of Greek mythology. Titanium melts at 1,668 °C. Because it is as strong as many steels but about 45 percent lighter, it is used in aircraft, spacecraft and high-performance bicycles; it is also biocompatible, making it ideal for hip replacements and dental implants. Most titanium metal is produced by the Kroll process, while titanium dioxide is a bright white pigment used in paint.",
    ),
    dict(
        name="Iron",
        symbol="Fe",
        z=26,
        mass="55.845",
        melt_c=1538,
        state="solid",
        text="Iron is a metal in the first transition series and, by mass, the most common element on Earth, forming much of the planet's core. It melts at 1,538 °C. Its symbol, Fe, comes from the Latin 'ferrum'. Iron has been smelted for more than 3,000 years, giving its name to the Iron Age. Alloyed with a small amount of carbon it becomes steel, the most widely used structural metal. In the body, iron is a key part of haemoglobin, which carries oxygen in red blood cells. Iron rusts when exposed to moist air, forming hydrated iron oxides.",
    ),
    dict(
        name="Copper",
        symbol="Cu",
        z=29,
        mass="63.546",
        melt_c=1084.6,
        state="solid",
        text="Copper is a reddish-orange metal with very high thermal and electrical conductivity, second only to silver among the elements. It melts at 1,084.6 °C. Copper was one of the first metals used by humans, more than 10,000 years ago, and alloying it with tin produced bronze, which gave its name to the Bronze Age; brass is an alloy of copper and zinc. Its symbol, Cu, comes from the Latin 'cuprum', after Cyprus. Most copper today goes into electrical wiring, motors and plumbing. Exposed to the weather it develops a green patina, as seen on the Statue of Liberty.",
    ),
    dict(
        name="Silver",
        symbol="Ag",
        z=47,
        mass="107.87",
        melt_c=961.8,
        state="solid",
        text="Silver is a soft, white, lustrous precious metal with the highest electrical conductivity, thermal conductivity and reflectivity of any metal. It melts at 961.8 °C. The symbol Ag comes from the Latin 'argentum', which also gave Argentina its name. Silver has been used for coins, jewellery and tableware for thousands of years. Silver halides made photographic film possible, and today large amounts go into electronics, solar panels and mirrors. Silver tarnishes in air containing sulfur compounds, forming a black layer of silver sulfide.",
    ),
    dict(
        name="Gold",
        symbol="Au",
        z=79,
        mass="196.97",
        melt_c=1064,
        state="solid",
        text="Gold is a dense, soft, bright yellow precious metal. It is the most malleable of all metals: a single gram can be beaten into a sheet about one square metre in area. Gold melts at 1,064 °C and is highly unreactive, so it does not tarnish, which is why ancient gold artefacts still shine. Its symbol, Au, comes from the Latin 'aurum'. About half of the gold mined each year is made into jewellery, while much of the rest is held by investors and central banks. Gold is also used for corrosion-free electrical contacts and in dentistry.",
    ),
    dict(
        name="Mercury",
        symbol="Hg",
        z=80,
        mass="200.59",
        melt_c=-38.8,
        state="liquid",
        text="Mercury is a heavy, silvery metal and the only metal that is liquid at standard room temperature and pressure. It melts at −38.8 °C and boils at 356.7 °C. Its symbol, Hg, comes from the Greek-Latin 'hydrargyrum', meaning water-silver, and it was historically called quicksilver. Mercury was once widely used in thermometers, barometers and fluorescent lamps, and in mining to extract gold. Because mercury and its compounds are toxic and accumulate in fish, most of these uses have been phased out under the Minamata Convention, which entered into force in 2017.",
    ),
    dict(
        name="Uranium",
        symbol="U",
        z=92,
        mass="238.03",
        melt_c=1132,
        state="solid",
        text="Uranium is a dense, weakly radioactive silvery metal. It was discovered in 1789 by Martin Heinrich Klaproth, who named it after the recently discovered planet Uranus. Uranium melts at about 1,132 °C. Natural uranium is more than 99 percent uranium-238, with about 0.7 percent of the fissile isotope uranium-235. Enriched uranium fuels nuclear power stations, where the splitting of U-235 nuclei releases enormous amounts of energy. Radioactivity itself was discovered in 1896 when Henri Becquerel noticed that uranium salts fogged a photographic plate.",
    ),
]


def build_elements() -> None:
    for e in ELEMENTS:
        header = f"{e['name']} is a chemical element with the symbol {e['symbol']} and atomic number {e['z']}; its standard atomic weight is {e['mass']}."
        slug = e["name"] if e["name"] != "Mercury" else "Mercury_(element)"
        title = e["name"] if e["name"] != "Mercury" else "Mercury (element)"
        add(WIKI + slug, title, header + " " + e["text"])
    add(
        WIKI + "Mercury_(disambiguation)",
        "Mercury (disambiguation)",
        """
        Mercury may refer to several things. In astronomy, Mercury is the smallest planet of the
        Solar System and the closest to the Sun. In chemistry, mercury is the element with symbol
        Hg and atomic number 80, the only metal that is liquid at room temperature. In Roman
        religion, Mercury was the messenger of the gods, god of trade and travellers, identified
        with the Greek Hermes. Project Mercury was the first human spaceflight programme of the
        United States, which flew six crewed missions between 1961 and 1963. Freddie Mercury was
        the lead singer of the rock band Queen.""",
    )


# ---------------------------------------------------------------------------
# Programming docs: the Pylang standard library (mirrors Python's stdlib)
# ---------------------------------------------------------------------------
PYDOCS = "https://docs.pylang.example/"

# (module, title, text).  Each page describes the real behaviour of the
# corresponding Python standard-library module.
PY_MODULES = [
    (
        "json",
        "json — JSON encoder and decoder",
        """
        The json module encodes and decodes JSON (JavaScript Object Notation), the lightweight
        data-interchange format defined by RFC 8259. Use json.dumps() to serialise a Python object
        to a str and json.loads() to parse a str back into objects; json.dump() and json.load()
        work with file objects instead. Dictionaries become JSON objects, lists and tuples become
        arrays, and None becomes null. Pass indent=2 for pretty-printed output and sort_keys=True
        for a stable key order. Custom types can be handled with the default= argument or a
        subclass of JSONEncoder. Invalid input raises json.JSONDecodeError, a subclass of
        ValueError. Unlike pickle, JSON is text-based and safe to load from untrusted sources.""",
    ),
    (
        "pickle",
        "pickle — Python object serialization",
        """
        pickle converts Python objects to a byte stream and back, using a Python-specific binary format. 'Pickling' converts an object hierarchy into a byte stream with
        pickle.dumps() or pickle.dump(); 'unpickling' rebuilds it with pickle.loads() or
        pickle.load(). Pickle can handle most built-in types, functions and classes defined at
        module level, and instances of user classes. The default protocol has been protocol 5
        since version 3.8. Warning: pickle is not secure — never unpickle data from a source you do not trust, because loading it can execute arbitrary code. For data
        exchange with other languages, prefer json.""",
    ),
    (
        "csv",
        "csv — CSV file reading and writing",
        """
        The csv module reads and writes tabular data in comma-separated values format, as used by
        spreadsheets and databases. csv.reader() returns an iterator of rows, each a list of
        strings, and csv.writer() provides writerow() and writerows(). The DictReader and
        DictWriter classes map each row to a dictionary keyed by the header line. Dialects and
        formatting parameters such as delimiter=';' or quotechar control the exact format, and
        csv.Sniffer can guess the dialect of a sample. Files should be opened with newline='' so
        that embedded newlines inside quoted fields are handled correctly. The module does not
        convert numbers; every field is read as a string.""",
    ),
    (
        "sqlite3",
        "sqlite3 — DB-API 2.0 interface for SQLite databases",
        """
        sqlite3 lets programs use SQLite — a small, serverless database kept in a single disk file — through the standard DB-API 2.0 interface. Call
        sqlite3.connect('example.db') to open a database file, or use ':memory:' for a temporary
        in-memory database. Obtain a cursor with con.cursor(), run statements with execute() and
        executemany(), and fetch results with fetchone() or fetchall(). Always use ? placeholders
        instead of string formatting to pass values, which prevents SQL injection. Changes must be
        committed with con.commit(); a connection used as a context manager commits or rolls back
        a transaction automatically.""",
    ),
    (
        "os",
        "os — Miscellaneous operating system interfaces",
        """
        The os module is the gateway to operating-system services, written so that the same code works across platforms.
        It gives access to environment variables through os.environ and os.getenv(), to the
        current working directory with os.getcwd() and os.chdir(), and to process information
        such as os.getpid(). Files and directories can be listed with os.listdir() or the faster
        os.scandir(), created with os.mkdir() and os.makedirs(exist_ok=True), and removed with
        os.remove() and os.rmdir(). os.walk() generates the file names in a directory tree. For
        path manipulation see os.path or the object-oriented pathlib module; for high-level file
        copying see shutil.""",
    ),
    (
        "os.path",
        "os.path — Common pathname manipulations",
        """
        os.path contains helper functions that treat file paths as plain strings. os.path.join()
        combines path components using the correct separator for the platform, while
        os.path.split(), os.path.basename() and os.path.dirname() take paths apart.
        os.path.splitext() separates a file extension. os.path.exists(), os.path.isfile() and
        os.path.isdir() test what a path refers to, and os.path.getsize() returns a file's size in
        bytes. os.path.abspath() and os.path.realpath() return absolute and symlink-resolved
        paths, and os.path.expanduser() replaces a leading ~ with the home directory. New code may
        prefer the pathlib module, which wraps the same operations in Path objects.""",
    ),
    (
        "pathlib",
        "pathlib — Object-oriented filesystem paths",
        """
        pathlib represents filesystem paths as objects instead of strings, with flavours for POSIX and Windows. Path objects are created with Path('data')
        or Path.home() and Path.cwd(), and are joined with the / operator, as in
        Path('data') / 'raw' / 'input.csv'. Attributes such as .name, .stem, .suffix and .parent
        take paths apart. Methods like exists(), is_file(), mkdir(parents=True, exist_ok=True),
        iterdir(), glob('*.txt') and rglob() query and manipulate the filesystem, and
        read_text(), write_text(), read_bytes() and write_bytes() handle whole files in one call.
        Pure paths (PurePath) manipulate paths without touching the disk.""",
    ),
    (
        "shutil",
        "shutil — High-level file operations",
        """
        shutil works at a higher level than os, copying, moving and deleting whole files and directory trees. Use
        shutil.copy() to copy a file's data and permission bits, shutil.copy2() to also preserve
        metadata such as modification times, and shutil.copytree() to copy an entire directory
        tree. shutil.move() moves a file or directory, and shutil.rmtree() deletes a directory and
        everything inside it. shutil.make_archive() and shutil.unpack_archive() create and extract
        zip and tar archives. shutil.which() locates an executable on the PATH, and
        shutil.disk_usage() reports total, used and free space on a disk.""",
    ),
    (
        "glob",
        "glob — Unix style pathname pattern expansion",
        """
        glob expands wildcard patterns into lists of matching file paths, following Unix shell conventions. glob.glob('*.py') returns a list of matching paths in arbitrary order, and
        glob.iglob() returns an iterator instead. The wildcards * (any characters), ? (one
        character) and [seq] (character ranges) are supported. With recursive=True, the pattern
        ** matches any files and zero or more directories, as in glob.glob('src/**/*.py',
        recursive=True). Files whose names start with a dot are not matched by default. The
        related fnmatch module matches single file names against shell patterns.""",
    ),
    (
        "tempfile",
        "tempfile — Generate temporary files and directories",
        """
        The tempfile module creates temporary files and directories securely. TemporaryFile()
        returns a file object that is destroyed as soon as it is closed, and NamedTemporaryFile()
        does the same but guarantees a visible name in the file system, available as its .name
        attribute. TemporaryDirectory() creates a directory that is removed together with its
        contents when the context manager exits, as in: with tempfile.TemporaryDirectory() as tmp.
        The lower-level mkstemp() and mkdtemp() functions leave clean-up to the caller.
        gettempdir() returns the default directory used for temporary files.""",
    ),
    (
        "datetime",
        "datetime — Basic date and time types",
        """
        datetime provides the core types for calendar dates, clock times and durations: date, time, datetime, timedelta, tzinfo and timezone. datetime.now() returns the current local date
        and time, and date.today() the current date. Subtracting two datetimes yields a timedelta,
        and adding a timedelta shifts a date. Objects are either 'naive' or 'aware' depending on
        whether they carry time-zone information; use timezone.utc or a zoneinfo.ZoneInfo object
        for aware values. strftime() formats a datetime using codes such as %Y-%m-%d, strptime()
        parses a string, and isoformat() and fromisoformat() handle ISO 8601 strings.""",
    ),
    (
        "time",
        "time — Time access and conversions",
        """
        The time module wraps the clock functions of the underlying C library.
        time.time() returns the number of seconds since the epoch (1 January 1970 UTC) as a
        float. time.sleep(secs) suspends execution of the calling thread for the given number of
        seconds. For measuring elapsed time use time.perf_counter() or time.monotonic(), which
        cannot go backwards when the system clock is adjusted. time.localtime() and time.gmtime()
        convert seconds to a struct_time, and time.strftime() formats it. For calendar arithmetic
        and time zones, the higher-level datetime module is usually more convenient.""",
    ),
    (
        "zoneinfo",
        "zoneinfo — IANA time zone support",
        """
        zoneinfo, added in version 3.9, brings the IANA time zone database to datetime. Create a zone with ZoneInfo('Europe/Berlin')
        and attach it to a datetime through the tzinfo argument; daylight saving transitions are
        handled automatically. zoneinfo.available_timezones() returns the set of valid keys. The
        module uses the system's time-zone data when available and falls back to the first-party
        tzdata package on systems without it, such as Windows. It replaces most uses of the
        third-party pytz library.""",
    ),
    (
        "calendar",
        "calendar — General calendar-related functions",
        """
        calendar prints text calendars similar to the Unix cal command and offers helpers for calendar arithmetic. calendar.month(2024, 2) returns a month's calendar as a multi-line
        string and calendar.prmonth() prints it. calendar.isleap(year) tests for a leap year and
        calendar.leapdays(y1, y2) counts leap years in a range. calendar.monthrange(year, month)
        returns the weekday of the first day and the number of days in the month.
        calendar.weekday() returns the day of the week, where Monday is 0. By default weeks start
        on Monday; call setfirstweekday() to change this. HTMLCalendar renders calendars as HTML
        tables.""",
    ),
    (
        "collections",
        "collections — Container datatypes",
        """
        collections adds container types that go beyond the built-in dict, list, set and tuple. Counter counts
        hashable objects and offers most_common(). defaultdict calls a factory function to supply
        missing values, such as defaultdict(list) for grouping. deque is a double-ended queue with
        fast appends and pops from both ends and an optional maxlen. namedtuple() creates tuple
        subclasses with named fields. OrderedDict remembers insertion order and adds
        move_to_end(), and ChainMap groups multiple dictionaries into a single view.""",
    ),
    (
        "itertools",
        "itertools — Functions creating iterators for efficient looping",
        """
        itertools is a toolbox of fast, memory-efficient building blocks for iterator-based code. Infinite iterators include count(), cycle() and repeat(). chain() concatenates
        iterables, islice() takes a slice of an iterator, groupby() groups consecutive items by a
        key, accumulate() produces running totals, and pairwise() (added in 3.10) yields
        overlapping pairs. Combinatoric iterators include product() for Cartesian products,
        permutations(), combinations() and combinations_with_replacement(). batched(), added in
        3.12, splits data into tuples of a given length. The documentation also lists recipes that
        combine these tools.""",
    ),
    (
        "functools",
        "functools — Higher-order functions and operations on callable objects",
        """
        functools contains tools for working with functions themselves — wrapping, caching and combining them. lru_cache() and cache() memoise a function's results, which can dramatically
        speed up recursive computations. partial() creates a new callable with some arguments
        fixed in advance. reduce() applies a two-argument function cumulatively to the items of an
        iterable. wraps() is a decorator for writing decorators that preserve the wrapped
        function's name and docstring. total_ordering fills in missing comparison methods,
        singledispatch turns a function into a generic function dispatched on the type of its
        first argument, and cached_property caches a computed attribute.""",
    ),
    (
        "heapq",
        "heapq — Heap queue algorithm",
        """
        heapq implements a binary min-heap, the data structure behind most priority queues, on top of ordinary lists. Heaps are binary trees in which every
        parent is less than or equal to its children, so heap[0] is always the smallest item.
        heappush() and heappop() add and remove items in O(log n) time, and heapify() turns a list
        into a heap in linear time. heappushpop() and heapreplace() combine both operations.
        nlargest() and nsmallest() return the n largest or smallest items of a dataset, and
        merge() merges several sorted inputs into a single sorted output.""",
    ),
    (
        "bisect",
        "bisect — Array bisection algorithm",
        """
        bisect uses binary search to find where an item belongs in an already sorted list, so the list never needs re-sorting after an insertion. bisect_left() and bisect_right() (also called bisect())
        return the position at which a value should be inserted to keep the list sorted;
        insort_left() and insort_right() perform the insertion. Searches take O(log n) time,
        although inserting into a list is still O(n). Since version 3.10 the functions accept a
        key argument. Typical uses include looking up grades from score breakpoints and finding
        the rightmost value less than or equal to a target.""",
    ),
    (
        "math",
        "math — Mathematical functions",
        """
        math offers the standard floating-point mathematical functions familiar from C. It includes math.sqrt(), math.exp(), math.log() (with an optional base),
        math.log10() and math.log2(), trigonometric functions such as sin(), cos() and atan2(),
        and conversions math.degrees() and math.radians(). Constants include math.pi, math.e,
        math.tau, math.inf and math.nan. Number-theoretic functions include factorial(), gcd(),
        lcm(), comb() and perm(). math.isclose() compares floats with a tolerance, and math.fsum()
        adds floats accurately. For complex numbers use the cmath module.""",
    ),
    (
        "statistics",
        "statistics — Mathematical statistics functions",
        """
        statistics computes descriptive statistics such as averages and spread for numeric datasets. Measures of central location include mean(), fmean() (a faster
        floating-point mean), geometric_mean(), harmonic_mean(), median() and mode(). Measures of
        spread include pstdev() and pvariance() for a whole population and stdev() and variance()
        for a sample. quantiles() divides data into intervals with equal probability. Newer
        versions add correlation(), covariance() and linear_regression(). The NormalDist class
        models a normal distribution. The module is not intended to compete with libraries such as
        NumPy, but is convenient for small datasets.""",
    ),
    (
        "random",
        "random — Generate pseudo-random numbers",
        """
        random generates pseudo-random numbers from many distributions, using the Mersenne Twister algorithm. random.random() returns a float in [0.0, 1.0),
        randint(a, b) an integer between a and b inclusive, and uniform() a float in a range.
        choice() picks one element from a sequence, choices() picks several with replacement and
        optional weights, sample() picks without replacement, and shuffle() reorders a list in
        place. Calling random.seed(42) makes sequences reproducible, and random.Random creates
        independent generators. The generators are not suitable for security purposes; use the
        secrets module for passwords and tokens.""",
    ),
    (
        "secrets",
        "secrets — Generate secure random numbers for managing secrets",
        """
        secrets is the module to use when randomness has to be unpredictable — for passwords, account authentication, security tokens and similar secrets. It should be used in preference to the default pseudo-random generator in the
        random module, which is designed for modelling and simulation, not security.
        secrets.token_bytes(), token_hex() and token_urlsafe() produce random tokens, for example
        for password-reset URLs. secrets.choice() selects a random element from a sequence, and
        secrets.compare_digest() compares two strings in constant time to reduce the risk of
        timing attacks.""",
    ),
    (
        "decimal",
        "decimal — Decimal fixed-point and floating-point arithmetic",
        """
        decimal performs base-10 floating-point arithmetic with correct rounding. Unlike
        binary floats, Decimal('0.1') + Decimal('0.2') is exactly Decimal('0.3'), which makes the
        module suitable for financial and monetary calculations. Decimals should be created from
        strings or integers; creating them from a float copies the float's binary error. The
        arithmetic context, obtained with getcontext(), controls precision (28 significant digits
        by default), rounding mode such as ROUND_HALF_EVEN, and which conditions raise exceptions.
        The quantize() method rounds a value to a fixed number of decimal places.""",
    ),
    (
        "fractions",
        "fractions — Rational numbers",
        """
        fractions represents rational numbers exactly, as a numerator and a denominator. A Fraction can be
        constructed from a pair of integers, as in Fraction(3, 4), from a string such as '3/7' or
        '1.414', or from a float or Decimal. Fractions are always stored in lowest terms, so
        Fraction(6, 8) equals Fraction(3, 4), and arithmetic between fractions is exact. The
        numerator and denominator attributes expose the parts. limit_denominator() finds the
        closest fraction with a bounded denominator, which is handy for recovering a simple ratio
        such as 355/113 from a float approximation of pi.""",
    ),
    (
        "re",
        "re — Regular expression operations",
        """
        re adds Perl-style regular expressions for searching, matching and rewriting text. re.search() scans a string for the first location where a pattern matches,
        re.match() only matches at the beginning, and re.fullmatch() requires the whole string to
        match. re.findall() returns all non-overlapping matches, re.finditer() yields match
        objects, re.sub() replaces matches and re.split() splits a string by a pattern. Compile
        frequently used patterns with re.compile(). Use raw strings such as r'\\d+' to avoid
        doubling backslashes. Groups are captured with parentheses and named with (?P<name>...),
        and flags such as re.IGNORECASE and re.MULTILINE change matching behaviour.""",
    ),
    (
        "string",
        "string — Common string operations",
        """
        The string module contains constants and classes for working with text. Useful constants
        include string.ascii_letters, ascii_lowercase, ascii_uppercase, digits, hexdigits,
        punctuation and whitespace. string.capwords() capitalises each word in a string. The
        Formatter class implements the same formatting language as the built-in str.format()
        method and can be subclassed to customise it. The Template class offers simpler
        $-based substitutions, as in Template('$name owes $amount').substitute(name='Ada', amount='5 euros'), which is useful for user-supplied templates because it cannot access
        arbitrary attributes.""",
    ),
    (
        "textwrap",
        "textwrap — Text wrapping and filling",
        """
        The textwrap module provides functions for wrapping and formatting plain text.
        textwrap.wrap() splits a paragraph into a list of lines no longer than a given width (70
        characters by default), and textwrap.fill() returns them joined into a single string.
        shorten() collapses and truncates text to fit a width, adding a placeholder such as
        '[...]'. dedent() removes common leading whitespace from every line, which is handy for
        triple-quoted strings in source code, and indent() adds a prefix to selected lines. For
        repeated use, create a TextWrapper instance and set options like break_long_words.""",
    ),
    (
        "difflib",
        "difflib — Helpers for computing deltas",
        """
        difflib compares sequences — usually lines or words of text — and reports how they differ. SequenceMatcher compares pairs of sequences of any hashable type and its
        ratio() method returns a similarity score between 0 and 1. unified_diff() and
        context_diff() produce the familiar patch-style difference formats, ndiff() gives a
        human-readable line-by-line comparison, and HtmlDiff creates a side-by-side HTML table.
        get_close_matches() returns the best 'good enough' matches for a word from a list of
        possibilities, which is useful for suggesting corrections to misspelled commands.""",
    ),
    (
        "subprocess",
        "subprocess — Subprocess management",
        """
        subprocess is the standard way to start other programs, talk to them through pipes and collect their exit status. The recommended approach is
        subprocess.run(), which runs a command, waits for it to finish and returns a
        CompletedProcess instance. Pass the command as a list of arguments, such as
        ['ls', '-l']; use capture_output=True and text=True to collect stdout and stderr as
        strings, check=True to raise CalledProcessError on a non-zero exit status, and timeout= to
        limit run time. Avoid shell=True with untrusted input. For more control, use the
        underlying Popen class directly.""",
    ),
    (
        "threading",
        "threading — Thread-based parallelism",
        """
        threading runs functions concurrently in several threads of the same process. Create a Thread with a
        target function and call start(); join() waits for it to finish. Synchronisation
        primitives include Lock, RLock, Condition, Semaphore, Event and Barrier. Daemon threads
        are stopped abruptly when the program exits. In CPython, the global interpreter lock
        allows only one thread to execute Python bytecode at a time, so threads are best suited to
        I/O-bound tasks such as network requests; for CPU-bound work consider multiprocessing or
        concurrent.futures.ProcessPoolExecutor. threading.local() provides thread-local data.""",
    ),
    (
        "multiprocessing",
        "multiprocessing — Process-based parallelism",
        """
        multiprocessing runs work in separate processes while offering an interface that mirrors threading.
        Because each process has its own Python interpreter and memory, it side-steps the global
        interpreter lock and can fully use multiple CPU cores for CPU-bound work. The Process
        class runs a target function in a child process, and Pool distributes work with map(),
        imap() and apply_async(). Data is exchanged through Queue and Pipe, or shared through
        Value, Array and Manager objects. On Windows and macOS the default start method is
        'spawn', so code that starts processes must be protected by if __name__ == '__main__'.""",
    ),
    (
        "asyncio",
        "asyncio — Asynchronous I/O",
        """
        asyncio provides an event loop and the async/await machinery for single-threaded concurrent code. Many asynchronous web servers, database drivers and task queues are built on it. asyncio.run() starts
        the event loop and runs a top-level coroutine. asyncio.create_task() schedules coroutines
        to run concurrently, asyncio.gather() waits for several awaitables, and TaskGroup (added in
        3.11) manages groups of tasks. asyncio.sleep() pauses without blocking the loop, and
        wait_for() or timeout() apply time limits. Streams, queues and synchronisation primitives
        are also provided. Blocking code can be moved to a thread with asyncio.to_thread().""",
    ),
    (
        "concurrent.futures",
        "concurrent.futures — Launching parallel tasks",
        """
        concurrent.futures hands callables to pools of workers and gives back futures for their results. ThreadPoolExecutor runs tasks in a pool of threads and
        ProcessPoolExecutor in a pool of separate processes; both implement the same Executor
        interface. submit() schedules a callable and returns a Future, whose result() method
        blocks until the value is ready, and map() applies a function to many inputs.
        as_completed() yields futures as they finish, and wait() waits for a set of futures. Using
        the executor as a context manager shuts it down cleanly when the block ends.""",
    ),
    (
        "logging",
        "logging — Logging facility for Python",
        """
        logging is a configurable framework for recording events from applications and libraries. Obtain a logger with logging.getLogger(__name__) and emit messages with debug(),
        info(), warning(), error() and critical(); exception() logs an error together with the
        current traceback. The default level is WARNING, so lower-level messages are ignored until
        configured. logging.basicConfig(level=logging.INFO, format=...) sets up simple console
        output. Handlers such as StreamHandler, FileHandler and RotatingFileHandler send records to
        destinations, Formatters control their layout, and Filters give fine-grained control.
        Loggers form a hierarchy by dotted name.""",
    ),
    (
        "argparse",
        "argparse — Parser for command-line options, arguments and subcommands",
        """
        argparse turns the command-line arguments of a script into a structured object and produces help text for free. Create
        an ArgumentParser, declare positional arguments and options with add_argument(), then call
        parse_args() to turn sys.argv into a Namespace object. Options can specify type=int,
        default values, choices, nargs, required=True and action='store_true' for flags. argparse
        automatically generates help and usage messages for -h/--help and reports errors when
        users give invalid arguments. Sub-commands, like those of git, are created with
        add_subparsers(), and mutually exclusive options with add_mutually_exclusive_group().""",
    ),
    (
        "unittest",
        "unittest — Unit testing framework",
        """
        unittest is the built-in xUnit-style testing framework, modelled on Java's JUnit. Tests are
        written as methods whose names start with test inside a subclass of unittest.TestCase.
        Assertion methods include assertEqual(), assertTrue(), assertIn(), assertAlmostEqual()
        and assertRaises(), which can be used as a context manager. setUp() and tearDown() run
        before and after each test, and setUpClass() once per class. Run tests with
        python -m unittest, which discovers test modules automatically. The skip() decorators
        and subTest() context manager refine test runs, and unittest.mock replaces parts of the
        system under test with mock objects.""",
    ),
    (
        "doctest",
        "doctest — Test interactive Python examples",
        """
        doctest finds examples written like interactive interpreter sessions and runs them to check that their output is still correct. Examples are usually written
        in docstrings, with the >>> prompt followed by the expected output. Calling
        doctest.testmod() at the bottom of a module checks all of its docstrings, and
        doctest.testfile() checks examples in a separate text file. Option flags such as ELLIPSIS
        and NORMALIZE_WHITESPACE relax the comparison of outputs. Doctests are a good way to keep
        documentation examples up to date, though larger test suites usually use unittest or
        pytest.""",
    ),
    (
        "typing",
        "typing — Support for type hints",
        """
        typing supplies the building blocks of type hints; the interpreter itself ignores the hints, while type checkers and IDEs use them. It defines special
        forms like Any, Union, Optional, Literal, Callable, TypeVar and Generic, as well as
        Protocol for structural subtyping and TypedDict for dictionaries with a fixed set of keys.
        Since version 3.9 built-in collections can be parameterised directly, as in list[int],
        and since 3.10 unions can be written X | Y. NamedTuple creates typed named tuples, and
        typing.cast() and TYPE_CHECKING help with situations the checker cannot infer.""",
    ),
    (
        "dataclasses",
        "dataclasses — Data Classes",
        """
        dataclasses saves boilerplate by writing methods such as __init__(), __repr__() and __eq__() for classes that mainly hold data. Fields are declared as class variables with type annotations. The @dataclass
        decorator accepts options such as frozen=True for immutable instances, order=True to
        generate comparison methods, and slots=True (3.10+) for memory-efficient instances. Use
        field(default_factory=list) for mutable defaults. asdict() and astuple() convert instances
        to dictionaries and tuples, and replace() creates a modified copy. __post_init__() runs
        extra initialisation.""",
    ),
    (
        "enum",
        "enum — Support for enumerations",
        """
        enum lets you define a type whose members are named constants, each with a name and a value. Subclass
        Enum and assign class attributes, as in class Color(Enum): RED = 1. Members are accessed
        as Color.RED, by value as Color(1) or by name as Color['RED'], and expose .name and .value
        attributes. Iterating over the class yields its members in definition order. auto()
        assigns values automatically. IntEnum and StrEnum members also behave like ints or strings,
        and Flag and IntFlag support bitwise combinations. The @unique decorator ensures no two
        members share a value.""",
    ),
    (
        "contextlib",
        "contextlib — Utilities for with-statement contexts",
        """
        contextlib makes it easier to write and combine context managers for the with statement.
        The @contextmanager decorator turns a generator function with a single yield into a
        context manager, so setup code runs before the yield and clean-up code after it.
        suppress() ignores specified exceptions inside a block, redirect_stdout() temporarily
        sends printed output elsewhere, and closing() calls close() on exit. ExitStack lets a
        program enter a variable number of context managers and unwinds them in reverse order.
        nullcontext() is a do-nothing stand-in, and asynccontextmanager supports async with.""",
    ),
    (
        "copy",
        "copy — Shallow and deep copy operations",
        """
        Assigning a variable never duplicates an object; it only binds another name to it. To get a real duplicate, use the copy module, which offers shallow and deep copies.
        copy.copy() constructs a new compound object and inserts references to the objects found
        in the original, while copy.deepcopy() recursively copies the contained objects as well,
        so changes to nested lists in the copy do not affect the original. deepcopy() keeps a memo
        dictionary to handle recursive structures. Classes can customise copying by defining
        __copy__() and __deepcopy__().""",
    ),
    (
        "hashlib",
        "hashlib — Secure hashes and message digests",
        """
        hashlib computes cryptographic hash digests through one consistent interface for many algorithms, including SHA-1, the SHA-2 family (sha224, sha256, sha384, sha512), SHA-3, BLAKE2 and the legacy MD5. Create a hash object with a constructor such as
        hashlib.sha256(), feed it bytes with update(), and retrieve the digest with digest() or
        hexdigest(). hashlib.file_digest(), added in 3.11, hashes a file object efficiently. For
        password storage use a key-derivation function like hashlib.pbkdf2_hmac() or scrypt()
        rather than a plain hash. MD5 and SHA-1 should not be used where collision resistance
        matters.""",
    ),
    (
        "uuid",
        "uuid — UUID objects according to RFC 4122",
        """
        uuid creates and parses universally unique identifiers (UUIDs). uuid.uuid4() creates a random UUID and is the usual choice for unique
        IDs. uuid.uuid1() builds one from the host ID and current time, which can reveal the
        computer's network address, while uuid3() and uuid5() derive a UUID deterministically from
        a namespace and a name using MD5 or SHA-1 hashing. A UUID's canonical string form has 32
        hexadecimal digits in five groups, such as 12345678-1234-5678-1234-567812345678; the hex,
        int and bytes attributes give other representations.""",
    ),
    (
        "base64",
        "base64 — Base16, Base32, Base64, Base85 Data Encodings",
        """
        base64 turns arbitrary bytes into plain ASCII text and back, which is how binary data travels in email attachments, URLs and JSON. base64.b64encode() and b64decode() implement the
        standard Base64 alphabet, and urlsafe_b64encode() substitutes - and _ for + and / so the
        result can be used in URLs and filenames. The module also supports Base32, Base16 (hex)
        and Base85 encodings. The functions take and return bytes, so text must be encoded, for
        example with .encode('utf-8'), first.""",
    ),
    (
        "zipfile",
        "zipfile — Work with ZIP archives",
        """
        zipfile reads, creates and updates ZIP archives.
        Open an archive with zipfile.ZipFile('archive.zip'), ideally in a with statement.
        namelist() lists member names, read() returns a member's bytes, extract() and extractall()
        unpack members to disk, and write() or writestr() add content when the file is opened in
        'w' or 'a' mode. Compression is selected with constants such as ZIP_STORED and
        ZIP_DEFLATED. Be careful when extracting archives from untrusted sources, as member names
        could point outside the target directory. The is_zipfile() function tests whether a file
        is a ZIP archive.""",
    ),
    (
        "gzip",
        "gzip — Support for gzip files",
        """
        gzip reads and writes .gz files, the format of the GNU gzip and gunzip tools. gzip.open() opens a .gz file in binary or
        text mode and works like the built-in open(), so reading a compressed log line by line is
        as simple as iterating over the file object. gzip.compress() and gzip.decompress() work
        on bytes in memory. The compresslevel argument ranges from 1 (fastest) to 9 (smallest,
        the default). The module uses zlib internally; for .tar.gz archives use tarfile, and for
        .zip archives use zipfile.""",
    ),
    (
        "tarfile",
        "tarfile — Read and write tar archive files",
        """
        tarfile handles tar archives, whether plain or compressed with gzip, bz2 or lzma. Open an archive with tarfile.open('backup.tar.gz',
        'r:gz'), or use mode 'w:gz' to create one. getmembers() and getnames() list the contents,
        extractall() unpacks them, and add() appends files or whole directories recursively.
        Since version 3.12 extraction filters such as filter='data' can refuse dangerous members,
        for example absolute paths or links pointing outside the destination; they are strongly
        recommended for archives from untrusted sources.""",
    ),
    (
        "urllib.request",
        "urllib.request — Extensible library for opening URLs",
        """
        urllib.request is the standard library's client for fetching URLs, chiefly over HTTP. urllib.request.urlopen() fetches a URL and returns a response object that can
        be read like a file and used as a context manager; its status attribute gives the HTTP
        status code. To send headers or POST data, construct a Request object with data= and
        headers= arguments. Handlers and openers support authentication, proxies and cookies.
        HTTP errors raise urllib.error.HTTPError. For URL parsing and quoting see urllib.parse;
        for a richer client API, many projects use a third-party HTTP library.""",
    ),
    (
        "http.server",
        "http.server — HTTP servers",
        """
        http.server contains simple building blocks for writing HTTP servers. HTTPServer and
        ThreadingHTTPServer listen on an address, and request handler classes such as
        BaseHTTPRequestHandler dispatch requests to methods named do_GET() or do_POST().
        SimpleHTTPRequestHandler serves files from the current directory. From the command line,
        python -m http.server 8000 starts a quick file server on port 8000, and the --directory
        option serves a different folder. Don't use it in production: it performs only basic security checks and is intended for development and testing.""",
    ),
    (
        "socket",
        "socket — Low-level networking interface",
        """
        socket exposes the operating system's BSD-style networking interface on Unix, Windows and macOS. socket.socket(AF_INET, SOCK_STREAM) creates a TCP socket
        and SOCK_DGRAM a UDP socket. Servers call bind(), listen() and accept(); clients call
        connect() or the convenience function create_connection(). Data is exchanged as bytes with
        send(), sendall() and recv(). settimeout() sets a timeout on blocking operations, and
        getaddrinfo() resolves host names. Sockets support the context-manager protocol, closing
        automatically when the with block ends. Higher-level protocols are in modules such as
        http.client.""",
    ),
    (
        "timeit",
        "timeit — Measure execution time of small code snippets",
        """
        timeit benchmarks short snippets of code. It sidesteps common measurement pitfalls, for example by disabling garbage collection during the run and by repeating the statement many times. timeit.timeit(stmt,
        number=1000000) returns the total time in seconds, and timeit.repeat() repeats the
        measurement several times. From the command line, python -m timeit 'sum(range(1000))' chooses the number of loops automatically and reports the best time per
        loop. In IPython the %timeit magic offers the same functionality.""",
    ),
    (
        "sys",
        "sys — System-specific parameters and functions",
        """
        sys gives access to interpreter internals and settings.
        sys.argv holds the command-line arguments passed to a script, with the script name as
        sys.argv[0]. sys.exit() exits the program with a status code. sys.path is the list of
        directories searched for modules, sys.modules maps loaded module names to module objects,
        and sys.version and sys.version_info describe the running interpreter. sys.stdin,
        sys.stdout and sys.stderr are the standard streams. sys.getsizeof() returns the size of an
        object in bytes, and sys.setrecursionlimit() changes the maximum recursion depth.""",
    ),
]

PY_TUTORIAL = [
    (
        "tutorial/inputoutput.html",
        "Reading and Writing Files — Pylang tutorial",
        """
        This tutorial section shows how to read and write files. The built-in open(filename, mode)
        returns a file object; the mode is 'r' for reading (the default), 'w' for writing (which
        truncates an existing file), 'a' for appending and 'x' for exclusive creation, with 'b'
        added for binary mode. Open files in a with block so that they are closed properly even if an exception is raised. f.read() returns the whole file, f.readline()
        reads one line, and looping over the file object reads lines memory-efficiently.
        f.write() returns the number of characters written. Always specify encoding='utf-8' for
        text files. For structured data, save it with the json module.""",
    ),
    (
        "tutorial/errors.html",
        "Errors and Exceptions — Pylang tutorial",
        """
        Pylang reports two broad kinds of problems: syntax errors, caught by the parser before a program runs, and exceptions, raised while it runs. Exceptions are
        handled with try and except clauses; an except clause may name several exceptions as a
        tuple, and the optional else clause runs when no exception occurred. The finally clause
        always runs and is used for clean-up actions. raise throws an exception, and raise ... from
        ... chains a new exception to its cause. User-defined exceptions should derive from the
        Exception class. ExceptionGroup and except* handle several unrelated exceptions at once.""",
    ),
    (
        "tutorial/venv.html",
        "Virtual Environments and Packages — Pylang tutorial",
        """
        Applications often need specific versions of libraries that conflict with other projects.
        The solution is a virtual environment: a self-contained directory tree with its own
        interpreter and installed packages. Create one with python -m venv .venv, then activate it
        with source .venv/bin/activate on Unix or .venv\\Scripts\\activate on Windows. Once
        active, python -m pip install requests installs packages into the environment only.
        pip freeze > requirements.txt records the installed versions, and pip install -r
        requirements.txt reproduces them elsewhere. Run deactivate to leave the environment.""",
    ),
    (
        "tutorial/classes.html",
        "Classes — Pylang tutorial",
        """
        A class bundles data together with the functions that operate on it. A class statement
        creates a new type; calling it creates instances, and the special __init__() method
        initialises them. Methods receive the instance as their first argument, conventionally
        named self. Class variables are shared by all instances, while instance variables are
        unique to each one; beware of mutable class variables such as lists. Inheritance is
        written class Derived(Base), and super() calls methods of a base class. Python supports
        multiple inheritance. Iterators are implemented with __iter__() and __next__(), and
        generators written with yield make iterator creation easy.""",
    ),
    (
        "tutorial/datastructures.html",
        "Data Structures — Pylang tutorial",
        """
        This chapter looks more closely at lists, tuples, sets and dictionaries. Lists have
        methods such as append(), extend(), insert(), remove(), pop(), sort() and reverse(), and
        can be used as stacks; for fast queues use collections.deque. List comprehensions like
        [x**2 for x in range(10)] build lists concisely. Tuples are immutable sequences, often used
        for heterogeneous data and unpacking. Sets are unordered collections without duplicates
        that support union, intersection and difference. Dictionaries map keys to values, keep
        insertion order, and can be built with dict comprehensions; items() loops over key-value
        pairs.""",
    ),
]


def build_pydocs() -> None:
    for mod, title, text in PY_MODULES:
        add(PYDOCS + f"library/{mod}.html", title, text)
    for path, title, text in PY_TUTORIAL:
        add(PYDOCS + path, title, text)


# ---------------------------------------------------------------------------
# Cooking site: Hearth Kitchen
# ---------------------------------------------------------------------------
RECIPES = "https://www.hearthkitchen.example.com/"

RECIPE_PAGES = [
    # --- breads -----------------------------------------------------------
    (
        "recipes/classic-sourdough-loaf",
        "Classic Sourdough Loaf",
        """
        Our everyday sourdough uses just flour, water, salt and an active starter. Ingredients:
        500 g strong white bread flour, 350 g water (70% hydration), 100 g bubbly active starter
        and 10 g salt. Mix the flour and water and let it rest for one hour (the autolyse), then
        add the starter and salt. During the 4–6 hour bulk fermentation, perform a set of stretch
        and folds every 30 minutes for the first two hours. Shape into a tight boule, place in a
        floured banneton and cold-retard in the fridge for 12–16 hours. Bake in a preheated
        Dutch oven at 250 °C with the lid on for 20 minutes, then remove the lid, lower the oven
        to 230 °C and bake 20–25 minutes more until deep brown. Cool for at least an hour before
        slicing.""",
    ),
    (
        "recipes/no-knead-bread",
        "Overnight No-Knead Bread",
        """
        This almost effortless loaf relies on time instead of kneading. Stir together 400 g bread
        flour, 300 g lukewarm water, 8 g salt and just 1 g (a quarter teaspoon) of instant yeast
        until no dry flour remains. Cover and leave at room temperature for 12–18 hours, until the
        dough is bubbly and has more than doubled. Turn it out, fold it over itself a few times and
        let it rest on baking paper while you preheat a cast-iron Dutch oven at 240 °C for 30
        minutes. Bake covered for 30 minutes, then uncovered for 15 minutes until the crust is
        crackly and dark. The long, slow fermentation develops flavour similar to a sourdough
        without needing a starter.""",
    ),
    (
        "recipes/french-baguette",
        "Homemade French Baguettes",
        """
        Makes three baguettes. Combine 500 g French T65 flour (or bread flour), 350 g water, 10 g
        salt and 3 g instant yeast, and knead until smooth. Let the dough ferment for about 2
        hours with a fold after 45 minutes, then divide it into three pieces, pre-shape into
        loose cylinders and rest for 20 minutes. Roll each into a 35–40 cm baguette, proof on a
        floured couche for 45 minutes, and make five long diagonal slashes with a lame. Bake at
        240 °C with steam — a tray of boiling water on the oven floor — for 22–25 minutes. A
        crisp, thin crust and an open, creamy crumb are the hallmarks of a good baguette.""",
    ),
    (
        "recipes/rosemary-focaccia",
        "Rosemary and Sea Salt Focaccia",
        """
        This high-hydration Ligurian-style flatbread needs no shaping skills. Mix 500 g bread flour,
        400 g water (80% hydration), 10 g salt and 7 g instant yeast into a sticky dough, then add
        2 tablespoons of olive oil. Give it four sets of stretch and folds over two hours, then
        pour it into a 23 × 33 cm tin coated with 60 ml olive oil and let it rise until puffy,
        about an hour. Press deep dimples all over with oiled fingertips, scatter with fresh
        rosemary and flaky sea salt, and drizzle with more oil. Bake at 220 °C for about 25
        minutes until golden and crisp underneath. Focaccia is best eaten on the day it is baked.""",
    ),
    (
        "recipes/ciabatta",
        "Ciabatta with a Biga",
        """
        Ciabatta, the 'slipper bread' created in Veneto in 1982, gets its large, irregular holes
        from a very wet dough of around 80% hydration and a pre-ferment called a biga. The day
        before, mix 100 g flour, 60 g water and a pinch of yeast and leave it for 12–16 hours. Next
        day, combine the biga with 400 g flour, 340 g water, 10 g salt and 3 g instant yeast, and
        develop the dough with coil folds in an oiled container over three hours. Tip it onto a
        well-floured bench, cut into two rectangles without degassing, and proof for 30 minutes.
        Bake at 230 °C with steam for 20–25 minutes.""",
    ),
    (
        "recipes/whole-wheat-sandwich-loaf",
        "Soft Whole Wheat Sandwich Loaf",
        """
        A tender, honey-sweetened loaf that slices neatly for sandwiches. Ingredients: 300 g whole
        wheat flour, 200 g bread flour, 340 ml warm milk, 30 g honey, 30 g soft butter, 7 g
        instant yeast and 9 g salt. Knead for about 10 minutes until the dough is smooth and
        elastic — whole wheat dough stays slightly tacky. Let it rise for 1–1.5 hours, shape it
        into a log and place it in a greased 23 × 13 cm loaf tin. Proof until it crowns about 2 cm
        above the rim, then bake at 190 °C for 35–40 minutes. The loaf is done when the internal
        temperature reaches 90 °C. Brush the top with butter for a soft crust.""",
    ),
    (
        "recipes/danish-rye-bread-rugbrod",
        "Danish Seeded Rye Bread (Rugbrød)",
        """
        Rugbrød is the dense, dark sourdough rye that forms the base of Danish open sandwiches,
        smørrebrød. It contains no wheat flour: the night before, mix 150 g rye sourdough starter
        with 500 g dark rye flour, 250 g cracked rye kernels, 100 g sunflower seeds, 50 g
        flaxseeds, 15 g salt and 800 ml water, then leave covered for 12–24 hours. Stir in a
        spoonful of dark syrup or malt, spread the sticky batter-like dough into a greased
        1.5-litre loaf tin and let it rise for two to three hours. Bake at 180 °C for about 1 hour
        45 minutes. Wrap the loaf in a tea towel and wait a full day before slicing thinly.""",
    ),
    (
        "recipes/brioche",
        "Butter Brioche",
        """
        Brioche is a French enriched bread with a soft, golden, cake-like crumb. Ingredients: 500 g
        bread flour, 5 large eggs, 60 ml cold milk, 60 g sugar, 10 g salt, 10 g instant yeast and
        250 g soft unsalted butter. Knead the flour, eggs, milk, sugar, salt and yeast until the
        dough is smooth, then add the butter a little at a time, kneading until it is fully
        absorbed and the dough is glossy. Chill the dough overnight in the fridge, which makes it
        easy to shape. Divide into balls, arrange in a loaf tin or brioche moulds, proof for 2–3
        hours, brush with egg wash and bake at 180 °C for 30–35 minutes.""",
    ),
    (
        "recipes/braided-challah",
        "Six-Strand Braided Challah",
        """
        Challah is the braided egg bread traditionally served on the Jewish Sabbath and holidays.
        Mix 500 g bread flour, 7 g instant yeast, 10 g salt, 60 g honey, 2 eggs plus 1 yolk, 80 ml
        neutral oil and about 200 ml warm water, and knead until smooth. The dough contains no
        dairy, so it can be served with meat meals. Let it rise for about 1.5 hours, then divide
        into six equal strands and braid them. Proof for 45 minutes, brush twice with beaten egg
        for a shiny mahogany crust, sprinkle with sesame or poppy seeds and bake at 180 °C for
        30–35 minutes. Round challahs with raisins are made for Rosh Hashanah.""",
    ),
    (
        "recipes/garlic-butter-naan",
        "Garlic Butter Naan (Stovetop)",
        """
        You don't need a tandoor to make soft, blistered naan at home. Whisk 5 g instant yeast and
        1 teaspoon sugar into 100 ml warm milk, then mix with 300 g plain flour, 150 g plain
        yoghurt, 1 teaspoon salt and half a teaspoon of baking powder. Knead briefly and leave to
        rise for an hour until doubled. Divide into six balls and roll each into an oval about
        5 mm thick. Cook one at a time in a very hot, dry cast-iron pan for 1–2 minutes, until big
        bubbles appear, then flip and cook the other side until charred in spots. Brush at once
        with melted butter mixed with crushed garlic and chopped coriander.""",
    ),
    (
        "recipes/homemade-pita",
        "Puffy Homemade Pita Bread",
        """
        Freshly baked pita puffs up into a pocket as steam forms inside. Mix 500 g bread flour,
        325 ml warm water, 7 g instant yeast, 10 g salt and 15 ml olive oil and knead for 8
        minutes. Let it rise for about 1.5 hours. Divide into eight pieces, rest for 10 minutes,
        then roll each into a round about 5 mm thick — even thickness is the secret to a good
        pocket. Bake directly on a baking steel or stone preheated at 250 °C for 4–5 minutes,
        until puffed and just turning golden. Stack the hot pitas in a clean tea towel so they
        stay soft.""",
    ),
    (
        "recipes/irish-soda-bread",
        "Traditional Irish Soda Bread",
        """
        Soda bread is leavened with bicarbonate of soda instead of yeast, so it goes from bowl to
        oven in minutes. Mix 450 g plain flour, 1 teaspoon bicarbonate of soda and 1 teaspoon
        salt, then pour in about 400 ml buttermilk; the acid in the buttermilk reacts with the
        soda to release carbon dioxide. Stir gently into a soft, shaggy dough without kneading,
        shape into a round and place on a floured tray. Cut a deep cross in the top — tradition
        says it lets the fairies out — and bake at 200 °C for 30–35 minutes, until the loaf
        sounds hollow when tapped underneath. Eat it warm with butter.""",
    ),
    (
        "recipes/banana-bread",
        "One-Bowl Banana Bread",
        """
        Banana bread is a quick bread: it rises with baking soda rather than yeast. Mash 3 very
        ripe bananas in a bowl and stir in 75 g melted butter, 150 g sugar, 1 beaten egg and 1
        teaspoon vanilla. Sprinkle over 1 teaspoon baking soda and a pinch of salt, then fold in
        190 g plain flour until just combined — overmixing makes it tough. Add a handful of walnuts
        or chocolate chips if you like. Pour into a buttered 23 × 13 cm loaf tin and bake at
        175 °C for 55–65 minutes, until a skewer inserted in the centre comes out clean. Cool in
        the tin for 10 minutes before turning out.""",
    ),
    (
        "recipes/skillet-cornbread",
        "Buttermilk Skillet Cornbread",
        """
        Southern-style cornbread gets its crisp edges from a sizzling cast-iron skillet. Put 60 g
        butter in a 25 cm skillet and heat it in the oven at 220 °C. Meanwhile whisk 150 g
        cornmeal, 125 g plain flour, 1 tablespoon baking powder, half a teaspoon of salt and 2
        tablespoons sugar. In another bowl beat 2 eggs with 240 ml buttermilk. Pour most of the
        melted butter from the skillet into the wet ingredients, combine with the dry ones, then
        scrape the batter into the hot skillet. Bake for 20–25 minutes until golden. Serve with
        chilli, barbecue or honey butter.""",
    ),
    (
        "recipes/new-york-bagels",
        "Chewy New York-Style Bagels",
        """
        Makes eight bagels. Knead 500 g bread flour, 290 g water, 10 g salt, 5 g instant yeast and
        15 g barley malt syrup into a stiff, smooth dough — bagel dough is much drier than most
        bread doughs. Divide, shape into rings by poking a hole through each ball, and refrigerate
        overnight on a tray. Next day, boil the bagels for one minute per side in water with a
        spoonful of malt syrup and a teaspoon of baking soda; the boil sets the crust and gives
        bagels their chew. Top with sesame, poppy seeds or 'everything' seasoning and bake at
        230 °C for 18–20 minutes.""",
    ),
    # --- baking guides ---------------------------------------------------
    (
        "guides/how-to-make-a-sourdough-starter",
        "How to Make a Sourdough Starter",
        """
        A sourdough starter is a culture of wild yeasts and lactic acid bacteria living in a paste
        of flour and water. Day 1: mix 50 g wholemeal rye or whole wheat flour with 50 g
        lukewarm water in a clean jar, cover loosely and keep it somewhere warm, ideally 24–26 °C.
        Every 24 hours, discard all but 50 g and feed it with 50 g flour and 50 g water. After
        three or four days bubbles appear; it may smell odd before it settles down. The starter
        is ready, usually after 7–14 days, when it reliably doubles in volume within 4–8 hours of
        feeding. Once established, you can keep it in the fridge and feed it weekly.""",
    ),
    (
        "guides/bakers-percentages",
        "Baker's Percentages Explained",
        """
        Bakers express every ingredient as a percentage of the total flour weight, which is
        always 100%. A dough with 1,000 g flour and 700 g water therefore has 70% hydration.
        Salt is usually 1.8–2.2% and instant yeast 0.5–1.5%. Because the percentages are
        relative, a formula can be scaled to any batch size: for 500 g flour at 70% hydration
        with 2% salt you need 350 g water and 10 g salt. Hydration strongly shapes the bread:
        bagels sit around 55–58%, sandwich loaves 60–65%, rustic sourdough 70–75%, and ciabatta
        or focaccia 80% or more. When using a starter, count its flour and water in the totals.""",
    ),
    (
        "guides/yeast-types",
        "Fresh, Active Dry and Instant Yeast",
        """
        Bakers' yeast comes in three common forms. Fresh (compressed) yeast is moist, keeps about
        two weeks in the fridge and is crumbled into the dough. Active dry yeast has larger
        granules and is traditionally dissolved in warm water before use. Instant yeast has finer
        granules and can be mixed straight into the flour; it is the most convenient for home
        bakers. To convert, 1 g of instant yeast is roughly equivalent to 1.25 g of active dry
        yeast or 3 g of fresh yeast. Water hotter than about 50 °C begins to damage yeast, and
        salt should not be piled directly on top of it.""",
    ),
    (
        "guides/kitchen-conversions",
        "Kitchen Conversions: Cups, Grams and Oven Temperatures",
        """
        Weighing ingredients is more accurate than using cups, because a cup of flour can weigh
        anywhere from 120 to 150 g depending on how it is filled. Typical values: 1 US cup of
        plain flour is about 125 g, granulated sugar about 200 g, butter about 227 g and water
        240 ml. One tablespoon is 15 ml and one teaspoon is 5 ml. Common oven temperatures:
        160 °C = 325 °F = gas mark 3; 180 °C = 350 °F = gas mark 4; 200 °C = 400 °F = gas mark
        6; 220 °C = 425 °F = gas mark 7; 230 °C = 450 °F = gas mark 8. For fan ovens, reduce the
        temperature by about 20 °C.""",
    ),
    # --- soups ------------------------------------------------------------
    (
        "recipes/french-onion-soup",
        "French Onion Soup Gratinée",
        """
        The secret of French onion soup is patience. Slice 1 kg of yellow onions and cook them
        slowly in 50 g butter with a pinch of salt for 45–60 minutes, stirring often, until deep
        golden brown and jammy. Stir in a tablespoon of flour, deglaze with 150 ml dry white wine,
        then add 1.2 litres of beef stock, a bay leaf and a few sprigs of thyme and simmer for 30
        minutes. Ladle into ovenproof bowls, top each with a toasted slice of baguette and a
        generous handful of grated Gruyère, and grill until bubbling and browned. A splash of
        brandy or Cognac before serving adds depth.""",
    ),
    (
        "recipes/minestrone",
        "Hearty Minestrone",
        """
        Minestrone is the thick Italian vegetable soup with countless regional versions. Soften a
        chopped onion, two carrots and two celery sticks in olive oil, then add two diced
        courgettes, a handful of green beans, two cloves of garlic and a tin of chopped tomatoes.
        Pour in 1.5 litres of vegetable stock, add a Parmesan rind for savouriness and simmer for
        20 minutes. Stir in a drained tin of borlotti or cannellini beans and 100 g small pasta
        such as ditalini, and cook until the pasta is tender, about 10 minutes. Finish with
        shredded cavolo nero, a drizzle of good olive oil and a spoonful of pesto.""",
    ),
    (
        "recipes/andalusian-gazpacho",
        "Andalusian Gazpacho",
        """
        Gazpacho is a cold, uncooked tomato soup from Andalusia in southern Spain, perfect for hot
        summer days. Roughly chop 1 kg very ripe tomatoes, half a cucumber, one green pepper, a
        small piece of onion and one garlic clove. Blend with 50 g stale white bread soaked in
        water, 2 tablespoons sherry vinegar, 100 ml extra-virgin olive oil and salt until very
        smooth, then pass through a sieve for a silky texture. Chill for at least two hours —
        gazpacho must be served very cold. Garnish with finely diced cucumber, pepper and
        croutons. Salmorejo, its thicker cousin from Córdoba, uses more bread and is topped with
        egg and ham.""",
    ),
    (
        "recipes/roasted-tomato-soup",
        "Roasted Tomato and Basil Soup",
        """
        Roasting concentrates the sweetness of tomatoes, making this soup worthwhile even with
        supermarket fruit. Halve 1.2 kg tomatoes and arrange them cut side up on a tray with a
        quartered red onion and a whole head of garlic. Drizzle with olive oil, season and roast
        at 200 °C for 40 minutes until soft and slightly charred. Squeeze the garlic from its
        skins and blend everything with 500 ml vegetable stock and a handful of basil leaves.
        Reheat gently, adjust the seasoning with a pinch of sugar if needed, and swirl in a little
        cream. Serve with grilled cheese sandwiches.""",
    ),
    (
        "recipes/chicken-noodle-soup",
        "Classic Chicken Noodle Soup",
        """
        A comforting soup made from scratch. Put 1 kg chicken thighs (bone-in) in a large pot with
        2 litres of water, an onion, two carrots, two celery sticks, a bay leaf and a few
        peppercorns. Bring to a gentle simmer, skim off any foam and cook for 1 hour. Lift out the
        chicken, shred the meat and discard the bones, then strain the broth. Return the broth to
        the pot with freshly diced carrot and celery and simmer for 10 minutes, add 150 g egg
        noodles and cook for another 6–8 minutes. Stir the chicken back in, season well and
        finish with chopped parsley and dill.""",
    ),
    (
        "recipes/red-lentil-soup",
        "Spiced Red Lentil Soup",
        """
        This Turkish-inspired soup (mercimek çorbası) is ready in 30 minutes and costs very
        little. Fry a chopped onion and carrot in olive oil until soft, then stir in 2 cloves of
        garlic, 1 teaspoon ground cumin, 1 teaspoon sweet paprika and a tablespoon of tomato
        paste. Add 200 g rinsed red lentils and 1 litre of vegetable stock and simmer for about 25
        minutes, until the lentils have completely broken down. Blend until smooth and season
        with salt and the juice of half a lemon. Serve with a drizzle of butter heated with dried
        mint and chilli flakes, and lemon wedges on the side.""",
    ),
    (
        "recipes/roast-pumpkin-soup",
        "Roast Pumpkin Soup with Nutmeg",
        """
        Cut 1 kg of pumpkin or butternut squash into chunks — no need to peel if roasting — and
        toss with olive oil, salt and a few sage leaves. Roast at 200 °C for about 40 minutes
        until tender and caramelised at the edges. Meanwhile soften an onion in butter. Scoop
        the pumpkin flesh from the skin and blend it with the onion, 800 ml hot chicken or
        vegetable stock and a generous grating of nutmeg. Stir in 100 ml cream, season and
        thin with more stock if needed. Top with toasted pumpkin seeds and crisp fried sage
        leaves.""",
    ),
    (
        "recipes/miso-soup",
        "Simple Miso Soup with Tofu and Wakame",
        """
        Miso soup starts with dashi, the Japanese stock. Soak a 10 cm piece of kombu in 1 litre
        of cold water for 30 minutes, heat until just below boiling and remove the kombu. Add
        15 g katsuobushi (dried bonito flakes), simmer for one minute, let them steep for a few
        minutes and strain. Rehydrate a tablespoon of dried wakame seaweed and cut 200 g silken
        tofu into cubes. Warm the dashi with the tofu and wakame, then turn off the heat and
        dissolve 3 tablespoons of miso paste through a small sieve — never boil miso, or it loses
        aroma. Serve sprinkled with sliced spring onion.""",
    ),
    # --- pasta ------------------------------------------------------------
    (
        "recipes/spaghetti-carbonara",
        "Spaghetti alla Carbonara",
        """
        Authentic Roman carbonara uses no cream: the silky sauce comes from eggs, cheese and
        pasta water. For four people you need 400 g spaghetti, 150 g guanciale (cured pork
        cheek) cut into strips, 4 egg yolks plus 1 whole egg, 50 g finely grated Pecorino Romano
        and plenty of freshly ground black pepper. Fry the guanciale until crisp, without extra
        oil. Whisk the eggs with the cheese and pepper. Toss the drained spaghetti with the
        guanciale off the heat, then stir in the egg mixture with a splash of pasta water,
        working quickly so the eggs thicken into a creamy sauce without scrambling.""",
    ),
    (
        "recipes/cacio-e-pepe",
        "Cacio e Pepe",
        """
        Cacio e pepe — 'cheese and pepper' — is one of the great minimalist pasta dishes of Rome.
        Toast 2 teaspoons of coarsely ground black pepper in a dry pan until fragrant. Cook 320 g
        tonnarelli or spaghetti in less water than usual so the water becomes starchy. Mix 120 g
        very finely grated Pecorino Romano with a few spoonfuls of warm (not boiling) pasta
        water to form a smooth paste. Add the drained pasta to the pepper pan with a ladle of
        water, take it off the heat, then toss in the cheese paste vigorously until it emulsifies
        into a glossy sauce. If the pan is too hot the cheese will clump.""",
    ),
    (
        "recipes/ragu-alla-bolognese",
        "Ragù alla Bolognese",
        """
        The classic meat sauce of Bologna is slow-cooked and only lightly tomatoey. Gently fry a
        soffritto of finely chopped onion, carrot and celery in butter and olive oil. Add 300 g
        minced beef and 200 g minced pork and brown well, then pour in 150 ml dry white wine and
        let it evaporate. Stir in 2 tablespoons tomato paste diluted in 300 ml stock and 150 ml
        whole milk, which makes the sauce tender and mellow. Cover and simmer very gently for at
        least 2–3 hours, adding stock when needed. In Bologna ragù is served with fresh egg
        tagliatelle or in lasagne, never with spaghetti.""",
    ),
    (
        "recipes/pesto-alla-genovese",
        "Pesto alla Genovese",
        """
        Pesto comes from Genoa in Liguria and is traditionally made in a marble mortar. Pound 2
        garlic cloves and a pinch of coarse salt, add 30 g pine nuts, then 50 g young basil
        leaves a few at a time, grinding with a circular motion rather than chopping. Work in 40 g
        Parmigiano Reggiano and 20 g Pecorino Fiore Sardo, then loosen with about 80 ml mild
        Ligurian extra-virgin olive oil. A blender works too, but pulse briefly so the basil does
        not heat up and darken. In Liguria pesto is served with trofie or trenette, often cooked
        together with diced potato and green beans.""",
    ),
    (
        "recipes/classic-lasagne",
        "Classic Baked Lasagne",
        """
        Layer rich ragù with béchamel and pasta sheets for the ultimate baked pasta. Make a
        béchamel by cooking 60 g butter and 60 g flour together, then whisking in 800 ml warm milk
        and simmering until thick; season with nutmeg. In a 20 × 30 cm baking dish, spread a
        little ragù, then alternate layers of lasagne sheets, ragù, béchamel and grated Parmesan,
        making about five layers and finishing with béchamel and cheese. Bake at 180 °C for 40–45
        minutes until bubbling and golden on top. Let the lasagne rest for 15 minutes before
        cutting so the layers hold together.""",
    ),
    (
        "recipes/aglio-olio-e-peperoncino",
        "Spaghetti Aglio, Olio e Peperoncino",
        """
        This Neapolitan midnight pasta needs only garlic, olive oil and chilli. While 400 g
        spaghetti cooks in well-salted water, gently heat 100 ml extra-virgin olive oil with 4
        thinly sliced garlic cloves and 1–2 dried chillies, crumbled. Keep the heat low: the
        garlic should turn pale gold, never brown, or it becomes bitter. Transfer the spaghetti
        to the pan a minute before it is al dente, add a ladle of pasta water and toss over high
        heat until the oil and water emulsify into a light sauce. Finish with chopped parsley.
        Traditionally no cheese is added.""",
    ),
    # --- desserts ---------------------------------------------------------
    (
        "recipes/chocolate-chip-cookies",
        "Chewy Chocolate Chip Cookies",
        """
        Makes about 24 cookies. Cream 225 g soft butter with 200 g light brown sugar and 100 g
        caster sugar, then beat in 2 eggs and 1 teaspoon vanilla extract. Mix in 300 g plain
        flour, 1 teaspoon baking soda and 1 teaspoon salt, and fold in 300 g chopped dark
        chocolate. For the best texture and flavour, chill the dough for at least 24 hours; the
        flour hydrates and the sugars caramelise more during baking. Scoop balls of about 50 g onto
        lined trays, leaving space to spread, and bake at 180 °C for 10–12 minutes, until golden at
        the edges but still soft in the middle. Sprinkle with flaky salt.""",
    ),
    (
        "recipes/tiramisu",
        "Classic Tiramisù",
        """
        Tiramisù, meaning 'pick me up', is a no-bake dessert from the Veneto region of Italy.
        Whisk 4 egg yolks with 100 g sugar until pale and thick, then beat in 500 g mascarpone.
        In a separate bowl whip the 4 egg whites to stiff peaks and fold them gently into the
        mascarpone cream. Quickly dip about 300 g savoiardi (ladyfinger biscuits) in 300 ml cooled
        strong espresso, optionally mixed with a splash of Marsala, and arrange a layer in a
        dish. Cover with half the cream, repeat the layers, and refrigerate for at least 6 hours
        or overnight. Dust generously with unsweetened cocoa powder just before serving.""",
    ),
    (
        "recipes/apple-pie",
        "Double-Crust Apple Pie",
        """
        For the pastry, rub 200 g cold butter into 350 g plain flour with a pinch of salt and bind
        with 6–7 tablespoons of ice water; chill for an hour. Peel and slice 1.2 kg of mixed apples
        — a blend of tart Bramley or Granny Smith and sweeter varieties gives the best flavour —
        and toss with 120 g sugar, 2 tablespoons flour, cinnamon, nutmeg and lemon juice. Line a
        23 cm pie dish with half the pastry, pile in the apples, cover with the remaining pastry,
        crimp the edges and cut steam vents. Bake at 220 °C for 20 minutes, then at 180 °C for
        about 40 minutes until the filling bubbles. Cool for 3 hours before slicing.""",
    ),
    (
        "recipes/creme-brulee",
        "Vanilla Crème Brûlée",
        """
        Serves six. Heat 500 ml double cream with a split vanilla pod until steaming. Whisk 5 egg
        yolks with 60 g caster sugar, then slowly pour in the hot cream while whisking. Strain the
        custard and divide it among six ramekins set in a roasting tin. Pour hot water into the
        tin to come halfway up the ramekins — the water bath keeps the custard silky — and bake
        at 150 °C for 35–40 minutes, until set but still wobbly in the centre. Cool, then chill
        for at least 4 hours. Just before serving, sprinkle each with a thin layer of sugar and
        caramelise it with a kitchen blowtorch until it forms a brittle amber crust.""",
    ),
    (
        "recipes/fudgy-brownies",
        "Fudgy Chocolate Brownies",
        """
        Melt 185 g dark chocolate (about 70% cocoa) with 185 g butter and let it cool slightly.
        Whisk 3 large eggs with 275 g caster sugar for several minutes until thick and pale —
        this creates the shiny, crackly top. Fold the chocolate into the eggs, then sift over 85 g
        plain flour and 40 g cocoa powder and fold gently. Pour into a 20 cm square tin lined with
        baking paper and bake at 180 °C for about 25 minutes: the centre should be barely set and
        a skewer should come out with moist crumbs. Cool completely in the tin before cutting
        into 16 squares.""",
    ),
    (
        "recipes/fluffy-pancakes",
        "Fluffy American Pancakes",
        """
        Makes about 10 pancakes. Whisk 200 g plain flour, 2 teaspoons baking powder, 1 tablespoon
        sugar and a pinch of salt in a bowl. In a jug beat 1 egg with 300 ml milk and 25 g melted
        butter. Pour the wet ingredients into the dry and stir just until combined; a few lumps
        are fine and keep the pancakes tender. Let the batter rest for 5 minutes. Heat a lightly
        buttered non-stick pan over medium heat and pour in about 60 ml of batter per pancake.
        Flip when bubbles appear on the surface, after about 2 minutes, and cook for another
        minute. Serve stacked with maple syrup and berries.""",
    ),
]


def build_recipes() -> None:
    for path, title, text in RECIPE_PAGES:
        add(RECIPES + path, title, text)


# ---------------------------------------------------------------------------
# Travel guide: Wayfarer Guides
# ---------------------------------------------------------------------------
TRAVEL = "https://www.wayfarer.example.net/"

TRAVEL_PAGES = [
    (
        "europe/france/paris",
        "Paris travel guide",
        """
        Paris rewards slow exploration on foot along the Seine. Essential sights include the
        Eiffel Tower, completed in 1889 for the World's Fair; the Louvre, the world's most-visited
        art museum and home of the Mona Lisa; the Musée d'Orsay's Impressionist collection in a
        former railway station; and the hilltop basilica of Sacré-Cœur in Montmartre. Notre-Dame
        Cathedral reopened in December 2024 after the 2019 fire. The Métro, with 16 lines, is the
        quickest way around; buy tickets on a smartphone or a Navigo card. Spring (April–June)
        and early autumn are the most pleasant times to visit. Many museums close on Monday or
        Tuesday, so check before you go.""",
    ),
    (
        "europe/france/lyon",
        "Lyon travel guide",
        """
        Lyon, France's third-largest city, sits where the Saône meets the Rhône and is often called
        the gastronomic capital of the country. Eat at a traditional bouchon, serving dishes such
        as quenelles and saucisson brioché, and browse the Les Halles de Lyon Paul Bocuse food
        market. The Renaissance lanes of Vieux Lyon hide traboules, covered passageways through
        buildings once used by silk workers. Take the funicular up Fourvière hill for the basilica
        and the Roman theatres. The Fête des Lumières festival of light fills the city every
        December around the 8th. High-speed TGV trains reach Paris in about two hours.""",
    ),
    (
        "europe/france/strasbourg",
        "Strasbourg travel guide",
        """
        Strasbourg, the capital of Alsace, lies on the Rhine across from the German town of Kehl,
        and its mix of French and German culture is everywhere. The Gothic cathedral, with its
        142 m spire and astronomical clock, dominates the Grande Île, the historic island
        encircled by the Ill river and a UNESCO World Heritage Site. Stroll through Petite France,
        the old tanners' quarter of half-timbered houses and canals. The city hosts the European
        Parliament and the Council of Europe. Its Christmas market, held since 1570, is one of the
        oldest in Europe. Try tarte flambée and choucroute with a glass of Riesling.""",
    ),
    (
        "europe/portugal/lisbon",
        "Lisbon travel guide",
        """
        Lisbon spreads over seven hills above the wide Tagus estuary. Ride the historic Tram 28,
        which rattles through the Alfama, Baixa and Estrela districts, but board early to avoid
        crowds. In Belém, visit the Jerónimos Monastery and Belém Tower, both UNESCO-listed, and
        taste the original pastéis de Belém custard tarts. The Alfama's narrow lanes are the home
        of fado music. Miradouros (viewpoints) such as Senhora do Monte give sweeping views. A
        Viva Viagem card covers the metro, trams, buses and ferries across the river. The
        beaches of Cascais and the palaces of Sintra are easy day trips by train.""",
    ),
    (
        "europe/portugal/porto",
        "Porto travel guide",
        """
        Porto climbs the steep north bank of the Douro river near its mouth. Its Ribeira district,
        with colourful houses stacked above the quays, is a UNESCO World Heritage Site. Walk
        across the double-decker Dom Luís I Bridge to Vila Nova de Gaia, where the port wine
        lodges offer cellar tours and tastings. The São Bento railway station is famous for its
        azulejo tile panels, and the Livraria Lello bookshop now charges an entry fee. Try a
        francesinha, a hearty sandwich covered in melted cheese and beer sauce. River cruises and
        trains run up the Douro Valley to the terraced vineyards around Peso da Régua and
        Pinhão.""",
    ),
    (
        "europe/austria/vienna",
        "Vienna travel guide",
        """
        Vienna, Austria's capital on the Danube, is known for imperial palaces, classical music
        and coffee houses. Visit Schönbrunn Palace, the Habsburgs' summer residence, and the
        Hofburg in the centre, home of the Spanish Riding School. St Stephen's Cathedral marks the
        heart of the old town, and the Kunsthistorisches Museum holds one of the world's great
        collections of Old Masters. Standing-room tickets at the State Opera cost just a few
        euros. Linger over a Melange and Sachertorte in a traditional café. Public transport is
        excellent; a 72-hour pass covers the U-Bahn, trams and buses. The Prater amusement park
        has the giant Riesenrad Ferris wheel from 1897.""",
    ),
    (
        "europe/hungary/budapest",
        "Budapest travel guide",
        """
        Budapest is formed from Buda, on the hilly west bank of the Danube, and Pest, on the flat
        east bank, united in 1873. The Chain Bridge, opened in 1849, was the first permanent
        bridge across the Danube in the city. On the Buda side, Castle Hill holds the Royal Palace,
        Matthias Church and the Fishermen's Bastion. The neo-Gothic Parliament Building dominates
        the Pest riverbank. Budapest is famous for its thermal baths: the Széchenyi baths in City
        Park and the Art Nouveau Gellért baths are the best known. Evening river cruises show the
        illuminated riverfront, itself a UNESCO World Heritage Site. Metro Line 1, opened in 1896,
        is the oldest on the European mainland.""",
    ),
    (
        "europe/czechia/prague",
        "Prague travel guide",
        """
        Prague, the Czech capital on the Vltava river, has one of the best-preserved historic
        centres in Europe. Cross the 14th-century Charles Bridge, lined with baroque statues, early
        in the morning to avoid crowds. Prague Castle, founded in the 9th century, is one of the
        largest castle complexes in the world and contains St Vitus Cathedral. In the Old Town
        Square, the medieval astronomical clock on the Old Town Hall has put on its hourly show of
        moving apostles since the 15th century. The Jewish Quarter, Josefov, preserves six
        synagogues and an old cemetery. Czech beer is cheap and excellent; try a Pilsner in a
        traditional pub.""",
    ),
    (
        "europe/netherlands/amsterdam",
        "Amsterdam travel guide",
        """
        Amsterdam's 17th-century canal ring, a UNESCO World Heritage Site, is best explored by bike
        or boat. The Rijksmuseum displays Rembrandt's The Night Watch and works by Vermeer, and the
        Van Gogh Museum holds the world's largest collection of his paintings. Book tickets for the
        Anne Frank House online well in advance; they sell out quickly. The Jordaan neighbourhood
        has cosy brown cafés and markets. Trams run by GVB cover the centre, and you must check in
        and out with your card or contactless bank card. Amsterdam Centraal station links to
        Schiphol Airport in about 15 minutes. Watch out for cyclists when crossing bike lanes.""",
    ),
    (
        "europe/germany/cologne",
        "Cologne travel guide",
        """
        Cologne (Köln) on the Rhine is one of Germany's oldest cities, founded by the Romans. Its
        twin-spired Gothic cathedral took more than 600 years to complete, from 1248 to 1880, and
        is Germany's most-visited landmark; climb the 533 steps of the south tower for the view.
        The Romano-Germanic Museum and the Museum Ludwig, with its pop art collection, stand
        nearby. Drink Kölsch, the local beer, served in small 0.2-litre glasses that waiters keep
        refilling until you cover your glass with a beer mat. Cologne's street carnival peaks in
        February. KD river boats sail upstream through the Rhine Gorge in summer.""",
    ),
    (
        "europe/switzerland/basel",
        "Basel travel guide",
        """
        Basel straddles the Rhine where Switzerland meets France and Germany. The Basler Münster,
        a red sandstone cathedral, overlooks the river, and the Kunstmuseum has one of the oldest
        public art collections in the world. In summer, locals swim downstream in the Rhine,
        carrying their clothes in a waterproof 'Wickelfisch' bag. Four traditional reaction
        ferries cross the river using only the current. The city hosts Art Basel each June and the
        Fasnacht carnival, which begins at 4 a.m. on the Monday after Ash Wednesday. Many hotel
        guests receive a BaselCard giving free public transport. River cruises to Amsterdam
        start here.""",
    ),
    (
        "europe/poland/krakow",
        "Kraków travel guide",
        """
        Kraków, Poland's former royal capital on the Vistula river, escaped major destruction in
        the Second World War, and its old town was among the first UNESCO World Heritage Sites in
        1978. The vast Main Market Square (Rynek Główny) is ringed by cafés and centred on the
        Cloth Hall. From St Mary's Basilica a trumpeter plays the hejnał every hour, stopping
        abruptly mid-tune. Wawel Hill holds the royal castle and cathedral. Kazimierz, the former
        Jewish district, is now full of galleries and bars. Popular day trips include the
        Wieliczka Salt Mine and the Auschwitz-Birkenau memorial. Try pierogi and obwarzanki, the
        local bagel-like rings.""",
    ),
    (
        "europe/italy/rome",
        "Rome travel guide",
        """
        Rome, the Eternal City on the Tiber, layers nearly 3,000 years of history. Pre-book timed
        tickets for the Colosseum, Roman Forum and Palatine Hill, which share a combined ticket.
        The Pantheon, with its unreinforced concrete dome, is nearly 1,900 years old. In Vatican
        City, the Vatican Museums lead to Michelangelo's Sistine Chapel ceiling, and St Peter's
        Basilica is free to enter. Throw a coin into the Trevi Fountain to ensure your return. Rome
        has only three metro lines, so walking and buses are often faster. Roman specialities
        include carbonara, cacio e pepe and supplì. Avoid August, when it is hot and many locals
        leave.""",
    ),
    (
        "europe/italy/florence",
        "Florence travel guide",
        """
        Florence, the cradle of the Renaissance, lies on the Arno river in Tuscany. Its cathedral,
        Santa Maria del Fiore, is crowned by Brunelleschi's dome; climbing its 463 steps requires a
        reservation. The Uffizi Gallery holds Botticelli's The Birth of Venus, and Michelangelo's
        David stands in the Galleria dell'Accademia. The Ponte Vecchio, lined with jewellers'
        shops, is the only Florentine bridge to survive the Second World War. Cross to the
        Oltrarno for the Pitti Palace and the Boboli Gardens, and watch the sunset from Piazzale
        Michelangelo. The historic centre is compact and largely pedestrianised. Try bistecca alla
        fiorentina.""",
    ),
    (
        "europe/italy/venice",
        "Venice travel guide",
        """
        Venice is built on 118 small islands in a lagoon of the Adriatic Sea, linked by more than
        400 bridges. There are no cars: get around on foot or by vaporetto water bus along the
        Grand Canal. St Mark's Basilica, with its golden mosaics, and the Doge's Palace face St
        Mark's Square. The Rialto Bridge is the oldest of the four bridges across the Grand Canal.
        Since 2024 day-trippers must pay an access fee on peak days. High tides, called acqua
        alta, flood low-lying areas mainly between October and January, though the MOSE barrier
        now protects the city from the worst. Visit the islands of Murano for glass and Burano for
        lace.""",
    ),
    (
        "europe/italy/turin",
        "Turin travel guide",
        """
        Turin (Torino), the capital of Piedmont on the Po river, was the first capital of unified
        Italy in 1861. Its elegant arcaded streets stretch for about 18 km, making it easy to
        explore in any weather. The Mole Antonelliana, the city's symbol, houses the National
        Cinema Museum, and a glass lift climbs to a viewing terrace. The Egyptian Museum is
        considered the most important collection of Egyptian antiquities outside Cairo. Turin is
        the home of Fiat and of the Shroud of Turin, kept in the cathedral. Stop for a bicerin, a
        layered drink of espresso, chocolate and cream, and enjoy aperitivo hour.""",
    ),
    (
        "europe/spain/barcelona",
        "Barcelona travel guide",
        """
        Barcelona, Catalonia's capital on the Mediterranean, is defined by the architecture of
        Antoni Gaudí. The Sagrada Família basilica, under construction since 1882, is expected to
        be completed in the late 2020s; book tickets online. Park Güell and the houses Casa Batlló
        and Casa Milà (La Pedrera) are also must-sees. Stroll down La Rambla to the Boqueria
        market and get lost in the Gothic Quarter. The city beach at Barceloneta is a short walk
        from the old town. The metro is extensive, and the T-casual card gives 10 journeys.
        Dinner is eaten late, rarely before 9 p.m. Beware of pickpockets in crowded areas.""",
    ),
    (
        "europe/spain/seville",
        "Seville travel guide",
        """
        Seville, the capital of Andalusia on the Guadalquivir river, is the home of flamenco and
        the setting of operas such as Carmen. Its Gothic cathedral is one of the largest in the
        world and contains the tomb of Christopher Columbus; its bell tower, the Giralda, was
        once the minaret of a mosque. The Real Alcázar royal palace has intricate Mudéjar
        courtyards and gardens. The sweeping Plaza de España was built for the 1929
        Ibero-American Exposition. Summer temperatures regularly exceed 40 °C, so spring is the
        best time to visit — especially during Holy Week and the April Fair. Tapas bars are
        everywhere; try salmorejo and espinacas con garbanzos.""",
    ),
    (
        "europe/uk/edinburgh",
        "Edinburgh travel guide",
        """
        Scotland's capital is split between the medieval Old Town and the Georgian New Town, both
        UNESCO-listed. Edinburgh Castle sits on an extinct volcano, and the One O'Clock Gun is
        fired from it every day except Sunday. The Royal Mile runs downhill from the castle to the
        Palace of Holyroodhouse, the King's official residence in Scotland. Climb Arthur's Seat,
        another ancient volcano, for views over the city and the Firth of Forth. Every August the
        city hosts the Edinburgh Festival Fringe, the world's largest arts festival, so book
        accommodation early. Trams link the airport with the city centre and Leith.""",
    ),
    (
        "europe/ireland/dublin",
        "Dublin travel guide",
        """
        Dublin, Ireland's capital, straddles the River Liffey. At Trinity College, founded in
        1592, see the Book of Kells, a 9th-century illuminated manuscript, and the Long Room of
        the Old Library. The Guinness Storehouse, on the site of the St James's Gate brewery,
        ends with a pint in the rooftop Gravity Bar. Temple Bar is the lively, touristy heart of
        the nightlife, but traditional music sessions can be found in pubs across the city. Other
        highlights include St Patrick's Cathedral, Kilmainham Gaol and the Georgian squares.
        The Leap Card gives discounted fares on buses, the Luas tram and DART trains.""",
    ),
    (
        "europe/denmark/copenhagen",
        "Copenhagen travel guide",
        """
        Copenhagen is one of the most bike-friendly cities in the world, and renting a bike is the
        best way to get around. Colourful 17th-century houses line the Nyhavn canal, and Tivoli
        Gardens, opened in 1843, is one of the oldest amusement parks still operating. The Little
        Mermaid statue, based on Hans Christian Andersen's fairy tale, sits on the Langelinie
        promenade. Visit Rosenborg Castle for the crown jewels and the Freetown of Christiania for
        a very different atmosphere. The driverless metro runs 24 hours a day and reaches the
        airport in 15 minutes. Try smørrebrød, open sandwiches on dark rye bread.""",
    ),
    (
        "europe/sweden/stockholm",
        "Stockholm travel guide",
        """
        Stockholm is built on 14 islands where Lake Mälaren meets the Baltic Sea. Gamla Stan, the
        old town, has narrow cobbled streets and the Royal Palace. The Vasa Museum displays a
        warship that sank on her maiden voyage in 1628 and was raised almost intact in 1961.
        Skansen, on the island of Djurgården, was the world's first open-air museum. The Nobel
        Prize Museum explains the history of the prizes. Stockholm's metro is known as the world's
        longest art gallery, with decorated stations. Ferries run out into the archipelago of some
        30,000 islands. Take a fika break with coffee and a cinnamon bun.""",
    ),
    (
        "europe/iceland/reykjavik",
        "Reykjavík travel guide",
        """
        Reykjavík, the world's northernmost capital of a sovereign state, is the base for most
        trips around Iceland. The expressionist Hallgrímskirkja church, 74.5 m tall, offers views
        from its tower, and the Harpa concert hall glitters on the harbour. Popular day tours
        follow the Golden Circle to Þingvellir National Park, the Geysir geothermal area and
        Gullfoss waterfall. The Blue Lagoon geothermal spa lies between the city and Keflavík
        airport. The northern lights are visible from September to April on clear, dark nights,
        while June has almost 24 hours of daylight. Prices are high, so budget accordingly.""",
    ),
    (
        "europe/turkey/istanbul",
        "Istanbul travel guide",
        """
        Istanbul straddles the Bosphorus strait, with districts on both the European and Asian
        sides. Hagia Sophia, built in 537 as a cathedral and later a mosque, still amazes with its
        huge dome; the Blue Mosque, with six minarets, stands opposite. Topkapı Palace was the
        home of Ottoman sultans for nearly 400 years. Explore the Grand Bazaar, one of the oldest
        and largest covered markets in the world with more than 4,000 shops, and the Spice
        Bazaar. Public ferries across the Bosphorus are cheap and scenic. Use an Istanbulkart for
        trams, metro, buses and ferries.""",
    ),
    (
        "asia/japan/kyoto",
        "Kyoto travel guide",
        """
        Kyoto was Japan's imperial capital for more than a thousand years and has some 1,600
        Buddhist temples and 400 Shinto shrines. The vermilion torii gates of Fushimi Inari
        shrine wind up the mountain behind it; go early in the morning. Kinkaku-ji, the Golden
        Pavilion, is covered in gold leaf, and the Arashiyama bamboo grove is best visited at
        dawn. In the Gion district you may glimpse geiko and maiko. Kyoto is busiest during
        cherry-blossom season in early April and the autumn colours of November. Buses are crowded;
        the subway and walking are often quicker. The Shinkansen reaches Tokyo in about 2 hours
        15 minutes.""",
    ),
    (
        "asia/japan/tokyo",
        "Tokyo travel guide",
        """
        Tokyo, the world's most populous metropolitan area, combines neon-lit districts with
        quiet shrines. Watch the crowds at the Shibuya scramble crossing, visit Sensō-ji, the
        city's oldest temple, in Asakusa, and stroll through the forested grounds of Meiji
        Shrine next to Harajuku. The Tokyo Skytree, at 634 m, is the tallest tower in the world.
        The fish auctions moved from Tsukiji to Toyosu Market in 2018, but Tsukiji's outer market
        remains great for street food. Trains and subways are punctual; a Suica or Pasmo IC card
        works across all of them. Mount Fuji is visible on clear winter days.""",
    ),
    (
        "themes/rhine-river-cruise",
        "Rhine river cruises: Basel to Amsterdam",
        """
        A Rhine cruise from Basel to Amsterdam typically takes seven or eight days and covers
        about 800 km of the river. After leaving Basel, ships stop at Breisach for the Black Forest
        and at Strasbourg. The highlight is the Middle Rhine Gorge between Rüdesheim and Koblenz,
        where dozens of castles crown the vineyard slopes and the river bends sharply at the
        Lorelei rock. Further north come Cologne, with its cathedral, and Düsseldorf, before the
        ship enters the Netherlands. Most cruises run from March to December, with Christmas market
        sailings in late November and December. Low water in dry summers occasionally forces
        changes to itineraries.""",
    ),
    (
        "themes/danube-river-cruise",
        "Danube river cruises: Passau to Budapest",
        """
        The classic Danube cruise runs between Passau in Germany and Budapest, usually taking a
        week and visiting four countries. Highlights include the Wachau Valley in Austria, with its
        apricot orchards, terraced vineyards and the baroque Melk Abbey; Vienna, where ships
        moor for a day or two; Bratislava, Slovakia's compact capital; and the Danube Bend north of
        Budapest. Arriving in Budapest in the evening, when the Parliament and Chain Bridge are
        lit up, is unforgettable. Longer itineraries continue through the Iron Gates to the Black
        Sea coast of Romania. The season runs from spring to the Christmas markets.""",
    ),
    (
        "themes/interrail-pass",
        "Interrail pass basics",
        """
        The Interrail Global Pass allows European residents to travel by train in 33 countries;
        non-Europeans use the equivalent Eurail pass. Passes are either continuous, for example
        15 days or one month of unlimited travel, or flexible, such as 4 or 7 travel days within
        one month. Holders aged 27 or under receive a youth discount, and children travel free
        with an adult. Many high-speed and night trains require a paid seat reservation on top of
        the pass, notably in France, Italy and Spain. Use the Rail Planner app to store the pass
        and activate travel days. Passes are generally good value for long journeys.""",
    ),
]


def build_travel() -> None:
    for path, title, text in TRAVEL_PAGES:
        add(TRAVEL + path, title, text)


# ---------------------------------------------------------------------------
# Electronics store: VoltShop (fictional shop, plausible products and prices)
# ---------------------------------------------------------------------------
SHOP = "https://www.voltshop.example.com/"

SHOP_PAGES = [
    # --- development boards and single-board computers --------------------
    (
        "products/vb-uno-r3",
        "VoltBoard Uno R3 (ATmega328P) – €18.90",
        """
        The VoltBoard Uno R3 is an Arduino Uno-compatible microcontroller board built around the
        ATmega328P running at 16 MHz. It offers 14 digital I/O pins (6 with PWM output), 6 analogue
        inputs, 32 KB of flash memory and 2 KB of SRAM. The board runs at 5 V and can be powered
        over USB-B or from a 7–12 V barrel jack. A CH340 USB-serial chip handles programming, so
        install the CH340 driver on older Windows versions. Compatible with all standard Uno
        shields. Price: €18.90. SKU VB-UNO-R3. In stock; ships within one working day. Warranty:
        2 years.""",
    ),
    (
        "products/vb-nano-every",
        "VoltBoard Nano (ATmega328P, USB-C) – €9.50",
        """
        A breadboard-friendly, Nano-compatible board with the same ATmega328P microcontroller as
        the Uno in a 45 × 18 mm footprint. It has 22 digital I/O pins, 8 analogue inputs and a
        USB-C connector for power and programming. Pin headers come pre-soldered. Operating
        voltage is 5 V; input through the VIN pin accepts 7–12 V. Ideal for compact projects,
        wearables and prototypes where an Uno is too large. Price: €9.50, or €39.00 for a pack of
        five. SKU VB-NANO-C. Works with the Arduino IDE by selecting 'Arduino Nano' and the
        ATmega328P processor.""",
    ),
    (
        "products/esp32-devkit-v1",
        "ESP32 DevKit V1 (WROOM-32, Wi-Fi + Bluetooth) – €8.90",
        """
        This development board carries an ESP32-WROOM-32 module with a dual-core Xtensa LX6
        processor at up to 240 MHz, 520 KB of SRAM and 4 MB of flash. Built-in 2.4 GHz Wi-Fi
        (802.11 b/g/n) and Bluetooth 4.2 with BLE make it ideal for Internet-of-Things projects.
        It exposes 30 pins including capacitive touch inputs, two 8-bit DACs and 12-bit ADCs. Note
        that the ESP32 uses 3.3 V logic; the pins are not 5 V tolerant. Program it with the
        Arduino IDE, ESP-IDF or MicroPython. A micro-USB cable is not included. Price: €8.90. SKU
        ESP32-DK1. Deep-sleep current is about 10 µA.""",
    ),
    (
        "products/esp32-c3-mini",
        "ESP32-C3 SuperMini (RISC-V, Wi-Fi + BLE 5) – €4.20",
        """
        A thumb-sized board based on the ESP32-C3, a single-core 32-bit RISC-V microcontroller at
        160 MHz with 400 KB of SRAM and 4 MB of flash. It supports 2.4 GHz Wi-Fi and Bluetooth 5
        (LE) and is programmed through native USB on its USB-C connector, without a separate
        serial chip. It has 11 GPIO pins and runs at 3.3 V. Its low price and small size suit
        sensor nodes and battery-powered projects. Compared with the classic ESP32 it lacks
        classic Bluetooth and has a single core. Price: €4.20. SKU ESP32C3-SM.""",
    ),
    (
        "products/rp2040-pico-board",
        "VoltPico RP2040 Board – €5.40",
        """
        The VoltPico is a low-cost board built on the RP2040 microcontroller: a dual-core Arm
        Cortex-M0+ running at up to 133 MHz with 264 KB of SRAM and 2 MB of onboard QSPI flash.
        It has 26 multifunction GPIO pins, three 12-bit ADC inputs and eight programmable I/O (PIO)
        state machines for custom interfaces such as WS2812 LEDs or VGA. Drag-and-drop programming
        works over USB mass storage; hold BOOTSEL while plugging in. Supports C/C++ and
        MicroPython. The wireless version with Wi-Fi costs €7.90. Price: €5.40. SKU VP-RP2040.
        Logic level 3.3 V.""",
    ),
    (
        "products/sbc-4gb",
        "Quartz Pi 4 Single-Board Computer (4 GB) – €62.00",
        """
        The Quartz Pi 4 is a credit-card-sized computer with a quad-core Arm Cortex-A72 processor
        at 1.8 GHz and 4 GB of LPDDR4 RAM. Connectivity includes Gigabit Ethernet, dual-band Wi-Fi
        (802.11ac), Bluetooth 5.0, two USB 3.0 and two USB 2.0 ports, and two micro-HDMI outputs
        supporting dual 4K displays. A 40-pin GPIO header is compatible with common HATs. It boots
        from a microSD card and needs a 5 V / 3 A USB-C power supply (sold separately, €9.90). A
        heatsink or fan is recommended under sustained load. Price: €62.00. SKU QP4-4G. An 8 GB
        model is also available.""",
    ),
    (
        "products/sbc-8gb",
        "Quartz Pi 5 Single-Board Computer (8 GB) – €92.00",
        """
        The Quartz Pi 5 roughly doubles the performance of the Pi 4 with a quad-core Arm
        Cortex-A76 processor at 2.4 GHz and 8 GB of LPDDR4X RAM. It adds a PCIe 2.0 x1 connector
        for NVMe SSD adapters, a real-time clock with battery header, and an on-board power
        button. It has two USB 3.0 and two USB 2.0 ports, Gigabit Ethernet, dual-band Wi-Fi,
        Bluetooth 5.0 and two micro-HDMI ports supporting dual 4K60 output. It requires a 5 V / 5 A
        (27 W) USB-C power supply for full USB power. The active cooler (€5.50) is strongly
        recommended. Price: €92.00. SKU QP5-8G.""",
    ),
    # --- tools and test equipment ----------------------------------------
    (
        "products/dm-200-multimeter",
        "DM-200 Digital Multimeter (manual range) – €14.90",
        """
        The DM-200 is a basic manual-ranging digital multimeter for hobbyists and students. It
        measures DC voltage up to 600 V, AC voltage up to 600 V, DC current up to 10 A, and
        resistance up to 20 MΩ, and includes diode test and a continuity buzzer. The 2,000-count
        LCD shows readings with 3½ digits. It is rated CAT III 300 V and comes with silicone test
        leads and a 9 V battery. Because it is manual-ranging, you select the range with the
        rotary dial. Price: €14.90. SKU DM-200. For auto-ranging and True RMS, see the DM-450.""",
    ),
    (
        "products/dm-450-multimeter",
        "DM-450 True RMS Auto-Ranging Multimeter – €49.00",
        """
        The DM-450 is an auto-ranging multimeter with True RMS measurement, which gives accurate
        readings of non-sinusoidal AC signals such as those from variable-speed drives. Its 6,000
        count backlit display shows DC and AC voltage up to 1,000 V, current up to 10 A,
        resistance, capacitance up to 60 mF, frequency, duty cycle and temperature with the
        included K-type thermocouple. Safety rating CAT III 1000 V / CAT IV 600 V. Features
        include data hold, min/max recording, non-contact voltage detection and auto power-off.
        Powered by two AA batteries. Price: €49.00. SKU DM-450. Three-year warranty.""",
    ),
    (
        "products/soldering-station-60w",
        "SS-60 Temperature-Controlled Soldering Station – €39.90",
        """
        The SS-60 is a 60 W soldering station with digital temperature control from 200 to 480 °C
        and a heat-up time of about 20 seconds to 350 °C. The ceramic heater and replaceable
        chisel tip (2.4 mm) suit through-hole and most SMD work; conical and bevel tips are sold
        separately for €2.90 each. The station includes an iron holder with a brass-wool tip
        cleaner and a sleep function that lowers the temperature after 10 minutes of inactivity.
        ESD-safe design. For lead-free solder we recommend 350–380 °C. Price: €39.90. SKU SS-60.""",
    ),
    (
        "products/soldering-iron-30w",
        "Basic 30 W Soldering Iron – €7.50",
        """
        A simple pencil-style soldering iron with a fixed 30 W element, suitable for occasional
        repairs and soldering small components and wires. It has no temperature control and
        reaches about 380 °C after three minutes. Supplied with a conical tip and a basic metal
        stand. For regular electronics work or lead-free solder, a temperature-controlled station
        such as the SS-60 gives much better results. Mains powered, 230 V, with a 1.5 m cable.
        Price: €7.50. SKU SI-30.""",
    ),
    (
        "products/solder-wire-sn99",
        "Lead-Free Solder Wire Sn99.3/Cu0.7, 0.8 mm, 250 g – €16.50",
        """
        Lead-free solder wire made of 99.3% tin and 0.7% copper with a no-clean rosin flux core
        (2.2%). It melts at about 227 °C, higher than traditional tin-lead solder, so set your
        iron to about 350–380 °C. The 0.8 mm diameter is a good all-round size for through-hole
        components and larger SMD parts. RoHS compliant. For fine-pitch SMD work, choose our
        0.5 mm wire. Leaded Sn60/Pb40 solder (melting range 183–190 °C) is also available for
        repair work. Spool weight 250 g. Price: €16.50. SKU SW-SN99-08.""",
    ),
    (
        "products/bench-power-supply-30v5a",
        "PS-3005 Bench Power Supply 0–30 V, 0–5 A – €74.00",
        """
        The PS-3005 is a linear-regulated laboratory power supply with an adjustable output of
        0–30 V and 0–5 A. Four-digit displays show voltage and current simultaneously, and the
        constant-current limit protects circuits under test. Linear regulation gives very low
        ripple, under 1 mV RMS, ideal for audio and analogue circuits. Output is on standard
        4 mm binding posts with a separate earth terminal, and an output on/off button lets you
        set the voltage before connecting the load. Weight 4.2 kg. Mains input 230 V. Price:
        €74.00. SKU PS-3005.""",
    ),
    (
        "products/usb-oscilloscope-2ch",
        "ScopeLink 2-Channel USB Oscilloscope, 50 MHz – €139.00",
        """
        The ScopeLink is a PC-based digital oscilloscope with two channels, 50 MHz analogue
        bandwidth and a real-time sample rate of 250 MS/s on one channel (125 MS/s with both). It
        includes a 1 MHz arbitrary waveform generator and software for Windows, macOS and Linux
        with FFT spectrum analysis, serial decoding (UART, I²C, SPI) and measurement cursors.
        Powered from USB, so no mains supply is needed. Two 1x/10x probes are included. A good
        choice for students and makers who want a compact scope. Price: €139.00. SKU SL-2CH50.""",
    ),
    (
        "products/logic-analyzer-8ch",
        "8-Channel USB Logic Analyzer, 24 MHz – €12.90",
        """
        A compact logic analyser that samples eight digital channels at up to 24 MS/s over USB.
        Use it with the open-source sigrok PulseView software to capture and decode protocols
        such as UART, I²C, SPI, CAN and 1-Wire. Inputs accept 0–5 V logic levels and are 3.3 V
        compatible. Supplied with a USB cable and ten test clips. It is ideal for debugging
        communication between a microcontroller and sensors, for example checking why a BME280
        does not answer on the I²C bus. Price: €12.90. SKU LA-8CH.""",
    ),
    # --- components ------------------------------------------------------
    (
        "products/resistor-kit-600",
        "Metal Film Resistor Kit, 600 pcs (30 values) – €6.90",
        """
        A kit of 600 1% metal film resistors rated at 0.25 W, with 20 pieces each of 30 common
        values from 10 Ω to 1 MΩ in the E12 series. Resistors are colour coded with five bands
        and sorted into a labelled storage box. Metal film resistors have lower noise and better
        tolerance than carbon film types. Typical uses: LED current limiting, pull-up and
        pull-down resistors, and voltage dividers. Tip: a 220 Ω or 330 Ω resistor is a safe
        choice for a standard LED on a 5 V pin. Price: €6.90. SKU RK-600.""",
    ),
    (
        "products/ceramic-capacitor-kit",
        "Ceramic Capacitor Kit, 300 pcs – €5.90",
        """
        Multilayer ceramic capacitors (MLCC) in 15 values from 10 pF to 100 nF, 20 pieces each,
        rated at 50 V. Values are printed as a three-digit code: '104' means 10 followed by four
        zeros picofarads, i.e. 100 nF or 0.1 µF, the standard value for decoupling the supply pins
        of integrated circuits. Ceramic capacitors are non-polarised, so they can be inserted
        either way round. For bulk storage and smoothing, use electrolytic capacitors, which are
        polarised. Supplied in a compartment box. Price: €5.90. SKU CK-300.""",
    ),
    (
        "products/breadboard-830",
        "Solderless Breadboard, 830 Tie Points – €3.40",
        """
        A full-size solderless breadboard with 830 tie points: 630 in the terminal strips and 200
        in four power rails. Components and jumper wires push into spring contacts that accept
        wires from 20 to 29 AWG, so circuits can be built and changed without soldering. The
        central channel is spaced to straddle DIP integrated circuits. Note that on many
        full-size boards the power rails are split in the middle; check with a multimeter or
        bridge them with a jumper. Self-adhesive backing. Dimensions 165 × 55 mm. Price: €3.40.
        SKU BB-830.""",
    ),
    (
        "products/jumper-wire-set",
        "Dupont Jumper Wire Set, 120 pcs – €4.50",
        """
        A set of 120 Dupont-style jumper wires, 20 cm long, with 40 each of male-to-male,
        male-to-female and female-to-female ends. The wires come in ribbons of ten colours that
        can be peeled apart. They fit 2.54 mm (0.1 inch) pin headers on microcontroller boards,
        sensor modules and breadboards. Female ends are useful for connecting modules directly to
        the GPIO header of a single-board computer. Price: €4.50. SKU JW-120.""",
    ),
    (
        "products/led-assortment",
        "5 mm LED Assortment, 300 pcs – €5.20",
        """
        Three hundred 5 mm through-hole LEDs in five colours: red, green, blue, yellow and white,
        60 of each. Red and yellow LEDs have a forward voltage of about 2.0 V; green, blue and
        white about 3.0–3.2 V. The maximum continuous current is 20 mA. Always use a series
        resistor: for a red LED on 5 V, (5 − 2) V ÷ 0.015 A ≈ 200 Ω, so a 220 Ω resistor is a
        good choice. The longer leg is the anode (+). Price: €5.20. SKU LED-5-300.""",
    ),
    # --- sensors, displays and actuators ---------------------------------
    (
        "products/bme280-sensor",
        "BME280 Temperature, Humidity and Pressure Sensor – €6.50",
        """
        This breakout board carries the Bosch BME280, which measures temperature (−40 to 85 °C,
        ±1 °C), relative humidity (±3%) and barometric pressure (300–1,100 hPa, ±1 hPa), so it
        can also estimate altitude. It communicates over I²C (default address 0x76, selectable
        0x77) or SPI. The on-board regulator and level shifter allow use with 3.3 V and 5 V
        boards. It is more accurate and faster than the DHT22 and draws only a few microamps in
        sleep mode, making it ideal for battery-powered weather stations. Price: €6.50. SKU
        BME280-BO.""",
    ),
    (
        "products/dht22-sensor",
        "DHT22 (AM2302) Temperature and Humidity Sensor – €4.90",
        """
        The DHT22 is a low-cost digital sensor measuring temperature from −40 to 80 °C (±0.5 °C)
        and relative humidity from 0 to 100% (±2–5%). It uses a proprietary single-wire protocol
        rather than I²C, and can be read only once every two seconds. Supply voltage is 3.3–6 V.
        This module version includes the 10 kΩ pull-up resistor on a small PCB with three pins.
        Libraries are available for Arduino, ESP32 and Raspberry-style boards. For pressure
        readings as well, choose the BME280. Price: €4.90. SKU DHT22-M.""",
    ),
    (
        "products/hc-sr04-ultrasonic",
        "HC-SR04 Ultrasonic Distance Sensor – €2.30",
        """
        The HC-SR04 measures distance by emitting a 40 kHz ultrasonic burst and timing the echo.
        It works from about 2 cm to 400 cm with a resolution of around 3 mm and a measuring angle
        of 15 degrees. Send a 10 µs pulse to the TRIG pin; the ECHO pin then goes high for a time
        proportional to the distance: distance in cm ≈ pulse width in µs ÷ 58. The module runs on
        5 V; when using a 3.3 V microcontroller such as the ESP32, divide the ECHO signal with two
        resistors. Popular for obstacle-avoiding robots. Price: €2.30. SKU HCSR04.""",
    ),
    (
        "products/pir-motion-sensor",
        "HC-SR501 PIR Motion Sensor – €2.10",
        """
        The HC-SR501 passive infrared sensor detects the movement of people and animals by the
        changes in infrared radiation they emit. It has a detection range of up to 7 m within a
        cone of about 110 degrees. Two potentiometers adjust sensitivity and the time the output
        stays high (about 3 seconds to 5 minutes), and a jumper selects single or repeat
        triggering. It runs on 5–20 V but outputs a 3.3 V signal, so it connects directly to most
        boards. Allow about a minute after power-up for it to settle. Price: €2.10. SKU PIR-501.""",
    ),
    (
        "products/oled-096-i2c",
        "0.96-inch OLED Display, 128×64, I²C – €4.80",
        """
        A small monochrome OLED display with 128 × 64 pixels and an SSD1306 driver. Because each
        pixel emits its own light, it needs no backlight, has excellent contrast and is readable
        at wide angles. It connects with just four wires (VCC, GND, SCL, SDA) over I²C at address
        0x3C, and works at 3.3 V or 5 V. Current draw is about 20 mA with half the pixels lit.
        Supported by popular graphics libraries such as Adafruit SSD1306 and U8g2. Ideal for
        showing sensor readings. Available in white or blue. Price: €4.80. SKU OLED-096.""",
    ),
    (
        "products/lcd-1602-i2c",
        "16×2 Character LCD with I²C Backpack – €5.60",
        """
        A classic character LCD with two lines of 16 characters, blue backlight and white text,
        based on the HD44780 controller. The pre-soldered I²C backpack (PCF8574) reduces the
        wiring from 16 pins to four and has a potentiometer to adjust contrast — if you see only
        blocks or nothing at all, turn it first. The default I²C address is 0x27. Operating
        voltage 5 V. Use the LiquidCrystal_I2C library on Arduino-compatible boards. Price:
        €5.60. SKU LCD1602-I2C.""",
    ),
    (
        "products/sg90-micro-servo",
        "SG90 Micro Servo 9 g – €2.60",
        """
        The SG90 is a tiny, lightweight servo motor weighing 9 g, popular for robot arms, pan-tilt
        camera mounts and RC models. It rotates about 180 degrees (90 degrees in each direction)
        and delivers a stall torque of about 1.8 kg·cm at 4.8 V. Position is set by a 50 Hz PWM
        signal with a pulse width between roughly 1 ms and 2 ms. Wires: brown (ground), red (+5 V)
        and orange (signal). Power several servos from a separate 5 V supply rather than the
        microcontroller's regulator. Price: €2.60, or €11.00 for a pack of five. SKU SG90.""",
    ),
    (
        "products/nema17-stepper",
        "NEMA 17 Stepper Motor, 1.8°, 0.45 N·m – €13.90",
        """
        A bipolar hybrid stepper motor in the standard NEMA 17 frame (42 × 42 mm), as used in 3D
        printers and CNC machines. It has a step angle of 1.8 degrees, i.e. 200 full steps per
        revolution, a holding torque of 0.45 N·m and a rated current of 1.5 A per phase. The 5 mm
        D-shaft suits GT2 pulleys. Drive it with a stepper driver such as the A4988 or TMC2209
        rather than directly from a microcontroller; microstepping gives smoother, quieter
        motion. Comes with a 1 m cable with a 6-pin connector. Price: €13.90. SKU NEMA17-45.""",
    ),
    (
        "products/l298n-motor-driver",
        "L298N Dual H-Bridge Motor Driver Module – €3.90",
        """
        This module uses the L298N dual full-bridge driver to control the speed and direction of
        two DC motors, or one bipolar stepper motor, with up to 2 A per channel. It accepts a motor
        supply of 5–35 V and includes a 5 V regulator that can power a microcontroller when the
        supply is 12 V or less. Speed is controlled by PWM on the ENA and ENB pins, and direction
        by IN1–IN4. Note that the L298N loses about 2 V across its bipolar transistors, so modern
        MOSFET drivers such as the TB6612FNG are more efficient for small robots. Price: €3.90.
        SKU L298N-M.""",
    ),
    (
        "products/relay-module-2ch",
        "2-Channel 5 V Relay Module with Optocouplers – €3.20",
        """
        A two-channel relay board that lets a microcontroller switch mains or high-current loads.
        Each SRD-05VDC relay contact is rated for 10 A at 250 V AC or 30 V DC. Optocouplers isolate
        the control side, and LEDs indicate which relays are active. Inputs are active low: a 0 V
        signal switches the relay on. The coils need 5 V, but the inputs work with 3.3 V boards
        when JD-VCC is powered separately. Warning: working with mains voltage is dangerous and
        should only be done by qualified people in a suitable enclosure. Price: €3.20. SKU
        RLY-2CH.""",
    ),
    # --- storage, memory and power ----------------------------------------
    (
        "products/microsd-64gb",
        "microSDXC Card 64 GB, A2, V30 – €11.90",
        """
        A 64 GB microSDXC card rated UHS-I U3, Video Speed Class V30 and Application Performance
        Class A2, with read speeds up to 160 MB/s and write speeds up to 60 MB/s. The A2 rating
        means fast random input/output, which makes it a good boot card for single-board
        computers such as the Quartz Pi as well as for cameras, drones and handheld consoles.
        Supplied with an SD adapter. Formatted exFAT; single-board computer imaging tools will
        reformat it automatically. Price: €11.90. SKU MSD-64-A2. Also available in 128 GB
        (€18.90).""",
    ),
    (
        "products/nvme-ssd-1tb",
        "Fennec NV3 1 TB NVMe SSD (PCIe 4.0, M.2 2280) – €69.00",
        """
        The Fennec NV3 is an M.2 2280 solid-state drive using the NVMe protocol over PCIe 4.0 x4,
        with sequential read speeds up to 7,000 MB/s and writes up to 6,000 MB/s. It uses 3D TLC
        NAND with a DRAM cache and is rated for 600 TBW (terabytes written), backed by a five-year
        warranty. It is backwards compatible with PCIe 3.0 slots at lower speeds. A thin graphene
        heat spreader label keeps temperatures down in laptops and the console expansion slot.
        Note that M.2 SATA-only slots do not accept NVMe drives. Price: €69.00. SKU FN-NV3-1T.""",
    ),
    (
        "products/sata-ssd-500gb",
        "Fennec S5 500 GB 2.5-inch SATA SSD – €36.00",
        """
        A 2.5-inch solid-state drive with a SATA III (6 Gbit/s) interface, reaching sequential
        reads of up to 550 MB/s and writes of up to 500 MB/s — close to the limit of the SATA bus.
        It is an easy upgrade for older laptops and desktops that lack an M.2 slot, and is 7 mm
        thick. Endurance is rated at 300 TBW with a three-year warranty. Compared with an NVMe
        drive it is slower, but still around five times faster than a typical hard disk for
        sequential transfers and far quicker for random access. Price: €36.00. SKU FN-S5-500.""",
    ),
    (
        "products/ddr4-16gb-kit",
        "16 GB (2 × 8 GB) DDR4-3200 Desktop Memory Kit – €38.00",
        """
        A dual-channel kit of two 8 GB DDR4 DIMMs running at 3,200 MT/s with CL16 timings at
        1.35 V. The modules support Intel XMP 2.0 profiles; enable XMP in the BIOS, otherwise the
        memory runs at the JEDEC default of 2,400 or 2,666 MT/s. Aluminium heat spreaders, 288-pin
        desktop form factor. DDR4 is not compatible with DDR5 motherboards — the notch is in a
        different position. For laptops, choose SO-DIMM modules instead. Lifetime limited
        warranty. Price: €38.00. SKU D4-3200-16K.""",
    ),
    (
        "products/ddr5-32gb-kit",
        "32 GB (2 × 16 GB) DDR5-6000 Desktop Memory Kit – €99.00",
        """
        A dual-channel DDR5 kit with two 16 GB modules rated at 6,000 MT/s, CL30, 1.35 V, with
        both Intel XMP 3.0 and AMD EXPO profiles. DDR5 modules carry their own power-management
        IC and on-die ECC, and split each module into two independent 32-bit subchannels for
        better efficiency. 6,000 MT/s is widely considered the sweet spot for current AMD Ryzen
        platforms. The first boot after installing DDR5 can take a minute or more while the
        motherboard trains the memory; this is normal. Not compatible with DDR4 slots. Price:
        €99.00. SKU D5-6000-32K.""",
    ),
    (
        "products/atx-psu-650w",
        "Aurora 650 W ATX Power Supply, 80 PLUS Gold, Fully Modular – €84.00",
        """
        The Aurora 650 is an ATX 3.0 power supply with 80 PLUS Gold efficiency (up to 90% at 50%
        load), fully modular cables and a 120 mm fluid-dynamic-bearing fan that stays off at low
        load. A single 12 V rail delivers up to 54 A. It includes one native 12VHPWR connector
        for modern graphics cards plus two 8-pin PCIe connectors, and protections against
        over-voltage, over-current, over-power and short circuits. It is suitable for systems with
        a mid-range graphics card. Ten-year warranty. Price: €84.00. SKU AUR-650G.""",
    ),
    (
        "products/atx-psu-850w",
        "Aurora 850 W ATX Power Supply, 80 PLUS Gold, Fully Modular – €119.00",
        """
        The Aurora 850 is the higher-capacity sibling of the Aurora 650, recommended for gaming PCs
        with high-end graphics cards. It delivers up to 70.8 A on its single 12 V rail with 80 PLUS
        Gold efficiency, fully modular flat cables, a 135 mm fan with zero-RPM mode and Japanese
        105 °C capacitors. Connectors include one 12VHPWR (600 W) and four 8-pin PCIe. As a rule of
        thumb, choose a power supply whose rating is about 1.5 times your system's peak draw for
        quiet, efficient operation. Ten-year warranty. Price: €119.00. SKU AUR-850G.""",
    ),
    (
        "products/usb-c-charger-65w",
        "65 W USB-C GaN Charger (2× USB-C, 1× USB-A) – €34.90",
        """
        A compact charger using gallium nitride (GaN) transistors, which run cooler and allow a
        smaller size than silicon designs. It supports USB Power Delivery 3.0 with PPS at up to
        65 W from a single USB-C port — enough to charge most laptops — and shares power when
        several devices are connected, for example 45 W + 20 W. The USB-A port supports Quick
        Charge 3.0. Output profiles: 5 V, 9 V, 15 V and 20 V at up to 3.25 A. Foldable EU plug.
        Note: the Quartz Pi 5 requires a 5 V / 5 A supply, which this charger does not offer.
        Price: €34.90. SKU GaN-65.""",
    ),
    (
        "products/18650-li-ion-cell",
        "18650 Li-ion Cell 3,000 mAh, 15 A (flat top) – €5.90",
        """
        A cylindrical 18650 lithium-ion cell (18 mm diameter, 65 mm long) with a nominal voltage
        of 3.6 V, capacity of 3,000 mAh and a maximum continuous discharge of 15 A. The cell is
        unprotected and has a flat top, intended for battery packs with a battery management
        system (BMS) or for spot welding. Charge to 4.2 V at up to 4 A with a dedicated Li-ion
        charger, and never discharge below 2.5 V. Do not use damaged cells or cells with torn
        wrappers. Shipped at about 30% charge in line with transport rules. Price: €5.90. SKU
        18650-30Q.""",
    ),
    (
        "products/lipo-battery-2000mah",
        "LiPo Battery 3.7 V 2,000 mAh with JST-PH Connector – €8.40",
        """
        A flat lithium-polymer pouch battery, 3.7 V nominal with a capacity of 2,000 mAh,
        measuring 60 × 36 × 7 mm and weighing about 38 g. It has a built-in protection circuit
        against over-charge, over-discharge and short circuit, and ends in a 2-pin JST-PH 2.0 mm
        connector used by many development boards with LiPo chargers. Check the polarity before
        connecting, as it is not standardised across all boards. A 2,000 mAh cell can power an
        ESP32 in deep sleep for months. Price: €8.40. SKU LP-2000.""",
    ),
    # --- store information -------------------------------------------------
    (
        "help/shipping",
        "Shipping information – VoltShop",
        """
        VoltShop ships from our warehouse in Metroville. Orders placed before 2 p.m. on a working
        day are dispatched the same day. Standard delivery within the country takes 1–3 working
        days and costs €4.90; it is free for orders over €50. Express next-day delivery costs
        €9.90. We ship to all EU countries (3–7 working days, from €12.90) and to the United
        Kingdom and Switzerland, where import duties and VAT may be charged on delivery. Lithium
        batteries can only be sent by ground transport. You receive a tracking link by email as
        soon as your parcel leaves the warehouse.""",
    ),
    (
        "help/returns",
        "Returns and refunds – VoltShop",
        """
        You can return most items within 30 days of delivery for a full refund, provided they are
        unused and in their original packaging. Start a return from your account page to receive a
        prepaid return label; return shipping is free within the country. Refunds are issued to
        the original payment method within 5 working days of the parcel arriving at our
        warehouse. For hygiene and safety reasons, opened solder, flux and batteries cannot be
        returned unless faulty. Components removed from sealed anti-static bags may only be
        returned if unused. Defective products are covered by our warranty policy.""",
    ),
    (
        "help/warranty",
        "Warranty policy – VoltShop",
        """
        All products sold by VoltShop carry at least the statutory two-year warranty. Some
        products, such as the DM-450 multimeter and our Aurora power supplies, come with longer
        manufacturer warranties of three to ten years, shown on the product page. If an item
        develops a fault, contact support with your order number and a description of the
        problem; we may ask for photos or a short video. We repair, replace or refund faulty
        items. The warranty does not cover damage from incorrect wiring, reverse polarity,
        overvoltage, physical damage or modifications such as removing components.""",
    ),
    (
        "help/store-locations",
        "Store locations and opening hours – VoltShop",
        """
        Besides our online shop, VoltShop runs two walk-in stores in Metroville. The Central store
        at 14 Foundry Lane, a five-minute walk from Central Station (Red, Blue and Green Lines),
        opens Monday to Friday 9:00–19:00 and Saturday 10:00–17:00. The Harbour store at 3 Quay
        Street, next to Harbourfront station on the Blue Line, opens Tuesday to Saturday
        10:00–18:00. Both stores are closed on Sundays and public holidays. Online orders can be
        collected free of charge from either store ('Click & Collect'), usually within two hours
        of ordering. The Central store also has a repair counter for soldering jobs.""",
    ),
]


def build_shop() -> None:
    for path, title, text in SHOP_PAGES:
        add(SHOP + path, title, text)


# ---------------------------------------------------------------------------
# Science news: SciWire (institutions such as the University of Northbridge
# and the Metroville Institute of Technology are fictional)
# ---------------------------------------------------------------------------
NEWS = "https://news.sciwire.example.com/"

NEWS_PAGES = [
    (
        "2024/10/europa-clipper-launches",
        "Europa Clipper launches on six-year journey to Jupiter's ocean moon",
        """
        NASA's Europa Clipper spacecraft lifted off on a Falcon Heavy rocket from Kennedy Space
        Center on 14 October 2024. It is the largest spacecraft NASA has built for a planetary
        mission, with solar arrays spanning about 30 metres to collect enough sunlight at
        Jupiter's distance. After gravity assists from Mars in 2025 and Earth in 2026, it is due
        to reach Jupiter in April 2030. The probe will not orbit Europa itself, where radiation is
        intense, but will make 49 close flybys while orbiting Jupiter. Its nine instruments will
        measure the thickness of the ice shell and test whether the ocean beneath could support
        life.""",
    ),
    (
        "2024/08/juice-lunar-earth-flyby",
        "JUICE completes first-ever lunar-Earth double flyby",
        """
        The European Space Agency's Jupiter Icy Moons Explorer, JUICE, swung past the Moon and then
        Earth on 19 and 20 August 2024, the first time a spacecraft has performed such a double
        gravity assist. The manoeuvre bent its path towards Venus, which it will fly by in 2025
        before two more Earth flybys. JUICE, launched in April 2023, is expected to arrive at
        Jupiter in July 2031. It will study Europa and Callisto during flybys and in late 2034
        enter orbit around Ganymede, becoming the first spacecraft to orbit a moon other than our
        own. Instruments were switched on during the flyby to test them on the Moon.""",
    ),
    (
        "2024/07/perseverance-cheyava-falls",
        "Perseverance finds 'leopard spot' rock with possible signs of ancient life",
        """
        NASA's Perseverance rover has sampled an arrowhead-shaped rock, nicknamed Cheyava Falls,
        in the Neretva Vallis, an ancient river valley at the edge of Jezero Crater on Mars. The
        rock shows small light patches ringed with dark material, dubbed 'leopard spots', along
        with organic compounds and veins of calcium sulfate left by flowing water. On Earth,
        similar features can form when microbes drive chemical reactions. Scientists stress that
        non-biological processes could also explain them. A definitive answer would require
        returning the core sample to laboratories on Earth, but the Mars Sample Return programme
        faces budget and schedule uncertainty.""",
    ),
    (
        "2024/02/new-moons-uranus-neptune",
        "Astronomers announce three new moons of Uranus and Neptune",
        """
        Three previously unknown moons have been found orbiting the ice giants, bringing Uranus's
        tally to 28 and Neptune's to 16. The new Uranian moon, provisionally named S/2023 U1, is
        only about 8 km across and takes 680 days to orbit the planet. The two Neptunian moons are
        about 23 km and 14 km wide; the fainter one is among the dimmest moons ever detected from
        the ground. The discoveries, led by Scott Sheppard of the Carnegie Institution, relied on
        long exposures with the Magellan telescopes in Chile and the Subaru telescope in Hawaii.
        Their distant, tilted orbits suggest they are fragments of captured objects.""",
    ),
    (
        "2023/11/venus-phosphine-debate",
        "The Venus phosphine debate, three years on",
        """
        In September 2020 a team led by Jane Greaves reported signs of phosphine gas in the clouds
        of Venus, using the James Clerk Maxwell Telescope and the ALMA array. Because phosphine on
        Earth is associated with microbial life, the claim attracted worldwide attention. Re-analyses
        of the data lowered the estimated abundance from about 20 parts per billion to a few parts
        per billion or less, and some groups found no convincing signal at all. The authors have
        since reported new detections deeper in the atmosphere. Upcoming missions, including
        NASA's DAVINCI probe, which will descend through the Venusian atmosphere, may settle the
        question.""",
    ),
    (
        "2024/05/exoplanet-water-vapour",
        "Water vapour detected in the atmosphere of a warm sub-Neptune",
        """
        Astronomers at the University of Northbridge report strong signs of water vapour in the
        atmosphere of TOI-9021 b, a planet about 2.4 times the width of Earth orbiting a red dwarf
        110 light years away. The team observed the planet passing in front of its star and
        measured how starlight filtered through its atmosphere at infrared wavelengths. Besides
        water they detected methane but no carbon dioxide, hinting at a hydrogen-rich envelope.
        Sub-Neptunes are the most common type of planet in our galaxy, yet none exists in our Solar
        System, which makes them a puzzle for theories of planet formation. Follow-up observations
        are scheduled for next year.""",
    ),
    (
        "2022/12/fusion-ignition-achieved",
        "Laser fusion experiment produces more energy than it absorbs",
        """
        On 5 December 2022, researchers at the National Ignition Facility at Lawrence Livermore
        National Laboratory in California achieved fusion ignition for the first time. The
        facility's 192 lasers delivered 2.05 megajoules of energy to a peppercorn-sized capsule of
        deuterium and tritium, which released 3.15 megajoules of fusion energy. The result
        demonstrates a scientific milestone that fusion researchers have pursued for decades.
        However, the lasers themselves drew around 300 megajoules from the electricity grid, so
        a practical power plant remains far off. Later shots in 2023 achieved even higher yields
        of nearly 4 megajoules.""",
    ),
    (
        "2025/01/million-year-ice-core",
        "Drillers reach 1.2-million-year-old ice in Antarctica",
        """
        A European team working on the Beyond EPICA project has drilled an ice core 2,800 metres
        deep at Little Dome C in East Antarctica, reaching bedrock after four summer seasons. The
        oldest ice is estimated to be at least 1.2 million years old, providing the longest
        continuous record of Earth's climate from an ice core. Tiny bubbles of ancient air trapped
        in the ice reveal past concentrations of carbon dioxide and methane. Scientists hope the
        record will explain the Mid-Pleistocene Transition, around 900,000 to 1.2 million years
        ago, when the rhythm of ice ages shifted from 41,000-year to roughly 100,000-year cycles.""",
    ),
    (
        "2024/04/fourth-global-coral-bleaching",
        "Fourth global coral bleaching event confirmed",
        """
        The US National Oceanic and Atmospheric Administration (NOAA) and the International Coral
        Reef Initiative confirmed in April 2024 that the world's reefs are experiencing the fourth
        global coral bleaching event on record, and the second in the past decade. Mass bleaching
        has been documented in at least 53 countries and territories, from Florida and the
        Caribbean to the Great Barrier Reef. Bleaching occurs when corals under heat stress expel
        the symbiotic algae that give them colour and much of their food. Previous global events
        took place in 1998, 2010 and 2014–2017. Corals can recover if temperatures fall in time.""",
    ),
    (
        "2018/07/oldest-bread-jordan",
        "Charred crumbs reveal bread baked 14,400 years ago",
        """
        Archaeologists have found the oldest direct evidence of bread at Shubayqa 1, a site in the
        Black Desert of northeastern Jordan. Charred food remains from two fireplaces, dated to
        about 14,400 years ago, were examined with electron microscopes and turned out to be
        flatbread-like products made from wild cereals such as einkorn, mixed with ground club-rush
        tubers. The bread was baked by Natufian hunter-gatherers roughly 4,000 years before the
        beginnings of agriculture in the region. The researchers suggest the labour-intensive
        production of bread may even have encouraged people to cultivate cereals.""",
    ),
    (
        "2023/06/sourdough-starter-microbes",
        "What lives in your sourdough starter?",
        """
        A study by food microbiologists at the University of Northbridge has sequenced the microbes
        in 412 home sourdough starters sent in by bakers from 18 countries. Almost every starter
        contained a dominant lactic acid bacterium, most often Fructilactobacillus
        sanfranciscensis, and one or two wild yeasts, usually Saccharomyces cerevisiae. Surprisingly,
        geography explained little of the variation: the bakers' flour, feeding schedule and
        kitchen temperature mattered more. Starters kept in the fridge and fed weekly were more
        acidic and produced sourer bread. The researchers also swabbed bakers' hands and found the
        same microbes there, showing how closely bakers and their starters are linked.""",
    ),
    (
        "2024/09/rhine-low-water-kaub",
        "Low water on the Rhine forces barges to sail half-empty",
        """
        After weeks with little rain, the water gauge at Kaub, a key measuring point on the Middle
        Rhine between Mainz and Koblenz, dropped below 50 centimetres this week. The gauge does not
        show the actual depth of the shipping channel, which is deeper, but when it falls this
        low many barges can carry only a third to half of their normal load. Freight rates rise,
        and industrial sites along the river, including chemical plants, switch some deliveries to
        rail. Similar low-water episodes in 2018 and 2022 cost the German economy billions of euros.
        Hydrologists expect such events to become more frequent as Alpine glaciers shrink.""",
    ),
    (
        "2024/03/danube-microplastics-survey",
        "Survey finds microplastics along the entire Danube",
        """
        Scientists from the Danube Research Institute sampled water at 42 points along the river,
        from the Black Forest to the delta, and found microplastic particles at every site. The
        concentration rose sharply downstream of large cities, especially Vienna, Budapest and
        Belgrade, and peaked in the lower Danube in Romania. Most particles were fragments of
        polyethylene and polypropylene packaging, along with fibres from synthetic textiles. The
        team estimates that the Danube carries several tonnes of plastic into the Black Sea every
        day. They call for better capture of stormwater overflows, which release untreated water
        during heavy rain.""",
    ),
    (
        "2024/06/sodium-ion-car-battery",
        "Sodium-ion batteries head for small electric cars",
        """
        Several battery makers have begun mass production of sodium-ion cells for compact
        electric cars and home energy storage. Sodium-ion batteries work like lithium-ion ones but
        shuttle sodium ions between the electrodes. Sodium is about a thousand times more abundant
        in Earth's crust than lithium and can be extracted from ordinary salt, so the cells avoid
        lithium, cobalt and nickel. Their energy density, around 160 watt-hours per kilogram, is
        lower than that of the best lithium cells, limiting range, but they perform better in cold
        weather and can be safely discharged to zero volts for transport.""",
    ),
    (
        "2024/11/perovskite-tandem-record",
        "Perovskite–silicon tandem solar cell sets efficiency record",
        """
        Engineers at the Metroville Institute of Technology report a tandem solar cell that
        converts 34.1 percent of sunlight into electricity, above the theoretical limit of about
        33 percent for a single-junction silicon cell. The device stacks a thin layer of
        perovskite, which absorbs blue and green light, on top of a conventional silicon cell,
        which captures red and infrared light. The main obstacle to commercial use remains
        durability: perovskites degrade when exposed to moisture and heat. The team's cell kept
        95 percent of its efficiency after 1,000 hours under test conditions.""",
    ),
    (
        "2024/12/quantum-error-correction-threshold",
        "Quantum chip crosses error-correction threshold",
        """
        Researchers at Google Quantum AI reported in December 2024 that their 105-qubit processor,
        Willow, reduced errors exponentially as they scaled up an error-corrected 'logical' qubit
        from a 3×3 to a 5×5 and then a 7×7 grid of physical qubits. Each step halved the logical
        error rate, showing operation 'below threshold', a milestone sought since quantum error
        correction was proposed in the 1990s. The same chip completed a benchmark computation in
        under five minutes that the team estimates would take a classical supercomputer
        10 septillion years, though that task has no practical use.""",
    ),
    (
        "2024/08/deep-sea-species-expedition",
        "Expedition finds dozens of possible new species on seamount",
        """
        A 30-day expedition aboard the research vessel Nordlys has returned with more than 60
        animals that may be new to science, collected from a chain of seamounts in the South
        Atlantic at depths of up to 4,200 metres. Using a remotely operated vehicle, the team from
        the University of Northbridge filmed glass sponges, sea stars, squat lobsters and a
        transparent sea cucumber. Formal descriptions of new species typically take years. The
        scientists say the seamounts host rich coral gardens that are vulnerable to deep-sea
        trawling and potential mining, and should be considered for protection.""",
    ),
    (
        "2024/07/metroville-urban-heat-study",
        "Street trees cool Metroville neighbourhoods by up to 4 °C",
        """
        A study by the Metroville Institute of Technology measured summer temperatures with 300
        sensors mounted on lamp posts and transit stops across the city. On the hottest afternoons,
        streets with dense tree canopy were up to 4 °C cooler than treeless streets only a few
        blocks away, and surface temperatures of asphalt differed by more than 15 °C. The hottest
        areas were the industrial docks and large car parks near the ring road, while the
        Riverside Park district stayed coolest. The city plans to plant 20,000 trees by 2030 and to
        add shaded shelters at bus and tram stops on the routes with the most heat exposure.""",
    ),
    (
        "2024/03/sleep-and-memory-study",
        "Deep sleep helps the brain file away new memories",
        """
        Volunteers who got more deep, slow-wave sleep after learning a list of word pairs
        remembered more of them the next day, according to a study by neuroscientists at the
        University of Northbridge. Sixty adults wore EEG caps overnight in a sleep laboratory. When
        quiet sounds linked to the learned words were played during deep sleep, recall of those
        words improved by about 12 percent. The findings support the idea that the brain replays
        and strengthens memories during slow-wave sleep. The researchers caution that playing
        sounds at home is unlikely to help and may disturb sleep.""",
    ),
    (
        "2024/10/honeybee-winter-losses",
        "Beekeepers report lower winter losses of honeybee colonies",
        """
        The annual survey of the Metroville Beekeepers' Association found that 17 percent of
        honeybee colonies were lost over the winter of 2023–24, down from 24 percent the year
        before. More than 1,200 beekeepers responded. The varroa mite and the viruses it spreads
        remain the leading cause of colony deaths, followed by queen failure and starvation during
        late cold spells. Beekeepers who treated for varroa in late summer lost far fewer colonies.
        Experts note that wild bees, including bumblebees and solitary bees, face separate threats
        from habitat loss and pesticides.""",
    ),
    (
        "2024/05/bird-migration-tiny-tags",
        "Tiny solar tags track songbirds across the Sahara",
        """
        Backpack tags weighing less than a gram have allowed researchers to follow individual
        garden warblers on their entire migration from Europe to West Africa. The solar-powered
        tags, developed at the University of Northbridge, record the birds' location every few
        days and transmit it via mobile networks. The data show that many warblers cross the
        Mediterranean and Sahara in a single non-stop flight of up to 60 hours, flying at night
        and at high altitude. Some birds paused for several weeks in the Sahel to fatten up before
        continuing south. The tags could help identify stopover sites in need of protection.""",
    ),
    (
        "2024/02/lake-baikal-ice-thinning",
        "Lake Baikal's winter ice is forming later and thinner",
        """
        An analysis of more than a century of observations shows that the ice on Lake Baikal in
        Siberia now forms about 11 days later and breaks up about 5 days earlier than in the early
        20th century. Average maximum ice thickness has fallen by around 10 centimetres since the
        1970s. The ice is vital for the lake's unique ecosystem: Baikal seals give birth in snow
        lairs on it, and diatoms living under the ice form the base of the food web. Local
        communities also rely on winter ice roads across the lake. Researchers warn that warming
        is also changing the lake's plankton communities.""",
    ),
    (
        "2024/09/helium-supply-mri",
        "Hospitals switch to helium-free MRI magnets as supplies tighten",
        """
        Helium prices have risen sharply during several supply shortages over the past decade,
        prompting hospitals to look for alternatives. Conventional MRI scanners need around 1,500
        to 2,000 litres of liquid helium to keep their superconducting magnets at about −269 °C.
        New sealed magnet designs use just a few litres of helium in a closed system that never
        needs refilling. Helium is produced mainly as a by-product of natural gas extraction, and
        a handful of countries, including the United States and Qatar, dominate supply. Once
        released, helium escapes from the atmosphere into space, so it cannot be recovered.""",
    ),
    (
        "2025/02/titanium-printing-alloy",
        "3D-printed titanium alloy is both strong and ductile",
        """
        Materials scientists at the Metroville Institute of Technology have designed a titanium
        alloy for laser powder-bed 3D printing that avoids the brittleness of printed parts made
        from standard Ti-6Al-4V. By adding small amounts of oxygen and iron, which are normally
        treated as impurities, and controlling the cooling rate, the team produced a fine-grained
        structure with a tensile strength above 1,000 megapascals and high elongation. Using cheap
        additives could lower the cost of titanium parts for aircraft and medical implants, and
        the process can accept recycled powder.""",
    ),
    (
        "2024/11/fibre-gut-microbiome-trial",
        "High-fibre diet reshapes gut microbes within two weeks",
        """
        In a randomised trial by the University of Northbridge, 48 adults either added about 30
        grams of fibre a day from beans, whole grains, vegetables and fruit to their diet or kept
        eating normally. Within two weeks, the high-fibre group showed higher levels of bacteria
        that ferment fibre into short-chain fatty acids such as butyrate, which nourish the cells
        lining the colon. Markers of inflammation fell modestly. The effects faded within a month
        after participants returned to their usual diet. Most adults eat only about half the
        recommended daily fibre intake.""",
    ),
    (
        "2025/07/smartphone-earthquake-warning",
        "Smartphones form a global earthquake early-warning network",
        """
        Accelerometers in ordinary Android smartphones can detect earthquakes quickly enough to
        warn people seconds before strong shaking arrives, according to a study published in
        Science. The system combines signals from many phones lying still on tables and desks to
        locate a quake and estimate its magnitude within seconds. Over several years of operation
        it detected thousands of earthquakes and sent alerts in nearly 100 countries, many of which
        have no conventional seismic warning network. Because alerts travel over the internet much
        faster than seismic waves travel through rock, people farther from the epicentre can get
        several seconds of warning — enough to take cover. The researchers note that magnitude
        estimates for the very largest quakes are hard to get right in the first seconds.""",
    ),
]


def build_news() -> None:
    for path, title, text in NEWS_PAGES:
        add(NEWS + path, title, text)


# ---------------------------------------------------------------------------
# City transit authority: Metroville Transit (fictional city)
# Network: Red  = Airport–Exhibition Park–University–Central Station–Old Town–Market Square–Northgate
#          Blue = Harbourfront–Museum Quarter–Central Station–Riverside Park–Stadium–Eastfield
#          Green= Westbrook–Hospital–Central Station–Cathedral–Lakeside
#          Yellow=Southport–Riverside Park–Old Town–Cathedral–Hospital–North Hills
# ---------------------------------------------------------------------------
TRANSIT = "https://www.metroville-transit.example.gov/"

TRANSIT_PAGES = [
    (
        "lines/red-line",
        "Red Line (R) – Airport to Northgate",
        """
        The Red Line is Metroville's busiest metro line and the direct rail link to Metroville
        Airport. It runs from Airport via Exhibition Park, University, Central Station, Old Town
        and Market Square to Northgate, a total of 7 stations and 24 km. The journey from Airport
        to Central Station takes 22 minutes, and the full route about 34 minutes. Trains run every
        4 minutes at peak times, every 8 minutes during the day and every 10 minutes in the
        evening. Change at Central Station for the Blue and Green Lines and at Old Town for the
        Yellow Line. Airport station is in fare zone C, so an airport ticket is required.""",
    ),
    (
        "lines/blue-line",
        "Blue Line (B) – Harbourfront to Eastfield",
        """
        The Blue Line runs east–west from Harbourfront through Museum Quarter, Central Station,
        Riverside Park and Stadium to Eastfield, serving 6 stations in 19 minutes end to end. It
        is the line for the Meridian Museum (Museum Quarter station) and for events at Metroville
        Stadium, when extra trains run every 2–3 minutes after matches and concerts. Regular
        frequency is every 4 minutes at peak times and every 8 minutes off-peak. Interchanges:
        Red and Green Lines at Central Station, Yellow Line at Riverside Park, and tram T2 at
        Harbourfront and Museum Quarter. Eastfield has a park-and-ride car park.""",
    ),
    (
        "lines/green-line",
        "Green Line (G) – Westbrook to Lakeside",
        """
        The Green Line links the western suburb of Westbrook with Lakeside, calling at Hospital,
        Central Station and Cathedral; the 5-station trip takes 16 minutes. Trains run every
        5 minutes at peak times and every 10 minutes off-peak and in the evenings. Hospital station
        serves Metroville General Hospital, and Cathedral station is the closest to the old
        cathedral and the civic offices. From Lakeside station it is a 10-minute walk, or bus 40,
        to Lakeside Beach. Interchanges: Red and Blue Lines at Central Station and Yellow Line at
        Hospital and Cathedral. Planned engineering works may affect weekend service; check the
        service changes page.""",
    ),
    (
        "lines/yellow-line",
        "Yellow Line (Y) – Southport to North Hills",
        """
        The Yellow Line forms a semicircle around the city centre without passing through Central
        Station. From Southport it calls at Riverside Park, Old Town, Cathedral and Hospital before
        ending at North Hills, 6 stations in 21 minutes. It is the quickest way to travel between
        the southern and northern districts without changing at Central. Trains run every 5
        minutes at peak times and every 10 minutes off-peak. Interchanges: Blue Line at Riverside
        Park, Red Line at Old Town, and Green Line at Cathedral and Hospital. North Hills is the
        terminus for bus 12 to Metroville Zoo.""",
    ),
    (
        "trams/t1-riverside-loop",
        "Tram T1 – Riverside Loop",
        """
        Tram T1 runs in a loop through the historic centre: Riverside Park, Botanical Garden, Old
        Town, Market Square and back to Riverside Park, in both directions. A full loop takes
        about 25 minutes, and trams run every 10 minutes from 6:00 to midnight. All trams are
        low-floor and step-free. T1 is a popular way to see the riverfront and the Botanical
        Garden, and connects with the Blue and Yellow Lines at Riverside Park and the Red and
        Yellow Lines at Old Town. Standard zone A tickets are valid; buy them at stop machines or
        use a contactless card on the validators on board.""",
    ),
    (
        "trams/t2-harbour-tram",
        "Tram T2 – Harbour Tram",
        """
        Tram T2 connects the harbour with the university district: Harbourfront, Quay Street,
        Meridian Museum, Museum Quarter and University. The full trip takes 18 minutes, with trams
        every 12 minutes from 6:00 to 23:30. The Meridian Museum stop is directly in front of the
        museum's main entrance. T2 connects with the Blue Line at Harbourfront and Museum Quarter
        and with the Red Line at University. Some vintage trams from the 1950s run on T2 on summer
        Sundays; they are not step-free, but a modern low-floor tram follows on the same
        timetable. The whole route lies in fare zone A.""",
    ),
    (
        "buses/route-12",
        "Bus 12 – Northgate to Metroville Zoo",
        """
        Bus route 12 runs from Northgate metro station (Red Line) via North Hills (Yellow Line) to
        Metroville Zoo, taking about 20 minutes. Buses run every 15 minutes from 6:30 to 21:00
        on weekdays and every 20 minutes at weekends, with extra buses on summer weekends when the
        zoo is busiest. The zoo stop is at the main gate. Northgate and North Hills are in zone B,
        so travellers from the city centre need a zone AB ticket. All buses on route 12 are
        electric and have space for two wheelchairs or pushchairs.""",
    ),
    (
        "buses/route-40",
        "Bus 40 – Central Station to Lakeside Beach",
        """
        Bus 40 runs from Central Station via Cathedral and Lakeside metro station to Lakeside
        Beach, a 28-minute trip. Buses run every 20 minutes all year, and every 10 minutes
        between June and August from 9:00 to 20:00. It is the easiest way to reach the beach with
        beach gear, as buses have a luggage area. Stops are in zones A and B. On the way back,
        board at the Beach Promenade stop. The last bus leaves Lakeside Beach at 23:10. Bus 40
        also stops at the main entrance of the Metroville Aquarium.""",
    ),
    (
        "buses/night-network",
        "Night buses N1–N4",
        """
        When the metro closes, four night bus routes keep Metroville moving. N1 follows the Red
        Line from Northgate to Airport, N2 the Blue Line from Harbourfront to Eastfield, N3 the
        Green Line from Westbrook to Lakeside, and N4 the Yellow Line from Southport to North
        Hills. All four meet at Central Station (N4 at Old Town) for timed connections at :15 and
        :45 past the hour. Night buses run every 30 minutes from 00:30 to 5:00, Sunday to
        Thursday nights. On Friday and Saturday nights the Red and Blue metro lines run all night,
        so N1 and N2 do not operate. Normal fares apply.""",
    ),
    (
        "tickets/fares",
        "Fares and zones",
        """
        Metroville is divided into three fare zones. Zone A covers the city centre, including
        Central Station, Old Town, Museum Quarter and Harbourfront. Zone B covers the suburbs such
        as Northgate, Eastfield, Westbrook and Lakeside. Zone C contains only Airport station.
        Single tickets, valid for 90 minutes including transfers, cost €2.40 for zone A, €3.20 for
        zones AB and €4.60 for zones ABC (airport). A day pass costs €8.00 for zones AB or €11.50
        including the airport. A 7-day pass for zones AB costs €26.00 and a monthly pass €82.00.
        Travelling without a valid ticket incurs a €60 penalty fare.""",
    ),
    (
        "tickets/passes-and-reduced-fares",
        "Passes and reduced fares",
        """
        Children under 6 travel free with an adult, and children aged 6 to 14 pay half fare on all
        tickets. Students in full-time education and seniors aged 65 and over can buy a reduced
        monthly pass for zones AB at €45.00 with a valid photo ID card. Holders of a disability
        card travel free, and one companion may travel free with them when the card is marked 'B'.
        Job seekers receive a 50% discount on monthly passes. An annual pass costs the price of ten
        monthly passes, and many employers offer it as a tax-free benefit. Reduced tickets must be
        shown together with proof of eligibility on request.""",
    ),
    (
        "tickets/contactless-and-metropass",
        "Contactless payment and the MetroPass card",
        """
        You can pay for travel by tapping a contactless bank card, phone or smartwatch on the
        validators at station gates and on trams and buses. Tap in at the start of every journey;
        on the metro tap out too, so the system can calculate the correct zone fare. Daily
        capping means you never pay more than the price of a day pass for the zones you travel in,
        and weekly capping, Monday to Sunday, limits charges to the 7-day pass price. The
        reloadable MetroPass smart card works the same way and costs €3 from station machines;
        reduced fares are only available on a personalised MetroPass.""",
    ),
    (
        "travel/airport",
        "Getting to and from Metroville Airport",
        """
        The Red Line connects Airport station, beneath the terminal building, with Central Station
        in 22 minutes, with trains every 8 minutes during the day. The first train leaves Airport
        at 5:05 and the last at 0:15; on Friday and Saturday nights trains run all night. Because
        Airport is in zone C, you need a zone ABC ticket (€4.60 single) or a day pass including the
        airport (€11.50). Contactless cards are capped accordingly. On other nights, night bus N1
        runs every 30 minutes. A taxi to the city centre takes about 30 minutes and costs a flat
        fare of €38.""",
    ),
    (
        "travel/accessibility",
        "Accessible travel",
        """
        All metro stations have step-free access from street to platform by lift or ramp, except
        Old Town, where a new lift is under construction and due to open in 2026; use Market
        Square or Cathedral instead. Platform-edge tactile paving and audio-visual announcements
        are provided on all lines, and the gap between train and platform is less than 5 cm at
        most stations. All trams on T1 and T2 and all buses are low-floor, except the vintage
        heritage trams. Staff can help you board; request assistance at any station help point
        or call our accessibility line. Assistance dogs are always welcome.""",
    ),
    (
        "travel/bikes-on-transit",
        "Bikes on trains, trams and buses",
        """
        Bicycles can be taken on all metro lines free of charge, except on weekdays between 7:00
        and 9:00 and between 16:00 and 18:30, when trains are busiest. Use the multi-purpose
        areas marked with a bicycle symbol at the ends of each train and give priority to
        wheelchairs and pushchairs. Folded folding bikes are allowed at all times and on all
        vehicles. Bikes are not allowed on buses, and are allowed on trams only outside rush hours
        when space permits. E-scooters are not permitted on any vehicle. Secure bike parking is
        available at Central Station, Eastfield and Westbrook.""",
    ),
    (
        "travel/park-and-ride",
        "Park and ride",
        """
        Park-and-ride car parks are located at Eastfield (Blue Line, 600 spaces) and Westbrook
        (Green Line, 450 spaces), both next to the motorway ring road. Parking costs €5 per day,
        and the parking ticket includes a day pass for two adults on all metro, tram and bus lines
        in zones A and B. Car parks open from 4:45 to 1:00. Electric vehicle charging points are
        available at both sites. Overnight parking is allowed for up to seven days at the standard
        daily rate. On match days at Metroville Stadium, Eastfield fills up early, so arrive before
        kick-off minus two hours or use Westbrook.""",
    ),
    (
        "travel/lost-property",
        "Lost property",
        """
        Items found on Metroville Transit trains, trams, buses and stations are taken to the Lost
        Property Office at Central Station, on the lower concourse next to exit C. The office is
        open Monday to Friday from 8:00 to 18:00 and Saturday from 9:00 to 13:00. Items usually
        arrive within two working days. You can report a lost item online and we will email you
        if it is found. Items are kept for three months; identity documents are passed to the
        police after one week. A handling fee of €5 is charged for each item returned, except
        for ID documents and items belonging to children.""",
    ),
    (
        "travel/service-hours",
        "Service hours and frequencies",
        """
        The metro operates from about 5:00 until 0:30 on Sunday to Thursday. On Friday and
        Saturday nights the Red and Blue Lines run all night every 20 minutes, while the Green and
        Yellow Lines close at 1:30. At peak times, 7:00–9:30 and 16:00–19:00 on weekdays, Red and
        Blue Line trains run every 4 minutes and Green and Yellow Line trains every 5 minutes.
        Trams run from about 6:00 to midnight. On public holidays the Sunday timetable applies. On
        New Year's Eve all lines run all night and travel is free from 20:00 until 6:00 on
        1 January.""",
    ),
    (
        "news/green-line-weekend-closures",
        "Green Line: weekend closures between Westbrook and Hospital",
        """
        Because of track renewal and signalling upgrades, there will be no Green Line trains
        between Westbrook and Hospital on the weekends of 8–9, 15–16 and 22–23 March, from the start
        of service on Saturday until the end of service on Sunday. Replacement buses marked 'G'
        will run every 7 minutes between Westbrook and Hospital, calling near the closed station
        entrances; allow an extra 15 minutes for your journey. Trains between Hospital, Central
        Station, Cathedral and Lakeside will run as normal. The Westbrook park-and-ride remains
        open, and parking tickets are valid on replacement buses.""",
    ),
    (
        "stations/central-station",
        "Central Station",
        """
        Central Station is the heart of the Metroville network, where the Red, Blue and Green
        Lines meet, and the main station for regional and intercity trains. The metro platforms
        are on two levels beneath the main hall: Red Line on level −1, Blue and Green Lines on
        level −2. Bus 40 and night buses leave from the bus terminal at exit A. The station has a
        staffed travel centre open daily 6:30–22:00, the Lost Property Office (exit C), secure
        bike parking and left-luggage lockers. Exit D leads to Foundry Lane and the shopping
        district.""",
    ),
    (
        "stations/museum-quarter",
        "Museum Quarter station",
        """
        Museum Quarter is a Blue Line station one stop west of Central Station, serving the
        city's museum district. Use exit B (Gallery Street) for the Meridian Museum, a 4-minute
        walk, and exit A for the City Library and the Concert Hall. Tram T2 stops at street level
        outside exit B and continues one stop to the Meridian Museum stop at the museum entrance,
        and on to University. The station was rebuilt in 2016 with lifts to every platform and
        has murals by local artists depicting the museum collections. It lies in fare zone A.""",
    ),
    (
        "about/contact",
        "Contact Metroville Transit",
        """
        Our customer service centre answers questions about tickets, timetables and refunds by
        phone daily from 6:00 to 22:00 and through the online contact form at any time. In
        person, visit the travel centre at Central Station, open daily 6:30–22:00, or the smaller
        desk at Airport station, open 7:00–21:00. Real-time departures are available in the
        Metroville Transit app, which also sells mobile tickets. To apply for a refund for a
        delay of more than 30 minutes, fill in the delay compensation form within 14 days; we
        refund the value of the single ticket or a proportion of a pass.""",
    ),
]


def build_transit() -> None:
    for path, title, text in TRANSIT_PAGES:
        add(TRANSIT + path, title, text)


# ---------------------------------------------------------------------------
# Museum: the Meridian Museum of Art and Science, Metroville (fictional)
# ---------------------------------------------------------------------------
MUSEUM = "https://www.meridianmuseum.example.org/"

MUSEUM_PAGES = [
    (
        "visit/opening-hours",
        "Opening hours – Meridian Museum",
        """
        The Meridian Museum is open Tuesday to Sunday from 10:00 to 18:00, with late opening on
        Thursdays until 21:00. The museum is closed on Mondays, except on public holidays, and on
        24, 25 and 31 December and 1 January. Last admission is 45 minutes before closing, and
        galleries begin to clear 15 minutes before closing time. The planetarium's last show starts
        at 16:30 (19:30 on Thursdays). The Atrium Café opens half an hour before the galleries, at
        9:30. During school summer holidays in July and August the museum also opens on Mondays
        from 10:00 to 18:00.""",
    ),
    (
        "visit/tickets",
        "Tickets and prices – Meridian Museum",
        """
        General admission to the permanent collection costs €16 for adults and €10 for students
        and visitors aged 65 and over. Entry is free for everyone under 18, for members and for
        holders of a Metroville disability card and one companion. A family ticket for two adults
        and up to three children costs €36 and includes one planetarium show. Temporary exhibitions
        cost an extra €6. Admission to the permanent collection is free for all on the first Sunday
        of every month. Tickets bought online come with a timed entry slot and skip the queue;
        they can be cancelled free of charge up to 24 hours in advance.""",
    ),
    (
        "visit/getting-here",
        "Getting here – Meridian Museum",
        """
        The Meridian Museum stands on Gallery Street in Metroville's Museum Quarter. The nearest
        metro station is Museum Quarter on the Blue Line; take exit B and walk 4 minutes along
        Gallery Street. Tram T2 stops right outside the main entrance at the 'Meridian Museum'
        stop. From Central Station, take the Blue Line one stop towards Harbourfront. From the
        airport, take the Red Line to Central Station and change to the Blue Line, a total journey
        of about 30 minutes. The museum has no car park; the nearest public car park is the
        Harbour multi-storey on Quay Street. Bicycle racks are located by the north entrance.""",
    ),
    (
        "visit/accessibility",
        "Accessibility – Meridian Museum",
        """
        All public areas of the Meridian Museum are step-free, with lifts to every floor from the
        main entrance and the north entrance. Wheelchairs and folding stools can be borrowed free
        of charge from the cloakroom. Accessible toilets are on every floor, and a Changing Places
        toilet is on the ground floor near the Atrium Café. Large-print guides, tactile maps and
        an audio description tour are available. Induction loops are installed at the information
        desk and in the auditorium. A quiet hour with reduced lighting and noise takes place every
        Sunday from 10:00 to 11:00. Registered assistance dogs are welcome.""",
    ),
    (
        "visit/food-and-shop",
        "Café, restaurant and shop – Meridian Museum",
        """
        The Atrium Café on the ground floor serves coffee, pastries, soups and sandwiches from
        9:30 until 30 minutes after the galleries close; you do not need a museum ticket to visit
        it. On the top floor, the Orrery restaurant offers seasonal lunches with a view over the
        harbour, from 12:00 to 15:00, Tuesday to Sunday, and dinner on Thursday evenings;
        reservations are recommended. A picnic room in the lower ground floor is available for
        school groups and families with their own food. The museum shop sells books, prints,
        replicas, science kits and gifts inspired by the collection.""",
    ),
    (
        "collections/egyptian-antiquities",
        "Egyptian antiquities – Gallery 4",
        """
        Gallery 4 displays about 900 objects from ancient Egypt, many collected during the
        excavations of the late 19th century that the museum's founder helped to fund. The star
        object is the painted wooden coffin of Tabakhet, a chantress of the god Amun at Thebes,
        dating from the 21st Dynasty, around 1000 BC; CT scans shown on screens beside it reveal
        the amulets placed inside her wrappings. Other highlights include a limestone statue of a
        scribe, a set of four canopic jars, faience shabti figures and a fragment of the Book of the
        Dead written on papyrus. A hands-on table lets visitors try writing hieroglyphs.""",
    ),
    (
        "collections/roman-metroville",
        "Roman Metroville – Gallery 5",
        """
        Metroville began as the Roman river port of Portus Meridianus in the 1st century AD.
        Gallery 5 tells its story through finds from excavations across the city. The centrepiece
        is the Dolphin Mosaic, a 5-metre floor from a wealthy townhouse discovered during the
        construction of Central Station in 1911. Nearby are the Quay Street Hoard of 1,214 silver
        denarii buried around AD 160, tombstones of soldiers and merchants, glassware, oil lamps and
        a reconstructed Roman kitchen. A digital model shows the town at its height, with its
        forum, bath house and timber harbour along the river.""",
    ),
    (
        "collections/impressionism",
        "Impressionist and Post-Impressionist paintings – Gallery 12",
        """
        The museum's small but celebrated collection of late 19th-century French painting hangs in
        Gallery 12. It includes a view of the Seine at Vétheuil by Claude Monet, painted in the
        winter of 1880 when the river froze and then thawed; a snowy boulevard scene by Camille
        Pissarro; a portrait of a young woman by Berthe Morisot; and a still life of apples by Paul
        Cézanne. Many of the paintings were bequeathed in 1932 by the collector Harriet Vane-Okoye.
        The Impressionists worked outdoors to capture changing light, often along the rivers and
        railways around Paris.""",
    ),
    (
        "collections/dutch-golden-age",
        "Dutch Golden Age paintings – Gallery 11",
        """
        Gallery 11 presents Dutch painting of the 17th century, when the prosperous Dutch Republic
        supported a huge market for art. Highlights include a river landscape with a ferry by
        Salomon van Ruysdael, a banquet still life with a silver goblet and a peeled lemon by
        Willem Claesz. Heda, a church interior by Pieter Saenredam and a small genre scene of a
        woman reading a letter by a follower of Johannes Vermeer. A display explains how painters
        ground pigments such as lead white, lead-tin yellow and ultramarine, made from the
        semi-precious stone lapis lazuli.""",
    ),
    (
        "collections/dinosaur-hall",
        "Dinosaur Hall",
        """
        The double-height Dinosaur Hall is the museum's most popular space. It is dominated by
        Greta, a Triceratops skeleton about 65 percent complete, excavated in the Hell Creek
        Formation of Montana in 1998 and around 67 million years old. Opposite stands a cast of a
        26-metre Diplodocus, and an Archaeopteryx fossil replica illustrates the link between
        dinosaurs and birds. Visitors can touch a real Tyrannosaurus tooth and a fossilised
        Edmontosaurus skin impression. The 'Dig Pit' lets children uncover fossil casts in sand,
        and palaeontologists can be watched at work in the glass-walled preparation lab on
        weekdays.""",
    ),
    (
        "collections/minerals-and-gems",
        "Minerals and Gems – Gallery 8",
        """
        Gallery 8 displays about 4,000 mineral specimens from around the world. Highlights include
        the 1.2 kg Hartwell gold nugget from Victoria, Australia; a metre-tall amethyst geode from
        Brazil; and a slice of the Gibeon iron meteorite showing the criss-cross Widmanstätten
        pattern that forms only when iron-nickel metal cools extremely slowly in space. A
        'periodic table wall' holds a real sample of almost every stable chemical element, from a
        sealed ampoule of mercury to a bar of silicon. In the darkened fluorescence room, minerals
        glow red, green and blue under ultraviolet light.""",
    ),
    (
        "collections/space-gallery",
        "Space Gallery and Foucault pendulum",
        """
        The Space Gallery explores the Solar System and humanity's journeys into space. A scale
        model shows the eight planets, with Jupiter's 1.4-metre globe dwarfing a pea-sized Mercury,
        and touchable meteorites include a fragment of a Martian meteorite found in the Sahara.
        Visitors can step inside a full-size replica of an Apollo command module. In the stairwell
        hangs a 22-metre Foucault pendulum, whose swing slowly changes direction as the Earth
        rotates beneath it, knocking over a small peg roughly every 20 minutes. The gallery leads to
        the museum's planetarium.""",
    ),
    (
        "collections/clocks-and-instruments",
        "Clocks and scientific instruments – Gallery 9",
        """
        Gallery 9 traces the history of measuring time and the heavens. The centrepiece is an
        astronomical clock made in Augsburg around 1585, which shows the hours, the phases of the
        Moon and the positions of the Sun in the zodiac. A brass orrery made in London in 1782
        models the planets known at the time — only six, since Uranus had just been discovered.
        Other objects include astrolabes, sundials, a marine chronometer used to find longitude at
        sea, early microscopes and a set of 18th-century electrical machines. Some clocks are
        wound and demonstrated on Sunday afternoons.""",
    ),
    (
        "planetarium",
        "Planetarium shows – Meridian Museum",
        """
        The museum's planetarium has a 16-metre dome and seats 120 people. Shows last about 30
        minutes and cost €5 on top of admission (free for members and included in the family
        ticket). The current programme includes 'Tour of the Solar System', visiting each planet
        from scorching Mercury to windy Neptune, daily at 11:00 and 14:00; 'Moons and Oceans',
        about the hidden oceans of Europa, Enceladus and Ganymede, daily at 12:30; and 'Tonight's
        Sky', a live presentation by our astronomers, at 15:30 and on Thursdays at 19:30. Shows are
        not recommended for children under 4.""",
    ),
    (
        "exhibitions/great-rivers",
        "Great Rivers: life along Europe's waterways (temporary exhibition)",
        """
        Our major exhibition for 2025, open from 14 March to 31 August, follows five great rivers
        of Europe — the Rhine, Danube, Thames, Seine and Vistula — from source to sea. Objects
        include a Bronze Age sword dredged from the Thames, a model of a 19th-century Rhine
        paddle steamer, paintings of Danube ports, and maps tracing how canals linked the North
        Sea to the Black Sea. Interactive displays explain floods, pollution and river restoration,
        and a large table model lets visitors build dams and watch sediment flow. Admission is €6
        on top of the general ticket; under-18s and members go free.""",
    ),
    (
        "exhibitions/daily-bread",
        "Daily Bread: 14,000 years of baking (past exhibition)",
        """
        This exhibition, shown from October 2023 to February 2024, told the story of bread from
        the charred flatbread crumbs of Shubayqa in Jordan, baked by hunter-gatherers about 14,400
        years ago, to today's sourdough revival. Highlights included a carbonised loaf from
        Pompeii, lent by an Italian museum, medieval bakers' guild seals, a 19th-century steam
        oven, and a wall of 60 breads from around the world, from Danish rugbrød to Ethiopian
        injera. Visitors could smell and handle different grains and watch baking demonstrations
        in a working bakery every weekend. The exhibition catalogue is still sold in the shop.""",
    ),
    (
        "learning/school-visits",
        "School visits – Meridian Museum",
        """
        School groups visit the permanent collection free of charge, but every visit must be booked
        at least three weeks in advance through the online booking form. We offer 60-minute
        facilitated workshops for primary and secondary pupils, including 'Mummies and Mysteries'
        in the Egyptian gallery, 'Fossil Detectives' in the Dinosaur Hall and 'Forces and
        Pendulums' in the Space Gallery; workshops cost €60 per class. One adult is required for
        every 8 primary pupils or every 15 secondary pupils. Teachers can make a free planning
        visit beforehand. School groups may use the lower-ground-floor picnic room for lunch.""",
    ),
    (
        "support/membership",
        "Membership – Meridian Museum",
        """
        Members enjoy unlimited free entry to all temporary exhibitions, free planetarium shows,
        priority booking for events, 10% off in the shop and the café, and access to the members'
        lounge on the third floor. Individual membership costs €60 a year, joint membership for two
        adults at the same address €95, and family membership, covering two adults and their
        children under 18, €110. Members under 26 pay €30. A member may bring one guest at half
        price to any exhibition. Membership fees support the museum's conservation work and
        learning programme, and you can join online or at the information desk.""",
    ),
    (
        "about/history",
        "History of the museum – Meridian Museum",
        """
        The Meridian Museum was founded in 1887 by the Metroville shipping merchant Eliza Hartwell,
        who left her collection of minerals, clocks and Egyptian antiquities to the city together
        with funds for a building. The original sandstone building on Gallery Street, designed by
        the architect Thomas Reade, opened in 1893. The Dinosaur Hall was added in 1931 after a
        public appeal. In 2009 a new glass wing by Studio Lund connected the old building with a
        former warehouse, adding the Atrium, the planetarium and the temporary exhibition halls.
        Today the museum welcomes about 900,000 visitors a year.""",
    ),
    (
        "events/late-thursdays",
        "Late Thursdays – Meridian Museum",
        """
        Every Thursday the museum stays open until 21:00. Late Thursdays bring talks by curators at
        18:30, live music in the Atrium and a bar serving local beers and wines. On the first
        Thursday of the month, a themed evening takes over the galleries, with activities such as
        silent discos in the Dinosaur Hall, life drawing among the sculptures or stargazing with
        telescopes on the roof terrace when the sky is clear. Entry to the permanent collection
        follows the usual prices; the special events are included in admission unless stated
        otherwise. The Orrery restaurant serves dinner from 18:00 on Thursdays.""",
    ),
]


def build_museum() -> None:
    for path, title, text in MUSEUM_PAGES:
        add(MUSEUM + path, title, text)


# ---------------------------------------------------------------------------
# Gardening site: Greenrow (advice for temperate northern-hemisphere gardens)
# ---------------------------------------------------------------------------
GARDEN = "https://www.greenrow.example.com/"

GARDEN_PAGES = [
    (
        "grow/tomatoes",
        "How to grow tomatoes",
        """
        Tomatoes need warmth and sun. Sow seeds indoors 6–8 weeks before the last expected frost,
        at 18–25 °C, and pot seedlings on when they have their first true leaves. Plant out after
        all danger of frost has passed, usually late May, in the sunniest spot you have, about
        45–60 cm apart. Cordon (indeterminate) varieties need a stake and regular removal of the
        side shoots that grow between the leaves and the stem; bush (determinate) varieties do not.
        Water deeply and regularly — irregular watering causes blossom end rot — and feed weekly
        with a high-potash fertiliser once the first fruits set. Harvest when fully coloured.""",
    ),
    (
        "grow/potatoes",
        "How to grow potatoes",
        """
        Potatoes are grown from seed tubers rather than seeds. In late winter, stand the tubers in
        egg boxes in a cool, light place to 'chit', or sprout, for about six weeks. Plant first
        earlies in March about 12 cm deep and 30 cm apart, with 60 cm between rows; second earlies
        and maincrops follow in April, spaced 38 cm apart with 75 cm between rows. As the shoots
        grow, draw soil up around them ('earthing up') to protect them from frost and stop the
        tubers turning green. First earlies are ready 10–12 weeks after planting, maincrops after
        about 20 weeks. Blight is the main disease in wet summers.""",
    ),
    (
        "grow/carrots",
        "How to grow carrots",
        """
        Carrots prefer light, stone-free, sandy soil; in heavy or stony ground the roots fork. Sow
        thinly straight into the ground from April to early July, 1 cm deep in rows 15 cm apart,
        because carrots do not transplant well. Germination is slow, taking two to three weeks.
        Thin seedlings to about 5 cm apart, preferably in the evening, as the smell of bruised
        foliage attracts carrot fly; a 60 cm-high barrier of fine mesh around the bed also keeps
        the low-flying pest away. Most varieties are ready 12–16 weeks after sowing. Short, round
        varieties such as 'Paris Market' suit containers.""",
    ),
    (
        "grow/lettuce",
        "How to grow lettuce",
        """
        Lettuce is quick and easy, and sowing a short row every two to three weeks from March to
        August gives a continuous supply. Sow thinly 1 cm deep and thin the seedlings to 15–30 cm
        apart, depending on the variety. Lettuce seed may fail to germinate above about 25 °C, so
        in midsummer sow in the cool of the evening or in partial shade. Keep plants well watered
        to prevent them from bolting — running to seed — in hot, dry weather. Loose-leaf varieties
        can be harvested leaf by leaf as 'cut-and-come-again' crops, ready in about four weeks,
        while hearting lettuces take 8–12 weeks. Protect young plants from slugs.""",
    ),
    (
        "grow/garlic",
        "How to grow garlic",
        """
        Garlic needs a period of cold to form a bulb divided into cloves, so plant it in autumn,
        from October to December, or in early spring at the latest. Split a bulb into individual
        cloves and push them into the soil pointed end up, about 2.5 cm below the surface and 15 cm
        apart, in rows 30 cm apart. Choose a sunny spot with well-drained soil. Softneck varieties
        store longest, while hardneck varieties produce flower stems called scapes, which can be
        cut and eaten in early summer. Harvest in June or July when the lower leaves turn yellow,
        and dry the bulbs in the sun for a couple of weeks.""",
    ),
    (
        "grow/onions",
        "How to grow onions from sets",
        """
        The easiest way to grow onions is from sets, small immature bulbs. Plant them from March to
        April, 10 cm apart in rows 30 cm apart, with the tip just showing above the soil; birds like
        to pull them out, so cover with fleece until they root. Onions have shallow roots and
        struggle against weeds, so hoe regularly. Stop watering once the bulbs have swollen. In
        late summer the leaves turn yellow and flop over, a sign that the bulbs are mature; lift
        them and dry them in the sun or a greenhouse for about two weeks before storing in a cool,
        dry, airy place.""",
    ),
    (
        "grow/courgettes",
        "How to grow courgettes (zucchini)",
        """
        Courgettes are among the most productive vegetables; two or three plants feed a family.
        Sow seeds on their edge, 2.5 cm deep in small pots, indoors in April or May, and plant out
        after the last frost about 90 cm apart in rich soil with plenty of compost. Water around
        the plants rather than over the leaves to reduce powdery mildew. Harvest fruits when about
        10–15 cm long, cutting them every few days in summer; if left they quickly become marrows
        and the plant stops producing. The large yellow flowers are also edible, often stuffed and
        fried.""",
    ),
    (
        "grow/runner-beans",
        "How to grow runner beans",
        """
        Runner beans are vigorous climbers with scarlet or white flowers. Sow indoors in deep pots
        in late April or May, or directly outside from late May to June once the soil has warmed.
        Before planting, build a support of 2.4 m canes tied together at the top, either in a
        double row or as a wigwam, and plant one bean at the base of each cane, about 15–20 cm
        apart. The plants twine anticlockwise around their support. Water well, especially once
        flowering starts, and pick the pods when about 15–20 cm long, before the beans inside swell;
        regular picking keeps them cropping until the first frosts.""",
    ),
    (
        "grow/peas",
        "How to grow peas",
        """
        Peas are a cool-season crop that can be sown outdoors from March to early June. Sow seeds
        about 5 cm deep and 7 cm apart in a flat-bottomed trench 15 cm wide, and protect them from
        mice and pigeons. Most varieties need support; push twiggy branches or netting into the
        ground alongside the row for the tendrils to grip. Mangetout and sugar snap peas are
        eaten pod and all. Start picking about 12 weeks after sowing, when the pods are well
        filled; the more you pick, the more the plants produce. Like other legumes, peas host
        bacteria in root nodules that fix nitrogen from the air.""",
    ),
    (
        "grow/strawberries",
        "How to grow strawberries",
        """
        Strawberries grow well in beds, containers and hanging baskets. Plant new plants in late
        summer or early autumn, or in spring, about 35 cm apart with the crown level with the soil
        surface: buried crowns rot, and exposed ones dry out. As the fruits develop, tuck straw
        underneath to keep them clean and away from slugs — which is thought to be the origin of
        the name. Net the plants against birds. After fruiting, cut off the old leaves and remove
        most runners, or peg them down to root new plants. Replace plants every three to four
        years as yields decline. Everbearing varieties crop from June to October.""",
    ),
    (
        "grow/basil",
        "How to grow basil",
        """
        Basil is a tender herb that hates cold and wet. Sow seeds indoors from March to June on the
        surface of moist compost, covering lightly, and keep them at around 20 °C. Grow on in pots
        in a sunny spot indoors or in a greenhouse; basil can go outside only in a warm, sheltered
        position after the last frost, as temperatures below 10 °C damage the leaves. Water in the
        morning, not the evening, and avoid wetting the leaves. Pinch out the growing tips regularly
        to encourage bushy growth and remove flower buds as they appear. Sweet basil is the
        classic variety for pesto.""",
    ),
    (
        "grow/pumpkins",
        "How to grow pumpkins",
        """
        Pumpkins need a long, warm growing season and plenty of space, as a single plant can
        spread over 3 metres. Sow seeds indoors in late April, 2.5 cm deep in individual pots, and
        plant out in early June after the frosts, into soil enriched with well-rotted manure. Water
        generously in dry weather and feed with a high-potash fertiliser once fruits form. For
        giant pumpkins, allow only one or two fruits per plant. Rest developing fruits on a tile
        or board to keep them off damp soil. Harvest before the first frosts when the skin is hard
        and the stalk starts to crack, then cure in the sun for 10 days to store for months.""",
    ),
    (
        "grow/beetroot",
        "How to grow beetroot",
        """
        Beetroot is easy to grow and tolerant of most soils. Each knobbly 'seed' is actually a
        cluster of several seeds, so seedlings come up in small groups and need thinning to one
        per station, about 10 cm apart. Sow directly outdoors from April to July, 2.5 cm deep in
        rows 30 cm apart; soaking the seeds in warm water for an hour speeds up germination.
        Bolt-resistant varieties are best for early sowings. Harvest the roots when they are
        between golf-ball and tennis-ball size, about 10–12 weeks after sowing; twist off the
        leaves rather than cutting them to stop the roots from bleeding.""",
    ),
    (
        "grow/kale",
        "How to grow kale",
        """
        Kale is one of the hardiest vegetables, providing fresh leaves through the winter when little
        else is growing; its flavour even improves after frost. Sow seeds in a seedbed or modules
        from April to June, and transplant the young plants to their final position when they have
        five or six leaves, about 45–60 cm apart. Firm the soil well around them, as brassicas dislike
        loose ground. Cover the plants with fine netting to protect them from cabbage white
        butterflies and pigeons. Start picking the lower leaves from autumn onwards, harvesting a few
        from each plant; plants continue to produce until spring.""",
    ),
    (
        "grow/radishes",
        "How to grow radishes",
        """
        Radishes are the fastest crop in the vegetable garden, ready to eat only four weeks after
        sowing, which makes them ideal for children and for filling gaps between slower crops. Sow
        thinly 1 cm deep in rows 15 cm apart, from March to September, every couple of weeks for a
        steady supply. Keep the soil moist: dry conditions make radishes woody and hot-tasting.
        Flea beetles may pepper the leaves with small holes; covering the row with fleece helps.
        Winter radishes, such as the long white daikon or black Spanish radish, are sown in
        midsummer and harvested from autumn.""",
    ),
    (
        "grow/spinach",
        "How to grow spinach",
        """
        True spinach grows best in the cool weather of spring and autumn; in the heat and long
        days of summer it quickly bolts. Sow directly outdoors from March to May and again from
        August to September, 2.5 cm deep in rows 30 cm apart, and thin to about 8–15 cm apart.
        Keep plants well watered. Start harvesting young leaves about six weeks after sowing.
        Autumn sowings can overwinter under cloches for an early spring crop. For a summer crop
        that resists bolting, grow perpetual spinach, which is actually a type of chard, or New
        Zealand spinach, an unrelated plant that tolerates heat.""",
    ),
    (
        "guides/composting",
        "Composting at home",
        """
        A good compost heap turns kitchen and garden waste into a rich soil improver in six months
        to two years. Aim for roughly equal volumes of 'greens' — nitrogen-rich materials such as
        grass clippings, vegetable peelings and coffee grounds — and 'browns' — carbon-rich
        materials like cardboard, paper, straw and dry leaves. Avoid meat, fish, dairy and cooked
        food, which attract rats, and diseased plants or perennial weed roots. Keep the heap as moist
        as a wrung-out sponge and turn it every month or so to add air and speed decomposition; an
        active heap can reach 60 °C inside. Compost is ready when dark and crumbly.""",
    ),
    (
        "guides/raised-beds",
        "Building raised beds",
        """
        Raised beds warm up faster in spring, drain well and make gardening easier on the back. A
        width of 1.2 m lets you reach the middle from both sides without stepping on the soil, and
        a height of 20–30 cm is enough for most vegetables; make them 60–75 cm high for wheelchair
        users. Untreated larch or Douglas fir boards last about ten years, while recycled plastic or
        galvanised steel lasts longer. Fill with a mix of about 60% topsoil and 40% compost. Leave
        paths at least 45 cm wide between beds, or 90 cm for a wheelbarrow.""",
    ),
    (
        "guides/crop-rotation",
        "Crop rotation for vegetable gardens",
        """
        Growing the same vegetables in the same place year after year encourages soil pests and
        diseases, such as clubroot in brassicas and white rot in onions. Crop rotation moves each
        group of crops to a different bed every year. A simple four-year rotation uses these
        groups: legumes (peas and beans), which add nitrogen to the soil; brassicas (cabbage, kale,
        broccoli), which benefit from that nitrogen; potatoes and tomatoes; and roots and onions
        (carrots, beetroot, onions, garlic). Quick crops like lettuce and radishes can be fitted in
        wherever there is space. Keep a notebook of what was grown where.""",
    ),
]


def build_garden() -> None:
    for path, title, text in GARDEN_PAGES:
        add(GARDEN + path, title, text)


# ---------------------------------------------------------------------------
# Build, check and write
# ---------------------------------------------------------------------------
BUILDERS = [
    build_rivers,
    build_lakes,
    build_planets,
    build_mountains,
    build_elements,
    build_pydocs,
    build_recipes,
    build_travel,
    build_shop,
    build_news,
    build_transit,
    build_museum,
    build_garden,
]


def build() -> list[dict]:
    DOCS.clear()
    for builder in BUILDERS:
        builder()
    return list(DOCS)


def check(docs: list[dict]) -> list[str]:
    problems = []
    seen = set()
    for d in docs:
        if d["url"] in seen:
            problems.append(f"duplicate url {d['url']}")
        seen.add(d["url"])
        if not d["url"].startswith("https://"):
            problems.append(f"url must be https: {d['url']}")
        if re.search(r"\s", d["url"]) or not d["url"].isascii():
            problems.append(f"url must be ASCII without whitespace: {d['url']!r}")
        n = len(d["text"].split())
        if not MIN_WORDS <= n <= MAX_WORDS:
            problems.append(f"{d['url']}: {n} words (want {MIN_WORDS}-{MAX_WORDS})")
        if not d["title"]:
            problems.append(f"{d['url']}: empty title")
    if len(docs) < 320:
        problems.append(f"only {len(docs)} documents (want >= 320)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=env_data("browse/corpus.jsonl"),
                        help="output file (default: the shipped one, %(default)s)")
    out_path = parser.parse_args(argv).out
    docs = build()
    problems = check(docs)
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        return 1
    with open(out_path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    sites = {}
    for d in docs:
        host = d["url"].split("/")[2]
        sites[host] = sites.get(host, 0) + 1
    words = [len(d["text"].split()) for d in docs]
    print(
        f"wrote {len(docs)} documents to {out_path} "
        f"(words per text: min {min(words)}, max {max(words)}, mean {sum(words) / len(words):.0f})"
    )
    for host, n in sorted(sites.items()):
        print(f"  {host}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
