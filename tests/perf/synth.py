"""A synthetic Kazcinema graph of N films, in the ontology and layout of the real build.

Deterministic for a given (films, seed). Written as RDF 1.2 N-Quads, then loaded with
``pyoxigraph.Store.bulk_load`` (see ``build_store``). The layout follows ontology/README.md:

- ``graph/entities``: every person, film, studio, festival, award, place and cited work, with
  ``rdf:type``, ``skos:prefLabel`` and ``rdfs:label`` in en/kk/ru, and ``skos:altLabel``
  spellings (``kk-Latn``, initials);
- ``graph/sources``: one ``kz:Source`` per synthetic text with its metadata, and
  ``graph/NNN dcterms:source source/NNN``;
- ``graph/NNN``, one per text: the asserted triples the text states (director, release date,
  studio, title, genre, screenwriter, ``kz:influencedBy``, ``kz:basedOn``; ``kz:Performance``
  events with performer, film and character name; ``kz:Recognition`` events with recipient,
  award, festival and date), a ``kz:Claim`` for each (``rdf:reifies <<( s p o )>>``,
  ``kz:statedIn``, ``kz:quote``, ``kz:evidence``/``oa:hasTarget``, names as written), and the
  passages with their Web Annotation selectors;
- ``graph/ontology``: the real ontology (``ontology/kazcinema.ttl``).

About one film in four is told by a second text, which gives another release year one time in
five (the graph keeps both claims, as the real one does).

Run on its own to write the N-Quads: ``python tests/perf/synth.py --films 1000 out.nq``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from pyoxigraph import NamedNode, RdfFormat, Store

GENERATOR_VERSION = 1  # bump when the generated data changes (invalidates kept stores)

BASE = "https://w3id.org/kazcinema/"
KZ = BASE + "ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

REPO = Path(__file__).resolve().parents[2]
ONTOLOGY = REPO / "ontology" / "kazcinema.ttl"


def iri(value: str) -> str:
    return f"<{value}>"


# --- terms used on every line, in N-Triples form -----------------------------------------

A = iri(RDF + "type")
REIFIES = iri(RDF + "reifies")
PREF = iri(SKOS + "prefLabel")
ALT = iri(SKOS + "altLabel")
LABEL = iri(RDFS + "label")
G_ENTITIES = iri(BASE + "graph/entities")
G_SOURCES = iri(BASE + "graph/sources")
G_ONTOLOGY = BASE + "graph/ontology"


def kz(name: str) -> str:
    return iri(KZ + name)


def oa(name: str) -> str:
    return iri(OA + name)


def dct(name: str) -> str:
    return iri(DCTERMS + name)


def entity(kind: str, slug: str) -> str:
    return iri(f"{BASE}id/{kind}/{slug}")


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples form (the same text the claim hash is computed on)."""
    body = '"' + text.translate(_ESCAPES) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


# --- names: (kk, en, ru) ---------------------------------------------------------------------

