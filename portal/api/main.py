"""The open data API, /api/v1/ (django-ninja): the endpoints of portal/api/routes.py, with JSON errors.

Errors are JSON and never a 500: a bad parameter is a 400 ``{"error": …, "parameter": "<name>"}`` (ninja's own
validation answer, a 422 listing pydantic's details, is replaced), a draft or a missing edition a 404
``{"error": …}``. Every endpoint and the schema answer with the HTTP caching and CORS of portal/api/http.py.
"""

from django.http import Http404
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from portal.api.docs import PortalDocs
from portal.api.http import open_data
from portal.api.rendering import OpenDataRenderer
from portal.api.routes import BadParameter, NotPublished, router

DESCRIPTION = """Read-only open data of the Expo Portal: the published editions, their headline figures with \
qualifier, stage, basis and sources, the signed projects, sectors, metrics, sources and comparisons of two \
editions. Only published data; values in base units (yuan), names in English and Chinese (`name_en`, `name_zh`).
The whole data set, with its sources and notes, is also one download: /data/expo-portal.zip."""


class OpenDataAPI(NinjaAPI):
    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            # Every answer but the documentation page (which follows the reader's language) is the same for
            # everyone while the data is unchanged.
            if isinstance(pattern, URLPattern) and pattern.name != "openapi-view":
                pattern.callback = open_data(pattern.callback)
        return patterns


api = OpenDataAPI(
    title="Expo Portal open data",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=PortalDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=OpenDataRenderer(),
)
api.add_router("/", router)


def _parameter_of(error: dict) -> str | None:
    location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    # ("query", "page_size") for a query parameter, ("path", "number") for a path one.
    names = [part for part in location if part not in ("query", "path", "query", "filters")]
    return names[0] if names else None


def _reason(error: dict) -> str:
    """Why a value was refused, in the reader's language for the usual cases (else pydantic's English words)."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("use a whole number")
    if kind in ("decimal_parsing", "decimal_type", "finite_number", "decimal_max_digits", "decimal_whole_digits"):
        return _("use a number such as 250000000")
    if kind == "less_than_equal" and "le" in context:
        return _("use at most %(limit)s") % {"limit": context["le"]}
    if kind == "greater_than_equal" and "ge" in context:
        return _("use at least %(limit)s") % {"limit": context["ge"]}
    if kind == "literal_error" and "expected" in context:
        return _("use one of %(choices)s") % {"choices": context["expected"]}
    if kind == "string_too_long" and "max_length" in context:
        return _("use at most %(limit)s characters") % {"limit": context["max_length"]}
    return str(error.get("msg", "")).rstrip(".")


@api.exception_handler(ValidationError)
def bad_parameter_answer(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    parameter = _parameter_of(first)
    reason = _reason(first)
    if parameter is None:
        message = _("The request's parameters are not valid.")
    else:
        message = _("The value of “%(parameter)s” is not valid: %(reason)s.") % {
            "parameter": parameter,
            "reason": reason,
        }
    return api.create_response(request, {"error": message, "parameter": parameter}, status=400)


@api.exception_handler(BadParameter)
def refused_parameter_answer(request, exc: BadParameter):
    return api.create_response(request, {"error": exc.message, "parameter": exc.parameter}, status=400)


@api.exception_handler(Http404)
def not_found_answer(request, exc: Http404):
    if isinstance(exc, NotPublished):
        return api.create_response(request, {"error": str(exc), "parameter": exc.parameter}, status=404)
    return api.create_response(request, {"error": _("There is nothing at this address.")}, status=404)


def no_such_endpoint(request, rest: str = ""):
    """Any other address under /api/: a JSON 404 (a program reading the API gets JSON, not the HTML page)."""
    return api.create_response(request, {"error": _("There is nothing at this address.")}, status=404)


@api.exception_handler(HttpError)
def http_error_answer(request, exc: HttpError):
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)
