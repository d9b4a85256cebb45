"""The published facts behind the demo, read from the CSV files in demo/data/.

Pure reading and parsing: no database. An empty field means no source gave the value, never zero.
"""

import csv
import datetime
from dataclasses import dataclass
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
    notes: str
    notes_zh: str


@dataclass(frozen=True)
class FigureRow:
    edition: int
    metric: str
    value: Decimal
    qualifier: str
    unit: str
    stage: str
    source_keys: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class BandRow:
    edition: int
    lower_yuan: Decimal
    upper_yuan: Decimal | None
    count: int
    is_nested: bool
    source_keys: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class SectorRow:
    edition: int
    name_en: str
    name_zh: str
    source_keys: tuple[str, ...]


@dataclass(frozen=True)
class DemoData:
    sources: list[SourceRow]
    editions: list[EditionRow]
    figures: list[FigureRow]
    bands: list[BandRow]
    sectors: list[SectorRow]


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _keys(text: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in text.split(";") if key.strip())


def _bool(text: str) -> bool:
    if text.lower() not in {"true", "false"}:
        raise DemoDataError(f"Expected true or false, found {text!r}.")
    return text.lower() == "true"


def read_demo_data(directory: Path = DATA_DIR) -> DemoData:
    """Read the five CSV files into typed rows."""
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
                    note=row["note"],
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
                    note=row["note"],
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
        )
    except (KeyError, ValueError, ArithmeticError) as error:
        if isinstance(error, DemoDataError):
            raise
        raise DemoDataError(f"The demo data files in {directory} cannot be read: {error!r}") from error
