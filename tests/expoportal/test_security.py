"""Production settings, security headers, the error pages and the content security policy."""

import os
import re
import runpy
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.test import override_settings
from django.urls import path
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from expoportal import urls as site_urls
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "expo.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_PROXY": "1",
}


def settings_under(monkeypatch, env: dict[str, str]) -> dict:
    """The settings module's values when it is read with only `env` (plus the path) in the environment."""
    for name in list(os.environ):
        if name not in {"PATH", "HOME", "LANG", "DATABASE_URL"}:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "expoportal" / "settings.py"))


def deploy_warnings(values: dict) -> set[str]:
    """The ids of Django's deployment checks that fail under these settings (what `check --deploy` reports)."""
    # Every setting but those that configure the test run itself (its databases, caches and apps).
    names = [name for name in values if name.isupper() and name not in {"DATABASES", "CACHES", "INSTALLED_APPS"}]
    with override_settings(**{name: values[name] for name in names}):
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return {message.id for message in found}


def test_the_production_variables_pass_every_deployment_check(monkeypatch):
    assert deploy_warnings(settings_under(monkeypatch, PRODUCTION_ENV)) == set()


def test_the_deployment_checks_fail_when_https_settings_are_left_out(monkeypatch):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECURE_SSL_REDIRECT"}
    assert deploy_warnings(settings_under(monkeypatch, env)) == {"security.W008"}


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        settings_under(monkeypatch, {"ALLOWED_HOSTS": "expo.example.org"})


def test_debug_is_off_unless_asked_for(monkeypatch):
    assert settings_under(monkeypatch, PRODUCTION_ENV)["DEBUG"] is False
    assert settings_under(monkeypatch, {"DEBUG": "1"})["DEBUG"] is True
    assert settings_under(monkeypatch, {**PRODUCTION_ENV, "DEBUG": "0"})["DEBUG"] is False


def test_cookies_are_secure_and_http_only_when_debug_is_off():
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_pages_carry_the_security_headers(client):
    response = client.get("/en/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_carry_the_security_headers_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_admin_login_needs_no_inline_script_or_style(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert_no_inline_script_or_style(response.content.decode(), "/admin/login/")


def test_admin_index_needs_no_inline_script_or_style(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert_no_inline_script_or_style(response.content.decode(), "/admin/")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_http_is_redirected_to_https_when_switched_on_except_the_health_check(client):
    response = client.get("/en/editions/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/editions/"
    assert client.get("/healthz").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_behind_the_proxy_is_recognised_and_gets_hsts(client):
    response = client.get("/en/editions/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# Pages must not need inline code: the policy would block it in the browser while tests pass.
INLINE_PATTERNS = {
    "inline <script> without src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE),
}


def assert_no_inline_script_or_style(html: str, where: str):
    for what, pattern in INLINE_PATTERNS.items():
        match = pattern.search(html)
        assert match is None, f"{where}: {what} near {html[max(match.start() - 60, 0) : match.end() + 60]!r}"


def project_templates() -> list[Path]:
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return sorted(p for root in roots if ".venv" not in root.parts for p in root.rglob("*.html"))


def test_project_templates_need_no_inline_script_or_style():
    templates = project_templates()
    assert len(templates) >= 10
    for template in templates:
        source = template.read_text(encoding="utf-8")
        # A JSON data island (<script type="application/json">) is data, not code: the policy allows it.
        source = re.sub(r"<script[^>]*application/json[^>]*>.*?</script>", "", source, flags=re.S | re.I)
        assert_no_inline_script_or_style(source, str(template.relative_to(BASE_DIR)))


# Error pages -------------------------------------------------------------------------------------


def raise_permission_denied(request):
    raise PermissionDenied("internal detail: role check failed in secret_module")


def raise_suspicious(request):
    raise SuspiciousOperation("internal detail: tampered signature in secret_module")


def raise_error(request):
    raise RuntimeError("internal detail: secret_module exploded at line 42")


class errors_urlconf:  # noqa: N801 - stands in for a URLconf module
    """The site's URLs plus views that fail on purpose."""

    urlpatterns = [
        path("boom/403/", raise_permission_denied),
        path("boom/400/", raise_suspicious),
        path("boom/500/", raise_error),
        *site_urls.urlpatterns,
    ]
    handler500 = site_urls.handler500


def assert_reveals_nothing_internal(response):
    body = response.content.decode()
    for secret in ("secret_module", "Traceback", "internal detail", "settings", "SECRET_KEY", "line 42"):
        assert secret not in body


def test_404_page_is_friendly_in_the_site_style(client):
    response = client.get("/en/editions/99999/")
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertTemplateUsed(response, "base.html")
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, 'href="/en/editions/"', status_code=404)


def test_404_for_a_draft_edition_looks_like_any_missing_page(client):
    draft = EditionFactory(draft=True, name_en="Unannounced Expo")
    response = client.get(draft.get_absolute_url())
    assertContains(response, "Page not found", status_code=404)
    assertNotContains(response, "Unannounced", status_code=404)


def test_404_in_chinese_keeps_the_language_prefix_working(client):
    response = client.get("/zh-hans/editions/99999/")
    assert response.status_code == 404
    assertContains(response, 'lang="zh-hans"', status_code=404)


@override_settings(ROOT_URLCONF=errors_urlconf)
def test_403_page_is_friendly_and_reveals_nothing(client):
    response = client.get("/boom/403/")
    assertContains(response, "Access denied", status_code=403)
    assertTemplateUsed(response, "403.html")
    assert_reveals_nothing_internal(response)


@override_settings(ROOT_URLCONF=errors_urlconf)
def test_400_page_is_friendly_and_reveals_nothing(client):
    response = client.get("/boom/400/")
    assertContains(response, "Bad request", status_code=400)
    assert_reveals_nothing_internal(response)


def test_disallowed_host_gets_the_400_page(client):
    response = client.get("/en/", headers={"host": "attacker.example"})
    assertContains(response, "Bad request", status_code=400)


@override_settings(ROOT_URLCONF=errors_urlconf)
def test_500_page_is_standalone_and_reveals_nothing(client, caplog):
    client.raise_request_exception = False
    response = client.get("/boom/500/")
    assert response.status_code == 500
    assertContains(response, "Something went wrong", status_code=500)
    assertContains(response, "/static/css/portal.css", status_code=500)
    assert_reveals_nothing_internal(response)
    # The details go to the log, not the page.
    assert any("secret_module" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_500_and_503_templates_do_not_extend_the_base_template():
    for name in ("500.html", "503.html"):
        source = (BASE_DIR / "templates" / name).read_text(encoding="utf-8")
        assert "{% extends" not in source
        assert "{% url" not in source
        assert "request" not in source.replace("{% comment %}", "").split("{% endcomment %}")[-1]
