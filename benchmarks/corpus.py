"""A synthetic but realistic event store, for benchmarks and load tests.

    python benchmarks/corpus.py OUT_DIR --events 10000 [--seed 0]

writes OUT_DIR/events/ with the three registries and N event files spread over 2014-2026.
The store exercises every part of the schema (partial, approximate and uncertain dates, ranges,
typed dates, figures, non-English quotes, sources with and without URLs, relation trees,
Markdown summaries, Cyrillic, Korean and Arabic names) and always validates with zero problems
for `--today 2026-11-25`. The same seed gives the same bytes.

Every event is marked as synthetic in its summary; every URL is on a reserved example domain
(RFC 2606), so nothing here can be mistaken for a real report or link.

Files are written by a small emitter of our own: ruamel's dumper costs more than generating
the data. `render()` emits plain data as block YAML that `generator.loader` reads back to the
same data (tests/test_corpus.py checks this on every file of a sample corpus).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 11, 25)
MODELINE = "# yaml-language-server: $schema=../../schema/event.schema.json\n"
MARKER = ".corpus.json"
#: Bump when the generated content changes, so benchmarks do not reuse an old corpus.
CORPUS_VERSION = 1

# --------------------------------------------------------------------------------------------
# Vocabulary. Names are combinations of common name parts, not real people; states are real,
# everything they "do" here is invented and every summary says so.


def _table(text: str) -> list[tuple[str, ...]]:
    """Rows of a `|`-separated text table: vocabulary stays one readable line per entry."""
    return [tuple(cell.strip() for cell in line.split("|")) for line in text.strip().splitlines()]


_UK_GIVEN = [
    ("Oleksandr", "Олександр"), ("Iryna", "Ірина"), ("Mykola", "Микола"), ("Olena", "Олена"),
    ("Andriy", "Андрій"), ("Nataliya", "Наталія"), ("Taras", "Тарас"), ("Oksana", "Оксана"),
    ("Bohdan", "Богдан"), ("Tetiana", "Тетяна"), ("Yaroslav", "Ярослав"), ("Larysa", "Лариса"),
]  # fmt: skip
_UK_FAMILY = [
    ("Kovalenko", "Коваленко"), ("Shevchuk", "Шевчук"), ("Bondarenko", "Бондаренко"),
    ("Melnyk", "Мельник"), ("Tkachenko", "Ткаченко"), ("Lysenko", "Лисенко"),
    ("Kravets", "Кравець"), ("Marchenko", "Марченко"), ("Savchenko", "Савченко"),
    ("Rudenko", "Руденко"), ("Moroz", "Мороз"), ("Hnatiuk", "Гнатюк"),
]  # fmt: skip
_RU_GIVEN = [
    ("Dmitry", "Дмитрий"), ("Sergei", "Сергей"), ("Anna", "Анна"), ("Yuri", "Юрий"),
    ("Viktor", "Виктор"), ("Elena", "Елена"), ("Pavel", "Павел"), ("Olga", "Ольга"),
    ("Nikolai", "Николай"), ("Irina", "Ирина"), ("Mikhail", "Михаил"), ("Svetlana", "Светлана"),
]  # fmt: skip
_RU_FAMILY = [
    ("Ivanov", "Иванов"), ("Smirnov", "Смирнов"), ("Volkov", "Волков"), ("Morozov", "Морозов"),
    ("Orlov", "Орлов"), ("Sokolov", "Соколов"), ("Lebedev", "Лебедев"), ("Kozlov", "Козлов"),
    ("Novikov", "Новиков"), ("Pavlov", "Павлов"), ("Belov", "Белов"), ("Zaitsev", "Зайцев"),
]  # fmt: skip
_KO_FAMILY = [
    ("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"), ("Kang", "강"),
    ("Cho", "조"), ("Yoon", "윤"), ("Jang", "장"), ("Lim", "임"),
]  # fmt: skip
_KO_GIVEN = [
    ("Min-jun", "민준"), ("Seo-yeon", "서연"), ("Ji-ho", "지호"), ("Ha-eun", "하은"),
    ("Dong-hyun", "동현"), ("Su-bin", "수빈"), ("Jae-won", "재원"), ("Eun-ji", "은지"),
    ("Hyun-woo", "현우"), ("Ye-jin", "예진"),
]  # fmt: skip
_AR_GIVEN = [
    ("Ahmad", "أحمد"), ("Layla", "ليلى"), ("Omar", "عمر"), ("Fatima", "فاطمة"),
    ("Khalid", "خالد"), ("Mariam", "مريم"), ("Yusuf", "يوسف"), ("Nour", "نور"),
    ("Samir", "سمير"), ("Huda", "هدى"),
]  # fmt: skip
_AR_FAMILY = [
    ("Haddad", "حداد"), ("Mansour", "منصور"), ("Khoury", "خوري"), ("Nasser", "ناصر"),
    ("Saleh", "صالح"), ("Rahman", "رحمن"), ("Aziz", "عزيز"), ("Hamdan", "حمدان"),
    ("Darwish", "درويش"), ("Qasim", "قاسم"),
]  # fmt: skip
_LATIN_GIVEN = [
    "Anna", "Thomas", "Marie", "Lukas", "Sophie", "Jan", "Elena", "Pierre", "Katarzyna",
    "Marco", "Ingrid", "Pablo", "Agnieszka", "Henrik", "Claire", "Tomas",
]  # fmt: skip
_LATIN_FAMILY = [
    ("Schneider", "DE"), ("Dubois", "FR"), ("Nowak", "PL"), ("Rossi", "IT"), ("Jensen", "DK"),
    ("Novak", "CZ"), ("Weber", "DE"), ("Laurent", "FR"), ("Kowalski", "PL"), ("Berg", "NO"),
    ("Garcia", "ES"), ("Smith", "GB"), ("Miller", "US"), ("Virtanen", "FI"), ("Ozols", "LV"),
]  # fmt: skip
#: (script, language, country, given names, family names, family name first?)
_PERSON_POOLS: list[tuple[str, str, str, list[tuple[str, str]], list[tuple[str, str]], bool]] = [
    ("cyrillic", "uk", "UA", _UK_GIVEN, _UK_FAMILY, False),
    ("cyrillic", "ru", "RU", _RU_GIVEN, _RU_FAMILY, False),
    ("hangul", "ko", "KR", _KO_GIVEN, _KO_FAMILY, True),
    ("arabic", "ar", "SY", _AR_GIVEN, _AR_FAMILY, False),
]
_ROLES = [
    "Minister of Defence", "Foreign Minister", "Regional governor", "Mayor", "Spokesperson",
    "Commander", "Member of parliament", "Ambassador", "Special envoy", "Chief of staff",
    "Head of the emergency service", "Analyst", "Correspondent", "Prosecutor",
]  # fmt: skip

#: (English name, native name or "", country, language of quotes)
_STATES = [
    ("Ukraine", "Україна", "UA", "uk"), ("Russia", "Россия", "RU", "ru"),
    ("North Korea", "조선민주주의인민공화국", "KP", "ko"), ("South Korea", "대한민국", "KR", "ko"),
    ("Syria", "سوريا", "SY", "ar"), ("Egypt", "مصر", "EG", "ar"),
    ("Belarus", "Беларусь", "BY", "ru"), ("Kazakhstan", "Қазақстан", "KZ", "ru"),
    ("Germany", "Deutschland", "DE", "de"), ("France", "France", "FR", "fr"),
    ("Poland", "Polska", "PL", "pl"), ("United States", "", "US", "en"),
    ("United Kingdom", "", "GB", "en"), ("Moldova", "Moldova", "MD", "ro"),
    ("Georgia", "საქართველო", "GE", "ka"), ("Finland", "Suomi", "FI", "fi"),
]  # fmt: skip

_PLACE_PREFIXES = [
    ("Novo", "Ново"), ("Staro", "Старо"), ("Bilo", "Біло"), ("Cherno", "Черно"),
    ("Krasno", "Красно"), ("Verkhnyo", "Верхньо"), ("Nyzhnyo", "Нижньо"), ("Zoloto", "Золото"),
    ("Velyko", "Велико"), ("Sokolo", "Соколо"), ("Dobro", "Добро"), ("Kamian", "Кам'ян"),
    ("Zeleno", "Зелено"), ("Ozer", "Озер"),
]  # fmt: skip
_PLACE_ROOTS = [
    ("hrad", "град"), ("pil", "піль"), ("dar", "дар"), ("luk", "лук"), ("mir", "мир"),
    ("bor", "бор"), ("hirsk", "гірськ"), ("sel", "сел"), ("dol", "дол"), ("yar", "яр"),
    ("lan", "лан"),
]  # fmt: skip
_PLACE_SUFFIXES = [
    ("ivka", "івка"), ("ove", "ове"), ("ske", "ське"), ("ka", "ка"), ("ne", "не"),
    ("yne", "ине"), ("", ""), ("ets", "ець"),
]  # fmt: skip
_KO_PLACE_FIRST = [
    ("Hwa", "화"), ("Sin", "신"), ("Dong", "동"), ("Nam", "남"), ("Buk", "북"), ("Cheong", "청"),
    ("Dae", "대"), ("Song", "송"), ("Ok", "옥"),
]  # fmt: skip
_KO_PLACE_SECOND = [
    ("san", "산"), ("cheon", "천"), ("pyeong", "평"), ("gang", "강"), ("ju", "주"), ("won", "원"),
]  # fmt: skip
_KO_PLACE_KIND = [("-ri", "리"), ("-dong", "동"), ("-gun", "군"), ("", "")]
_AR_PLACE_FIRST = [
    ("Tall", "تل"), ("Ain", "عين"), ("Deir", "دير"), ("Kafr", "كفر"), ("Ras", "رأس"),
    ("Jabal", "جبل"), ("Bir", "بئر"),
]  # fmt: skip
_AR_PLACE_SECOND = [
    ("Abyad", "أبيض"), ("Hamra", "الحمراء"), ("Jadid", "جديد"), ("Kabir", "الكبير"),
    ("Sharqi", "الشرقي"), ("Zaytun", "الزيتون"), ("Nahr", "النهر"), ("Qamar", "القمر"),
]  # fmt: skip
#: (kind, English pattern, native pattern)
_PLACE_FORMS = [
    ("settlement", "{}", "{}"),
    ("settlement", "{}", "{}"),
    ("settlement", "{}", "{}"),
    ("region", "{} district", "{} район"),
    ("region", "{} Oblast", "{} область"),
    ("site", "{} railway station", "станція {}"),
    ("site", "{} power plant", "{} електростанція"),
    ("body_of_water", "{} reservoir", "{} водосховище"),
    ("border", "{} border crossing", "пункт пропуску {}"),
    ("area", "{} forest", "{} ліс"),
]
#: (country, latitude range, longitude range)
_AREAS = {
    "cyrillic": [("UA", (45.5, 52.0), (23.0, 40.0)), ("RU", (50.0, 56.0), (33.0, 45.0))],
    "hangul": [("KR", (34.5, 38.3), (126.0, 129.4)), ("KP", (38.3, 42.5), (124.5, 130.5))],
    "arabic": [("SY", (32.5, 37.0), (35.8, 42.0)), ("LB", (33.1, 34.6), (35.1, 36.6))],
}

_TAGS = _table(
    """
