"""Signing in to the admin lands on a page of this site, whatever the link that led there asked for."""

import pytest
from django.urls import reverse

from tests.staff_helpers import role_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_in(client, next_url: str):
    role_user("Editors", username="editor")
    login_url = reverse("admin:login")
    page = client.get(login_url, {"next": next_url})
    assert page.status_code == 200
    return client.post(
        f"{login_url}?{page.wsgi_request.GET.urlencode()}",
        {"username": "editor", "password": PASSWORD, "next": next_url},
    )


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/admin/", "https:evil.example", "/\\evil.example/", "javascript:alert(1)"],
)
def test_signing_in_with_an_outside_next_lands_on_the_admin_index(client, next_url):
    response = sign_in(client, next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_signing_in_with_a_next_on_this_site_goes_there(client):
    target = reverse("admin:editions_edition_changelist")
    response = sign_in(client, target)
    assert response.status_code == 302 and response["Location"] == target
