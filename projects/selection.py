"""What the projects page says about the rows it shows: a heading naming the filters and the order
("New energy projects of the 14th edition, largest first"), each filter in use with a link that removes it
alone, and the orders a visitor can choose from a list (on a phone the column headers are out of sight)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries

from core.formatting import format_ordinal, format_yuan, pick
from editions.models import Sector
from projects.bands import BANDS_BY_SLUG
from projects.models import Scope

# Each order a visitor can pick, as it completes the heading ("…, largest first"); the first ones are offered in
# the list, the others are named when a column header chose them.
SORT_ORDERS = {
    "-value": gettext_lazy("largest first"),
    "value": gettext_lazy("smallest first"),
    "-edition": gettext_lazy("newest edition first"),
    "edition": gettext_lazy("oldest edition first"),
    "-signed_on": gettext_lazy("latest signed first"),
    "signed_on": gettext_lazy("earliest signed first"),
    "title": gettext_lazy("by title, A to Z"),
    "-title": gettext_lazy("by title, Z to A"),
    "sector": gettext_lazy("by sector"),
    "-sector": gettext_lazy("by sector, in reverse"),
    "scope": gettext_lazy("by scope"),
    "-scope": gettext_lazy("by scope, in reverse"),
    "partner": gettext_lazy("by partner"),
    "-partner": gettext_lazy("by partner, in reverse"),
    "band": gettext_lazy("smallest first"),
    "-band": gettext_lazy("largest first"),
}
OFFERED_ORDERS = ("-value", "value", "-edition", "edition", "-signed_on", "signed_on", "title", "-title")
LIST_SEPARATOR = pgettext_lazy("list separator", ", ")


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use: its name, what it is set to, and the address of the same view without it."""

    param: str
    label: str
    value: str
    remove_url: str


def readable_values(selected: dict, facet_labels: dict[str, str]) -> dict[str, str]:
    """Each faceted filter's value as a reader knows it ("New energy", "14th (2023)", "Russia").

    The facets name the values that match projects; a value none matches (the facets then give it back as
    it came) is named from the vocabulary, or for a sector from its row.
    """
    labels = {}
    for name in ("edition", "sector"):
        if selected.get(name) and facet_labels.get(name, selected[name]) != selected[name]:
            labels[name] = facet_labels[name]
    if selected.get("edition") and "edition" not in labels:
        labels["edition"] = format_ordinal(int(selected["edition"]))
    if selected.get("sector") and "sector" not in labels:
        names = Sector.objects.filter(slug=selected["sector"]).values_list("name_en", "name_zh").first()
        labels["sector"] = pick(*names) if names else selected["sector"]
    if selected.get("partner"):
        labels["partner"] = str(countries.name(selected["partner"].upper()) or selected["partner"].upper())
    if selected.get("scope") in Scope.values:
        labels["scope"] = str(Scope(selected["scope"]).label)
    if selected.get("band") in BANDS_BY_SLUG:
        labels["band"] = str(BANDS_BY_SLUG[selected["band"]].label)
    return labels


def current_order(sort: str, default: str) -> str:
    """The order the table is in: the first known key of ?sort=, or the table's default."""
    for key in (sort or "").split(","):
        if key.strip() in SORT_ORDERS:
            return key.strip()
    return default


def order_choices(order: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the list of orders, the current one included even if not offered."""
    offered = list(OFFERED_ORDERS) if order in OFFERED_ORDERS else [*OFFERED_ORDERS, order]
    return [(key, str(SORT_ORDERS[key]), key == order) for key in offered]


def describe(*, selected: dict, labels: dict[str, str], order: str) -> str:
    """The heading: which projects, then in which order.

    `selected` holds the cleaned filter values in use; `labels` their readable values (readable_values).
    """
    if selected.get("sector"):
        subject = _("%(sector)s projects") % {"sector": labels.get("sector", selected["sector"])}
    elif len([name for name in selected if selected[name] not in (None, "")]) == 0:
        subject = _("All projects")
    else:
        subject = _("Projects")
    if selected.get("edition"):
        subject = _("%(projects)s of the %(ordinal)s edition") % {
            "projects": subject,
            "ordinal": format_ordinal(int(selected["edition"])),
        }
    if selected.get("partner"):
        subject = _("%(projects)s with partners in %(partner)s") % {
            "projects": subject,
            "partner": labels.get("partner", selected["partner"]),
        }
    parts = [subject]
    parts += [labels[name] for name in ("scope", "band") if selected.get(name) and name in labels]
    low, high = selected.get("value_min"), selected.get("value_max")
    if low is not None and high is not None:
        parts.append(_("worth %(low)s to %(high)s") % {"low": format_yuan(low), "high": format_yuan(high)})
    elif low is not None:
        parts.append(_("worth %(low)s or more") % {"low": format_yuan(low)})
    elif high is not None:
        parts.append(_("worth up to %(high)s") % {"high": format_yuan(high)})
    if selected.get("q"):
        parts.append(_("matching “%(query)s”") % {"query": selected["q"]})
    parts.append(str(SORT_ORDERS[order]))
    return str(LIST_SEPARATOR).join(parts)


def active_filters(
    *, path: str, query: dict[str, str], selected: dict, labels: dict[str, str], names: dict[str, str], order: list
) -> list[ActiveFilter]:
    """Each filter in use, in the filter form's order, with the address of the same view without it.

    `query` is the request's parameters (one value each); removing a filter keeps the order and the page size
    and returns to the first page.
    """
    found = []
    for param in order:
        value = selected.get(param)
        if value in (None, ""):
            continue
        if param == "q":
            shown = _("“%(query)s”") % {"query": value}
        elif param in ("value_min", "value_max"):
            shown = format_yuan(value)
        else:
            shown = labels.get(param, str(value))
        rest = {key: item for key, item in query.items() if key not in (param, "page")}
        found.append(ActiveFilter(param, names.get(param, param), shown, f"{path}?{urlencode(rest)}" if rest else path))
    return found
