"""The JSON API's fields: stable names, documented here once (they are the OpenAPI schema's descriptions).

Money is in yuan, every value in base units (yuan, people, square metres) with its qualifier beside it; names
come in both languages (``name_en``, ``name_zh``). These names are the API's contract: add fields, never
rename or remove one within /api/v1/.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import WithJsonSchema

from core.vocabulary import Basis, Qualifier, Stage, Unit

# A number as JSON writes it: whole numbers as integers, others as exact decimals (portal.api.rendering).
Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]


def _choices(choices) -> str:
    return ", ".join(f"`{value}`" for value in choices.values)


class SourceOut(Schema):
    key: str = Field(description="The source's stable reference, as notes cite it: `S12` is cited as [S12].")
    title_en: str = Field(description="Title in English; empty when there is none.")
    title_zh: str = Field(description="Title in Chinese; empty when there is none.")
    publisher_en: str
    publisher_zh: str
    url: str
    published_on: datetime.date | None
    language: str = Field(description="The language the source is written in (`zh`, `en`, `ja`, `ko`, `ru` …).")


class MetricOut(Schema):
    code: str = Field(description="Stable code, such as `participants` or `signed_value`.")
    name_en: str
    name_zh: str
    unit: str = Field(description=f"The unit of its values: one of {_choices(Unit)} (money in yuan).")
    is_main: bool = Field(description="Shown in the editions table and the trends.")
    definition_en: str = Field(description="What every edition's figure of this metric counts.")
    definition_zh: str
    position: int = Field(description="Display order.")


class SectorOut(Schema):
    slug: str = Field(description="Stable code, used by the projects' `sector` filter.")
    name_en: str
    name_zh: str
    position: int = Field(description="Display order.")


class FigureOut(Schema):
    id: int
    edition: int = Field(description="The edition's number.")
    metric: str = Field(description="The metric's code (see /metrics).")
    metric_name_en: str
    metric_name_zh: str
    unit: str = Field(description=f"One of {_choices(Unit)}.")
    value: Number = Field(description="The value in base units (yuan for money), as published.")
    qualifier: str = Field(description=f"How the source qualified the value: one of {_choices(Qualifier)}.")
    stage: str = Field(description=f"When in the edition it was published: one of {_choices(Stage)}.")
    basis: str | None = Field(
        description=f"What a money figure measures: one of {_choices(Basis)}; null for figures that are not money."
    )
    wording_en: str = Field(description="The source's own words for the figure (English); may be empty.")
    wording_zh: str = Field(description="The source's own words for the figure (Chinese), such as 合同引资额.")
    definition_en: str = Field(description="Only where this edition counts differently from the metric's definition.")
    definition_zh: str
    note_en: str = Field(description="Caveats for readers; cites sources as [S12].")
    note_zh: str
    primary_source: str | None = Field(description="The key of the source the value was taken from.")
    sources: list[str] = Field(description="Keys of every source of the figure, the primary one first.")


class SpanOut(Schema):
    id: int
    first_edition: int = Field(description="The number of the first edition the figure covers.")
    last_edition: int = Field(description="The number of the last edition it covers.")
    region_en: str = Field(description="The city or prefecture it is limited to; empty for the whole expo.")
    region_zh: str
    metric: str = Field(description="The metric's code (see /metrics).")
    metric_name_en: str
    metric_name_zh: str
    unit: str = Field(description=f"One of {_choices(Unit)}; rates are in per cent.")
    value: Number = Field(description="The value in base units (yuan for money, per cent for rates), as published.")
    qualifier: str = Field(description=f"How the source qualified the value: one of {_choices(Qualifier)}.")
    stage: str = Field(description=f"When it was published: one of {_choices(Stage)}.")
    as_of: datetime.date = Field(description="The date the statement refers to.")
    as_of_precision: str = Field(description="day, or year when the source gives only the year (as_of is 1 January).")
    basis: str | None = Field(description=f"For money: one of {_choices(Basis)}; null for other figures.")
    wording_en: str
    wording_zh: str = Field(description="The source's own words, such as 履约率.")
    note_en: str = Field(description="Caveats for readers; cites sources as [S12].")
    note_zh: str
    primary_source: str | None = Field(description="The key of the source the value was taken from.")
    sources: list[str] = Field(description="Keys of every source of the figure, the primary one first.")


class BandOut(Schema):
    id: int
    edition: int = Field(description="The edition's number.")
    lower_yuan: Number = Field(description="Lower bound in yuan.")
    upper_yuan: Number | None = Field(description="Upper bound in yuan; null for a band with no upper bound.")
    count: int = Field(description="Number of projects in the band, as the release gives it.")
    is_nested: bool = Field(description="True: the count ('over X') includes the projects of the higher bands.")
    note_en: str
    note_zh: str
    primary_source: str | None
    sources: list[str] = Field(description="Keys of every source of the band, the primary one first.")


class EditionSectorOut(Schema):
    sector: str = Field(description="The canonical sector's slug.")
    published_name_en: str = Field(description="The release's own name for it; empty when it used the sector's.")
    published_name_zh: str
    position: int = Field(description="Order in the release.")


class EditionOut(Schema):
    number: int = Field(description="The ordinal of the edition: 14 for the 14th.")
    year: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    name_en: str
    name_zh: str
    theme_en: str
    theme_zh: str
    city_en: str
    city_zh: str
    venue_en: str
    venue_zh: str
    notes_en: str = Field(description="Notes for readers; cite sources as [S12].")
    notes_zh: str
    url: str = Field(description="The edition's summary page (English).")
    figures: list[FigureOut] = Field(description="Every published figure of the edition, at every stage.")
    bands: list[BandOut] = Field(description="Project counts by value band, as the release gives them.")
    sectors: list[EditionSectorOut] = Field(description="The sectors the release names, in its order.")
    sources: list[SourceOut] = Field(description="Every source the edition's figures, bands and sectors cite.")


class ProjectOut(Schema):
    id: int
    edition: int = Field(description="The edition's number.")
    title_en: str
    title_zh: str
    sector: str = Field(description="The sector's slug (see /sectors).")
    sector_name_en: str
    sector_name_zh: str
    scope: str = Field(description="`international` or `domestic`.")
    partner: str | None = Field(description="ISO 3166 code of the partner country or region; null when domestic.")
    value: Number = Field(description="The project's value in yuan.")
    band: str = Field(description="The value band's slug (the `band` filter).")
    signed_on: datetime.date | None
    kind: str = Field(description="`contract`, `agreement` or `intent`.")
    status: str = Field(description="`signed`, `under_construction`, `operating` or `stalled`.")
    parties_en: str
    parties_zh: str
    location: str
    description_en: str
    description_zh: str
    source: str | None = Field(description="The key of the project's source; null for an illustrative project.")
    is_illustrative: bool = Field(description="True: a demo record made up for illustration, not a real project.")
    generated_from: str | None = Field(
        description="Illustrative projects only: the key of the source whose published totals they were made to match."
    )
    url: str = Field(description="The project's page (English).")


class ProjectPage(Schema):
    results: list[ProjectOut]
    next: str | None = Field(description="The address of the next page; null on the last page.")
    page_size: int


class ComparisonOut(Schema):
    first: int = Field(description="The earlier edition's number.")
    second: int = Field(description="The later edition's number.")
    columns: list[str] = Field(description="The names of each row's fields, in order (as in the comparison download).")
    rows: list[dict] = Field(
        description=(
            "One object per comparison row and edition: both figures of each change (value, qualifier, stage, "
            "basis, wording), `comparable` and, when not, the `reason`."
        )
    )


class ErrorOut(Schema):
    error: str = Field(description="What is wrong, in plain words.")
    parameter: str | None = Field(default=None, description="The query or path parameter at fault, if any.")
