"""Sources, metrics, value bands and editions import on their own through the admin, as Data entry and as an
Editor: a preview, then the confirmation writes the rows; data entry cannot change published data; the export
gives the rows back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from editions.models import Edition, Metric, ReportedBand, Source
from tests.factories import EditionFactory, ReportedBandFactory, ReportedFigureFactory, SourceFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

ROLES = ["Data entry", "Editors"]


def csv_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def preview(client, model: str, rows: list[dict]):
    return client.post(
        reverse(f"admin:editions_{model}_import"),
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(f"{model}s.csv", csv_file(rows))},
    )


def confirm(client, model: str, previewed):
    form = previewed.context["confirm_form"]
    return client.post(
        reverse(f"admin:editions_{model}_process_import"),
        {name: form.initial.get(name, "") for name in form.fields},
        follow=True,
    )


def import_file(client, model: str, rows: list[dict]):
    previewed = preview(client, model, rows)
    assert previewed.status_code == 200
    assert "confirm_form" in previewed.context, previewed.context.get("error_lines")
    done = confirm(client, model, previewed)
    assertContains(done, "Import finished")
    return done


def exported(client, model: str) -> list[dict]:
    """The changelist's CSV export, as staff download it."""
    url = reverse(f"admin:editions_{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if field.initial is True}
    response = client.post(url, {**data, "format": "0", "resource": "0"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


SOURCE_ROWS = [
    {
        "key": "S90",
        "title": "Closing press release of the 16th expo",
        "title_zh": "第十六届东北亚博览会闭幕",
        "publisher": "Jilin Daily",
        "publisher_zh": "吉林日报",
        "url": "https://news.example.org/s90.html",
        "published_on": "2025/9/1",
        "language": "zh",
    },
    {
        "key": "S91",
        "title": "",
        "title_zh": "",
        "publisher": "Xinhua",
        "publisher_zh": "",
        "url": "https://news.example.org/s91.html",
        "published_on": "",
        "language": "en",
    },
]


@pytest.mark.parametrize("role", ROLES)
def test_sources_preview_then_confirm_then_export(client, role):
    login(client, role_user(role))
    previewed = preview(client, "source", SOURCE_ROWS)
    assertContains(previewed, "Confirm import")
    assert not Source.objects.filter(key__in=["S90", "S91"]).exists()

    import_file(client, "source", SOURCE_ROWS)

    s90 = Source.objects.get(key="S90")
    assert (s90.publisher, s90.publisher_zh, s90.published_on, s90.language) == (
        "Jilin Daily",
        "吉林日报",
        datetime.date(2025, 9, 1),
        "zh",
    )
    assert Source.objects.get(key="S91").published_on is None
    rows = {row["key"]: row for row in exported(client, "source")}
    assert rows["S90"] == {**SOURCE_ROWS[0], "published_on": "2025-09-01"}
    assert rows["S91"] == SOURCE_ROWS[1]


def test_data_entry_cannot_change_a_source_that_published_figures_cite(client):
    cited = SourceFactory(key="S90", publisher="Jilin Daily")
    ReportedFigureFactory(edition=EditionFactory(number=14), sources=[cited])
    login(client, role_user("Data entry"))

    previewed = preview(client, "source", [{**SOURCE_ROWS[0], "publisher": "Someone else"}, SOURCE_ROWS[1]])

    assert "confirm_form" not in previewed.context
    assertContains(previewed, "Row 2: source S90 is cited by published figures or projects; only editors can change it")
    cited.refresh_from_db()
    assert cited.publisher == "Jilin Daily"
    assert not Source.objects.filter(key="S91").exists()


def test_data_entry_may_send_a_cited_source_back_unchanged(client):
    login(client, role_user("Editors"))
    import_file(client, "source", SOURCE_ROWS[:1])
    ReportedFigureFactory(edition=EditionFactory(number=14), sources=[Source.objects.get(key="S90")])
    login(client, role_user("Data entry"))

    import_file(client, "source", [SOURCE_ROWS[0], SOURCE_ROWS[1]])

    assert Source.objects.filter(key="S91").exists()


def test_an_editor_changes_a_cited_source(client):
    cited = SourceFactory(key="S90", publisher="Jilin Daily")
    ReportedFigureFactory(edition=EditionFactory(number=14), sources=[cited])
    login(client, role_user("Editors"))

    import_file(client, "source", [{**SOURCE_ROWS[0], "publisher": "Jilin Daily Press Group"}])

    cited.refresh_from_db()
    assert cited.publisher == "Jilin Daily Press Group"


def test_a_bad_source_url_is_a_sentence(client):
    login(client, role_user("Data entry"))
    previewed = preview(client, "source", [{**SOURCE_ROWS[0], "url": "news.example.org"}])
    assertContains(
        previewed,
        "Row 2: url must be a web address such as https://example.org/release.html (got &#x27;news.example.org&#x27;)",
    )
    assert not Source.objects.filter(key="S90").exists()


# -- value bands ----------------------------------------------------------------------------------------------

BAND_ROWS = [
    {"edition": "16", "lower_yuan": "1亿", "upper_yuan": "", "count": "12", "is_nested": "yes", "sources": "S2, S1"},
    {
        "edition": "16",
        "lower_yuan": "0",
        "upper_yuan": "100,000,000",
        "count": "40",
        "is_nested": "no",
        "sources": "S1",
    },
]


@pytest.fixture
def band_sources():
    return [SourceFactory(key="S1"), SourceFactory(key="S2")]


@pytest.mark.parametrize("role", ROLES)
def test_bands_preview_then_confirm_then_export(client, band_sources, role):
    draft = EditionFactory(number=16, draft=True)
    login(client, role_user(role))

    import_file(client, "reportedband", BAND_ROWS)

    over, under = ReportedBand.objects.filter(edition=draft).order_by("-lower_yuan")
    assert (over.lower_yuan, over.upper_yuan, over.count, over.is_nested) == (Decimal("100000000"), None, 12, True)
    assert over.primary_source.key == "S2"
    assert [source.key for source in over.ordered_sources()] == ["S2", "S1"]
    assert (under.lower_yuan, under.upper_yuan, under.count, under.is_nested) == (
        Decimal("0"),
        Decimal("100000000"),
        40,
        False,
    )
    rows = sorted(exported(client, "reportedband"), key=lambda row: Decimal(row["lower_yuan"]))
    assert [(row["lower_yuan"], row["upper_yuan"], row["count"], row["sources"]) for row in rows] == [
        ("0", "100000000", "40", "S1"),
        ("100000000", "", "12", "S2, S1"),
    ]
    # Sent back, the export changes nothing.
    import_file(client, "reportedband", rows)
    assert ReportedBand.objects.filter(edition=draft).count() == 2


def test_a_band_file_names_the_same_band_once(client, band_sources):
    EditionFactory(number=16, draft=True)
    login(client, role_user("Data entry"))
    previewed = preview(client, "reportedband", [BAND_ROWS[0], {**BAND_ROWS[0], "lower_yuan": "100000000"}])
    assertContains(previewed, "Row 3: same edition and lower bound as row 2; each may appear only once in a file")
    assert not ReportedBand.objects.exists()


def test_data_entry_cannot_add_bands_to_a_published_edition(client, band_sources):
    published = EditionFactory(number=16)
    kept = ReportedBandFactory(edition=published, lower_yuan=Decimal("500000000"), upper_yuan=None, count=3)
    login(client, role_user("Data entry"))

    previewed = preview(client, "reportedband", BAND_ROWS)

    assert "confirm_form" not in previewed.context
    assertContains(previewed, "Row 2: edition 16 is published; only editors can change its data")
    assert list(ReportedBand.objects.all()) == [kept]


def test_an_editor_adds_bands_to_a_published_edition(client, band_sources):
    published = EditionFactory(number=16)
    login(client, role_user("Editors"))
    import_file(client, "reportedband", BAND_ROWS)
    assert published.reported_bands.count() == 2


# -- metrics ----------------------------------------------------------------------------------------------

METRIC_ROWS = [
    {
        "code": "outdoor_area",
        "name_en": "Outdoor exhibition area",
        "name_zh": "室外展览面积",
        "unit": "m2",
        "position": "55",
        "is_main": "no",
        "definition_en": "Outdoor exhibition space.",
        "definition_zh": "室外展览面积。",
        "description": "",
    }
]


def test_an_editor_imports_metrics_and_exports_them(client):
    login(client, role_user("Editors"))
    import_file(client, "metric", METRIC_ROWS)

    metric = Metric.objects.get(code="outdoor_area")
    assert (metric.name_zh, metric.unit, metric.position, metric.is_main) == ("室外展览面积", "m2", 55, False)
    row = next(row for row in exported(client, "metric") if row["code"] == "outdoor_area")
    assert row == METRIC_ROWS[0]


def test_data_entry_imports_no_metrics_as_it_changes_none(client):
    # Metrics are the editors' (Data entry only views their form): so is their import.
    login(client, role_user("Data entry"))
    assert client.get(reverse("admin:editions_metric_import")).status_code == 403
    assert client.get(reverse("admin:editions_metric_import_template", args=["csv"])).status_code == 403
    assert not Metric.objects.filter(code="outdoor_area").exists()


def test_a_metric_code_that_is_no_slug_is_a_sentence(client):
    login(client, role_user("Editors"))
    previewed = preview(client, "metric", [{**METRIC_ROWS[0], "code": "outdoor area"}])
    assertContains(previewed, "Row 2: code may hold only letters, digits, - and _ (got &#x27;outdoor area&#x27;)")
    assert not Metric.objects.filter(name_en="Outdoor exhibition area").exists()


# -- editions ---------------------------------------------------------------------------------------------

EDITION_ROW = {
    "number": "16",
    "year": "2025",
    "start_date": "2025-08-28",
    "end_date": "2025-09-01",
    "name_zh": "第十六届中国—东北亚博览会",
    "name_en": "China-Northeast Asia Expo",
    "theme_zh": "",
    "theme_en": "",
    "city": "Changchun",
    "city_zh": "长春",
    "venue": "",
    "venue_zh": "",
    "notes": "",
    "notes_zh": "",
    "research_note": "",
}


def data_entry_that_may_add_editions():
    """Data entry as the role now is: it adds draft editions and changes drafts (editions migration 0012)."""
    return role_user("Data entry")


@pytest.mark.parametrize("make_user", [data_entry_that_may_add_editions, lambda: role_user("Editors")])
def test_editions_preview_then_confirm_make_drafts_then_export(client, make_user):
    login(client, make_user())
    import_file(client, "edition", [EDITION_ROW])

    edition = Edition.objects.get(number=16)
    assert edition.status == "draft"
    assert (edition.year, edition.start_date, edition.city_zh) == (2025, datetime.date(2025, 8, 28), "长春")
    row = next(row for row in exported(client, "edition") if row["number"] == "16")
    assert row == EDITION_ROW


def test_an_import_never_sets_a_status(client):
    login(client, role_user("Editors"))
    previewed = preview(client, "edition", [{**EDITION_ROW, "status": "published"}])
    assertContains(previewed, "Unknown column &#x27;status&#x27;")
    assert not Edition.objects.filter(number=16).exists()


def test_data_entry_cannot_change_a_published_edition(client):
    published = EditionFactory(number=16, city="Changchun")
    login(client, data_entry_that_may_add_editions())

    previewed = preview(client, "edition", [{**EDITION_ROW, "city": "Harbin"}, {**EDITION_ROW, "number": "17"}])

    assert "confirm_form" not in previewed.context
    assertContains(previewed, "Row 2: edition 16 is published; only editors can change it")
    published.refresh_from_db()
    assert published.city == "Changchun"
    assert not Edition.objects.filter(number=17).exists()


def test_staff_without_the_edition_permissions_import_no_editions(client):
    from tests.factories import UserFactory

    login(client, UserFactory(is_staff=True))
    assert client.get(reverse("admin:editions_edition_import")).status_code == 403


def test_an_editor_changes_a_published_edition_and_it_stays_published(client):
    published = EditionFactory(number=16, city="Changchun")
    version = published.version
    login(client, role_user("Editors"))

    import_file(client, "edition", [{**EDITION_ROW, "city": "Harbin"}])

    published.refresh_from_db()
    assert (published.city, published.status) == ("Harbin", "published")
    assert published.version == version + 1


@pytest.mark.parametrize("model", ["source", "metric", "reportedband", "edition"])
def test_each_changelist_offers_its_import(client, model):
    login(client, role_user("Editors"))
    response = client.get(reverse(f"admin:editions_{model}_changelist"))
    assertContains(response, f"href='{reverse(f'admin:editions_{model}_import')}' class=\"import_link\"")
    assert client.get(reverse(f"admin:editions_{model}_import")).status_code == 200
