"""The public pages the browser tests visit, by name; each resolves to a path once the demo is loaded."""

from django.urls import NoReverseMatch, reverse
from django.utils import translation


def largest_project_path() -> str:
    from projects.models import Project

    return Project.objects.public().order_by("-value", "id").first().get_absolute_url()


def latest_pair_path() -> str:
    from editions.models import Edition

    a, b = Edition.objects.published().order_by("-number").values_list("number", flat=True)[:2][::-1]
    return reverse("comparisons:pair", kwargs={"a": a, "b": b})


PUBLIC_PAGES = {
    "home": lambda: reverse("home"),
    "editions": lambda: reverse("editions:list"),
    "edition-14": lambda: reverse("editions:detail", kwargs={"number": 14}),
    "edition-6": lambda: reverse("editions:detail", kwargs={"number": 6}),
    "projects": lambda: reverse("projects:list"),
    "projects-filtered": lambda: reverse("projects:list") + "?edition=14&sector=new-energy&sort=-value",
    "project": largest_project_path,
    "compare": lambda: reverse("comparisons:index"),
    "compare-pair": latest_pair_path,
    "not-found": lambda: "/en/editions/999/",
    "zh-home": lambda: _in_chinese(lambda: reverse("home")),
    "zh-projects": lambda: _in_chinese(lambda: reverse("projects:list")),
    "zh-edition-14": lambda: _in_chinese(lambda: reverse("editions:detail", kwargs={"number": 14})),
}


def _in_chinese(build) -> str:
    with translation.override("zh-hans"):
        return build()


def page_path(name: str) -> str | None:
    """The page's path, or None when the feature behind it is not part of this code yet."""
    try:
        return PUBLIC_PAGES[name]()
    except NoReverseMatch:
        return None
