"""The language switcher: a plain link per language to the same page, filters and sort kept."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


def _same_page_in(request, language: str) -> str | None:
    """The current path and query string in `language`, or None when the path cannot be translated."""
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    url = f"{path}?{query}" if query else path
    translated = translate_url(url, language)
    # Only a same-site path: never a scheme or a protocol-relative "//host" a hostile path could make.
    if not translated.startswith("/") or translated.startswith("//") or translated == url:
        return None
    return translated


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """[{code, name, url, is_current}] for every language of the site.

    The link for another language is the same page in that language with the same query string
    (filters, sort, page); a page that has no translation (or a page rendered without a request,
    such as the 400 page) links to that language's home page.
    """
    request = context.get("request")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = _same_page_in(request, code) if request is not None and code != current else None
        if url is None:
            with override(code):
                url = reverse("home")
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "is_current": code == current}
        )
    return links
