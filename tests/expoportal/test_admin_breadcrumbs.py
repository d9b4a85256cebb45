"""The admin's own pages draw their breadcrumbs as Django's admin does, on their dark band."""

from pathlib import Path

from django.conf import settings


def test_every_admin_template_writes_its_breadcrumbs_as_the_admin_styles_them():
    # Django's admin CSS styles `ol.breadcrumbs`; a `div.breadcrumbs` sits flush left without its background.
    templates = [path for folder in settings.TEMPLATES[0]["DIRS"] for path in Path(folder).rglob("admin/**/*.html")]
    assert templates
    written_as_div = [
        str(path) for path in templates if 'class="breadcrumbs"' in path.read_text() and "<ol" not in path.read_text()
    ]
    assert written_as_div == []
