from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin
from django_tables2.rows import BoundRows

from core.caching.aggregates import for_question
from core.caching.pages import cache_public_page
from core.tables import EXPORT_FORMATS, PortalExport
from projects.band_pages import page_within_its_band
from projects.bands import BANDS_BY_SLUG
from projects.exports import RESPONSES
from projects.facets import project_facets
from projects.filters import (
    FILTER_PARAMS,
    UNFACETED_PARAMS,
    ProjectFilter,
    found_through_an_index,
    search_asks_the_pairs_index,
    search_index_is_separate,
    search_joins_the_index,
    streaming_the_search_index,
    walking_the_order,
)
from projects.models import Project
from projects.search_pages import page_of_found_rows
from projects.selection import active_filters, current_order, describe, order_choices, readable_values
from projects.tables import FastRows, ProjectTable

PAGE_SIZES = (10, 25, 50, 100, 200)
# The query parameters of the table itself, besides its filters: sort, page, page size and download.
TABLE_PARAMS = ("sort", "page", "per_page", "_export")
MAX_PAGE_SIZE = PAGE_SIZES[-1]
DEFAULT_PAGE_SIZE = 25
# The orders an edition, sector, partner or scope filter's own indexes hold (projects.models.Project.Meta).
EQUALITY_INDEX_ORDERS = ("value", "band", "edition")
# Fewer matches than this are quicker read from the filter's index and sorted than found along the order's.
WALKED_FILTER_MATCHES = 10_000