long-range-strikes | Long-range strikes | Missile and drone strikes far behind the front line.
military-aid | Military aid | Weapons, ammunition and equipment given or promised by other states.
air-defence | Air defence | Systems and operations that intercept missiles, drones and aircraft.
drones | Drones | Uncrewed aircraft and boats, their use and their production.
artillery | Artillery | Guns, shells and rocket artillery.
naval | Naval warfare | Operations at sea and in ports.
energy-infrastructure | Energy infrastructure | Power plants, grids, pipelines and strikes on them.
civilian-casualties | Civilian casualties | Civilians killed or injured.
prisoners-of-war | Prisoners of war | Captured soldiers, exchanges and their treatment.
sanctions | Sanctions | Economic and financial sanctions and their enforcement.
diplomacy | Diplomacy | Visits, summits, statements and relations between states.
negotiations | Negotiations | Talks on ceasefires, exchanges or a settlement.
humanitarian-aid | Humanitarian aid | Food, medicine, shelter and those who deliver them.
refugees | Refugees | People displaced inside the country or abroad.
reconstruction | Reconstruction | Repairs, rebuilding and the money for it.
war-crimes | War crimes | Alleged violations of the laws of war and their investigation.
occupation | Occupation | Life and administration in occupied areas.
mobilisation | Mobilisation | Conscription, call-ups and recruitment.
training | Training | Training of soldiers and units, at home and abroad.
ammunition | Ammunition | Production, supply and shortage of ammunition.
armoured-vehicles | Armoured vehicles | Tanks, infantry fighting vehicles and personnel carriers.
fighter-jets | Fighter jets | Combat aircraft, their supply and the training of pilots.
missiles | Missiles | Ballistic and cruise missiles and their supply.
cyber | Cyber operations | Attacks on and defence of computer networks.
disinformation | Disinformation | False or misleading information campaigns.
grain-exports | Grain exports | Shipping of grain and the corridors that carry it.
nuclear-safety | Nuclear safety | Nuclear power plants and the risks around them.
foreign-troops | Foreign troops | Soldiers of other states taking part in the fighting.
intelligence | Intelligence | Assessments and disclosures by intelligence services.
logistics | Logistics | Supply lines, railways, bridges and fuel.
frontline | Front line | Changes of control and fighting along the front.
counteroffensive | Counteroffensives | Large operations to retake ground.
evacuation | Evacuation | Moving civilians out of danger.
cultural-heritage | Cultural heritage | Museums, churches, archives and monuments.
economy | Economy | Growth, trade, prices and the cost of the war.
finance | Finance | Budgets, loans, frozen assets and aid in money.
elections | Elections | Votes, referendums and their legitimacy.
media | Media | Journalists, outlets and access to information.
legal | Legal proceedings | Courts, indictments and sentences.
international-courts | International courts | The ICC, the ICJ and other international tribunals.
"""
)

_OUTLETS = [
    ("Example News", "news.example.org", "en"),
    ("Example Daily", "daily.example.org", "en"),
    ("Example Wire", "wire.example.net", "en"),
    ("Example Broadcaster", "tv.example.com", "en"),
    ("Приклад Новини", "novyny.example.org", "uk"),
    ("Пример Известия", "izvestiya.example.net", "ru"),
    ("예시 일보", "ilbo.example.com", "ko"),
    ("أخبار المثال", "akhbar.example.org", "ar"),
    ("Beispiel Zeitung", "zeitung.example.com", "de"),
    ("Journal Exemple", "journal.example.net", "fr"),
]
_UNITS = [
    ("troops", "soldiers deployed to the area"),
    ("shells", "artillery shells delivered"),
    ("drones", "drones launched overnight"),
    ("missiles", "missiles fired at the region"),
    ("people", "civilians evacuated"),
    ("people", "people left without shelter"),
    ("households", "households without electricity"),
    ("km", "length of the front section"),
    ("km²", "area under control"),
    ("billion EUR", "value of the aid package"),
    ("million USD", "cost of the repairs"),
    ("tonnes", "grain shipped through the corridor"),
    ("vehicles", "armoured vehicles supplied"),
    ("prisoners", "prisoners exchanged"),
]
_QUALIFIERS = [
    "exact", "about", "estimated", "up_to", "at_least", "more_than", "less_than", "almost",
    "target", "expected",
]  # fmt: skip
#: (language, verbatim text, English translation or "" for English)
_QUOTES = _table(
    """
