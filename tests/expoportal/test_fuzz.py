"""Fuzzing every public URL: hostile query strings and path segments never cause a 500 or leak a draft.

The URLs come from the URL resolver, so a new public page is fuzzed without touching this file.
HYPOTHESIS_PROFILE=ci (the default) keeps it short for every test run; `make fuzz` runs the long one.
"""

import io
import os
import re
import uuid
import zipfile
from decimal import Decimal
from urllib.parse import quote, urlencode

import openpyxl
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.vocabulary import Qualifier
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ReportedBandFactory,
    ReportedFigureFactory,
    ReportedSectorFactory,
    SectorFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

_common = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("ci", max_examples=60, **_common)
hypothesis_settings.register_profile("long", max_examples=2000, **_common)
PROFILE = hypothesis_settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Not public: the admin has its own sign-in (and its own tests); set_language only redirects.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language"}

# Text that exists only in the draft edition; none of it may appear in any response.
DRAFT_MARKERS = ["Zqxdraftleak", "zqxdrafttheme", "Zqxdraftproject", "zqxdraftsource", "zqxdraftparty", "987th"]
DRAFT_NUMBER = 987


# URL discovery ------------------------------------------------------------------------------------


def _walk(patterns, namespace, converters):
    for pattern in patterns:
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in EXCLUDED_NAMES:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), found


def public_routes() -> list[tuple[str, dict]]:
    """(URL name, {keyword: converter}) for every named public URL."""
    return sorted(dict(_walk(get_resolver().url_patterns, None, {})).items())


def placeholder(index: int, converter) -> str:
    name = type(converter).__name__
    if name == "IntConverter":
        return str(918270 + index)
    if name == "UUIDConverter":
        return str(uuid.UUID(int=index + 1))
    return f"fuzzslot{index}"


def route_templates() -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """(URL name, path in one language with placeholders, ((placeholder, converter name), ...))."""
    templates = set()
    for name, converters in public_routes():
        slots = {kwarg: placeholder(i, conv) for i, (kwarg, conv) in enumerate(sorted(converters.items()))}
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                try:
                    path = reverse(name, kwargs=slots or None)
                except Exception:  # a pattern we cannot build from keyword arguments
                    continue
            kinds = tuple(sorted((slot, type(converters[kw]).__name__) for kw, slot in slots.items()))
            templates.add((name, path, kinds))
    return sorted(templates)


# Data ---------------------------------------------------------------------------------------------


@pytest.fixture
def site_data():
    """A published edition with everything, and a draft edition whose text must never show."""
    source = SourceFactory(title="Closing release")
    sector = SectorFactory(slug="fuzz-sector")
    published = EditionFactory(number=14, year=2023)
    older = EditionFactory(number=13, year=2022)
    for edition in (published, older):
        ReportedFigureFactory(edition=edition, value=Decimal("20000"), qualifier=Qualifier.MORE_THAN, sources=[source])
        ReportedBandFactory(edition=edition, sources=[source])
        ReportedSectorFactory(edition=edition, sector=sector)
    public_project = ProjectFactory(edition=published, sector=sector, source=source, international=True)
    ProjectFactory(edition=older, sector=sector, generated_from=source, is_illustrative=True)

    draft_source = SourceFactory(title="zqxdraftsource release", publisher="zqxdraftsource office")
    draft = EditionFactory(
        number=DRAFT_NUMBER, year=2026, draft=True, name_en="Zqxdraftleak Expo", theme_en="zqxdrafttheme"
    )
    ReportedFigureFactory(edition=draft, value=Decimal("31415926"), sources=[draft_source])
    ReportedBandFactory(edition=draft, sources=[draft_source])
    ReportedSectorFactory(edition=draft, sector=sector)
    draft_project = ProjectFactory(
        edition=draft, sector=sector, source=draft_source, title="Zqxdraftproject", parties="zqxdraftparty Ltd"
    )
    return {
        "int": [str(published.number), str(older.number), str(public_project.pk)],
        "draft_int": [str(DRAFT_NUMBER), str(draft_project.pk)],
        "str": [sector.slug, "international", "RU", "csv"],
    }


# Strategies ---------------------------------------------------------------------------------------

HOSTILE = [
    "' OR '1'='1",
    "1; DROP TABLE editions_edition; --",
    "1 UNION SELECT password FROM auth_user",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "\x00",
    "a\x00b",
    "%00",
    "%",
    "%%",
    "9" * 40,
    "-1",
    "0",
    "-0",
    "1e308",
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "１２",
    "٣",
    "",
    " ",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "../../etc/passwd",
    "\u202eevil",
    "😀",
    "\ud7ff",
    "2023-02-30",
    "9999-99-99",
    "edition__status",
    "-edition__status",
    "status",
    "__class__",
    "pk",
    "-pk",
    "?",
    "#",
    "&",
    "=",
]
SORTS = ["-value", "value", "title", "-title", "edition", "-edition", "signed_on", "-signed_on", "--value", "-"]
EXPORTS = ["csv", "xlsx", "json", "CSV", "pdf", "xls", "csv,json"]
KNOWN_KEYS = [
    "sort",
    "page",
    "per_page",
    "q",
    "edition",
    "sector",
    "scope",
    "partner",
    "band",
    "value_min",
    "value_max",
    "_export",
    "a",
    "b",
    "year",
    "metric",
    "language",
    # The API's own (portal/api/routes.py).
    "stage",
    "basis",
    "page_size",
    "cursor",
]

