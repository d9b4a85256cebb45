"""The bench's floors: the framework's minimal answer, and the same with a table page's worth of bytes."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_page_sized_floor_sends_as_many_bytes_as_a_page_of_the_table_and_reads_nothing(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        small = client.get("/bench/floor/")
        page_sized = client.get("/bench/floor/page-sized/")
    assert small.status_code == page_sized.status_code == 200
    assert small.content.decode().endswith("<p>floor</p></html>")
    # A page of the projects table at 50 rows is 51 KB (bench/README.md, "Why a repeat visit is not at the floor").
    assert 50_000 <= len(page_sized.content) <= 53_000
    assert page_sized["Content-Type"] == small["Content-Type"]
