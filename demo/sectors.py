"""The sectors releases name, mapped to canonical sectors (sector_names.csv), and which edition named which.

Upserted by natural key like the other facts (demo.facts): a second run changes nothing.
"""

from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from demo.data import DemoData, DemoDataError, SectorRow
from demo.facts import NEW_SECTOR_POSITION, Outcome, sources_of, upsert, validate_fields
from demo.names import SECTOR_NAMES_ZH, STANDARD_SECTORS
from editions.models import Edition, ReportedSector, Sector, Source


def _match_sectors(rows: list[SectorRow], data: DemoData) -> tuple[dict[str, Sector], Outcome]:
    """Each published sector name's canonical sector: by the demo's mapping (sector_names.csv), else an existing
    sector of that English name (any case) or slug, else a new one named after it.

    A new canonical sector takes its names from the mapping, the standard sectors, or the published name;
    a sector without a Chinese name gets one from the data or the demo's list; one already set is left alone.
    """
    sectors = list(Sector.objects.all())
    by_name = {sector.name_en.lower(): sector for sector in sectors}
    by_slug = {sector.slug: sector for sector in sectors}
    outcome = Outcome()
    new = []
    named = []
    found = {}
    for row in rows:
        name = row.name_en.lower()
        if name in found:
            continue
        mapped = data.canonical_sector(row.name_en)
        slug = mapped.sector if mapped else slugify(row.name_en)
        standard = STANDARD_SECTORS.get(slug, {})
        name_zh = (mapped.sector_zh if mapped else "") or standard.get("name_zh") or SECTOR_NAMES_ZH.get(slug, "")
        if not mapped:
            name_zh = row.name_zh or name_zh
        sector = by_slug.get(slug) if mapped else (by_name.get(name) or by_slug.get(slug))
        if sector is None:
            name_en = (mapped.sector_en if mapped else "") or standard.get("name_en")
            sector = Sector(
                slug=slug,
                name_en=name_en or row.name_en[:1].upper() + row.name_en[1:],
                name_zh=name_zh,
                position=standard.get("position")
                or NEW_SECTOR_POSITION + sum(s.slug not in STANDARD_SECTORS for s in new),
            )
            validate_fields(sector)
            new.append(sector)
            by_name[sector.name_en.lower()] = by_slug[sector.slug] = sector
        elif not sector.name_zh and name_zh and sector.pk is not None:
            sector.name_zh = name_zh
            validate_fields(sector)
            named.append(sector)
        else:
            outcome.unchanged += 1
        found[name] = sector
    if named:
        bulk_update_with_history(named, Sector, ["name_zh"])
        outcome.updated = len(named)
    if new:
        bulk_create_with_history(new, Sector)
        outcome.created = len(new)
        saved = {sector.slug: sector for sector in Sector.objects.filter(slug__in=[s.slug for s in new])}
        found = {name: saved.get(sector.slug, sector) for name, sector in found.items()}
    return found, outcome


def load_sectors(
    rows: list[SectorRow], editions: dict[int, Edition], sources: dict[str, Source], data: DemoData | None = None
) -> tuple[Outcome, Outcome]:
    """Sectors named by releases, mapped to canonical sectors, and which edition named which, in the release's
    order, with the name as published beside the canonical sector."""
    sectors, sector_outcome = _match_sectors(rows, data or DemoData([], [], [], [], []))
    positions: dict[int, int] = {}
    values = []
    cited = {}
    for row in rows:
        positions[row.edition] = positions.get(row.edition, 0) + 1
        edition, sector = editions[row.edition], sectors[row.name_en.lower()]
        values.append(
            {
                "edition": edition,
                "sector": sector,
                "position": positions[row.edition],
                "published_name_en": row.name_en,
                "published_name_zh": row.name_zh,
            }
        )
        cited[edition.pk, sector.pk] = sources_of(row.source_keys, sources, f"Sector {row.name_en}")
    if len(cited) < len(values):
        raise DemoDataError("One edition's release names two sectors that map to the same canonical sector.")

    def named_key(value):
        return (value["edition"].pk, value["sector"].pk)

    _, outcome = upsert(
        ReportedSector,
        values,
        key=named_key,
        existing=ReportedSector.objects.filter(edition__in=editions.values()).select_related("edition", "sector"),
        sources=lambda value: cited[named_key(value)],
    )
    # A sector the data no longer names for an edition (an earlier run's, before it was mapped) goes.
    kept = {named_key(value) for value in values}
    stale = [
        reported.pk
        for reported in ReportedSector.objects.filter(edition__in=editions.values())
        if (reported.edition_id, reported.sector_id) not in kept
    ]
    if stale:
        ReportedSector.objects.filter(pk__in=stale).delete()
        outcome.updated += len(stale)
    return sector_outcome, outcome
