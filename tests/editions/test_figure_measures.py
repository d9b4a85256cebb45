"""Staff record what a figure measures (basis, wording, definition), its notes and its primary source,
in the admin and in the figure import."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.imports import IMPORT_FORMATS
from core.vocabulary import Basis
from editions.models import ReportedFigure
from editions.resources import ReportedFigureResource
from tests.factories import EditionFactory, ReportedFigureFactory, SourceFactory, standard_metric
from tests.projects.test_imports import csv_bytes, run_import

pytestmark = pytest.mark.django_db

HEADERS = [
    "edition", "metric", "stage", "value", "qualifier", "basis", "wording_zh", "wording_en", "definition_en",
    "definition_zh", "sources", "public_note_en", "public_note_zh", "research_note",
]  # fmt: skip


@pytest.fixture
def sources():
    return {key: SourceFactory(key=key) for key in ("S1", "S2", "S4")}


def test_an_import_reads_the_basis_from_the_published_words_and_the_first_source_as_primary(sources):
    EditionFactory(number=14, draft=True)
    row = [
        14, "signed_value", "closing", "844.75亿", "exact", "引资额", "引资额", "investment attracted", "", "",
        "S4; S2; S1", "Investment attracted, as the release worded it.", "按公报措辞为引资额。", "S1 rounds to 84.48.",
    ]  # fmt: skip
    result = run_import(ReportedFigureResource, csv_bytes(HEADERS, [row]), IMPORT_FORMATS[0], dry_run=False)
    assert result.totals["new"] == 1, list(result.invalid_rows)
    figure = ReportedFigure.objects.get()
    assert (figure.value, figure.basis, figure.wording_zh) == (
        Decimal("84475000000"),
        Basis.INVESTMENT_ATTRACTED,
        "引资额",
    )
    assert figure.primary_source.key == "S4"
    assert [source.key for source in figure.ordered_sources()] == ["S4", "S1", "S2"]
    assert (figure.public_note_zh, figure.research_note) == ("按公报措辞为引资额。", "S1 rounds to 84.48.")


def test_an_export_lists_the_primary_source_first(sources):
    figure = ReportedFigureFactory(sources=[sources["S1"], sources["S2"], sources["S4"]], primary_source=sources["S4"])
    exported = ReportedFigureResource().export(queryset=ReportedFigure.objects.filter(pk=figure.pk))
    assert exported.dict[0]["sources"] == "S4, S1, S2"


def test_an_unknown_basis_is_refused_with_a_sentence(sources):
    EditionFactory(number=14, draft=True)
    row = [14, "signed_value", "closing", "5", "exact", "gross", "", "", "", "", "S1", "", "", ""]
    result = run_import(ReportedFigureResource, csv_bytes(HEADERS, [row]), IMPORT_FORMATS[0], dry_run=False)
    assert ReportedFigure.objects.count() == 0
    from core.imports import import_error_lines

    assert any("unknown basis 'gross'" in line for line in import_error_lines(result)), import_error_lines(result)


def test_the_admin_saves_basis_definition_and_notes_and_adds_the_primary_source_to_the_sources(admin_client, sources):
    figure = ReportedFigureFactory(metric=standard_metric("senior_officials"), sources=[sources["S1"]])
    url = reverse("admin:editions_reportedfigure_change", args=[figure.pk])
    response = admin_client.post(
        url,
        {
            "edition": figure.edition.pk,
            "metric": figure.metric.pk,
            "value": "13",
            "qualifier": "exact",
            "stage": "closing",
            "basis": "",
            "wording_zh": "",
            "wording_en": "",
            "definition_en": "deputy-minister level and above only",
            "definition_zh": "仅副部级以上",
            "primary_source": sources["S2"].pk,
            "sources": [sources["S1"].pk],
            "public_note_en": "Attending in person.",
            "public_note_zh": "现场出席。",
            "research_note": "S2 only.",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.definition_en == "deputy-minister level and above only"
    assert [source.key for source in figure.ordered_sources()] == ["S2", "S1"]
    assert figure.research_note == "S2 only."


def test_a_public_note_with_a_bare_reference_is_refused_by_the_import_and_the_admin(admin_client, sources):
    from core.imports import import_error_lines

    EditionFactory(number=14, draft=True)
    row = [14, "participants", "closing", "5", "exact", "", "", "", "", "", "S1", "S1 says 6.", "", ""]
    result = run_import(ReportedFigureResource, csv_bytes(HEADERS, [row]), IMPORT_FORMATS[0], dry_run=False)
    assert ReportedFigure.objects.count() == 0
    assert (
        "Row 2: public_note_en: Cite a source in brackets, as [S1], so that readers get a link to it; "
        "the reference alone means nothing to them."
    ) in import_error_lines(result)

    figure = ReportedFigureFactory(sources=[sources["S1"]])
    response = admin_client.post(
        reverse("admin:editions_reportedfigure_change", args=[figure.pk]),
        {
            "edition": figure.edition.pk, "metric": figure.metric.pk, "value": "5", "qualifier": "exact",
            "stage": "closing", "sources": [sources["S1"].pk], "public_note_en": "Also 6 [S99].",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["public_note_en"] == [
        "The note cites S99, which is not a source: add the source first or correct it."
    ]
    figure.refresh_from_db()
    assert figure.public_note_en == ""


def test_an_import_maps_each_published_sector_name_to_a_canonical_sector_and_remembers_it(sources):
    from core.imports import import_error_lines
    from editions.models import ReportedSector, Sector
    from editions.resources import ReportedSectorResource

    EditionFactory(number=13, draft=True)
    EditionFactory(number=16, draft=True)
    headers = ["edition", "position", "published_name_en", "published_name_zh", "sector", "sources"]
    first = [[13, 3, "medical and elderly care", "医疗养老", "Healthcare", "S1"]]
    result = run_import(ReportedSectorResource, csv_bytes(headers, first), IMPORT_FORMATS[0], dry_run=False)
    assert result.totals["new"] == 1, import_error_lines(result, ReportedSectorResource())
    # A later release publishing the same name needs no canonical sector: the mapping is remembered.
    later = [[16, 1, "Medical and Elderly Care", "", "", "S2"], [16, 2, "quantum farming", "", "", "S2"]]
    result = run_import(ReportedSectorResource, csv_bytes(headers, later), IMPORT_FORMATS[0], dry_run=False)
    assert "Row 3: unknown sector 'quantum farming'" in " ".join(import_error_lines(result, ReportedSectorResource()))
    assert not ReportedSector.objects.filter(edition__number=16).exists()  # a file with a bad row imports nothing
    result = run_import(ReportedSectorResource, csv_bytes(headers, later[:1]), IMPORT_FORMATS[0], dry_run=False)
    assert result.totals["new"] == 1, import_error_lines(result, ReportedSectorResource())
    named = ReportedSector.objects.get(edition__number=16)
    assert (named.sector, named.published_name_en) == (
        Sector.objects.get(slug="healthcare"),
        "Medical and Elderly Care",
    )