class ClampedPaginator(Paginator):
    """Page sizes outside 1..MAX_PAGE_SIZE come back to the nearest allowed size instead of failing."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        per_page = int(per_page)
        per_page = DEFAULT_PAGE_SIZE if per_page < 1 else min(per_page, MAX_PAGE_SIZE)
        super().__init__(object_list, per_page, *args, **kwargs)


class ProjectPaginator(ClampedPaginator):
    """Pages of the projects table without counting or walking every row before the page.

    The number of rows comes from the (cached) facet counts instead of a COUNT(*) over the table. A page
    picks its rows' ids first, from the index alone however deep the page, then reads just those rows
    ("deferred join"), instead of an OFFSET that reads every full row before it. Under a search word or
    value range whose matches an index finds (`found_through_an_index`), few matches are first read as a
    list of ids and only those sorted; more are looked for along the order's index, for a limited time
    (projects/search_pages.py).
    """

    def __init__(
        self, object_list, per_page, *args, count=None, found_through_an_index=False, walking=None, band_counts=None,
        unordered=None, **kwargs,
    ):  # fmt: skip
        self.known_count = count
        # How many of the rows each value band holds (exact), for a deep page in the order of value.
        self.band_counts = band_counts
        self.found_through_an_index = found_through_an_index
        # The same rows with the filters written so that only the order's index serves them
        # (projects.filters.walking_the_order), or None; search_pages puts them in the table's order.
        self.walking = walking
        # The same rows for a read in no order (projects.filters.streaming_the_search_index), or None.
        self.unordered = unordered
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def count(self):
        return super().count if self.known_count is None else self.known_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list  # the table's BoundRows over its ordered queryset
        queryset = rows.data.data
        over = getattr(self.known_count, "over", False)
        ids = page_of_found_rows(
            queryset, bottom, top, self.known_count, over,
            walking=self.walking, found_through_an_index=self.found_through_an_index, unordered=self.unordered,
        )  # fmt: skip
        if ids is None:
            ids = page_within_its_band(queryset, bottom, top, self.band_counts)
        if ids is None:
            ids = queryset.values("pk")[bottom:top]
        chosen = queryset.model._default_manager.filter(pk__in=ids).order_by(*queryset.query.order_by)
        table = rows.table
        if FastRows.serves(table):
            # Only the columns the rows show: no long texts, no source.
            page_rows = FastRows(chosen, table)
        else:
            chosen.query.select_related = queryset.query.select_related
            page_rows = BoundRows(data=chosen, table=table)
        return self._get_page(page_rows, number, self)


@method_decorator(cache_public_page(params=(ProjectFilter, TABLE_PARAMS)), name="get")
class ProjectListView(SingleTableMixin, ExportMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    table_pagination = {"paginator_class": ProjectPaginator, "per_page": DEFAULT_PAGE_SIZE}
    export_class = PortalExport
    export_name = "projects"
    export_formats = EXPORT_FORMATS
    dataset_kwargs = {"title": "Projects"}

    def get_queryset(self):
        return Project.objects.public().select_related("edition", "sector", "source")

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.filters_valid = not self.filterset.is_bound or self.filterset.is_valid()
        self.object_list = self.filterset.qs if self.filters_valid else self.filterset.queryset.none()
        if not self.filters_valid:
            # A wrong filter value is the request's fault: say what is wrong, export nothing.
            context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
            return self.response_class(request=request, template=self.get_template_names(), context=context, status=400)
        export_format = request.GET.get(self.export_trigger_param)
        if self.export_class.is_valid_format(export_format):
            return self.create_export(export_format)
        self.facets, self.result_count, self.facet_selects = self._facets()
        return self.render_to_response(self.get_context_data(filter=self.filterset, object_list=self.object_list))

    def create_export(self, export_format):
        """Every matching row, in the table's order, streamed (projects.exports) rather than built in memory."""
        table = self.get_table_class()(data=self.object_list)
        RequestConfig(self.request, paginate=False).configure(table)
        return RESPONSES[export_format](table.data.data)

    def get_table_kwargs(self):
        return {"caption": self._heading()}

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination and getattr(self, "result_count", None) is not None:
            pagination["count"] = self.result_count
            data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
            pagination["found_through_an_index"] = found_through_an_index(data)
            pagination["band_counts"] = self._band_counts(data)
            if search_joins_the_index(data):
                # The sort of every match is one pass over the joined index (projects/search_pages.py).
                pagination["unordered"] = self._matching_in_no_order
        if pagination and self._walks_order_index(table):
            pagination["walking"] = walking_the_order(self.filterset).qs
        return pagination

    @cached_property
    def _matching_in_no_order(self):
        """The matching projects written for reads in no order (projects.filters.streaming_the_search_index): the
        facets' bounded count and the paginator's sort of few matches read them."""
        return streaming_the_search_index(self.filterset).qs

    def _walks_order_index(self, table) -> bool:
        """Whether to try a page by walking the order's index: a search word; a value range or band in an
        order the value index does not serve itself (it then finds the range and the order at once); on
        SQLite, an edition, sector, partner or scope holding many projects, in an order none of their indexes
        holds (by title or signing date: SQLite read the sector's 60,000 projects and sorted them)."""
        if not (self.filters_valid and self.filterset.is_bound):
            return False
        if self.filterset.searches:
            # An index looked up before the LIKEs (SQLite's FTS5, PostgreSQL's ideograph pairs) reads every match
            # first; the walk tests the LIKEs alone. PostgreSQL's trigram index serves the LIKE itself: its planner
            # chooses between the two ways on its own.
            data = self.filterset.form.cleaned_data
            return search_index_is_separate() or search_asks_the_pairs_index(data)
        order = self._order().lstrip("-")
        if self.filterset.reads_value_ranges:
            return order not in ("value", "band")
        many = getattr(self, "result_count", None) is not None and self.result_count >= WALKED_FILTER_MATCHES
        return connection.vendor == "sqlite" and many and bool(self._selected()) and order not in EQUALITY_INDEX_ORDERS

    def _band_counts(self, data) -> dict[int, int] | None:
        """How many of the matches each value band holds, from the facet counts: exact without a search or a value
        range (the aggregate cells' sums), and only when no band is chosen (then they are the matches' own)."""
        if data.get("band") or any(data.get(name) not in (None, "") for name in UNFACETED_PARAMS):
            return None
        band = next((facet for facet in getattr(self, "facets", []) if facet.name == "band"), None)
        if band is None or any(option.at_least for option in band.options):
            return None
        counts = {BANDS_BY_SLUG[option.value].position: option.count for option in band.options}
        return counts if sum(counts.values()) == self.result_count else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        context["page_notice"] = self._page_notice(table)
        context["per_page"] = table.paginator.per_page
        context["page_sizes"] = PAGE_SIZES
        context["result_count"] = table.paginator.count
        # Over a search's cap: "over N", where N is the cap (projects/search_facets.py).
        context["result_count_over"] = getattr(getattr(self, "result_count", None), "over", False)
        context["facets"] = getattr(self, "facets", [])
        context["facet_selects"] = getattr(self, "facet_selects", "")
        context["active_filters"] = self._active_filters()
        context["export_links"] = self._export_links()
        context["keep_params"] = [
            (name, self.request.GET[name]) for name in ("sort", "per_page") if self.request.GET.get(name)
        ]
        context["heading"] = self._heading()
        context["filters_in_use"] = self._filters_in_use()
        context["clear_filters_url"] = self._without(FILTER_PARAMS)
        context["orders"] = order_choices(self._order())
        context["view_params"] = [
            (key, value) for key, value in self._query().items() if key not in ("sort", "per_page", "page")
        ]
        return context

    # What the page says about the rows it shows (projects.selection): presentation only.

    def _query(self) -> dict[str, str]:
        return {key: value for key, value in self.request.GET.items() if value != "" and key != "_export"}

    def _without(self, names) -> str:
        rest = {key: value for key, value in self._query().items() if key not in names and key != "page"}
        return f"{self.request.path}?{urlencode(rest)}" if rest else self.request.path

    def _order(self) -> str:
        return current_order(self.request.GET.get("sort", ""), ProjectTable._meta.order_by[0])

    @cached_property
    def _selection(self) -> tuple[dict, dict[str, str]]:
        """The filter values in use, and the readable value of each faceted one (from the facets)."""
        if not (self.filters_valid and self.filterset.is_bound):
            return {}, {}
        data = self.filterset.form.cleaned_data
        selected = {
            **self._selected(),
            **{name: data[name] for name in ("q", "value_min", "value_max") if data.get(name) not in (None, "")},
        }
        facet_labels = {
            facet.name: option.label
            for facet in getattr(self, "facets", [])
            for option in facet.options
            if option.selected
        }
        return selected, readable_values(selected, facet_labels)

    def _heading(self) -> str:
        if not self.filters_valid:
            return _("Projects")
        selected, labels = self._selection
        return describe(selected=selected, labels=labels, order=self._order())

    def _filters_in_use(self):
        selected, labels = self._selection
        names = {name: str(self.filterset.filters[name].label) for name in self.filterset.filters}
        return active_filters(
            path=self.request.path, query=self._query(), selected=selected, labels=labels, names=names,
            order=FILTER_PARAMS,
        )  # fmt: skip

    def _page_notice(self, table) -> str:
        requested = self.request.GET.get("page")
        if requested is None or requested == str(table.page.number):
            return ""
        return _("There is no page “%(requested)s”; showing page %(number)s of %(total)s.") % {
            "requested": requested[:20],
            "number": table.page.number,
            "total": table.paginator.num_pages,
        }

    def _selected(self) -> dict[str, str]:
        data = self.filterset.form.cleaned_data if self.filters_valid and self.filterset.is_bound else {}
        selected = {name: str(data[name]) for name in ("sector", "scope", "band") if data.get(name)}
        if data.get("edition") is not None:
            selected["edition"] = str(int(data["edition"]))
        if data.get("partner"):
            selected["partner"] = data["partner"].upper()
        return selected

    def _facets(self):
        """The facet counts, the number of matching rows and the facets' lists of choices as HTML, all from the
        cache while no project changes."""
        labels = {name: str(self.filterset.filters[name].label) for name in self.filterset.filters}
        data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        unfaceted = {name: data.get(name) for name in UNFACETED_PARAMS if data.get(name) not in (None, "")}
        unfaceted = {name: str(value) for name, value in unfaceted.items()}
        selected = self._selected()

        def count():
            base = self.filterset_class(data=unfaceted, queryset=self.get_queryset())
            # Counted in no order: the search index joined, its matches streamed (projects.filters.joined_to_the_index).
            facets, total = project_facets(
                base=streaming_the_search_index(base).qs, unfaceted=unfaceted, labels=labels, selected=selected,
                matching=self._matching_in_no_order,
            )  # fmt: skip
            # Their lists of choices rendered once too: a few hundred options took 3 ms of every page's 10.
            return facets, total, render_to_string("projects/_facet_selects.html", {"facets": facets})

        # The same for every order and page of one choice of filters: counted once for all of them.
        return for_question("project-facets", sorted(unfaceted.items()), sorted(selected.items()), compute=count)

    def _active_filters(self) -> int:
        return sum(1 for name in FILTER_PARAMS if self.request.GET.get(name))

    def _export_links(self) -> list[tuple[str, str]]:
        params = {key: value for key, value in self.request.GET.items() if key not in ("page", "per_page", "_export")}
        return [(fmt.upper(), "?" + urlencode({**params, "_export": fmt})) for fmt in EXPORT_FORMATS]


@cache_public_page()
def project_detail(request, pk: int):
    project = get_object_or_404(
        Project.objects.public().select_related("edition", "sector", "source", "generated_from"), pk=pk
    )
    return render(request, "projects/project_detail.html", {"project": project})
