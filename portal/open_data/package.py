"""The data package, /data/expo-portal.zip: every published table as CSV, a datapackage.json and a README.

The package is a Frictionless (Tabular) Data Package: each CSV is a resource with its fields, their types and
units, primary and foreign keys; the sources published data cites and the licence are listed. The CSV files are
written by the portal's one writer (core.downloads), so no cell starts a formula and each file starts with the
byte-order mark spreadsheet programs need for Chinese text.

The zip is streamed as its rows are read, and kept in the cache under the data token (when small enough), so
it is built again only after the published data changed.
"""

import datetime
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from core.downloads import csv_chunks
from core.vocabulary import Basis, Qualifier, Stage, Unit
from portal.open_data import records, selectors

FILENAME = "expo-portal.zip"
NAME = "expo-portal"
DATA_FOLDER = "data"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
# The published figures are facts taken from their sources (listed with each figure); the compilation is licensed.


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date
    description: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterable[dict]]
    primary_key: list[str]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (field, resource, its field)

    @property
    def path(self) -> str:
        return f"{DATA_FOLDER}/{self.name}.csv"

    def descriptor(self) -> dict:
        fields = []
        for column in self.columns:
            spec = {"name": column.name, "type": column.type, "description": column.description}
            if column.required or column.name in self.primary_key:
                spec["constraints"] = {"required": True}
            fields.append(spec)
        schema = {"fields": fields, "primaryKey": self.primary_key}
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": own, "reference": {"resource": resource, "fields": theirs}}
                for own, resource, theirs in self.foreign_keys
            ]
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "path": self.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }

    def csv(self) -> Iterator[str]:
        names = [column.name for column in self.columns]
        return csv_chunks(names, ([_cell(row[name]) for name in names] for row in self.rows()))


def _cell(value):
    return " ".join(value) if isinstance(value, list) else value


def _text(name: str, description: str, required: bool = False) -> Column:
    return Column(name, "string", description, required)


def _bilingual(name: str, what: str) -> list[Column]:
    return [_text(f"{name}_en", f"{what} in English; empty when there is none."),
            _text(f"{name}_zh", f"{what} in Chinese; empty when there is none.")]  # fmt: skip


def _one_of(choices) -> str:
    return "one of " + ", ".join(choices.values)