FIRST = [
    ("Шәкен", "Shaken", "Шакен"), ("Сұлтан", "Sultan", "Султан"), ("Мәжит", "Mazhit", "Мажит"),
    ("Ермек", "Ermek", "Ермек"), ("Дариға", "Dariga", "Дарига"), ("Әсел", "Asel", "Асель"),
    ("Нұржан", "Nurzhan", "Нуржан"), ("Айгүл", "Aigul", "Айгуль"),
    ("Бауыржан", "Bauyrzhan", "Бауыржан"), ("Серік", "Serik", "Серик"),
    ("Жанар", "Zhanar", "Жанар"), ("Қанат", "Kanat", "Канат"), ("Ерлан", "Erlan", "Ерлан"),
    ("Гүлнар", "Gulnar", "Гульнар"), ("Талғат", "Talgat", "Талгат"), ("Әміна", "Amina", "Амина"),
    ("Досхан", "Doskhan", "Досхан"), ("Сәбит", "Sabit", "Сабит"), ("Мұхтар", "Mukhtar", "Мухтар"),
    ("Ғабит", "Gabit", "Габит"), ("Бибігүл", "Bibigul", "Бибигуль"), ("Нұрлан", "Nurlan", "Нурлан"),
    ("Әділ", "Adil", "Адиль"), ("Самал", "Samal", "Самал"), ("Ақан", "Akan", "Акан"),
    ("Райымбек", "Raiymbek", "Райымбек"), ("Жұлдыз", "Zhuldyz", "Жулдыз"),
    ("Темір", "Temir", "Темир"), ("Алмас", "Almas", "Алмас"), ("Салтанат", "Saltanat", "Салтанат"),
    ("Виктор", "Viktor", "Виктор"), ("Рашид", "Rashid", "Рашид"), ("Амир", "Amir", "Амир"),
    ("Ардақ", "Ardak", "Ардак"), ("Абай", "Abai", "Абай"), ("Әлия", "Aliya", "Алия"),
    ("Бақыт", "Bakyt", "Бакыт"), ("Серғали", "Sergali", "Сергали"), ("Кәмила", "Kamila", "Камила"),
    ("Ельдар", "Eldar", "Эльдар"),
]
SURNAME = [
    ("Айманов", "Aimanov", "Айманов"), ("Қожықов", "Kozhykov", "Кожыков"),
    ("Бегалин", "Begalin", "Бегалин"), ("Омаров", "Omarov", "Омаров"),
    ("Нұғманов", "Nugmanov", "Нугманов"), ("Шәріпова", "Sharipova", "Шарипова"),
    ("Қарсақбаев", "Karsakbaev", "Карсакбаев"), ("Әбдіков", "Abdikov", "Абдиков"),
    ("Тажбаев", "Tazhbaev", "Тажбаев"), ("Шәріпов", "Sharipov", "Шарипов"),
    ("Нарымбетов", "Narymbetov", "Нарымбетов"), ("Әміров", "Amirov", "Амиров"),
    ("Ақылбеков", "Akylbekov", "Акылбеков"), ("Оразбаева", "Orazbaeva", "Оразбаева"),
    ("Жанайдаров", "Zhanaidarov", "Жанайдаров"), ("Сейдахметов", "Seidakhmetov", "Сейдахметов"),
    ("Құрманов", "Kurmanov", "Курманов"), ("Есенова", "Esenova", "Есенова"),
    ("Байжанов", "Baizhanov", "Байжанов"), ("Тоқтаров", "Toktarov", "Токтаров"),
    ("Жұмабаев", "Zhumabaev", "Жумабаев"), ("Мұсабаева", "Musabaeva", "Мусабаева"),
    ("Ысқақов", "Yskakov", "Ыскаков"), ("Дүйсенов", "Duisenov", "Дуйсенов"),
    ("Қасымова", "Kasymova", "Касымова"), ("Әуезов", "Auezov", "Ауэзов"),
    ("Мүсірепов", "Musirepov", "Мусрепов"), ("Сәтбаев", "Satbaev", "Сатпаев"),
    ("Бекмамбетов", "Bekmambetov", "Бекмамбетов"), ("Өмірзақов", "Omirzakov", "Омирзаков"),
    ("Кенжебаев", "Kenzhebaev", "Кенжебаев"), ("Ахметова", "Akhmetova", "Ахметова"),
    ("Сарсенбаев", "Sarsenbaev", "Сарсенбаев"), ("Нұрпейісов", "Nurpeisov", "Нурпеисов"),
    ("Тұрсынов", "Tursynov", "Турсынов"), ("Жансүгіров", "Zhansugirov", "Жансугуров"),
    ("Қалиева", "Kalieva", "Калиева"), ("Рысқұлов", "Ryskulov", "Рыскулов"),
    ("Ыбыраев", "Ybyraev", "Ибраев"), ("Шокин", "Shokin", "Шокин"),
]
ADJ = [
    ("үнсіз", "Silent", "Тихая"), ("жабайы", "Wild", "Дикая"), ("ақ", "White", "Белая"),
    ("қара", "Black", "Чёрная"), ("соңғы", "Last", "Последняя"), ("ұзақ", "Long", "Долгая"),
    ("алыс", "Distant", "Далёкая"), ("қызыл", "Red", "Красная"), ("көк", "Blue", "Синяя"),
    ("алтын", "Golden", "Золотая"), ("ескі", "Old", "Старая"), ("жаңа", "New", "Новая"),
    ("жасырын", "Hidden", "Скрытая"), ("суық", "Cold", "Холодная"), ("ыстық", "Hot", "Жаркая"),
    ("бос", "Empty", "Пустая"), ("мәңгі", "Eternal", "Вечная"), ("жас", "Young", "Молодая"),
    ("ұмытылған", "Forgotten", "Забытая"), ("тар", "Narrow", "Узкая"),
    ("кең", "Wide", "Широкая"), ("биік", "High", "Высокая"), ("терең", "Deep", "Глубокая"),
    ("жарық", "Bright", "Светлая"), ("қараңғы", "Dark", "Тёмная"),
    ("жалғыз", "Lonely", "Одинокая"), ("жылы", "Warm", "Тёплая"), ("асау", "Untamed", "Буйная"),
    ("сұр", "Grey", "Серая"), ("тыныш", "Quiet", "Спокойная"),
]
NOUN = [
    ("дала", "Steppe", "степь"), ("жол", "Road", "дорога"), ("өзен", "River", "река"),
    ("түн", "Night", "ночь"), ("көктем", "Spring", "весна"), ("әуен", "Song", "песня"),
    ("тау", "Mountain", "гора"), ("қала", "City", "город"), ("махаббат", "Love", "любовь"),
    ("соғыс", "War", "война"), ("ине", "Needle", "игла"), ("ат", "Horse", "лошадь"),
    ("бүркіт", "Eagle", "птица"), ("жаз", "Summer", "лето"), ("күз", "Autumn", "осень"),
    ("қыс", "Winter", "зима"), ("теңіз", "Sea", "море"), ("құм", "Sand", "пустыня"),
    ("аңыз", "Legend", "легенда"), ("ауыл", "Village", "деревня"), ("үй", "House", "изба"),
    ("жұлдыз", "Star", "звезда"), ("ай", "Moon", "луна"), ("жел", "Wind", "буря"),
    ("от", "Fire", "пламя"), ("су", "Water", "вода"), ("бала", "Child", "дочь"),
    ("ана", "Mother", "мать"), ("қыз", "Girl", "девушка"), ("ән", "Ballad", "баллада"),
    ("арман", "Dream", "мечта"), ("тағдыр", "Fate", "судьба"), ("шекара", "Border", "граница"),
    ("көш", "Caravan", "кочевка"), ("таң", "Dawn", "заря"), ("кеш", "Evening", "вечеря"),
    ("жаңбыр", "Rain", "дождь"), ("қар", "Snow", "метель"), ("тұман", "Fog", "мгла"),
    ("жыр", "Epic", "былина"),
]
PLACE = [
    ("Алматы", "Almaty", "Алматы"), ("Астана", "Astana", "Астана"),
    ("Шымкент", "Shymkent", "Шымкент"), ("Түркістан", "Turkestan", "Туркестан"),
    ("Тараз", "Taraz", "Тараз"), ("Ақтөбе", "Aktobe", "Актобе"), ("Атырау", "Atyrau", "Атырау"),
    ("Орал", "Oral", "Уральск"), ("Семей", "Semey", "Семей"),
    ("Қарағанды", "Karaganda", "Караганда"), ("Павлодар", "Pavlodar", "Павлодар"),
    ("Қостанай", "Kostanay", "Костанай"), ("Қызылорда", "Kyzylorda", "Кызылорда"),
    ("Ақтау", "Aktau", "Актау"), ("Көкшетау", "Kokshetau", "Кокшетау"),
    ("Талдықорған", "Taldykorgan", "Талдыкорган"), ("Жезқазған", "Zhezkazgan", "Жезказган"),
    ("Балқаш", "Balkhash", "Балхаш"), ("Байқоңыр", "Baikonur", "Байконур"),
    ("Отырар", "Otrar", "Отрар"), ("Сарыарқа", "Saryarka", "Сарыарка"),
    ("Жетісу", "Zhetysu", "Жетысу"), ("Алатау", "Alatau", "Алатау"),
    ("Маңғыстау", "Mangystau", "Мангистау"), ("Бетпақдала", "Betpakdala", "Бетпакдала"),
    ("Арал", "Aral", "Арал"), ("Іле", "Ili", "Или"), ("Ертіс", "Irtysh", "Иртыш"),
    ("Мұғалжар", "Mugalzhar", "Мугалжары"), ("Тұран", "Turan", "Туран"),
]
GENRE = [
    ("драма", "drama", "драма"), ("комедия", "comedy", "комедия"),
    ("соғыс фильмі", "war film", "военный фильм"), ("тарихи эпос", "historical epic",
                                                     "исторический эпос"),
    ("деректі фильм", "documentary", "документальный фильм"), ("мюзикл", "musical", "мюзикл"),
    ("истерн", "eastern", "истерн"), ("мелодрама", "melodrama", "мелодрама"),
    ("триллер", "thriller", "триллер"), ("анимация", "animation", "анимация"),
]
LANGS = ("kk", "en", "ru")
N_SOURCES = 8
N_FESTIVALS = 25
N_AWARDS = 50