values = st.one_of(
    st.sampled_from(HOSTILE + SORTS + EXPORTS),
    st.text(max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
# Repeated keys are likely: few distinct keys, several pairs.
query_pairs = st.lists(st.tuples(keys, values), max_size=8)


def segment_strategy(data):
    valid = data["int"] + data["draft_int"] + data["str"]
    return st.one_of(
        st.sampled_from(valid),
        st.sampled_from(HOSTILE),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.text(min_size=1, max_size=30),
    )


# Checking a response ------------------------------------------------------------------------------


def response_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content_type == "application/zip":  # the data package: every file in it
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist())
    if "spreadsheetml" in content_type or body[:2] == b"PK":
        try:
            book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return body.decode("utf-8", errors="replace")
        return "\n".join(
            str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", errors="replace")


def fuzz_check(client, url: str):
    # A page may echo the query; a request that contains a marker itself proves nothing.
    assume(not any(marker.lower() in url.lower() for marker in DRAFT_MARKERS))
    return check(client, url)


def check(client, url: str):
    response = client.get(url)
    assert response.status_code < 500, f"{response.status_code} for {url!r}"
    text = response_text(response).lower()
    for marker in DRAFT_MARKERS:
        assert marker.lower() not in text, f"draft data {marker!r} in {url!r}"
    return response


def fill(path: str, slots: tuple, chosen: list[str]) -> str:
    for (slot, _converter), value in zip(slots, chosen, strict=True):
        path = path.replace(slot, quote(value, safe=""), 1)
    return path


# Tests --------------------------------------------------------------------------------------------


def test_the_fuzzed_urls_cover_the_public_site():
    names = {name for name, _path, _slots in route_templates()}
    assert {"home", "editions:list", "editions:detail", "projects:list", "projects:detail", "healthz"} <= names
    assert not any(name.startswith("admin:") for name in names)
    paths = {path for _name, path, _slots in route_templates()}
    assert "/zh-hans/editions/" in paths and "/healthz" in paths
    # Open data: the API's endpoints and the data package.
    assert {"api-v1:editions", "api-v1:edition", "api-v1:projects", "api-v1:comparison", "data_package"} <= names
    assert {"/api/v1/openapi.json", "/api/v1/docs", "/data/expo-portal.zip"} <= paths


def test_every_public_url_answers_with_valid_and_draft_values(client, site_data):
    for _name, path, slots in route_templates():
        for values_set in (site_data["int"], site_data["draft_int"], site_data["str"]):
            chosen = [values_set[i % len(values_set)] for i in range(len(slots))]
            if slots and any(conv == "IntConverter" for _s, conv in slots) and values_set is site_data["str"]:
                continue
            response = check(client, fill(path, slots, chosen))
            if values_set is site_data["draft_int"] and slots:
                assert response.status_code == 404, f"draft reachable at {path}"


@hypothesis_settings(PROFILE)
@given(data=st.data())
def test_hostile_query_strings_never_cause_a_500_or_leak_a_draft(client, site_data, data):
    _name, path, slots = data.draw(st.sampled_from(route_templates()), label="route")
    chosen = [data.draw(st.sampled_from(site_data["int"] + site_data["str"])) for _ in slots]
    pairs = data.draw(query_pairs, label="query")
    fuzz_check(client, f"{fill(path, slots, chosen)}?{urlencode(pairs)}")


@hypothesis_settings(PROFILE)
@given(data=st.data())
def test_hostile_path_segments_never_cause_a_500_or_leak_a_draft(client, site_data, data):
    _name, path, slots = data.draw(st.sampled_from([r for r in route_templates() if r[2]]), label="route")
    chosen = [data.draw(segment_strategy(site_data), label="segment") for _ in slots]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(KNOWN_KEYS), values), max_size=3), label="query")
    fuzz_check(client, f"{fill(path, slots, chosen)}?{urlencode(pairs)}" if pairs else fill(path, slots, chosen))


@hypothesis_settings(PROFILE)
@given(data=st.data())
def test_hostile_paths_below_public_urls_never_cause_a_500(client, site_data, data):
    _name, path, slots = data.draw(st.sampled_from(route_templates()), label="route")
    base = fill(path, slots, [site_data["int"][0]] * len(slots))
    extra = data.draw(st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), max_size=3))
    raw = data.draw(st.booleans(), label="unquoted")
    tail = "/".join(e if raw else quote(e, safe="") for e in extra)
    assume(not raw or not re.search(r"[#?]", tail))
    url = base.rstrip("/") + "/" + tail if tail else base
    fuzz_check(client, url)
