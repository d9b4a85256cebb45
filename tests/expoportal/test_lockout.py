"""Staff sign-in: repeated failures lock the account out (django-axes), even for the right password."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from pytest_django.asserts import assertContains

from expoportal.middleware import client_ip
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

RIGHT_PASSWORD = "correct horse battery staple"
LOGIN_URL = "/admin/login/?next=/admin/"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def fail(client, username, times, address="203.0.113.7"):
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address)
        assert response.status_code in {200, 429}


def test_the_right_password_signs_in(client):
    staff = SuperuserFactory()
    response = sign_in(client, staff.username, RIGHT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_four_failures_still_let_the_right_password_in(client):
    staff = SuperuserFactory()
    fail(client, staff.username, 4)
    assert sign_in(client, staff.username, RIGHT_PASSWORD).status_code == 302


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_message(client):
    staff = SuperuserFactory()
    fail(client, staff.username, 5)
    response = sign_in(client, staff.username, RIGHT_PASSWORD)
    assert response.status_code == 429
    assertContains(response, "Sign-in locked", status_code=429)
    assertContains(response, "after 5 failed sign-in attempts", status_code=429)
    assertContains(response, "even the right password is refused", status_code=429)
    # Not signed in: the admin still asks for a login.
    assert client.get("/admin/").status_code == 302


def test_the_lockout_page_does_not_echo_markup_from_the_user_name(client):
    name = "<script>alert(1)</script>"
    fail(client, name, 5)
    response = sign_in(client, name, "anything")
    assert response.status_code == 429
    assert b"<script>alert(1)" not in response.content


def test_a_lockout_is_for_that_user_from_that_address_only(client):
    locked, colleague = SuperuserFactory(), SuperuserFactory()
    fail(client, locked.username, 5)
    assert sign_in(client, colleague.username, RIGHT_PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, locked.username, RIGHT_PASSWORD, address="198.51.100.20").status_code == 302


def test_a_successful_sign_in_clears_the_failure_count(client):
    staff = SuperuserFactory()
    fail(client, staff.username, 4)
    assert sign_in(client, staff.username, RIGHT_PASSWORD).status_code == 302
    client.logout()
    fail(client, staff.username, 4)
    assert sign_in(client, staff.username, RIGHT_PASSWORD).status_code == 302


@pytest.mark.parametrize("run", ["first", "second"])
def test_lockouts_do_not_leak_into_other_tests(client, run):
    # Whichever runs second proves the first one's lockout was rolled back with its test.
    assert AccessAttempt.objects.count() == 0
    staff = SuperuserFactory(username="leak-check")
    fail(client, staff.username, 5)
    assert sign_in(client, staff.username, RIGHT_PASSWORD).status_code == 429


def test_force_login_in_tests_is_not_affected(staff_client):
    assert staff_client.get("/admin/").status_code == 200


def test_client_address_is_the_peer_unless_behind_the_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    # The proxy appends the address it saw; what the client put in front is not trusted.
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_comes_from_the_settings(client):
    staff = SuperuserFactory()
    fail(client, staff.username, 2)
    assert sign_in(client, staff.username, RIGHT_PASSWORD).status_code == 429
