"""Pathway questions and coverage gaps, answered over the referral links that exist.

"From a law-enforcement agency, how does a person reach an immigration-legal service that speaks
Vietnamese and is open 24/7?": the services are found by the directory's own search (`finder`, the same
filters as its search page, so "open now", language and capacity mean what they mean there), the routes by
`pathways` over the map's edges. The services come with their live capacity and never with a site's
location (a confidential site's city stays with its organization).
"""
from taskforce.auth.models import Sector
from taskforce.dbtypes import utcnow
from taskforce.directory import finder, offerings
from taskforce.directory.taxonomy import CATEGORIES, category_label
from taskforce.errors import ValidationError
from taskforce.network import analytics, pathways, reading
from taskforce.network.mapping import _require_viewer, current_reading
from taskforce.network.suppression import sees_exact, total

MAX_SERVICES = 500
SECTORS = {sector.value: sector.label for sector in Sector}


def parse_start(args) -> tuple[str, int | None]:
    """Where the person is now: a sector (`from_sector`) or one organization (`from_organization`)."""
    sector = args.get("from_sector") or ""
    organization = args.get("from_organization") or ""
    if sector and sector not in SECTORS:
        raise ValidationError("Unknown sector: choose one from the list.", field="from_sector")
    organization_id = None
    if organization:
        try:
            organization_id = int(organization)
        except (TypeError, ValueError):
            raise ValidationError("Choose a starting organization from the list.", field="from_organization") from None
    if not sector and organization_id is None:
        raise ValidationError("Say where the person is now: a sector or an organization.", field="from_sector")
    return sector, organization_id


def find_routes(viewer, args, view: reading.View, limit: int = 10) -> dict:
    """Routes from the start to organizations offering a matching service, shortest then most used."""
    _require_viewer(viewer)
    sector, organization_id = parse_start(args)
    filters = finder.parse_filters(args)
    if not (filters.category or filters.q or filters.language):
        raise ValidationError("Say what help is needed: a service category, a language or words to search.",
                              field="category")
    now = utcnow()
    found = finder.find(viewer, filters, now, page_size=MAX_SERVICES)
    by_organization: dict[int, list] = {}
    for service in found.services:
        by_organization.setdefault(service["organization"]["id"], []).append(_service_brief(service))
    read = current_reading(reading.data_version(), view, now.date())
    organizations, graph = read.organizations, read.graph
    names = {oid: (name, sector_value) for oid, name, sector_value in organizations}
    if organization_id is not None and organization_id not in names:
        raise ValidationError("No such organization in the task force.", field="from_organization")
    sources = [organization_id] if organization_id is not None else [oid for oid, _, s in organizations if s == sector]
    monthly = analytics.READINGS.value(("monthly", read), lambda: _monthly(read.rows))
    coordinator = viewer.is_coordinator

    def known_volume(before, node) -> float:
        """A hand-off's volume as this viewer is shown it: the middle of a hidden range never depends on
        the hidden count, so route order and choice leak nothing the figures do not show."""
        exact = sees_exact(viewer.organization_id, coordinator, before, node)
        return total(monthly.get((before, node), ()), exact).weight
    routes = pathways.find_pathways(graph, sources, by_organization.keys(), limit=limit, weight=known_volume)
    answer = []
    for route in routes:
        steps = []
        for position, node in enumerate(route.nodes):
            step = {"id": node, "name": names[node][0], "sector": names[node][1]}
            if position:
                before = route.nodes[position - 1]
                exact = sees_exact(viewer.organization_id, coordinator, before, node)
                step["referred"] = total(monthly.get((before, node), ()), exact).shown()
            steps.append(step)
        answer.append({"hops": route.hops, "steps": steps, "services": by_organization[route.nodes[-1]]})
    return {"routes": answer, "matching_services": len(found.services), "matching_organizations": len(by_organization),
            "from": {"sector": sector, "sector_label": SECTORS.get(sector, ""),
                     "organization": names[organization_id][0] if organization_id is not None else ""}}


def _monthly(rows) -> dict:
    """{(from, to): [cell counts]}: what a route's hand-offs show, summed as the viewer may see them."""
    monthly: dict[tuple, list] = {}
    for row in rows:
        monthly.setdefault((row[0], row[1]), []).append(row[4] or 0)
    return monthly


def _service_brief(service: dict) -> dict:
    """What a route shows of a found service (`finder.find`): never its location."""
    capacity = service["capacity"]
    return {"id": service["id"], "name": service["name"],
            "categories": [category["label"] for category in service["categories"]],
            "languages": [language["code"] for language in service["languages"]],
            "open_24_7": bool(service["open_24_7"]),
            "capacity": None if capacity is None else {"available": capacity["available"], "total": capacity["total"]}}


def coverage(viewer, view: reading.View) -> dict:
    """For each sector the categories it has no referral path to, and each category's single points of
    failure — cached per data version and directory version."""
    _require_viewer(viewer)
    data_version = reading.data_version()
    version = (data_version, offerings.version())
    read = current_reading(data_version, view, utcnow().date())
    names = {oid: name for oid, name, _ in read.organizations}

    def compute(progress):
        graph = read.graph
        offered = offerings.categories_by_organization()
        categories = [c for c in CATEGORIES if any(c in cats for cats in offered.values())]
        progress(1, 2, "gaps")
        gaps = pathways.coverage_gaps(graph, offered, categories)
        points = pathways.single_points_of_failure(graph, offered, categories)
        progress(2, 2, "points of failure")
        return {"gaps": gaps, "points": points, "categories": categories}
    key = ("coverage", version, view.key)
    entry = analytics.FIGURES.get(key, compute)
    if entry.status != "ready":
        analytics.FIGURES.forget(key)  # the next request tries again
        raise analytics.FiguresFailed("coverage gaps")
    result = entry.result
    return {"gaps": [{"sector": s, "sector_label": SECTORS.get(s, s), "missing": [
                      {"slug": c, "label": category_label(c)} for c in missing]}
                     for s, missing in result["gaps"].items()],
            "points": [{"category": c, "label": category_label(c),
                        "organizations": [{"id": o, "name": names.get(o, "?"), "cut_off": k} for o, k in pts[:5]]}
                       for c, pts in result["points"].items()],
            "categories": result["categories"]}