en | We will continue to support our partners for as long as it takes. |
en | The situation remains difficult, but it is under control. |
en | Every delay costs lives. |
en | We are ready to talk, but not at any price. |
en | These reports are false and we reject them. |
en | The first deliveries have already arrived. |
uk | Ми продовжимо роботу з партнерами. | We will continue working with our partners.
uk | Ситуація на фронті залишається складною. | The situation at the front remains difficult.
uk | Ми не залишимо людей без допомоги. | We will not leave people without help.
ru | Мы будем действовать в соответствии с обстановкой. | We will act according to the situation.
ru | Это решение не останется без ответа. | This decision will not go unanswered.
ru | Эти заявления не соответствуют действительности. | These statements are untrue.
ko | 우리는 상황을 면밀히 주시하고 있습니다. | We are closely monitoring the situation.
ko | 추가 조치를 검토하고 있습니다. | We are considering further measures.
ar | نحن نتابع الوضع عن كثب. | We are following the situation closely.
ar | سنواصل تقديم المساعدة الإنسانية. | We will continue to provide humanitarian aid.
de | Daran wird sich nichts ändern. | That will not change.
de | Wir prüfen alle Optionen. | We are examining all options.
fr | Nous restons aux côtés de nos partenaires. | We stand by our partners.
pl | Nie zostawimy sąsiadów samych. | We will not leave our neighbours alone.
"""
)
_QUOTED: dict[str, list[tuple[str, ...]]] = {}
for _row in _QUOTES:
    _QUOTED.setdefault(_row[0], []).append(_row)
_RELATIONS = ["responds_to", "follows", "updates", "contradicts", "relates_to"]
_RELATION_NOTES = [
    "A reply to the earlier announcement.",
    "Continues the same operation.",
    "Corrects the earlier figures.",
    "Contradicts the earlier claim.",
    "Same area, a few days later.",
]
_STATUSES = ["confirmed", "reported", "claimed", "disputed", "denied"]
_STATUS_WEIGHTS = [50, 30, 12, 5, 3]
_YEAR_WEIGHTS = {
    2014: 3, 2015: 2, 2016: 1, 2017: 1, 2018: 1, 2019: 1, 2020: 1, 2021: 2,
    2022: 8, 2023: 7, 2024: 7, 2025: 6, 2026: 5,
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Registries


@dataclass
class Actor:
    id: str
    data: dict[str, Any]
    language: str  # language of this actor's quotes


@dataclass
class Corpus:
    """The whole store as plain data: what `generate` writes and what the loader must read."""

    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; always starts with a letter."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "x-" + slug
    return slug


def _unique(slug: str, taken: dict[str, Any] | set[str]) -> str:
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


def _make_place_name(rng: random.Random) -> tuple[str, str, str]:
    """(English name, native name, script) of an invented place."""
    script = rng.choices(["cyrillic", "hangul", "arabic"], weights=[6, 2, 2])[0]
    if script == "cyrillic":
        first, root, suffix = (
            rng.choice(_PLACE_PREFIXES),
            rng.choice(_PLACE_ROOTS),
            rng.choice(_PLACE_SUFFIXES),
        )
        return first[0] + root[0] + suffix[0], first[1] + root[1] + suffix[1], script
    if script == "hangul":
        first, second, kind = (
            rng.choice(_KO_PLACE_FIRST),
            rng.choice(_KO_PLACE_SECOND),
            rng.choice(_KO_PLACE_KIND),
        )
        return first[0] + second[0] + kind[0], first[1] + second[1] + kind[1], script
    first, second = rng.choice(_AR_PLACE_FIRST), rng.choice(_AR_PLACE_SECOND)
    return f"{first[0]} {second[0]}", f"{first[1]} {second[1]}", script


def _make_places(rng: random.Random, count: int) -> dict[str, dict[str, Any]]:
    places: dict[str, dict[str, Any]] = {}
    for _ in range(count):
        name, native, script = _make_place_name(rng)
        kind, english, local = rng.choice(_PLACE_FORMS)
        if script != "cyrillic":
            english, local = "{}", "{}"
            kind = "settlement"
        country, lat_range, lon_range = rng.choice(_AREAS[script])
        entry: dict[str, Any] = {"name": english.format(name)}
        if rng.random() < 0.85:
            entry["native_name"] = local.format(native)
        if kind != "border" and kind != "body_of_water":
            entry["country"] = country
        entry["kind"] = kind
        if rng.random() < 0.6:
            entry["lat"] = round(rng.uniform(*lat_range), 4)
            entry["lon"] = round(rng.uniform(*lon_range), 4)
        places[_unique(slugify(entry["name"]), places)] = entry
    return places


def _make_person(rng: random.Random) -> tuple[dict[str, Any], str]:
    if rng.random() < 0.25:
        given = rng.choice(_LATIN_GIVEN)
        family, country = rng.choice(_LATIN_FAMILY)
        entry: dict[str, Any] = {"name": f"{given} {family}", "kind": "person", "country": country}
        language = {"DE": "de", "FR": "fr", "PL": "pl"}.get(country, "en")
    else:
        _script, language, country, given_pool, family_pool, family_first = rng.choice(
            _PERSON_POOLS
        )
        given_name, family_name = rng.choice(given_pool), rng.choice(family_pool)
        if family_first:
            name = f"{family_name[0]} {given_name[0]}"
            native = family_name[1] + given_name[1]
        else:
            name = f"{given_name[0]} {family_name[0]}"
            native = f"{given_name[1]} {family_name[1]}"
        entry = {"name": name, "kind": "person", "native_name": native, "country": country}
    if rng.random() < 0.7:
        entry["role"] = rng.choice(_ROLES)
    if rng.random() < 0.2:
        entry["aliases"] = [entry["name"].split()[-1]]
    return entry, language


def _make_organisation(rng: random.Random, place_names: list[str]) -> tuple[dict[str, Any], str]:
    state, _native, country, language = rng.choice(_STATES)
    place = rng.choice(place_names)
    kind = rng.choice(
        ["government", "armed_force", "armed_force", "organisation", "agency", "media", "group"]
        + ["company", "alliance"]
    )
    number = rng.randint(1, 250)
    name = {
        "government": f"Regional administration of {place}",
        "armed_force": f"{_ordinal(number)} Brigade of {state}",
        "organisation": f"{place} Relief Foundation",
        "agency": f"{place} emergency service",
        "media": f"The {place} Courier",
        "group": f"{place} volunteer group",
        "company": f"{place} Defence Works",
        "alliance": f"{place} Coordination Group",
    }[kind]
    entry: dict[str, Any] = {"name": name, "kind": kind}
    if kind == "armed_force" and country in _BRIGADE_NATIVE:
        entry["native_name"] = _BRIGADE_NATIVE[country].format(number)
    entry["country"] = country
    return entry, language


_BRIGADE_NATIVE = {
    "UA": "{}-та окрема бригада",
    "RU": "{}-я отдельная бригада",
    "BY": "{}-я отдельная бригада",
    "KP": "제{}여단",
    "KR": "제{}여단",
    "SY": "اللواء {}",
    "EG": "اللواء {}",
}


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _make_actors(rng: random.Random, count: int, places: dict[str, dict[str, Any]]) -> list[Actor]:
    actors: list[Actor] = []
    taken: set[str] = set()
    for state, native, country, language in _STATES:
        entry: dict[str, Any] = {"name": state, "kind": "state"}
        if native:
            entry["native_name"] = native
        entry["country"] = country
        actor_id = _unique(slugify(state), taken)
        taken.add(actor_id)
        actors.append(Actor(actor_id, entry, language))
        if len(actors) >= count:
            return actors
    place_names = [str(place["name"]) for place in places.values()]
    while len(actors) < count:
        if rng.random() < 0.55:
            entry, language = _make_person(rng)
        else:
            entry, language = _make_organisation(rng, place_names)
        actor_id = _unique(slugify(entry["name"]), taken)
        taken.add(actor_id)
        actors.append(Actor(actor_id, entry, language))
    _ensure_every_kind(rng, actors, taken, place_names)
    return actors


def _ensure_every_kind(
    rng: random.Random, actors: list[Actor], taken: set[str], place_names: list[str]
) -> None:
    """Titles need a person and an organisation: in a small corpus the draw can give none of
    one kind, so the last drawn actor is replaced (a large corpus is left as it was drawn)."""
    drawn = actors[len(_STATES) :]
    if len(drawn) < 2:
        return
    for is_person in (True, False):
        if any((actor.data["kind"] == "person") == is_person for actor in drawn):
            continue
        victim = actors[-1] if is_person else actors[-2]
        while True:
            entry, language = (
                _make_person(rng) if is_person else _make_organisation(rng, place_names)
            )
            if (entry["kind"] == "person") == is_person:
                break
        actor_id = _unique(slugify(entry["name"]), taken)
        taken.add(actor_id)
        actors[actors.index(victim)] = Actor(actor_id, entry, language)


# --------------------------------------------------------------------------------------------
# Events


def _pick_dates(rng: random.Random, count: int) -> list[dt.date]:
    years = list(_YEAR_WEIGHTS)
    chosen = rng.choices(years, weights=list(_YEAR_WEIGHTS.values()), k=count)
    dates = []
    for year in chosen:
        first = dt.date(year, 1, 1)
        last = min(dt.date(year, 12, 31), TODAY - dt.timedelta(days=1))
        dates.append(first + dt.timedelta(days=rng.randint(0, (last - first).days)))
    dates.sort()
    return dates


def _iso(day: dt.date, precision: str) -> str | int:
    """How a date of that precision is written: `2024-11-17`, `2024-11` or 2024."""
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.year


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _event_date(rng: random.Random, day: dt.date) -> tuple[str | int | dict[str, Any], str | int]:
    """The `date` value and its start as written (which starts the file name)."""
    roll = rng.random()
    precision = "day" if roll < 0.78 else ("month" if roll < 0.92 else "year")
    start = _iso(day, precision)
    value: dict[str, Any] = {"start": start}
    if rng.random() < 0.15:
        if rng.random() < 0.25:
            value["ongoing"] = True
        else:
            if precision == "day":
                end_day = min(day + dt.timedelta(days=rng.randint(1, 120)), TODAY)
            elif precision == "month":
                end_day = min(_add_months(day, rng.randint(1, 8)), TODAY)
            else:
                end_day = dt.date(min(day.year + rng.randint(1, 3), TODAY.year), 1, 1)
            end = _iso(end_day, precision)
            if end != start:
                value["end"] = end
    if rng.random() < 0.08:
        value["approximate"] = True
    if rng.random() < 0.04:
        value["uncertain"] = True
    return (start if len(value) == 1 else value), start


#: (title template, tags it suggests, space-separated)
_TITLES = _table(
    """
{state} announces a new aid package for {state2} | military-aid diplomacy
{force} reports overnight drone attack near {place} | drones air-defence
{state} and {state2} sign a security agreement | diplomacy
{person} says talks with {state2} will resume in {month} | negotiations diplomacy
{agency} estimates damage after strike on {place} | energy-infrastructure long-range-strikes
Shelling damages the hospital in {place} | civilian-casualties artillery
{state} delivers armoured vehicles to {state2} | military-aid armoured-vehicles
{org} evacuates civilians from {place} | evacuation humanitarian-aid
{media} reports foreign troops near {place} | foreign-troops intelligence
Prisoner exchange between {state} and {state2} | prisoners-of-war negotiations
Power cut across {place} after missile strike | energy-infrastructure missiles
{person} visits {place} | diplomacy
Grain ship leaves the port near {place} | grain-exports naval
{state} extends sanctions on {state2} | sanctions economy
Court in {place} opens case on shelling of civilians | legal war-crimes
{force} claims control of {place} | frontline
{state} pledges ammunition worth millions to {state2} | ammunition finance
Museum collection moved out of {place} | cultural-heritage evacuation
{agency} warns of cyber attacks on banks | cyber
{person} denies reports of mobilisation in {place} | mobilisation disinformation
"""
)
_SENTENCES = [
    "According to *{outlet}*, the decision was taken after weeks of talks.",
    "Officials in {place} said repairs would take **several weeks**.",
    "{actor} called it *a necessary step*; others were more cautious.",
    "The announcement follows [an earlier report]({url}) on the same subject.",
    "Local authorities in {place} opened shelters and extended curfews.",
    "Figures could not be verified independently at the time.",
    "{actor} did not respond to requests for comment.",
    "The move was welcomed by {actor}, which had asked for it *since {year}*.",
    "Satellite images published by [{outlet}]({url}) show the damaged site.",
    "Residents described **long queues** for water and fuel.",
]
_LIST_ITEMS = [
    "air defence systems and spare parts",
    "artillery ammunition",
    "generators for hospitals",
    "training for *two brigades*",
    "demining equipment",
    "medical supplies",
]
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


@dataclass
class _Context:
    """What one event's text is drawn from."""

    rng: random.Random
    actors: list[Actor]
    people: list[Actor]
    states: list[Actor]
    others: list[Actor]
    place_ids: list[str]
    places: dict[str, dict[str, Any]]
    tag_ids: list[str]


