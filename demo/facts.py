"""Upsert the published facts (sources, editions, metrics, figures, spans, bands, sectors) by their natural keys.

A row is written only when it is new or differs from the data file, so a second run changes nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.vocabulary import DatePrecision, Unit
from demo.data import BandRow, DemoDataError, EditionRow, FigureRow, MetricRow, SourceRow, SpanRow
from demo.names import STANDARD_METRICS
from editions.models import Edition, EditionStatus, Metric, ReportedBand, ReportedFigure, Source, SpanFigure

# Sectors a release names that are not among the existing ones come after them.
NEW_SECTOR_POSITION = 500
NEW_METRIC_POSITION = 1000


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _has_history(model) -> bool:
    return hasattr(model, "history")


def validate_fields(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field validation before writing; related rows are ours and the database enforces the constraints."""
    related = [field.name for field in obj._meta.concrete_fields if field.is_relation]
    try:
        obj.full_clean(exclude=[*related, *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DemoDataError(f"{obj._meta.verbose_name} {obj}: {'; '.join(error.messages)}") from error


def upsert(
    model: type[models.Model],
    rows: Iterable[dict],
    *,
    key: Callable[[dict], tuple],
    existing: Iterable[models.Model],
    sources: Callable[[dict], list[Source]] | None = None,
) -> tuple[dict[tuple, models.Model], Outcome]:
    """Create missing rows and update changed ones in bulk; return every row by its key.

    `key` gives a row's natural key from its field values; `existing` are the stored rows that may
    match. `sources` gives a row's sources when the model has a `sources` many-to-many field.
    """
    stored = {key({name: getattr(obj, name) for name in _field_names(model)}): obj for obj in existing}
    outcome = Outcome()
    to_create, to_update, changed_fields, by_key, wanted_sources = [], [], set(), {}, {}
    for row in rows:
        row_key = key(row)
        obj = stored.get(row_key)
        if obj is None:
            obj = model(**row)
            validate_fields(obj)
            to_create.append(obj)
        else:
            changes = {name: value for name, value in row.items() if getattr(obj, name) != value}
            if changes:
                for name, value in changes.items():
                    setattr(obj, name, value)
                validate_fields(obj)
                to_update.append(obj)
                changed_fields.update(changes)
            else:
                outcome.unchanged += 1
        by_key[row_key] = obj
        if sources:
            wanted_sources[row_key] = sources(row)
    if to_create:
        created = (
            bulk_create_with_history(to_create, model) if _has_history(model) else model.objects.bulk_create(to_create)
        )
        for obj in created:
            by_key[key({name: getattr(obj, name) for name in _field_names(model)})] = obj
        outcome.created = len(created)
    if to_update:
        fields = sorted(changed_fields)
        if _has_history(model):
            bulk_update_with_history(to_update, model, fields)
        else:
            model.objects.bulk_update(to_update, fields)
        outcome.updated = len(to_update)
    if sources:
        _sync_sources(model, {by_key[row_key].pk: keys for row_key, keys in wanted_sources.items()})
    return by_key, outcome


def _field_names(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields]


def _sync_sources(model, wanted: dict[int, list[Source]]) -> None:
    """Make each row's sources exactly the wanted ones, touching only the links that differ."""
    through = model.sources.through
    owner = f"{model._meta.model_name}_id"
    stored = set(through.objects.filter(**{f"{owner}__in": wanted}).values_list(owner, "source_id"))
    target = {(pk, source.pk) for pk, sources in wanted.items() for source in sources}
    if missing := target - stored:
        through.objects.bulk_create([through(**{owner: pk, "source_id": source_id}) for pk, source_id in missing])
    for pk, source_id in stored - target:
        through.objects.filter(**{owner: pk, "source_id": source_id}).delete()


def load_sources(rows: list[SourceRow]) -> tuple[dict[str, Source], Outcome]:
    values = [
        {
            "key": row.key,
            "title": row.title,
            "title_zh": row.title_zh,
            "publisher": row.publisher,
            "publisher_zh": row.publisher_zh,
            "url": row.url,
            "published_on": row.published_on,
            "language": row.language,
        }
        for row in rows
    ]
    by_key, outcome = upsert(
        Source, values, key=lambda row: (row["key"],), existing=Source.objects.filter(key__in=[r.key for r in rows])
    )
    return {row_key[0]: source for row_key, source in by_key.items()}, outcome


def load_editions(rows: list[EditionRow]) -> tuple[dict[int, Edition], Outcome]:
    values = [
        {
            "number": row.number,
            "year": row.year,
            "start_date": row.start_date,
            "end_date": row.end_date,
            "name_zh": row.name_zh,
            "name_en": row.name_en,
            "theme_zh": row.theme_zh,
            "theme_en": row.theme_en,
            "city": row.city,
            "city_zh": row.city_zh,
            "venue": row.venue,
            "venue_zh": row.venue_zh,
            "notes": row.notes,
            "notes_zh": row.notes_zh,
            "research_note": row.research_note,
            "status": EditionStatus.PUBLISHED,
        }
        for row in rows
    ]
    by_key, outcome = upsert(
        Edition,
        values,
        key=lambda row: (row["number"],),
        existing=Edition.objects.filter(number__in=[row.number for row in rows]),
    )
    return {row_key[0]: edition for row_key, edition in by_key.items()}, outcome


def _metric_name(code: str) -> str:
    return code.replace("_", " ").capitalize()


def load_metric_definitions(rows: list[MetricRow]) -> Outcome:
    """Each metric's definition, in both languages, where the data file gives one and the metric exists."""
    outcome = Outcome()
    by_code = {row.code: row for row in rows}
    changed = []
    for metric in Metric.objects.filter(code__in=by_code):
        row = by_code[metric.code]
        if (metric.definition_en, metric.definition_zh) == (row.definition_en, row.definition_zh):
            outcome.unchanged += 1
            continue
        metric.definition_en, metric.definition_zh = row.definition_en, row.definition_zh
        validate_fields(metric)
        changed.append(metric)
    if changed:
        Metric.objects.bulk_update(changed, ["definition_en", "definition_zh"])
        outcome.updated = len(changed)
    return outcome


def load_metrics(rows: list[FigureRow | SpanRow]) -> tuple[dict[tuple[str, str], Metric], Outcome]:
    """The metric of each (code, unit) in the figures.

    Standard metrics come from a migration. An unknown code gets a new metric; a figure published in
    another unit than its metric's (foreign trade in yuan rather than US dollars) gets a metric of its
    own, `<code>_<unit>`, so no page shows it in the wrong unit.
    """
    metrics = {metric.code: metric for metric in Metric.objects.all()}
    outcome = Outcome()
    found = {}
    for published_code, unit in dict.fromkeys((row.metric, row.unit) for row in rows):
        if unit not in Unit.values:
            raise DemoDataError(f"Figures of {published_code} use an unknown unit {unit!r}.")
        code = published_code
        metric = metrics.get(code)
        if metric is not None and metric.unit != unit:
            base, code = metric, f"{code}_{unit}"
            metric = metrics.get(code)
            if metric is None:
                metric = Metric(
                    code=code,
                    name_en=f"{base.name_en} (in {Unit(unit).label})",
                    name_zh=base.name_zh,
                    unit=unit,
                    position=base.position + 1,
                    description=f"{base.name_en} where a source gave them in {Unit(unit).label}.",
                )
        elif metric is None and STANDARD_METRICS.get(code, {}).get("unit") == unit:
            metric = Metric(code=code, **STANDARD_METRICS[code])
        elif metric is None:
            metric = Metric(code=code, name_en=_metric_name(code), unit=unit, position=NEW_METRIC_POSITION)
        if metric.pk is None:
            validate_fields(metric)
            metric.save()
            metrics[code] = metric
            outcome.created += 1
        elif code in STANDARD_METRICS and metric.name_en == _metric_name(code) != STANDARD_METRICS[code]["name_en"]:
            # Named from its code by an earlier run on a database without the seeded metrics.
            metric.name_en = STANDARD_METRICS[code]["name_en"]
            metric.name_zh = metric.name_zh or STANDARD_METRICS[code]["name_zh"]
            metric.save(update_fields=["name_en", "name_zh"])
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        found[published_code, unit] = metric
    return found, outcome


def sources_of(keys: tuple[str, ...], sources: dict[str, Source], what: str) -> list[Source]:
    unknown = [key for key in keys if key not in sources]
    if unknown or not keys:
        raise DemoDataError(f"{what} cites {', '.join(unknown) or 'no source'}, which the sources file lacks.")
    return [sources[key] for key in keys]


def load_figures(
    rows: list[FigureRow], editions: dict[int, Edition], metrics: dict, sources: dict[str, Source]
) -> Outcome:
    values = []
    cited = {}
    for row in rows:
        edition = editions[row.edition]
        metric = metrics[row.metric, row.unit]
        cited_sources = sources_of(row.source_keys, sources, f"Figure {row.metric}")
        value = {
            "edition": edition,
            "metric": metric,
            "stage": row.stage,
            "value": row.value,
            "qualifier": row.qualifier,
            "basis": row.basis,
            "wording_zh": row.wording_zh,
            "wording_en": row.wording_en,
            "definition_en": row.definition_en,
            "definition_zh": row.definition_zh,
            # The data lists first the source the value was taken from.
            "primary_source": cited_sources[0],
            "public_note_en": row.public_note_en,
            "public_note_zh": row.public_note_zh,
            "research_note": row.research_note,
        }
        cited[edition.pk, metric.pk, row.stage] = cited_sources
        values.append(value)

    def figure_key(value):
        return (value["edition"].pk, value["metric"].pk, value["stage"])

    _, outcome = upsert(
        ReportedFigure,
        values,
        key=figure_key,
        existing=ReportedFigure.objects.filter(edition__in=editions.values()).select_related("edition", "metric"),
        sources=lambda value: cited[figure_key(value)],
    )
    return outcome


def load_bands(rows: list[BandRow], editions: dict[int, Edition], sources: dict[str, Source]) -> Outcome:
    values = []
    for row in rows:
        cited = sources_of(row.source_keys, sources, f"The band from {row.lower_yuan}")
        values.append(
            {
                "edition": editions[row.edition],
                "lower_yuan": row.lower_yuan,
                "upper_yuan": row.upper_yuan,
                "count": row.count,
                "is_nested": row.is_nested,
                # The data lists first the source the counts were taken from.
                "primary_source": cited[0],
                "public_note_en": row.public_note_en,
                "public_note_zh": row.public_note_zh,
                "research_note": row.research_note,
                "_sources": cited,
            }
        )
    cited = {(value["edition"].pk, value["lower_yuan"]): value.pop("_sources") for value in values}

    def band_key(value):
        return (value["edition"].pk, value["lower_yuan"])

    _, outcome = upsert(
        ReportedBand,
        values,
        key=band_key,
        existing=ReportedBand.objects.filter(edition__in=editions.values()).select_related("edition"),
        sources=lambda value: cited[band_key(value)],
    )
    return outcome


def load_spans(rows: list[SpanRow], metrics: dict, sources: dict[str, Source]) -> Outcome:
    """Figures for several editions, matched by editions, region, metric, basis and date."""
    values, cited = [], {}
    for row in rows:
        metric = metrics[row.metric, row.unit]
        what = f"The figure for the editions {row.first_edition} to {row.last_edition}"
        cited_sources = sources_of(row.source_keys, sources, what)
        value = {
            "first_edition": row.first_edition,
            "last_edition": row.last_edition,
            "region_en": row.region_en,
            "region_zh": row.region_zh,
            "metric": metric,
            "value": row.value,
            "qualifier": row.qualifier,
            "stage": row.stage,
            "as_of": row.as_of,
            "as_of_precision": DatePrecision.YEAR if row.as_of_year_only else DatePrecision.DAY,
            "basis": row.basis,
            "wording_zh": row.wording_zh,
            "wording_en": row.wording_en,
            "primary_source": cited_sources[0],
            "public_note_en": row.public_note_en,
            "public_note_zh": row.public_note_zh,
            "research_note": row.research_note,
            # Published facts, like the editions the demo loads.
            "status": EditionStatus.PUBLISHED,
        }
        values.append(value)
        cited[span_key(value)] = cited_sources

    _, outcome = upsert(
        SpanFigure,
        values,
        key=span_key,
        existing=SpanFigure.objects.select_related("metric"),
        sources=lambda value: cited[span_key(value)],
    )
    return outcome


def span_key(value: dict) -> tuple:
    return (
        value["first_edition"],
        value["last_edition"],
        value["region_en"],
        value["metric"].pk,
        value["basis"],
        value["as_of"],
    )
