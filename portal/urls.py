"""The public pages that combine editions and projects; expoportal/urls.py mounts them under each language."""

from django.urls import path

from portal.views import compare, editions, spans

edition_patterns = [
    path("", editions.EditionListView.as_view(), name="list"),
    path("<int:number>/", editions.edition_detail, name="detail"),
    path("<int:number>/preview/", editions.edition_preview, name="preview"),
]

compare_patterns = [
    path("", compare.index, name="index"),
    path("<int:a>/<int:b>/", compare.pair, name="pair"),
]

span_patterns = [
    path("", spans.spans_index, name="index"),
]
