"""Sources as numbered footnotes: every source a page cites gets a number in the order it is first cited, and
the page lists them all, so a reader never meets a bare reference such as "S12".

Public notes cite a source by its reference in brackets ("3,400-plus in another report [S10]"); a page
renders that as a link to the source's footnote. A note that names a reference bare, or one that is not a
source, is refused when it is saved (`check_note`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from editions.models import Source

# "[S12]" or "[S12; S13]": references in brackets, separated by ; or ,
CITATION = re.compile(r"\[\s*([A-Za-z][\w.-]*(?:\s*[;,，]\s*[A-Za-z][\w.-]*)*)\s*\]")
_SEPARATORS = re.compile(r"\s*[;,，]\s*")


@dataclass(frozen=True)
class Citation:
    number: int
    source: Source

    @property
    def anchor(self) -> str:
        return f"source-{self.number}"


def cited_keys(text: str) -> list[str]:
    """The references a note cites in brackets, in order."""
    return [key for match in CITATION.finditer(text or "") for key in _SEPARATORS.split(match.group(1))]


class Citations:
    """The sources of one page, numbered in the order they are first cited."""

    def __init__(self):
        self._by_source: dict[int, Citation] = {}
        self._by_key: dict[str, Source] = {}

    def cite(self, source: Source) -> Citation:
        citation = self._by_source.get(source.pk)
        if citation is None:
            citation = self._by_source[source.pk] = Citation(len(self._by_source) + 1, source)
        self._by_key.setdefault(source.key, source)
        return citation

    def cite_all(self, sources: Iterable[Source]) -> list[Citation]:
        return [self.cite(source) for source in sources]

    def know(self, notes: Iterable[str]) -> None:
        """Look up, in one query, the sources the notes cite that the page has not met yet."""
        keys = {key for note in notes for key in cited_keys(note)} - set(self._by_key)
        if keys:
            self._by_key.update((source.key, source) for source in Source.objects.filter(key__in=keys))

    def note(self, text: str) -> SafeString:
        """The note's text, escaped, with each "[S12]" as a numbered link to its footnote (call `know` first)."""
        if not text:
            return mark_safe("")
        parts, last = [], 0
        for match in CITATION.finditer(text):
            sources = [self._by_key[key] for key in _SEPARATORS.split(match.group(1)) if key in self._by_key]
            if not sources:
                continue  # brackets that cite no source are the writer's own words
            parts.append(conditional_escape(text[last : match.start()]))
            parts.append(mark_safe("".join(self.link(source) for source in sources)))
            last = match.end()
        parts.append(conditional_escape(text[last:]))
        return mark_safe("".join(parts))  # noqa: S308 (every part is escaped or built by format_html)

    def link(self, source: Source) -> SafeString:
        citation = self.cite(source)
        return format_html(
            '<a class="citation" href="#{}" title="{}">[{}]</a>', citation.anchor, str(source), citation.number
        )

    @property
    def listed(self) -> list[Citation]:
        """Every source cited, in footnote order: the page's list of sources."""
        return sorted(self._by_source.values(), key=lambda citation: citation.number)


def check_note(text: str) -> None:
    """Refuse a public note that cites an unknown source or names a source's reference outside brackets."""
    if not text:
        return
    keys = cited_keys(text)
    known = set(Source.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    if unknown := [key for key in keys if key not in known and re.fullmatch(r"[A-Z]+\d+", key)]:
        raise ValidationError(
            _("The note cites %(key)s, which is not a source: add the source first or correct it.")
            % {"key": unknown[0]}
        )
    outside = CITATION.sub(" ", text)
    words = set(re.findall(r"\b[A-Z]+\d+\b", outside))
    if bare := sorted(set(Source.objects.filter(key__in=words).values_list("key", flat=True))) if words else []:
        raise ValidationError(
            _(
                "Cite a source in brackets, as [%(key)s], so that readers get a link to it; "
                "the reference alone means nothing to them."
            )
            % {"key": bare[0]}
        )