def _title(ctx: _Context, day: dt.date) -> tuple[str, list[str], list[Actor], list[str]]:
    """A title from a template, the tags it suggests, and the actors and places it names."""
    rng = ctx.rng
    template, tag_text = rng.choice(_TITLES)
    tags = tag_text.split()
    named: list[Actor] = []
    places: list[str] = []

    def take(pool: list[Actor]) -> str:
        actor = rng.choice(pool)
        while actor in named and len(pool) > len(named):
            actor = rng.choice(pool)
        named.append(actor)
        return str(actor.data["name"])

    def place() -> str:
        place_id = rng.choice(ctx.place_ids)
        places.append(place_id)
        return str(ctx.places[place_id]["name"])

    fill: dict[str, str] = {}
    for slot in re.findall(r"\{(\w+)\}", template):
        if slot in {"state", "state2"}:
            fill[slot] = take(ctx.states)
        elif slot == "person":
            fill[slot] = take(ctx.people)
        elif slot in {"force", "agency", "org", "media"}:
            fill[slot] = take(ctx.others)
        elif slot == "place":
            fill[slot] = place()
        elif slot == "month":
            fill[slot] = _MONTHS[(day.month + rng.randint(0, 3)) % 12]
    title = template.format(**fill)
    if len(title) > 120:
        title = title[:117].rstrip() + "…"
    return title, tags, named, places