SOURCES_COLUMN = _text("sources", "Keys of every source (see sources), separated by spaces, the primary one first.")
TABLES = [
    Table(
        "editions",
        "Editions",
        "Every published edition of the expo.",
        [
            Column("number", "integer", "The ordinal of the edition: 14 for the 14th."),
            Column("year", "integer", "The year it was held.", required=True),
            Column("start_date", "date", "First day."),
            Column("end_date", "date", "Last day."),
            *_bilingual("name", "The expo's name at this edition"),
            *_bilingual("theme", "The edition's theme"),
            *_bilingual("city", "The host city"),
            *_bilingual("venue", "The venue"),
            *_bilingual("notes", "Notes for readers (sources cited as [S12])"),
            _text("url", "The edition's summary page on the portal (a path)."),
        ],
        lambda: map(records.edition_record, selectors.published_editions()),
        ["number"],
    ),
    Table(
        "metrics",
        "Metrics",
        "The kinds of headline figure; `unit` says what a figure's value counts.",
        [
            _text("code", "Stable code of the metric."),
            *_bilingual("name", "The metric's name"),
            _text("unit", f"The unit of its values: {_one_of(Unit)} (money in yuan, m2 square metres).", required=True),
            Column("is_main", "boolean", "Shown in the editions table and the trends."),
            *_bilingual("definition", "What every edition's figure counts"),
            Column("position", "integer", "Display order."),
        ],
        lambda: map(records.metric_record, selectors.metrics()),
        ["code"],
    ),
    Table(
        "sectors",
        "Sectors",
        "The canonical sectors of signed projects.",
        [
            _text("slug", "Stable code of the sector."),
            *_bilingual("name", "The sector's name"),
            Column("position", "integer", "Display order."),
        ],
        lambda: map(records.sector_record, selectors.sectors()),
        ["slug"],
    ),
    Table(
        "edition_sectors",
        "Sectors named in releases",
        "The sectors each edition's release names, in its order, with the release's own name for each.",
        [
            Column("edition", "integer", "The edition's number."),
            _text("sector", "The canonical sector's slug."),
            *_bilingual("published_name", "The release's own name for the sector"),
            Column("position", "integer", "Order in the release."),
            _text("sources", "Keys of the sources naming it (see sources), separated by spaces."),
        ],
        lambda: map(records.edition_sector_record, selectors.published_reported_sectors()),
        ["edition", "sector"],
        [("edition", "editions", "number"), ("sector", "sectors", "slug")],
    ),
    Table(
        "sources",
        "Sources",
        "Every press release, report or page the published data cites.",
        [
            _text("key", "Stable reference, as notes cite it: S12 is cited as [S12]."),
            *_bilingual("title", "Title"),
            _text("publisher_en", "Publisher in English.", required=True),
            _text("publisher_zh", "Publisher in Chinese; empty when there is none."),
            _text("url", "Where it was published.", required=True),
            Column("published_on", "date", "Date of publication."),
            _text("language", "The language it is written in (zh, en, ja, ko, ru …)."),
        ],
        lambda: map(records.source_record, selectors.published_sources()),
        ["key"],
    ),
    Table(
        "figures",
        "Reported figures",
        "Every headline figure of the published editions as its source published it, at every stage.",
        [
            Column("id", "integer", "Stable id of the figure."),
            Column("edition", "integer", "The edition's number.", required=True),
            _text("metric", "The metric's code (see metrics).", required=True),
            *_bilingual("metric_name", "The metric's name"),
            _text("unit", f"The unit of the value, the metric's: {_one_of(Unit)}.", required=True),
            Column("value", "number", "The value in base units: yuan for money, people or items for counts.", True),
            _text("qualifier", f"How the source qualified the value: {_one_of(Qualifier)}.", required=True),
            _text("stage", f"When in the edition it was published: {_one_of(Stage)}.", required=True),
            _text("basis", f"What a money figure measures: {_one_of(Basis)}; empty for other figures."),
            *_bilingual("wording", "The source's own words for the figure"),
            *_bilingual("definition", "Where this edition counts differently from the metric's definition, how"),
            *_bilingual("note", "Caveats for readers (sources cited as [S12])"),
            _text("primary_source", "The key of the source the value was taken from."),
            SOURCES_COLUMN,
        ],
        lambda: map(records.figure_record, selectors.published_figures()),
        ["id"],
        [("edition", "editions", "number"), ("metric", "metrics", "code"), ("primary_source", "sources", "key")],
    ),
    Table(
        "bands",
        "Reported value bands",
        "Project counts by value band exactly as each edition's release gives them.",
        [
            Column("id", "integer", "Stable id of the band."),
            Column("edition", "integer", "The edition's number.", required=True),
            Column("lower_yuan", "number", "Lower bound in yuan.", required=True),
            Column("upper_yuan", "number", "Upper bound in yuan; empty for a band with no upper bound."),
            Column("count", "integer", "Number of projects in the band.", required=True),
            Column("is_nested", "boolean", "true: the count ('over X') includes the projects of the higher bands."),
            *_bilingual("note", "Caveats for readers"),
            _text("primary_source", "The key of the source the count was taken from."),
            SOURCES_COLUMN,
        ],
        lambda: map(records.band_record, selectors.published_bands().iterator(chunk_size=2000)),
        ["id"],
        [("edition", "editions", "number"), ("primary_source", "sources", "key")],
    ),
    Table(
        "projects",
        "Projects",
        "The signed projects of the published editions. Rows with is_illustrative true are demo records made up "
        "for illustration (generated to match published totals), not real projects.",
        [
            Column("id", "integer", "Stable id of the project."),
            Column("edition", "integer", "The edition's number.", required=True),
            _text("title_en", "Title.", required=True),
            _text("title_zh", "Title in Chinese; empty when there is none."),
            _text("sector", "The sector's slug (see sectors).", required=True),
            *_bilingual("sector_name", "The sector's name"),
            _text("scope", "international or domestic.", required=True),
            _text("partner", "ISO 3166 code of the partner country or region; empty when domestic."),
            Column("value", "number", "The project's value in yuan.", required=True),
            _text("band", "The value band's code: under-100m, 100m-500m, 500m-1b, 1b-5b or 5b-plus."),
            Column("signed_on", "date", "Date of signing."),
            _text("kind", "contract, agreement or intent."),
            _text("status", "signed, under_construction, operating or stalled."),
            *_bilingual("parties", "The signing parties"),
            _text("location", "Where the project is."),
            *_bilingual("description", "Description"),
            _text("source", "The key of the project's source; empty for an illustrative project."),
            Column("is_illustrative", "boolean", "true: a demo record made up for illustration, not a real project."),
            _text("generated_from", "Illustrative projects only: the source whose published totals they match."),
            _text("url", "The project's page on the portal (a path)."),
        ],
        lambda: records.project_records(selectors.published_projects().order_by("id")),
        ["id"],
        [
            ("edition", "editions", "number"),
            ("sector", "sectors", "slug"),
            ("source", "sources", "key"),
            ("generated_from", "sources", "key"),
        ],
    ),
    Table(
        "spans",
        "Figures for several editions",
        "Figures the releases state for several editions at once: cumulative totals, follow-through rates, one "
        "city's projects. No single edition owns them; they are not any edition's figure.",
        [
            Column("id", "integer", "Stable id of the figure."),
            Column("first_edition", "integer", "The number of the first edition it covers.", required=True),
            Column("last_edition", "integer", "The number of the last edition it covers.", required=True),
            *_bilingual("region", "The city or prefecture it is limited to (empty: the whole expo)"),
            _text("metric", "The metric's code (see metrics).", required=True),
            *_bilingual("metric_name", "The metric's name"),
            _text("unit", f"The unit of the value, the metric's: {_one_of(Unit)}.", required=True),
            Column("value", "number", "The value in base units: yuan for money, per cent for rates.", True),
            _text("qualifier", f"How the source qualified the value: {_one_of(Qualifier)}.", required=True),
            _text("stage", f"When it was published: {_one_of(Stage)}.", required=True),
            Column("as_of", "date", "The date the statement refers to.", required=True),
            _text("as_of_precision", "day, or year when the source gives only the year (as_of is then 1 January)."),
            _text("basis", f"What a money figure measures: {_one_of(Basis)}; empty for other figures."),
            *_bilingual("wording", "The source's own words for the figure"),
            *_bilingual("note", "Caveats for readers (sources cited as [S12])"),
            _text("primary_source", "The key of the source the value was taken from."),
            SOURCES_COLUMN,
        ],
        lambda: map(records.span_record, selectors.published_spans()),
        ["id"],
        [("metric", "metrics", "code"), ("primary_source", "sources", "key")],
    ),
]


