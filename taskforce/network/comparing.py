"""Comparing two periods of the partner map for one viewer: which links appeared, vanished, grew or shrank.

Each period is read through the map's own path (`reading.cells` then `reading.seen_edges`), so the viewer
gets exactly the figures the map would show them for that period — exact for coordinators and for the two
organizations of an edge, small monthly cells as "1–4" elsewhere — and `periods.compare` judges only those
values. A member therefore never learns from a difference what the two maps did not already show: the
change of a hidden cell is a range, and two overlapping ranges are "unclear", never "unchanged".
An answer is kept per data version, the two periods and who sees the same figures (`reading.viewer_key`:
every coordinator alike, a member as their organization — never shared across organizations); a new
referral changes the version, so it is never stale.
"""
import csv
import io
from dataclasses import dataclass

from taskforce.directory.taxonomy import CATEGORIES
from taskforce.errors import PermissionDenied, ValidationError
from taskforce.network import analytics, checks, formats, periods, reading

MAX_PERIOD_MONTHS = 36  # three years a side: longer is a typo, and would read the whole history twice
DEFAULT_MONTHS = 6      # with no periods given: the six months before the last six, against the last six
FIELDS = {"start_a": "First period from", "end_a": "First period to", "start_b": "Second period from",
          "end_b": "Second period to", "category": "Service category"}
STATUS_ORDER = (periods.APPEARED, periods.VANISHED, periods.GREW, periods.SHRANK, periods.UNCLEAR, periods.UNCHANGED)


@dataclass(frozen=True)
class Periods:
    """The two month ranges compared (first days of months, both ends included) and one category filter."""

    first: reading.View
    second: reading.View

    @property
    def key(self) -> tuple:
        return (self.first.key, self.second.key)

    def query(self) -> dict:
        return {"start_a": _month(self.first.start), "end_a": _month(self.first.end), "start_b": _month(self.second.start),
                "end_b": _month(self.second.end), "category": self.first.category}


def _month(day) -> str:
    return day.isoformat()[:7]


def default_periods(today) -> Periods:
    end_b = checks.first_of_month(today)
    start_b = reading.months_back(end_b, DEFAULT_MONTHS - 1)
    end_a = reading.months_back(start_b, 1)
    return Periods(reading.View(reading.months_back(end_a, DEFAULT_MONTHS - 1), end_a),
                   reading.View(start_b, end_b))


def parse_periods(args, today) -> Periods:
    """The two periods from `start_a`, `end_a`, `start_b`, `end_b` (YYYY-MM) and `category`; a missing month
    takes the default. Every problem is reported at once (`details["errors"]`, {field: sentence}): a
    malformed or future month, a period that ends before it starts or spans more than MAX_PERIOD_MONTHS."""
    defaults, errors, months = default_periods(today).query(), {}, {}
    for name in ("start_a", "end_a", "start_b", "end_b"):
        value = args.get(name)
        if value in (None, ""):
            value = defaults[name]
        try:
            months[name] = checks.parse_month(value, today)
        except ValueError as error:
            errors[name] = str(error)
    for side, label in (("a", "first"), ("b", "second")):
        start, end = months.get(f"start_{side}"), months.get(f"end_{side}")
        if start is None or end is None:
            continue
        if start > end:
            errors[f"end_{side}"] = f"The {label} period ends before it starts."
        elif len(reading.months_of(reading.View(start, end))) > MAX_PERIOD_MONTHS:
            errors[f"end_{side}"] = f"A period covers at most {MAX_PERIOD_MONTHS} months."
    category = args.get("category") or ""
    if not isinstance(category, str) or (category and category not in CATEGORIES):
        errors["category"] = "Unknown service category: choose one from the list."
    if errors:
        raise ValidationError("The periods could not be compared: " +
                              "; ".join(f"{FIELDS[k]}: {v}" for k, v in errors.items()),
                              field=next(iter(errors)), details={"errors": errors})
    return Periods(reading.View(months["start_a"], months["end_a"], category),
                   reading.View(months["start_b"], months["end_b"], category))


def _require_viewer(viewer) -> None:
    if viewer is None or not getattr(viewer, "is_authenticated", True):
        raise PermissionDenied("Sign in to see the partner map.")


def compare(viewer, chosen: Periods) -> dict:
    """GET /api/network/compare: the links of the two periods side by side as `viewer` may see them, each
    with its status, both volumes and the change; and the organizations that gained or lost partners."""
    _require_viewer(viewer)
    version = reading.data_version()
    key = ("compare", version, chosen.key, reading.viewer_key(viewer))
    return analytics.OUTPUTS.value(key, lambda: _compare(viewer, chosen, version))


def _seen(view: reading.View, viewer) -> dict:
    return {(e["from"], e["to"]): e["weight"] for e in reading.seen_edges(reading.cells(view), viewer)}


def _compare(viewer, chosen: Periods, version: str) -> dict:
    result = periods.compare(_seen(chosen.first, viewer), _seen(chosen.second, viewer))
    names = {oid: name for oid, name, _sector in reading.organizations()}
    order = {status: index for index, status in enumerate(STATUS_ORDER)}
    edges = sorted(result.edges, key=lambda e: (order[e.status], names.get(e.source, ""), names.get(e.target, "")))
    organizations = []
    for oid, node in sorted(result.nodes.items(), key=lambda item: names.get(item[0], "")):
        if not (node.new_partners or node.lost_partners):
            continue
        organizations.append({"id": oid, "name": names.get(oid, "?"), "status": node.status,
                              "partners_before": len(node.partners_before), "partners_after": len(node.partners_after),
                              "new_partners": sorted(names.get(p, "?") for p in node.new_partners),
                              "lost_partners": sorted(names.get(p, "?") for p in node.lost_partners)})
    return {"version": version, "detail": "full" if viewer.is_coordinator else "member",
            "periods": {"a": {"start": _month(chosen.first.start), "end": _month(chosen.first.end)},
                        "b": {"start": _month(chosen.second.start), "end": _month(chosen.second.end)},
                        "category": chosen.first.category},
            "statuses": {status: periods.STATUSES[status] for status in STATUS_ORDER},
            "counts": result.counts(),
            "edges": [_edge_json(e, names) for e in edges],
            "organizations": organizations}


def _edge_json(edge: periods.EdgeChange, names: dict) -> dict:
    change = edge.change
    return {"source": edge.source, "target": edge.target, "source_name": names.get(edge.source, "?"),
            "target_name": names.get(edge.target, "?"), "status": edge.status,
            "label": periods.STATUSES[edge.status], "exact": edge.before.exact and edge.after.exact,
            "before": edge.before.shown(), "after": edge.after.shown(), "change": periods.signed(change),
            "change_low": change.low, "change_high": change.high}


CSV_COLUMNS = ("from", "to", "status", "first_period", "second_period", "change", "change_low", "change_high")


def compare_csv(viewer, chosen: Periods) -> bytes:
    """The comparison's links as CSV (UTF-8 with a BOM, as the map's CSV export): what the table shows."""
    answer = compare(viewer, chosen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for edge in answer["edges"]:
        change = edge["change"]  # an exact change is a number (a "-6" stays one); a range is text, guarded
        writer.writerow([formats._cell(edge["source_name"]), formats._cell(edge["target_name"]), edge["status"],
                         edge["before"], edge["after"], change if isinstance(change, int) else formats._cell(change),
                         edge["change_low"], edge["change_high"]])
    return out.getvalue().encode("utf-8-sig")