def _url(rng: random.Random, domain: str, day: dt.date, slug: str) -> str:
    return f"https://{domain}/{day:%Y/%m/%d}/{slug}-{rng.randint(100, 99999)}"


def _sources(
    rng: random.Random, day: dt.date, title: str, slug: str, ctx: _Context
) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = []
    ids: set[str] = set()
    headline = title if rng.random() < 0.7 else f"{title}: what we know so far"
    for _ in range(rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 12, 8])[0]):
        roll = rng.random()
        published = min(day + dt.timedelta(days=rng.randint(0, 3)), TODAY)
        source: dict[str, Any] = {}
        if roll < 0.75:
            publisher, domain, language = rng.choice(_OUTLETS)
            source["publisher"] = publisher
            source["title"] = headline
            source["url"] = _url(rng, domain, published, slug)
            if rng.random() < 0.1:
                source["archive_url"] = f"https://archive.example.org/{published:%Y%m%d}/{domain}"
            if language != "en":
                source["language"] = language
        elif roll < 0.82:
            source["publisher"] = rng.choice(ctx.people).data["name"]
            account = slugify(source["publisher"])
            source["url"] = f"https://social.example.com/@{account}/{rng.randint(10**6, 10**9)}"
            source["kind"] = "social_media"
        else:
            actor = rng.choice(ctx.others + ctx.states)
            source["publisher"] = actor.data["name"]
            source["kind"] = rng.choice(["statement", "report", "broadcast"])
            if source["kind"] == "report":
                source["title"] = f"Situation report {rng.randint(1, 999)}"
        source["date"] = published.isoformat()
        if rng.random() < 0.6:
            key = _unique(slugify(source["publisher"])[:40].strip("-"), ids)
            ids.add(key)
            source = {"id": key, **source}
        sources.append(source)
    return sources