_LATIN = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})


def kk_latin(text: str) -> str:
    """A rough Kazakh Cyrillic → Latin transliteration, for ``kk-Latn`` alt labels."""
    out = []
    for word in text.split(" "):
        low = word.lower().translate(_LATIN)
        out.append(low[:1].upper() + low[1:] if word[:1].isupper() else low)
    return " ".join(out)


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


# --- what the benchmark needs to know about the generated graph --------------------------------


@dataclass
class Probes:
    """Entities the benchmark's parameterised queries ask about (IRIs without brackets)."""

    films: int
    seed: int
    version: int = GENERATOR_VERSION
    quads: int = 0
    film_iris: list[str] = field(default_factory=list)
    film_titles_en: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    influential_films: list[str] = field(default_factory=list)
    top_studio: str = ""
    label_needles: list[str] = field(default_factory=list)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def load(cls, path: Path) -> Probes:
        return cls(**json.loads(path.read_text("utf-8")))


@dataclass(slots=True)
class _Person:
    iri: str
    names: tuple[str, str, str]  # kk, en, ru


@dataclass(slots=True)
class _Named:
    iri: str
    names: tuple[str, str, str]


class _Source:
    """One synthetic text: its graph, language, running character offset and last sentence."""

    def __init__(self, index: int) -> None:
        self.id = f"{100 + index:03d}"
        self.lang = LANGS[index % 3]
        self.lang_index = index % 3
        self.graph = iri(f"{BASE}graph/{self.id}")
        self.iri = iri(f"{BASE}source/{self.id}")
        self.offset = 0
        self.previous = "Kazakh cinema, a synthetic history. "
        self.events = 0


