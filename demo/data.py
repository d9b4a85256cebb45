"""The published facts behind the demo, read from the CSV files in demo/data/.

Pure reading and parsing: no database. An empty field means no source gave the value, never zero.
"""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


class DemoDataError(ValueError):
    """The data files or the published numbers cannot be loaded as they are."""


@dataclass(frozen=True)
class SourceRow:
    key: str
    title: str
    title_zh: str
    publisher: str
    publisher_zh: str
    url: str
    published_on: datetime.date | None
    language: str


@dataclass(frozen=True)
class EditionRow:
    number: int
    year: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    name_zh: str
    name_en: str
    theme_zh: str
    theme_en: str
    city: str
    city_zh: str
    venue: str
    venue_zh: str
    notes: str  # public, in plain words, sources cited as [S12]
    notes_zh: str  # the same in Chinese
    research_note: str  # for staff only


@dataclass(frozen=True)
class FigureRow:
    edition: int
    metric: str
    value: Decimal
    qualifier: str
    unit: str
    stage: str
    source_keys: tuple[str, ...]  # the first is the source the value was taken from
    basis: str = ""
    wording_zh: str = ""
    wording_en: str = ""
    definition_en: str = ""
    definition_zh: str = ""
    public_note_en: str = ""
    public_note_zh: str = ""
    research_note: str = ""


@dataclass(frozen=True)
class BandRow:
    edition: int
    lower_yuan: Decimal
    upper_yuan: Decimal | None
    count: int
    is_nested: bool
    source_keys: tuple[str, ...]
    public_note_en: str = ""
    public_note_zh: str = ""
    research_note: str = ""


@dataclass(frozen=True)
class SpanRow:
    """A figure for the editions first to last (or one city's at one edition)."""

    first_edition: int
    last_edition: int
    region_en: str
    region_zh: str
    metric: str
    value: Decimal
    qualifier: str
    unit: str
    stage: str
    as_of: datetime.date
    as_of_year_only: bool  # the source gave only the year
    source_keys: tuple[str, ...]
    basis: str = ""
    wording_zh: str = ""
    wording_en: str = ""
    public_note_en: str = ""
    public_note_zh: str = ""
    research_note: str = ""


@dataclass(frozen=True)
class SectorRow:
    edition: int
    name_en: str
    name_zh: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True)
class MetricRow:
    code: str
    definition_en: str
    definition_zh: str


@dataclass(frozen=True)
class SectorName:
    """A sector name a release published, and the canonical sector comparisons use for it."""

    published_en: str
    sector: str  # the canonical sector's slug
    sector_en: str = ""  # its names, for a canonical sector the database does not have yet
    sector_zh: str = ""


@dataclass(frozen=True)
class DemoData:
    sources: list[SourceRow]
    editions: list[EditionRow]
    figures: list[FigureRow]
    bands: list[BandRow]
    sectors: list[SectorRow]
    metrics: list[MetricRow] = field(default_factory=list)
    sector_names: list[SectorName] = field(default_factory=list)
    spans: list[SpanRow] = field(default_factory=list)

    def canonical_sector(self, published_en: str) -> SectorName | None:
        """The canonical sector of a published name (any case), if the mapping has one."""
        return next((name for name in self.sector_names if name.published_en.lower() == published_en.lower()), None)


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _optional_rows(directory: Path, name: str) -> list[dict[str, str]]:
    return _rows(directory, name) if (directory / name).exists() else []


_NOTES = ("public_note_en", "public_note_zh", "research_note")
_FIGURE_TEXT = ("basis", "wording_zh", "wording_en", "definition_en", "definition_zh", *_NOTES)


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _as_of(text: str) -> tuple[datetime.date, bool]:
    """'2014-12-31' or only a year, '2013' (read as 1 January, marked as a year)."""
    if len(text) == 4 and text.isdigit():
        return datetime.date(int(text), 1, 1), True
    return datetime.date.fromisoformat(text), False


