"""The import templates' example rows carry a source reference (S0) and a metric code (example) that no record
may have, so a template uploaded untouched imports nothing; the admin forms refuse them as well."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from editions.models import Metric, Source

pytestmark = pytest.mark.django_db


def source_data(key):
    return {"key": key, "publisher": "Expo office", "url": "https://example.org/a.html", "language": "zh"}


def metric_data(code):
    return {"code": code, "name_en": "Visitors", "unit": "count", "position": "100"}


@pytest.mark.parametrize("key", ["S0", "s0"])
def test_source_form_refuses_the_templates_example_reference(admin_client, key):
    response = admin_client.post(reverse("admin:editions_source_add"), source_data(key))
    assertContains(
        response, f"{key} is the reference of the import template&#x27;s example row; choose another reference."
    )
    assert not Source.objects.filter(key__iexact="S0").exists()


def test_source_form_accepts_another_reference(admin_client):
    response = admin_client.post(reverse("admin:editions_source_add"), source_data("S01"))
    assert response.status_code == 302
    assert Source.objects.filter(key="S01").exists()


@pytest.mark.parametrize("code", ["example", "Example"])
def test_metric_form_refuses_the_templates_example_code(admin_client, code):
    response = admin_client.post(reverse("admin:editions_metric_add"), metric_data(code))
    assertContains(response, f"“{code}” is the code of the import template&#x27;s example row; choose another code.")
    assert not Metric.objects.filter(code__iexact="example").exists()


def test_metric_form_accepts_another_code(admin_client):
    response = admin_client.post(reverse("admin:editions_metric_add"), metric_data("examples"))
    assert response.status_code == 302
    assert Metric.objects.filter(code="examples").exists()
