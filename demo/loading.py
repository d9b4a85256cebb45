"""Load the demo: the published facts, then illustrative projects that add up to them."""

import importlib
from collections import Counter
from collections.abc import Callable

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.caching.tokens import changed
from core.vocabulary import STAGE_PREFERENCE
from demo import facts
from demo.data import DemoData, DemoDataError, FigureRow, read_demo_data
from demo.generator import ProjectGroup, generate_projects
from demo.sectors import load_sectors
from demo.values import exclusive_ranges
from editions.models import Edition, ReportedSector, Sector, Source
from projects.models import PROJECT_FIELDS, Project, ProjectKind
from projects.tallying import rebuild_cells

DEFAULT_SEED = 2005

# What makes two illustrative projects the same: everything a generated project sets (all but the edition,
# which they are grouped by, and the illustrative flag, which they all have), as stored.
COMPARED_FIELDS = [
    Project._meta.get_field(name).attname for name in PROJECT_FIELDS if name not in ("edition", "is_illustrative")
]


def standard_sector_slugs() -> list[str]:
    """The sectors the data migration seeds; editions whose release names none are spread over these."""
    migration = importlib.import_module("projects.migrations.0002_standard_sectors")
    return [slug for slug, _name_en, _name_zh in migration.STANDARD_SECTORS]


def _figures_by_edition(data: DemoData) -> dict[int, dict[str, FigureRow]]:
    """Per edition, each metric's figure at the stage pages prefer (closing first)."""
    rank = {stage.value: position for position, stage in enumerate(STAGE_PREFERENCE)}
    chosen: dict[int, dict[str, FigureRow]] = {}
    for row in sorted(data.figures, key=lambda row: rank.get(row.stage, len(rank))):
        chosen.setdefault(row.edition, {}).setdefault(row.metric, row)
    return chosen


def project_groups(edition: Edition, figures: dict[str, FigureRow], bands: list) -> list[ProjectGroup]:
    """The groups an edition's illustrative projects must reproduce; none without a published count and value.

    With a contract/agreement split each kind is its own group; otherwise one group of contract
    projects carrying the published size bands.
    """
    count, total = figures.get("projects_signed"), figures.get("signed_value")
    if count is None or total is None:
        return []
    split = [
        (kind, figures.get(f"{prefix}_projects"), figures.get(f"{prefix}_value"))
        for kind, prefix in [(ProjectKind.CONTRACT, "contract"), (ProjectKind.AGREEMENT, "agreement")]
    ]
    split = [(kind, n, value) for kind, n, value in split if n is not None and value is not None]
    if not split:
        ranges = exclusive_ranges(bands, int(count.value))
        return [ProjectGroup(ProjectKind.CONTRACT, int(count.value), total.value, ranges)]
    if bands:
        raise DemoDataError(f"The {edition.ordinal} edition has both size bands and a split by kind.")
    if sum(n.value for _, n, _ in split) != count.value or sum(value.value for _, _, value in split) != total.value:
        raise DemoDataError(
            f"The {edition.ordinal} edition's split by kind does not add up to its "
            f"{count.value:,.0f} projects worth {total.value:,.2f} yuan."
        )
    return [ProjectGroup(kind, int(n.value), value.value) for kind, n, value in split]


def _sectors_for(edition: Edition, named: dict[int, list[Sector]], standard: list[Sector]) -> list[Sector]:
    return named.get(edition.pk) or standard


def _signature(values: dict) -> tuple:
    row = {
        **values,
        "sector_id": values["sector"].pk,
        "source_id": None,
        "generated_from_id": values["generated_from"].pk if values["generated_from"] else None,
    }
    return tuple(str(row[name]) if name == "partner" else row[name] for name in COMPARED_FIELDS)


