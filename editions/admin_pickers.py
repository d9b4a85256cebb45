"""The admin's pickers (autocomplete boxes) for sources and editions.

A source is searched by its key (S90), so the picker shows the key first: "S90 — People's Daily, 2023-08-28",
and lists keys in their natural order (S1, S2, … S10, not S1, S10, S11). An edition is searched by its number:
typing "9" puts the 9th edition first, then whatever else matches (years, names).
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Left, Length
from django.urls import path, reverse

from core.formatting import localized
from editions.models import Source

# Keys are a letter or two and a number (S9, S10, T-projects): by first letter, then length, then text, S9 comes
# before S10 on every database, without reading the number out of the text.
NATURAL_KEY_ORDER = [Left("key", 1), Length("key"), "key"]

SOURCE_AUTOCOMPLETE_URL = "editions_source_picker"


def source_label(source: Source) -> str:
    """'S90 — People's Daily, 2023-08-28': the key staff search by, then who published it and when."""
    publisher = localized(source, "publisher") or localized(source, "title")
    label = f"{source.key} — {publisher}"
    return f"{label}, {source.published_on:%Y-%m-%d}" if source.published_on else label


class SourceAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, each source labelled by its key."""

    def serialize_result(self, obj, to_field_name):
        return super().serialize_result(obj, to_field_name) | {"text": source_label(obj)}


class _SourcePickerWidgetMixin:
    def get_url(self):
        return reverse(f"{self.admin_site.name}:{SOURCE_AUTOCOMPLETE_URL}")


class SourceAutocompleteSelect(_SourcePickerWidgetMixin, AutocompleteSelect):
    pass


class SourceAutocompleteSelectMultiple(_SourcePickerWidgetMixin, AutocompleteSelectMultiple):
    pass


def source_autocomplete_urls(admin_site) -> list:
    """The URL the source pickers ask, served by the source admin (its search and rights, labels by key)."""
    return [
        path(
            "picker/",
            admin_site.admin_view(SourceAutocompleteJsonView.as_view(admin_site=admin_site)),
            name=SOURCE_AUTOCOMPLETE_URL,
        )
    ]


class SourcePickerMixin:
    """For a model admin or inline whose autocomplete fields include sources: they show "S90 — publisher, date"."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Source and db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", SourceAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
        return _labelled(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Source and db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget", SourceAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            )
        return _labelled(super().formfield_for_manytomany(db_field, request, **kwargs), db_field)


def _labelled(formfield, db_field):
    # The sources already chosen are drawn by the form field, not by the autocomplete view: the same label.
    if formfield is not None and db_field.related_model is Source:
        formfield.label_from_instance = source_label
    return formfield


def exact_first(queryset, **exact):
    """The record that is exactly what was typed (edition 9, source S9) before every other match."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    typed = Case(When(**exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.annotate(typed_first=typed).order_by("typed_first", *ordering)


def edition_search_term(term: str) -> str:
    """ "第9届" is searched as "9", as the imports read it."""
    stripped = term.strip()
    number = stripped.removeprefix("第").removesuffix("届").strip()
    return number if number.isascii() and number.isdigit() else term


def edition_number_first(queryset, term: str):
    """Typing "9" in the edition picker puts the 9th edition first, then years and names with a 9."""
    number = term.strip()
    if not (number.isascii() and number.isdigit()):
        return queryset
    return exact_first(queryset, number=int(number))


def source_key_first(queryset, term: str):
    """Typing "S9" in the source picker puts S9 first, then S90, S91…"""
    key = term.strip()
    return exact_first(queryset, key__iexact=key) if key else queryset