def descriptor(changed_at: datetime.datetime | None) -> dict:
    """The datapackage.json: the tables, the sources of the published data and the licence."""
    package = {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": "Expo Portal open data",
        "description": (
            "Editions, published headline figures (with qualifier, stage, basis and sources), value bands, sectors, "
            "figures stated for several editions and signed projects of the expo, published data only. Values are in "
            "base units (yuan for money). "
            "Projects marked is_illustrative are made up for illustration. README.md describes every file."
        ),
        "licenses": [LICENCE],
        "sources": [
            {"title": source.title or source.title_zh or source.publisher, "path": source.url}
            for source in selectors.published_sources()
        ],
        "resources": [table.descriptor() for table in TABLES],
    }
    if changed_at is not None:
        package["created"] = changed_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return package


def readme() -> str:
    """The package's README, in English and then in Chinese."""
    tables = "\n".join(f"- `{table.path}`: {table.description}" for table in TABLES)
    return f"""# Expo Portal open data

Every published table of the Expo Portal, as CSV files (UTF-8 with a byte-order mark, so spreadsheet programs
read Chinese text correctly), with `datapackage.json` describing every column: its type, its unit, the primary
and foreign keys, the sources and the licence ({LICENCE["title"]}, {LICENCE["path"]}).

{tables}

- Only published editions are included; drafts never are.
- Values are in base units: yuan for money. Each figure has its qualifier ("more_than" for "over 20,000"), its
  stage and, for money, its basis: compare figures of one basis and like stages only.
- Sources are cited by their keys (`sources.csv`); notes cite them as [S12].
- Projects with `is_illustrative` true are demo records generated to match published totals: not real projects.
- A text cell that would start a spreadsheet formula (= + - @) starts with an apostrophe.
- `spans.csv` holds figures stated for several editions at once (cumulative totals, follow-through rates): they
  are no single edition's figure; the portal's /spans/ page sets them against the editions' own figures.

# 博览会数据门户开放数据

博览会数据门户已发布的全部数据表，CSV 格式（UTF-8，带字节顺序标记，电子表格软件可正确显示中文），
`datapackage.json` 说明每一列的类型、单位、主键和外键、数据来源及许可协议（{LICENCE["title"]}，{LICENCE["path"]}）。

- `data/editions.csv`：已发布的各届博览会。
- `data/metrics.csv`：指标及其单位与定义。
- `data/sectors.csv`：规范行业；`data/edition_sectors.csv`：各届新闻稿列出的行业及其原名。
- `data/sources.csv`：已发布数据引用的来源。
- `data/figures.csv`：各届公布的主要数据（含限定词、发布阶段、口径和来源）。
- `data/bands.csv`：新闻稿公布的项目金额分档。
- `data/projects.csv`：已发布各届的签约项目。
- `data/spans.csv`：跨届次公布的数据（累计总数、履约率、引资到位率等）。

- 只包含已发布的届次，从不包含草稿。
- 数值均为基本单位：金额以元计。每个数据附有限定词（"more_than" 表示“超过”）、发布阶段，金额还附有口径：
  只比较同一口径、同类阶段的数据。
- 来源以编号引用（`sources.csv`），注释中写作 [S12]。
- `is_illustrative` 为 true 的项目是为演示而生成、与公布总数相符的示例记录，并非真实项目。
- 会被电子表格当作公式的文本单元格（以 = + - @ 开头）前加撇号。
- `spans.csv` 中的数据涵盖多届，不属于任何单独一届；门户的 /spans/ 页面将其与各届数据对照。
"""


class _Chunks:
    """A write-only file whose bytes are collected for the stream (zipfile writes to it without seeking)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def zip_chunks(changed_at: datetime.datetime | None) -> Iterator[bytes]:
    """The whole zip, a chunk at a time as its rows are read; entries dated by the data's last change."""
    stamp = (changed_at or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)).astimezone(datetime.UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def member(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            return info

        archive.writestr(member("datapackage.json"), json.dumps(descriptor(changed_at), ensure_ascii=False, indent=2))
        archive.writestr(member("README.md"), readme())
        yield sink.take()
        for table in TABLES:
            with archive.open(member(table.path), "w") as file:
                for text in table.csv():
                    file.write(text.encode("utf-8"))
                    yield sink.take()
        # The central directory, written when the archive closes.
    yield sink.take()