class Generator:
    def __init__(self, films: int, seed: int, out: TextIO) -> None:
        self.n = films
        self.rng = random.Random(seed)
        self.out = out
        self.lines = 0
        self.probes = Probes(films=films, seed=seed)
        self._buf: list[str] = []

    # -- output ------------------------------------------------------------------------------

    def quad(self, s: str, p: str, o: str, g: str) -> None:
        self._buf.append(f"{s} {p} {o} {g} .\n")
        if len(self._buf) >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.lines += len(self._buf)
        self.out.writelines(self._buf)
        self._buf.clear()

    def labels(self, node: str, names: tuple[str, str, str], alts: list[tuple[str, str]]) -> None:
        for lang, name in zip(LANGS, names, strict=True):
            self.quad(node, PREF, lit(name, lang), G_ENTITIES)
            self.quad(node, LABEL, lit(name, lang), G_ENTITIES)
        for lang, name in alts:
            self.quad(node, ALT, lit(name, lang), G_ENTITIES)

    # -- the catalogue -----------------------------------------------------------------------

    def person(self, i: int) -> _Person:
        nf, ns = len(FIRST), len(SURNAME)
        first, sur = FIRST[i % nf], SURNAME[(i // nf) % ns]
        patron = FIRST[(i // (nf * ns)) % nf]
        gen = i // (nf * ns * nf)
        names = []
        for k in range(3):
            middle = f" {patron[k][0]}." if i >= nf * ns else ""
            suffix = f" {gen + 1}" if gen else ""
            names.append(f"{first[k]}{middle} {sur[k]}{suffix}")
        kk, en, ru = names
        node = entity("person", f"{slugify(en)}-p{i}")
        self.quad(node, A, kz("Person"), G_ENTITIES)
        alts = [("kk-Latn", kk_latin(kk))]
        if i % 2 == 0:
            alts.append(("en", f"{first[1][0]}. {sur[1]}"))
        self.labels(node, (kk, en, ru), alts)
        return _Person(node, (kk, en, ru))

    def film_names(self, i: int) -> tuple[str, str, str]:
        na, nn, np_ = len(ADJ), len(NOUN), len(PLACE)
        adj, noun, place = ADJ[i % na], NOUN[(i // na) % nn], PLACE[(i // (na * nn)) % np_]
        part = i // (na * nn * np_)
        tail = f" {part + 1}" if part else ""
        kk = f"{place[0]}: {adj[0]} {noun[0]}{tail}"
        en = f"The {adj[1]} {noun[1]} of {place[1]}{tail}"
        ru = f"{adj[2]} {noun[2]}. {place[2]}{tail}"
        return kk[0].upper() + kk[1:], en, ru

    def named(self, kind: str, cls: str, names: tuple[str, str, str], slug: str) -> _Named:
        node = entity(kind, slug)
        self.quad(node, A, kz(cls), G_ENTITIES)
        self.labels(node, names, [])
        return _Named(node, names)

    # -- a text's statements -------------------------------------------------------------------

    def sentence(self, src: _Source, text: str,
                 facts: list[tuple[str, str, str, str | None, str | None]],
                 following: str) -> None:
        """One passage of ``src`` and a claim for each of its facts (s, p, o, as written)."""
        g = src.graph
        start = src.offset
        end = start + len(text)
        src.offset = end + 1
        passage_iri = f"{BASE}passage/{src.id}-{start}-{end}"
        passage = iri(passage_iri)
        quote_sel = iri(passage_iri + "#quote")
        position = iri(passage_iri + "#position")
        q = self.quad
        q(passage, A, kz("Passage"), g)
        q(passage, A, oa("SpecificResource"), g)
        q(passage, oa("hasSource"), src.iri, g)
        q(passage, dct("language"), lit(src.lang), g)
        q(passage, oa("hasSelector"), quote_sel, g)
        q(passage, oa("hasSelector"), position, g)
        q(quote_sel, A, oa("TextQuoteSelector"), g)
        q(quote_sel, oa("exact"), lit(text), g)
        q(quote_sel, oa("prefix"), lit(src.previous[-32:]), g)
        q(quote_sel, oa("suffix"), lit((" " + following)[:32]), g)
        q(position, A, oa("TextPositionSelector"), g)
        q(position, oa("start"), lit(str(start), datatype=XSD + "integer"), g)
        q(position, oa("end"), lit(str(end), datatype=XSD + "integer"), g)
        src.previous = text
        quote = lit(text)
        for s, p, o, s_written, o_written in facts:
            q(s, p, o, g)
            digest = hashlib.sha256(
                f"{src.id}\n{s[1:-1]}\n{p[1:-1]}\n{o}\n{text}".encode()).hexdigest()[:16]
            claim = iri(f"{BASE}claim/{src.id}-{digest}")
            q(claim, A, kz("Claim"), g)
            q(claim, A, oa("Annotation"), g)
            q(claim, REIFIES, f"<<( {s} {p} {o} )>>", g)
            q(claim, kz("statedIn"), src.iri, g)
            q(claim, kz("quote"), quote, g)
            q(claim, kz("evidence"), passage, g)
            q(claim, oa("hasTarget"), passage, g)
            if s_written:
                q(claim, kz("subjectAsWritten"), lit(s_written, src.lang), g)
            if o_written:
                q(claim, kz("objectAsWritten"), lit(o_written, src.lang), g)

    # -- the whole graph -----------------------------------------------------------------------

    def run(self) -> Probes:
        n, rng = self.n, self.rng
        sources = [_Source(k) for k in range(N_SOURCES)]
        self.write_sources(sources)

        places = [self.named("place", "Place", p, slugify(p[1])) for p in PLACE]
        del places  # places are labelled entities only; studios carry the place in their name
        n_studios = max(10, n // 100)
        studios = []
        for k in range(n_studios):
            place = PLACE[k % len(PLACE)]
            num = f" {k // len(PLACE) + 1}" if k >= len(PLACE) else ""
            names = (f"{place[0]} киностудиясы{num}", f"{place[1]} Film Studio{num}",
                     f"Киностудия «{place[2]}»{num}")
            studios.append(self.named("org", "FilmStudio", names,
                                      f"{slugify(place[1])}-film-studio-{k}"))
        self.probes.top_studio = studios[0].iri[1:-1]
        festivals = []
        for k in range(N_FESTIVALS):
            place = PLACE[k % len(PLACE)]
            names = (f"{place[0]} кинофестивалі", f"{place[1]} Film Festival",
                     f"Кинофестиваль «{place[2]}»")
            festivals.append(self.named("festival", "Festival", names,
                                        f"{slugify(place[1])}-film-festival"))
        awards = []
        for k in range(N_AWARDS):
            fest = festivals[k % N_FESTIVALS].names
            prize = ("Бас жүлде", "Grand Prix", "Гран-при") if k < N_FESTIVALS else (
                "Үздік режиссура", "Best Director", "Лучшая режиссура")
            names = (f"{fest[0]} — {prize[0]}", f"{fest[1]} {prize[1]}", f"{fest[2]}: {prize[2]}")
            awards.append(self.named("award", "Award", names, f"{slugify(names[1])}-{k}"))

        n_directors = max(50, n // 4)
        n_actors = max(100, n)
        persons = [self.person(k) for k in range(n_directors + n_actors)]
        directors, actors = persons[:n_directors], persons[n_directors:]
        n_works = max(20, n // 20)
        works = []
        for k in range(n_works):
            kk, en, ru = self.film_names(k * 7 + 3)
            works.append(self.named("work", "CitedWork", (kk, en, ru), f"{slugify(en)}-w{k}"))

        def skewed(pool_size: int, power: float = 2.0) -> int:
            return int(pool_size * rng.random() ** power)

        influenced_in: dict[int, int] = {}
        films: list[_Named] = []
        years: list[int] = []
        for i in range(n):
            names = self.film_names(i)
            node = entity("film", f"{slugify(names[1])}-{i}")
            self.quad(node, A, kz("Film"), G_ENTITIES)
            self.labels(node, names, [("kk-Latn", kk_latin(names[0]))])
            film = _Named(node, names)
            films.append(film)
            year = 1925 + int(99 * (i / n) ** 0.7) + rng.randint(0, 3)
            years.append(min(year, 2025))
            tellers = [sources[i % N_SOURCES]]
            if rng.random() < 0.25:
                tellers.append(sources[(i + 1 + rng.randrange(N_SOURCES - 1)) % N_SOURCES])
            director = directors[skewed(n_directors, 1.5)]
            studio = studios[skewed(n_studios, 3.0)]
            cast = rng.sample(range(n_actors), rng.randint(2, 5))
            screenwriter = directors[rng.randrange(n_directors)] if rng.random() < 0.5 else None
            influence = skewed(i, 2.5) if i > 10 and rng.random() < 0.3 else None
            based_on = works[rng.randrange(n_works)] if rng.random() < 0.1 else None
            mentor = directors[rng.randrange(n_directors)] if rng.random() < 0.2 else None
            recognition = rng.randrange(N_AWARDS) if rng.random() < 0.1 else None
            genre = GENRE[rng.randrange(len(GENRE))]
            if influence is not None:
                influenced_in[influence] = influenced_in.get(influence, 0) + 1
            for t, src in enumerate(tellers):
                the_year = years[i] + (rng.choice((-1, 1)) if t and rng.random() < 0.2 else 0)
                self.tell_film(
                    src, i, film, the_year, director, studio, genre, cast, actors,
                    screenwriter, films[influence] if influence is not None else None,
                    based_on, mentor,
                    (awards[recognition], festivals[recognition % N_FESTIVALS])
                    if recognition is not None else None)
        self.flush()

        pick = random.Random(self.probes.seed + 1)
        sample = pick.sample(range(n), min(200, n))
        self.probes.film_iris = [films[k].iri[1:-1] for k in sample]
        self.probes.film_titles_en = [films[k].names[1] for k in sample]
        self.probes.directors = [d.iri[1:-1] for d in pick.sample(directors[: max(1, n // 8)],
                                                                  min(100, max(1, n // 8)))]
        self.probes.actors = [a.iri[1:-1] for a in pick.sample(actors, min(100, n_actors))]
        hubs = sorted(influenced_in, key=lambda k: (-influenced_in[k], k))
        mid = [k for k in hubs if 2 <= influenced_in[k] <= 20] or hubs
        self.probes.influential_films = [films[k].iri[1:-1] for k in mid[:100]]
        self.probes.label_needles = [s[0][: max(4, len(s[0]) - 2)].lower() for s in SURNAME]
        self.probes.quads = self.lines
        return self.probes

    def tell_film(self, src: _Source, i: int, film: _Named, year: int, director: _Person,
                  studio: _Named, genre: tuple[str, str, str], cast: list[int],
                  actors: list[_Person], screenwriter: _Person | None,
                  influence: _Named | None, based_on: _Named | None, mentor: _Person | None,
                  recognition: tuple[_Named, _Named] | None) -> None:
        li = src.lang_index
        title = film.names[li]
        f = film.iri
        year_lit = lit(str(year), datatype=XSD + "gYear")
        sentences: list[tuple[str, list[tuple[str, str, str, str | None, str | None]]]] = []

        dname, sname = director.names[li], studio.names[li]
        text = {
            "kk": f"«{title}» ({year}) фильмін {dname} түсірді ({sname}); жанры — {genre[0]}.",
            "en": f"{title} ({year}), a {genre[1]} directed by {dname}, was made at {sname}.",
            "ru": f"Фильм «{title}» ({year}, {genre[2]}) снял {dname} на студии {sname}.",
        }[src.lang]
        sentences.append((text, [
            (f, kz("director"), director.iri, title, dname),
            (f, kz("releaseDate"), year_lit, title, None),
            (f, kz("productionCompany"), studio.iri, title, sname),
            (f, kz("title"), lit(title, src.lang), None, None),
            (f, kz("genre"), lit(genre[li], src.lang), title, None),
        ]))

        roles: list[str] = []
        cast_facts: list[tuple[str, str, str, str | None, str | None]] = []
        for k, actor_index in enumerate(cast):
            actor = actors[actor_index]
            character = FIRST[(i + k * 7) % len(FIRST)][li]
            src.events += 1
            event = iri(f"{BASE}id/event/{src.id}-f{i}-cast-{k}")
            cast_facts += [
                (event, A, kz("Performance"), None, None),
                (event, kz("performer"), actor.iri, None, actor.names[li]),
                (event, kz("film"), f, None, title),
                (event, kz("characterName"), lit(character, src.lang), None, None),
            ]
            roles.append({"kk": f"{actor.names[li]} — {character}",
                          "en": f"{actor.names[li]} as {character}",
                          "ru": f"{actor.names[li]} в роли {character}"}[src.lang])
        lead = {"kk": "Рөлдерде: ", "en": "Starring ", "ru": "В ролях: "}[src.lang]
        sentences.append((lead + ", ".join(roles) + ".", cast_facts))

        more: list[tuple[str, list[tuple[str, str, str, str | None, str | None]]]] = []
        if screenwriter is not None:
            w = screenwriter.names[li]
            more.append(({"kk": f"Сценарийін {w} жазды.", "en": f"The script is by {w}.",
                          "ru": f"Сценарий написал {w}."}[src.lang],
                         [(f, kz("screenwriter"), screenwriter.iri, None, w)]))
        if influence is not None:
            other = influence.names[li]
            more.append(({"kk": f"Фильмге «{other}» ықпал етті.",
                          "en": f"The film owes much to {other}.",
                          "ru": f"На фильм повлияла картина «{other}»."}[src.lang],
                         [(f, kz("influencedBy"), influence.iri, title, other)]))
        if based_on is not None:
            other = based_on.names[li]
            more.append(({"kk": f"Фильм «{other}» шығармасы бойынша түсірілген.",
                          "en": f"It is based on {other}.",
                          "ru": f"Фильм снят по произведению «{other}»."}[src.lang],
                         [(f, kz("basedOn"), based_on.iri, title, other)]))
        if mentor is not None:
            m = mentor.names[li]
            more.append(({"kk": f"{dname} {m} шеберханасынан шыққан.",
                          "en": f"{dname} learned the craft from {m}.",
                          "ru": f"{dname} учился у {m}."}[src.lang],
                         [(director.iri, kz("influencedBy"), mentor.iri, dname, m)]))
        if recognition is not None:
            award, festival = recognition
            src.events += 1
            event = iri(f"{BASE}id/event/{src.id}-f{i}-award")
            when = lit(str(min(year + 1, 2025)), datatype=XSD + "gYear")
            more.append(({"kk": f"Фильм {festival.names[0]} «{award.names[0]}» алды.",
                          "en": f"The film won the {award.names[1]} at the {festival.names[1]}.",
                          "ru": f"Фильм получил {award.names[2]}."}[src.lang], [
                (event, A, kz("Recognition"), None, None),
                (event, kz("recipient"), f, None, title),
                (event, kz("award"), award.iri, None, award.names[li]),
                (event, kz("festival"), festival.iri, None, festival.names[li]),
                (event, kz("date"), when, None, None),
            ]))
        sentences += more
        for k, (text, facts) in enumerate(sentences):
            following = sentences[k + 1][0] if k + 1 < len(sentences) else "…"
            self.sentence(src, text, facts, following)

    def write_sources(self, sources: list[_Source]) -> None:
        g = G_SOURCES
        for src in sources:
            s = src.iri
            self.quad(s, A, kz("Source"), g)
            self.quad(s, A, iri(PROV + "Entity"), g)
            self.quad(s, A, iri(SCHEMA + "CreativeWork"), g)
            title = f"[Synthetic text {src.id}]"
            self.quad(s, dct("title"), lit(title), g)
            self.quad(s, LABEL, lit(title), g)
            self.quad(s, dct("identifier"), lit(src.id), g)
            self.quad(s, dct("language"), lit(src.lang), g)
            self.quad(s, dct("type"), lit("article", "en"), g)
            self.quad(s, dct("rights"), lit("Synthetic benchmark data", "en"), g)
            digest = hashlib.sha256(src.id.encode()).hexdigest()
            self.quad(s, kz("sha256"), lit(digest), g)
            self.quad(s, kz("file"), lit(f"data/corpus/{src.id}_synthetic.txt"), g)
            self.quad(src.graph, dct("source"), s, g)


def generate(films: int, seed: int, out: TextIO) -> Probes:
    """Write the N-Quads of ``films`` films (without the ontology graph) to ``out``."""
    return Generator(films, seed, out).run()


def build_store(store_dir: Path, films: int, seed: int,
                log: Callable[[str], None] = print) -> Probes:
    """Generate the graph as N-Quads next to ``store_dir`` and bulk-load it, with the real
    ontology in ``graph/ontology``, into a new store at ``store_dir``."""
    nq = store_dir.with_name(store_dir.name + ".nq")
    t0 = time.perf_counter()
    with nq.open("w", encoding="utf-8") as out:
        probes = generate(films, seed, out)
    t1 = time.perf_counter()
    log(f"generated {probes.quads:,} quads for {films:,} films in {t1 - t0:.1f} s "
        f"({nq.stat().st_size / 1e6:,.0f} MB of N-Quads)")
    store = Store(str(store_dir))
    store.bulk_load(path=str(nq), format=RdfFormat.N_QUADS)
    store.bulk_load(path=str(ONTOLOGY), format=RdfFormat.TURTLE,
                    to_graph=NamedNode(G_ONTOLOGY))
    store.flush()
    store.optimize()
    probes.quads = len(store)
    del store
    nq.unlink()
    log(f"loaded {probes.quads:,} quads into {store_dir} in {time.perf_counter() - t1:.1f} s")
    return probes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("output", type=Path, help="N-Quads file to write ('-' for stdout)")
    args = parser.parse_args()
    if str(args.output) == "-":
        probes = generate(args.films, args.seed, sys.stdout)
    else:
        with args.output.open("w", encoding="utf-8") as out:
            probes = generate(args.films, args.seed, out)
    print(f"{probes.quads:,} quads", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
