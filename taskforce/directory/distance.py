"""PURE: how far a service is from where the officer stands — a US ZIP code or their own organization's site.

Offline only: ZIP centroids come from the pinned `zipcodes` package (no geocoding service learns what anyone
searched). A confidential site's coordinates and postal code are never handed here for viewers outside its
organization (`presenting.present` blanks them), so no distance can be used to triangulate a safe house.
"""
import math
import re
from functools import lru_cache

import zipcodes

EARTH_MILES = 3958.8
_ZIP = re.compile(r"\d{5}")


def is_zip(text) -> bool:
    """Five digits (ZIP+4 is cut to its first five by the caller's form)."""
    return isinstance(text, str) and bool(_ZIP.fullmatch(text))


# One entry per ZIP asked: the table lookup scans ~42,000 rows; the same few ZIPs are asked all night.
@lru_cache(maxsize=4096)
def zip_point(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a US ZIP code's centre, or None for an unknown or malformed one."""
    if not is_zip(code):
        return None
    try:
        found = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    try:
        return float(found[0]["lat"]), float(found[0]["long"])
    except (KeyError, TypeError, ValueError):
        return None


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine): plenty for "which shelter is nearer"."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_MILES * math.asin(min(1.0, math.sqrt(h)))


def place_of(location: dict | None) -> tuple[float, float] | None:
    """A presented location's point: its coordinates, else its ZIP's centre; None when the viewer sees neither."""
    if not location:
        return None
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if isinstance(latitude, (int, float)) and isinstance(longitude, (int, float)):
        return float(latitude), float(longitude)
    postal = (location.get("postal_code") or "")[:5]
    return zip_point(postal) if (location.get("country") or "US") == "US" else None


def distance_words(miles: float) -> str:
    """"0.4 mi", "3.2 mi", "27 mi"."""
    return f"{miles:.1f} mi" if miles < 10 else f"{round(miles):,} mi"