def _summary(
    ctx: _Context,
    actors: list[Actor],
    places: list[str],
    sources: list[dict[str, Any]],
    day: dt.date,
    *,
    body: bool = False,
) -> str:
    """A few sentences of Markdown; links point at the event's own sources."""
    rng = ctx.rng
    linked = [(str(s["publisher"]), str(s["url"])) for s in sources if "url" in s] or [
        ("Example News", f"https://news.example.org/{day:%Y/%m/%d}/background")
    ]

    def sentence() -> str:
        outlet, url = rng.choice(linked)
        return rng.choice(_SENTENCES).format(
            outlet=outlet,
            place=ctx.places[rng.choice(places)]["name"] if places else "the region",
            actor=rng.choice(actors).data["name"] if actors else "The government",
            url=url,
            year=day.year - rng.randint(0, 2),
        )

    paragraphs = rng.randint(3, 5) if body else 1
    parts = [" ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(paragraphs)]
    roll = rng.random()
    if roll < 0.2:
        items = rng.sample(_LIST_ITEMS, rng.randint(2, 4))
        parts.append("The package includes:\n\n" + "\n".join(f"- {item}" for item in items))
    elif roll < 0.5:
        parts.append(" ".join(sentence() for _ in range(rng.randint(1, 3))))
    if not body:
        parts.append("*Synthetic event generated for benchmarks.*")
    return "\n\n".join(parts)


def _figures(
    ctx: _Context, actors: list[Actor], sources: list[dict[str, Any]], day: dt.date
) -> list[dict[str, Any]]:
    rng = ctx.rng
    keys = [s["id"] for s in sources if "id" in s]
    figures = []
    for _ in range(rng.choices([0, 1, 2, 3, 4, 5], weights=[35, 25, 18, 11, 7, 4])[0]):
        unit, what = rng.choice(_UNITS)
        figure: dict[str, Any] = {}
        magnitude = 10 ** rng.randint(1, 6)
        if rng.random() < 0.75:
            figure["value"] = (
                round(rng.uniform(1, 99), 1)
                if unit.startswith(("billion", "million"))
                else rng.randint(1, 9) * magnitude
            )
        else:
            low = rng.randint(1, 9) * magnitude
            figure["low"] = low
            figure["high"] = low + rng.randint(1, 9) * magnitude
        figure["unit"] = unit
        figure["what"] = what
        if rng.random() < 0.5:
            figure["qualifier"] = rng.choice(_QUALIFIERS)
        if rng.random() < 0.3:
            status = rng.choice(["confirmed", "reported", "claimed", "disputed"])
            figure["status"] = status
            if status == "claimed" and actors:
                figure["claimed_by"] = [rng.choice(actors).id]
        if rng.random() < 0.1:
            figure["as_of"] = (day - dt.timedelta(days=rng.randint(0, 30))).isoformat()
        if keys and rng.random() < 0.5:
            figure["source"] = rng.choice(keys)
        figures.append(figure)
    return figures


def _quotes(
    ctx: _Context, sources: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Actor]]:
    rng = ctx.rng
    keys = [s["id"] for s in sources if "id" in s]
    quotes, speakers = [], []
    for _ in range(rng.choices([0, 1, 2, 3], weights=[50, 30, 14, 6])[0]):
        speaker = rng.choice(ctx.people)
        language = speaker.language if speaker.language in _QUOTED and rng.random() < 0.6 else "en"
        _language, text, translation = rng.choice(_QUOTED[language])
        quote: dict[str, Any] = {"text": text, "speaker": speaker.id}
        if translation:
            quote["language"] = language
            quote["translation"] = translation
        if rng.random() < 0.4:
            quote["context"] = rng.choice(
                [
                    "at a press conference",
                    "in a televised address",
                    "in an interview",
                    "to reporters",
                ]
            )
        if keys and rng.random() < 0.5:
            quote["source"] = rng.choice(keys)
        quotes.append(quote)
        speakers.append(speaker)
    return quotes, speakers