def _span(row: dict[str, str]) -> SpanRow:
    as_of, year_only = _as_of(row["as_of"])
    return SpanRow(
        first_edition=int(row["first_edition"]),
        last_edition=int(row["last_edition"]),
        region_en=row["region_en"],
        region_zh=row["region_zh"],
        metric=row["metric"],
        value=Decimal(row["value"]),
        qualifier=row["qualifier"],
        unit=row["unit"],
        stage=row["stage"],
        as_of=as_of,
        as_of_year_only=year_only,
        source_keys=_keys(row["source_ids"]),
        **{name: row.get(name, "") for name in ("basis", "wording_zh", "wording_en", *_NOTES)},
    )


def _keys(text: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in text.split(";") if key.strip())


def _bool(text: str) -> bool:
    if text.lower() not in {"true", "false"}:
        raise DemoDataError(f"Expected true or false, found {text!r}.")
    return text.lower() == "true"


def read_demo_data(directory: Path = DATA_DIR) -> DemoData:
    """Read the CSV files into typed rows."""
    try:
        return DemoData(
            sources=[
                SourceRow(
                    key=row["id"],
                    title=row["title"],
                    title_zh=row["title_zh"],
                    publisher=row["publisher"],
                    publisher_zh=row["publisher_zh"],
                    url=row["url"],
                    published_on=_date(row["published_on"]),
                    language=row["language"],
                )
                for row in _rows(directory, "sources.csv")
            ],
            editions=[
                EditionRow(
                    number=int(row["number"]),
                    year=int(row["year"]),
                    start_date=_date(row["start_date"]),
                    end_date=_date(row["end_date"]),
                    name_zh=row["name_zh"],
                    name_en=row["name_en"],
                    theme_zh=row["theme_zh"],
                    theme_en=row["theme_en"],
                    city=row["city"],
                    city_zh=row["city_zh"],
                    venue=row["venue"],
                    venue_zh=row["venue_zh"],
                    notes=row["notes"],
                    notes_zh=row["notes_zh"],
                    research_note=row.get("research_note", ""),
                )
                for row in _rows(directory, "editions.csv")
            ],
            figures=[
                FigureRow(
                    edition=int(row["edition"]),
                    metric=row["metric"],
                    value=Decimal(row["value"]),
                    qualifier=row["qualifier"],
                    unit=row["unit"],
                    stage=row["stage"],
                    source_keys=_keys(row["source_ids"]),
                    **{name: row.get(name, "") for name in _FIGURE_TEXT},
                )
                for row in _rows(directory, "figures.csv")
            ],
            bands=[
                BandRow(
                    edition=int(row["edition"]),
                    lower_yuan=Decimal(row["lower_yuan"]),
                    upper_yuan=Decimal(row["upper_yuan"]) if row["upper_yuan"] else None,
                    count=int(row["count"]),
                    is_nested=_bool(row["nested"]),
                    source_keys=_keys(row["source_ids"]),
                    **{name: row.get(name, "") for name in _NOTES},
                )
                for row in _rows(directory, "bands.csv")
            ],
            sectors=[
                SectorRow(
                    edition=int(row["edition"]),
                    name_en=row["sector_en"],
                    name_zh=row["sector_zh"],
                    source_keys=_keys(row["source_ids"]),
                )
                for row in _rows(directory, "sectors.csv")
            ],
            metrics=[
                MetricRow(row["metric"], row["definition_en"], row["definition_zh"])
                for row in _optional_rows(directory, "metrics.csv")
            ],
            sector_names=[
                SectorName(row["published_en"], row["sector"], row["sector_en"], row["sector_zh"])
                for row in _optional_rows(directory, "sector_names.csv")
            ],
            spans=[_span(row) for row in _optional_rows(directory, "spans.csv")],
        )
    except (KeyError, ValueError, ArithmeticError) as error:
        if isinstance(error, DemoDataError):
            raise
        raise DemoDataError(f"The demo data files in {directory} cannot be read: {error!r}") from error
