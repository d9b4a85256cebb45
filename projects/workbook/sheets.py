"""The sheets of an edition workbook, in the order they are imported, each with the resource that imports it.

The order is what the rows need: the edition before its rows, the sources before the rows citing them, the
sectors named in the release before the projects that may use those names.
"""

import functools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from core.imports import EXAMPLE_EDITION, StaffResource
from editions.models import Edition, ReportedBand, ReportedFigure, ReportedSector, Source
from editions.reference_resources import EXAMPLE_SOURCE_KEY, EditionResource, SourceResource
from editions.resources import ReportedBandResource, ReportedFigureResource, ReportedSectorResource
from projects.models import Project
from projects.resources import ProjectResource


@dataclass(frozen=True)
class Sheet:
    name: str  # as the workbook's tab (or the zip's file) is named; the same in both languages
    title: str  # what its rows are, for the preview
    resource_class: type[StaffResource]
    model: type
    # The column that tells an example row: it holds `example` (edition 0, source S0).
    example_column: str
    example: str
    # The sheets whose rows this one's rows cite: when one of them has problems, this one's rows would only
    # report those problems again ("unknown source 'S3'"), so it is not checked until they are fixed.
    cites: tuple[str, ...] = ()

    @property
    def edition_column(self) -> str | None:
        """The column naming the row's edition; the workbook fills it in where it is left empty."""
        return "edition" if "edition" in self.resource_class.columns() else None

    def resource(self) -> StaffResource:
        """A resource for this sheet's rows that keeps each row's record for the preview."""
        return _keeping_records(self.resource_class)()

    def is_example(self, value) -> bool:
        text = str(value if value is not None else "").strip().removesuffix(".0")
        return text.casefold() == self.example.casefold()


@functools.cache
def _keeping_records(resource_class: type[StaffResource]) -> type[StaffResource]:
    """The resource with `store_instance` set in its own options: the library's import_data argument for it
    would set it in the options it shares with every import of that model."""
    meta = type("Meta", (resource_class.Meta,), {"store_instance": True})
    return type(f"Workbook{resource_class.__name__}", (resource_class,), {"Meta": meta, "__module__": __name__})


EDITION_SHEET = Sheet("Edition", gettext_lazy("Edition"), EditionResource, Edition, "number", str(EXAMPLE_EDITION))
SHEETS = [
    EDITION_SHEET,
    Sheet("Sources", gettext_lazy("Sources"), SourceResource, Source, "key", EXAMPLE_SOURCE_KEY),
    Sheet(
        "Figures",
        gettext_lazy("Figures"),
        ReportedFigureResource,
        ReportedFigure,
        "edition",
        str(EXAMPLE_EDITION),
        cites=("Sources",),
    ),
    Sheet(
        "Bands",
        gettext_lazy("Value bands"),
        ReportedBandResource,
        ReportedBand,
        "edition",
        str(EXAMPLE_EDITION),
        cites=("Sources",),
    ),
    Sheet(
        "Sectors",
        gettext_lazy("Sectors named"),
        ReportedSectorResource,
        ReportedSector,
        "edition",
        str(EXAMPLE_EDITION),
        cites=("Sources",),
    ),
    Sheet(
        "Projects",
        gettext_lazy("Projects"),
        ProjectResource,
        Project,
        "edition",
        str(EXAMPLE_EDITION),
        cites=("Sources", "Sectors"),
    ),
]
SHEET_NAMES = [sheet.name for sheet in SHEETS]
HELP_SHEET = "Help"


def sheet_named(name: str) -> Sheet | None:
    """The sheet a tab or file is named for, whatever its case and spaces ("figures", " Figures ")."""
    wanted = str(name or "").strip().casefold()
    return next((sheet for sheet in SHEETS if sheet.name.casefold() == wanted), None)