def _typed_dates(rng: random.Random, day: dt.date) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.06:
        deadline = _add_months(day, -rng.randint(1, 10))
        return {
            "deadline": _iso(deadline, "month"),
            "delivered": {"start": _iso(day, "month"), "approximate": True},
        }
    if roll < 0.1:
        return {"announced": (day - dt.timedelta(days=rng.randint(1, 90))).isoformat()}
    if roll < 0.12:
        return {"effective": (day + dt.timedelta(days=rng.randint(1, 30))).isoformat()}
    return {}


def _related(rng: random.Random, index: int, ids: list[str]) -> list[dict[str, Any]]:
    """Links to earlier events only, so `part_of` (at most one per event) forms trees."""
    if index == 0 or rng.random() < 0.55:
        return []
    related: list[dict[str, Any]] = []
    chosen: set[int] = set()
    window = max(0, index - 300)
    for position in range(rng.choices([1, 2, 3], weights=[60, 30, 10])[0]):
        target = rng.randint(window, index - 1)
        if target in chosen:
            continue
        chosen.add(target)
        if position == 0 and rng.random() < 0.35:
            relation = {"event": ids[target], "relation": "part_of"}
        else:
            relation = {"event": ids[target], "relation": rng.choice(_RELATIONS)}
        if rng.random() < 0.2:
            relation["note"] = rng.choice(_RELATION_NOTES)
        related.append(relation)
    return related


