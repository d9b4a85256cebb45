"""The public pages the browser tests visit: every named URL of the site from the resolver (but the admin's and
the few that are not public), each with example values from the demo data, plus a few variants.

A new page is visited without anything to register here; a new URL parameter needs an example value in
EXAMPLES (the test says so).
"""

from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

LANGUAGES = ("en", "zh-hans")

# Named URLs that are not public pages: the language switch's form target, the monitors' health check, and the
# staff preview of a draft.
NOT_PUBLIC = {"set_language", "healthz", "editions:preview"}
# Not pages either: the open data API's JSON answers and the data package's zip (tests/portal/test_api.py and
# test_data_package.py check them); the API's documentation page is a page and is visited.
NOT_PUBLIC |= {
    f"api-v1:{name}"
    for name in ("index", "api-root", "openapi-json", "editions", "edition", "figures", "projects", "sectors")
} | {"api-v1:metrics", "api-v1:sources", "api-v1:spans", "api-v1:comparison", "data_package"}


def _largest_project() -> int:
    from projects.models import Project

    return Project.objects.public().order_by("-value", "id").values_list("pk", flat=True).first()


# An example value for each URL parameter, from the demo: the 14th edition (with results), the 13th against it,
# the largest project.
EXAMPLES = {
    "number": lambda: 14,
    "a": lambda: 13,
    "b": lambda: 14,
    "pk": _largest_project,
}

# Pages worth a look besides each URL once: a filtered table, an early edition, a missing page.
VARIANTS = {
    "projects:list?filtered": ("projects:list", {}, "?edition=14&sector=new-energy&sort=-value"),
    "editions:detail?6th": ("editions:detail", {"number": 6}, ""),
    "not-found": ("editions:detail", {"number": 999}, ""),
}
NOT_FOUND = {"not-found"}


def public_routes() -> dict[str, tuple[str, ...]]:
    """Every named URL of the site but the admin's and NOT_PUBLIC: its name, and the names of its parameters."""
    found = {}

    def walk(patterns, namespace: str, parameters: tuple[str, ...]):
        for entry in patterns:
            here = parameters + tuple(getattr(entry.pattern, "converters", {}))
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace, here)
            elif entry.name and namespace + entry.name not in NOT_PUBLIC:
                found[namespace + entry.name] = here

    walk(get_resolver().url_patterns, "", ())
    return found


def page_names() -> list[str]:
    return [*public_routes(), *VARIANTS]


def page_path(name: str, language: str) -> str:
    """The page's path in the language, with the example values (the demo must be loaded)."""
    if name in VARIANTS:
        route, kwargs, query = VARIANTS[name]
    else:
        missing = [parameter for parameter in public_routes()[name] if parameter not in EXAMPLES]
        assert not missing, f"{name} takes {missing}: give an example value in tests/e2e/pages.py EXAMPLES"
        route, kwargs, query = name, {parameter: EXAMPLES[parameter]() for parameter in public_routes()[name]}, ""
    with translation.override(language):
        return reverse(route, kwargs=kwargs) + query


def file_name(name: str, language: str) -> str:
    """'en-editions-detail-6th': the page's screenshots and axe results are saved under this name."""
    return f"{language}-{name}".replace(":", "-").replace("?", "-")
