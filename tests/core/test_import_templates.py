"""The template of every import, downloaded and uploaded untouched, imports nothing: its example row is refused
with a sentence, even where every other cell of it names things that exist (a published edition, a source)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from editions.models import Edition, Metric, ReportedBand, ReportedFigure, ReportedSector, Sector, Source, SpanFigure
from projects.models import Project
from tests.factories import EditionFactory, SourceFactory
from tests.staff_helpers import login, role_user

pytestmark = pytest.mark.django_db

IMPORTS = [("projects", "project", Project), ("editions", "reportedfigure", ReportedFigure)]
IMPORTS += [("editions", "reportedsector", ReportedSector), ("editions", "spanfigure", SpanFigure)]
IMPORTS += [("editions", "reportedband", ReportedBand), ("editions", "edition", Edition)]
IMPORTS += [("editions", "source", Source), ("editions", "metric", Metric)]
EXAMPLE_SENTENCE = (
    "Row 2: this is the template&#x27;s example row (edition 0): replace it with your own data, giving your "
    "edition&#x27;s number, or delete it"
)
# Sources and metrics belong to no edition: their example rows carry a key no record may have.
EXAMPLE_SENTENCES = {
    "source": "Row 2: this is the template&#x27;s example row (source S0): replace it with your own data, or delete it",
    "metric": (
        "Row 2: this is the template&#x27;s example row (metric example): replace it with your own data, or delete it"
    ),
}


@pytest.fixture
def everything_the_examples_name():
    """What the example rows used to name: with it, an example row naming edition 14 or 13 was importable."""
    for key in ("S1", "S13"):
        SourceFactory(key=key)
    for number in (13, 14):
        EditionFactory(number=number)
    for slug, name in (("new-energy", "New energy"), ("healthcare", "Healthcare")):
        Sector.objects.get_or_create(slug=slug, defaults={"name_en": name, "name_zh": name})


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize(("app", "model", "model_class"), IMPORTS)
def test_an_untouched_template_imports_nothing(
    client, everything_the_examples_name, app, model, model_class, extension
):
    login(client, role_user(None))
    template = client.get(reverse(f"admin:{app}_{model}_import_template", args=[extension]))
    assert template.status_code == 200
    before = model_class.objects.count()

    preview = client.post(
        reverse(f"admin:{app}_{model}_import"),
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(f"template.{extension}", template.content)},
    )

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    assert EXAMPLE_SENTENCES.get(model, EXAMPLE_SENTENCE) in preview.content.decode()
    assert model_class.objects.count() == before
    assert not Edition.objects.filter(number=0).exists()
    assert not Source.objects.filter(key="S0").exists()
    assert not Metric.objects.filter(code="example").exists()