def build(n: int, seed: int = 0) -> Corpus:
    """The whole store as plain data; deterministic for a seed."""
    rng = random.Random(seed)
    corpus = Corpus()
    corpus.places = _make_places(rng, max(10, n // 30))
    actors = _make_actors(rng, max(20, n // 20), corpus.places)
    corpus.actors = {actor.id: actor.data for actor in actors}
    corpus.tags = {tag: {"label": label, "description": text} for tag, label, text in _TAGS}
    ctx = _Context(
        rng=rng,
        actors=actors,
        people=[a for a in actors if a.data["kind"] == "person"],
        states=[a for a in actors if a.data["kind"] == "state"],
        others=[a for a in actors if a.data["kind"] not in {"person", "state"}],
        place_ids=list(corpus.places),
        places=corpus.places,
        tag_ids=list(corpus.tags),
    )
    ids: list[str] = []
    taken: set[str] = set()
    titles: set[tuple[str, str]] = set()
    for index, day in enumerate(_pick_dates(rng, n)):
        date, start = _event_date(rng, day)
        for _ in range(20):
            title, tags, named, places = _title(ctx, day)
            if (str(start), title.casefold()) not in titles:
                break
        else:
            title = f"{title[:100]} (report {index})"
        titles.add((str(start), title.casefold()))
        slug = "-".join(slugify(title).split("-")[:8])
        event_id = _unique(f"{start}-{slug}", taken)
        taken.add(event_id)
        ids.append(event_id)

        sources = _sources(rng, day, title, slug, ctx)
        figures = _figures(ctx, named, sources, day)
        quotes, speakers = _quotes(ctx, sources)
        extra = rng.sample(actors, rng.randint(0 if named or speakers else 1, 2))
        actor_list = list({a.id: a for a in [*named, *speakers, *extra]}.values())
        place_list = list(dict.fromkeys([*places, *rng.sample(ctx.place_ids, rng.randint(0, 2))]))
        tag_list = list(dict.fromkeys([*tags, *rng.sample(ctx.tag_ids, rng.randint(0, 2))]))

        status = rng.choices(_STATUSES, weights=_STATUS_WEIGHTS)[0]
        event: dict[str, Any] = {"title": title, "date": date}
        typed = _typed_dates(rng, day)
        if typed:
            event["dates"] = typed
        event["status"] = status
        if status == "claimed":
            claimant = rng.choice(actor_list or actors)
            event["claimed_by"] = [claimant.id]
            if claimant not in actor_list:
                actor_list.append(claimant)
        event["summary"] = _summary(ctx, actor_list, place_list, sources, day)
        if rng.random() < 0.1:
            event["body"] = _summary(ctx, actor_list, place_list, sources, day, body=True)
        if actor_list:
            event["actors"] = [a.id for a in actor_list]
        if place_list:
            event["places"] = place_list
        event["tags"] = tag_list
        if figures:
            event["figures"] = figures
        if quotes:
            event["quotes"] = quotes
        event["sources"] = sources
        related = _related(rng, index, ids)
        if related:
            event["related"] = related
        if rng.random() < 0.05:
            event["origin"] = {
                "publisher": "Example collection",
                "title": "Events of the war",
                "url": f"https://collection.example.org/items/{index}",
                "via": "bulk import",
            }
        corpus.events.append((event_id, event))
    return corpus


# --------------------------------------------------------------------------------------------
# Emitter: plain data → block YAML. Only what the corpus needs: str, int, float, bool, dicts
# with identifier keys and lists; strings are plain when that is unambiguous, `|-` blocks when
# they span lines, and JSON-escaped double-quoted scalars (valid YAML) otherwise.

_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")
_NON_STRING = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
)


def _scalar(value: Any, *, flow: bool = False) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if (
        text
        and text[0] not in _INDICATORS
        and text[-1] not in " \t:"
        and ": " not in text
        and " #" not in text
        and "\n" not in text
        and "\t" not in text
        and not (flow and _FLOW_UNSAFE.search(text))
        and not _NON_STRING.fullmatch(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit_mapping(mapping: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:\n")
            _emit_mapping(value, indent + 2, out)
        elif isinstance(value, list):
            if value and all(isinstance(item, str) and len(item) < 60 for item in value):
                out.append(f"{pad}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]\n")
            elif value:
                out.append(f"{pad}{key}:\n")
                _emit_sequence(value, indent + 2, out)
            else:
                out.append(f"{pad}{key}: []\n")
        elif isinstance(value, str) and "\n" in value and value[0] not in " \t":
            out.append(f"{pad}{key}: |-\n")
            inner = pad + "  "
            out.extend(f"{inner}{line}\n" if line else "\n" for line in value.split("\n"))
        else:
            out.append(f"{pad}{key}: {_scalar(value)}\n")


def _emit_sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            start = len(out)
            _emit_mapping(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        else:
            out.append(f"{pad}- {_scalar(item)}\n")


def render(data: dict[str, Any], header: str = "") -> str:
    """Block YAML for a mapping of plain data, after an optional comment header."""
    out = [header]
    _emit_mapping(data, 0, out)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Writing


def event_path(events_dir: Path, event_id: str) -> Path:
    return events_dir / event_id[:4] / f"{event_id}.yaml"


def iter_files(corpus: Corpus, events_dir: Path) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """(path, data, text) for every file of the store."""
    for name, entries in (
        ("actors", corpus.actors),
        ("places", corpus.places),
        ("tags", corpus.tags),
    ):
        header = f"# {name.capitalize()} of a synthetic benchmark corpus (benchmarks/corpus.py).\n"
        yield events_dir / f"{name}.yaml", entries, render(entries, header)
    for event_id, data in corpus.events:
        yield event_path(events_dir, event_id), data, render(data, MODELINE)


def generate(out_dir: Path, n: int, seed: int = 0) -> None:
    """Write a store of `n` events under `out_dir/events/` (replacing one written before)."""
    events_dir = out_dir / "events"
    marker = events_dir / MARKER
    if events_dir.exists():
        if not marker.exists() and any(events_dir.iterdir()):
            raise SystemExit(
                f"{events_dir} exists and was not written by this script; not touching it"
            )
        shutil.rmtree(events_dir)
    events_dir.mkdir(parents=True)
    corpus = build(n, seed)
    folders: set[Path] = set()
    for path, _data, text in iter_files(corpus, events_dir):
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_bytes(text.encode("utf-8"))
    marker.write_text(
        json.dumps({"version": CORPUS_VERSION, "events": n, "seed": seed}), encoding="utf-8"
    )


def matches(out_dir: Path, n: int, seed: int) -> bool:
    """True when `out_dir` already holds the corpus `generate(out_dir, n, seed)` would write."""
    try:
        stored = json.loads((out_dir / "events" / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stored == {"version": CORPUS_VERSION, "events": n, "seed": seed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="the store is written to OUT_DIR/events/")
    parser.add_argument("--events", type=int, default=1000, help="number of events (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("--events must be at least 1")
    started = time.perf_counter()
    generate(args.out_dir, args.events, args.seed)
    elapsed = time.perf_counter() - started
    files = sum(1 for _ in (args.out_dir / "events").rglob("*.yaml"))
    size = sum(p.stat().st_size for p in (args.out_dir / "events").rglob("*.yaml"))
    print(
        f"wrote {files:,} files ({size / 1e6:.1f} MB) to {args.out_dir / 'events'} "
        f"in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
