"""One published row as a plain record: the field names of the API and the data package (portal/api/schemas.py
documents them). Values are in base units (yuan), names in both languages."""

import functools

from django.urls import reverse
from django.utils import translation

from portal.open_data.selectors import plain_number, source_keys
from projects.bands import band_for


def _english_url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@functools.cache
def _project_url_parts() -> tuple[str, str]:
    """A project page's address around its id, reversed once: a package holds every project."""
    before, _marker, after = _english_url("projects:detail", pk=918273645).partition("918273645")
    return before, after


def source_record(source) -> dict:
    return {
        "key": source.key,
        "title_en": source.title,
        "title_zh": source.title_zh,
        "publisher_en": source.publisher,
        "publisher_zh": source.publisher_zh,
        "url": source.url,
        "published_on": source.published_on,
        "language": source.language,
    }


def metric_record(metric) -> dict:
    return {
        "code": metric.code,
        "name_en": metric.name_en,
        "name_zh": metric.name_zh,
        "unit": metric.unit,
        "is_main": metric.is_main,
        "definition_en": metric.definition_en,
        "definition_zh": metric.definition_zh,
        "position": metric.position,
    }


def sector_record(sector) -> dict:
    return {"slug": sector.slug, "name_en": sector.name_en, "name_zh": sector.name_zh, "position": sector.position}


def figure_record(figure) -> dict:
    metric = figure.metric
    return {
        "id": figure.pk,
        "edition": figure.edition.number,
        "metric": metric.code,
        "metric_name_en": metric.name_en,
        "metric_name_zh": metric.name_zh,
        "unit": metric.unit,
        "value": plain_number(figure.value),
        "qualifier": figure.qualifier,
        "stage": figure.stage,
        "basis": figure.basis or None,
        "wording_en": figure.wording_en,
        "wording_zh": figure.wording_zh,
        "definition_en": figure.definition_en,
        "definition_zh": figure.definition_zh,
        "note_en": figure.public_note_en,
        "note_zh": figure.public_note_zh,
        "primary_source": figure.primary_source.key if figure.primary_source_id else None,
        "sources": source_keys(figure),
    }


def span_record(span) -> dict:
    metric = span.metric
    return {
        "id": span.pk,
        "first_edition": span.first_edition,
        "last_edition": span.last_edition,
        "region_en": span.region_en,
        "region_zh": span.region_zh,
        "metric": metric.code,
        "metric_name_en": metric.name_en,
        "metric_name_zh": metric.name_zh,
        "unit": metric.unit,
        "value": plain_number(span.value),
        "qualifier": span.qualifier,
        "stage": span.stage,
        "as_of": span.as_of,
        "as_of_precision": span.as_of_precision,
        "basis": span.basis or None,
        "wording_en": span.wording_en,
        "wording_zh": span.wording_zh,
        "note_en": span.public_note_en,
        "note_zh": span.public_note_zh,
        "primary_source": span.primary_source.key if span.primary_source_id else None,
        "sources": source_keys(span),
    }


def band_record(band) -> dict:
    return {
        "id": band.pk,
        "edition": band.edition.number,
        "lower_yuan": plain_number(band.lower_yuan),
        "upper_yuan": plain_number(band.upper_yuan),
        "count": band.count,
        "is_nested": band.is_nested,
        "note_en": band.public_note_en,
        "note_zh": band.public_note_zh,
        "primary_source": band.primary_source.key if band.primary_source_id else None,
        "sources": source_keys(band),
    }


def edition_sector_record(named) -> dict:
    return {
        "edition": named.edition.number,
        "sector": named.sector.slug,
        "published_name_en": named.published_name_en,
        "published_name_zh": named.published_name_zh,
        "position": named.position,
        "sources": sorted(source.key for source in named.sources.all()),
    }


def edition_record(edition) -> dict:
    return {
        "number": edition.number,
        "year": edition.year,
        "start_date": edition.start_date,
        "end_date": edition.end_date,
        "name_en": edition.name_en,
        "name_zh": edition.name_zh,
        "theme_en": edition.theme_en,
        "theme_zh": edition.theme_zh,
        "city_en": edition.city,
        "city_zh": edition.city_zh,
        "venue_en": edition.venue,
        "venue_zh": edition.venue_zh,
        "notes_en": edition.notes,
        "notes_zh": edition.notes_zh,
        "url": _english_url("editions:detail", number=edition.number),
    }


def project_record(project) -> dict:
    return {
        "id": project.pk,
        "edition": project.edition.number,
        "title_en": project.title,
        "title_zh": project.title_zh,
        "sector": project.sector.slug,
        "sector_name_en": project.sector.name_en,
        "sector_name_zh": project.sector.name_zh,
        "scope": project.scope,
        "partner": project.partner.code or None,
        "value": plain_number(project.value),
        "band": band_for(project.value).slug,
        "signed_on": project.signed_on,
        "kind": project.kind,
        "status": project.status,
        "parties_en": project.parties,
        "parties_zh": project.parties_zh,
        "location": project.location,
        "description_en": project.description,
        "description_zh": project.description_zh,
        "source": project.source.key if project.source_id else None,
        "is_illustrative": project.is_illustrative,
        "generated_from": project.generated_from.key if project.generated_from_id else None,
        "url": f"{_project_url_parts()[0]}{project.pk}{_project_url_parts()[1]}",
    }


# A project's record read as plain values (no model instances): the data package holds every project, and building
# four model instances a row took most of its time.
PROJECT_VALUES = (
    "id",
    "edition__number",
    "title",
    "title_zh",
    "sector__slug",
    "sector__name_en",
    "sector__name_zh",
    "scope",
    "partner",
    "value",
    "signed_on",
    "kind",
    "status",
    "parties",
    "parties_zh",
    "location",
    "description",
    "description_zh",
    "source__key",
    "is_illustrative",
    "generated_from__key",
)


def project_records(queryset):
    """project_record of every project of `queryset`, read as values, in the same fields."""
    before, after = _project_url_parts()
    for (pk, edition, title, title_zh, sector, sector_en, sector_zh, scope, partner, value, signed_on, kind, status,
         parties, parties_zh, location, description, description_zh, source, illustrative, generated_from) in (
        queryset.values_list(*PROJECT_VALUES).iterator(chunk_size=5000)
    ):  # fmt: skip
        yield {
            "id": pk,
            "edition": edition,
            "title_en": title,
            "title_zh": title_zh,
            "sector": sector,
            "sector_name_en": sector_en,
            "sector_name_zh": sector_zh,
            "scope": scope,
            "partner": partner or None,
            "value": plain_number(value),
            "band": band_for(value).slug,
            "signed_on": signed_on,
            "kind": kind,
            "status": status,
            "parties_en": parties,
            "parties_zh": parties_zh,
            "location": location,
            "description_en": description,
            "description_zh": description_zh,
            "source": source,
            "is_illustrative": illustrative,
            "generated_from": generated_from,
            "url": f"{before}{pk}{after}",
        }