@transaction.atomic
def load_illustrative_projects(
    data: DemoData, editions: dict[int, Edition], sources: dict[str, Source], *, seed: int
) -> tuple[int, int, int]:
    """(Re)generate each edition's illustrative projects where they are missing or differ.

    Returns how many editions were regenerated, left unchanged and cleared (they have no
    published count and value, so any illustrative projects they had are removed).
    """
    figures = _figures_by_edition(data)
    bands: dict[int, list] = {}
    for band in data.bands:
        bands.setdefault(band.edition, []).append(band)
    named: dict[int, list[Sector]] = {}
    for reported in ReportedSector.objects.filter(edition__in=editions.values()).select_related("sector"):
        named.setdefault(reported.edition_id, []).append(reported.sector)
    standard = list(Sector.objects.filter(slug__in=standard_sector_slugs()))
    stored: dict[int, Counter] = {}
    for edition_id, *values in Project.objects.filter(edition__in=editions.values(), is_illustrative=True).values_list(
        "edition_id", *COMPARED_FIELDS
    ):
        stored.setdefault(edition_id, Counter())[tuple(values)] += 1

    regenerated, unchanged, cleared, to_create = [], 0, [], []
    for number, edition in sorted(editions.items()):
        edition_figures = figures.get(number, {})
        groups = project_groups(edition, edition_figures, bands.get(number, []))
        if not groups:
            if edition.pk in stored:
                cleared.append(edition)
            continue
        source_key = edition_figures["signed_value"].source_keys[0]
        projects = generate_projects(
            edition=edition, groups=groups, sectors=_sectors_for(edition, named, standard), seed=seed
        )
        for project in projects:
            # Made up, so no article is its source: it names the release whose totals it reproduces.
            project["generated_from"] = sources[source_key]
        if Counter(_signature(project) for project in projects) == stored.get(edition.pk, Counter()):
            unchanged += 1
            continue
        regenerated.append(edition)
        to_create += [Project(**project) for project in projects]

    replaced = [*regenerated, *cleared]
    if replaced:
        Project.objects.filter(edition__in=replaced, is_illustrative=True).delete()
    for project in to_create:
        # Partners come from the generator's fixed list of valid codes; checking each against every
        # country name would take most of the run.
        facts.validate_fields(project, exclude=["partner"])
    if to_create:
        bulk_create_with_history(to_create, Project, batch_size=500)
    return len(regenerated), unchanged, len(cleared)


@transaction.atomic
def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    report: Callable[[str], None] = print,
    data: DemoData | None = None,
    projects: bool = True,
) -> None:
    """Load every published fact of the data files and (unless `projects` is false) the illustrative projects.

    Rows are matched by natural keys (source reference, edition number, edition + metric + stage, first and
    last edition + region + metric + basis + date, edition + lower bound, edition + sector) and written only
    when new or different, so a second run changes nothing. `report` receives one progress line per step.
    """
    data = data or read_demo_data()
    sources, outcome = facts.load_sources(data.sources)
    report(f"Sources: {outcome}.")
    editions, outcome = facts.load_editions(data.editions)
    report(f"Editions: {outcome}.")
    metrics, outcome = facts.load_metrics([*data.figures, *data.spans])
    report(f"Metrics: {outcome}.")
    outcome = facts.load_metric_definitions(data.metrics)
    report(f"Metric definitions: {outcome}.")
    outcome = facts.load_figures(data.figures, editions, metrics, sources)
    report(f"Reported figures: {outcome}.")
    outcome = facts.load_spans(data.spans, metrics, sources)
    report(f"Figures for several editions: {outcome}.")
    outcome = facts.load_bands(data.bands, editions, sources)
    report(f"Reported value bands: {outcome}.")
    sector_outcome, outcome = load_sectors(data.sectors, editions, sources, data)
    report(f"Sectors: {sector_outcome}; sectors named in releases: {outcome}.")
    # Bands written in bulk have no tallies yet: the loaded editions' aggregates are counted again, once.
    if not projects:
        rebuild_cells(edition.pk for edition in editions.values())
        changed()
        return
    regenerated, unchanged, cleared = load_illustrative_projects(data, editions, sources, seed=seed)
    rebuild_cells(edition.pk for edition in editions.values())
    # Bulk inserts and updates send no signals: stale the cached counts and summaries explicitly.
    changed()
    total = Project.objects.filter(edition__in=editions.values(), is_illustrative=True).count()
    report(
        f"Illustrative projects: {regenerated} editions generated, {unchanged} unchanged, "
        f"{cleared} cleared; {total} projects in all."
    )
