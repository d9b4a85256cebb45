"""/spans/: figures published for several editions at once, each set against the editions' own figures."""

from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.caching.pages import cache_public_page
from core.downloads import FORMATS, download
from editions.citations import Citations
from portal.spans import COLUMNS, download_rows, download_title, published_reconciliations, spans_page


@cache_public_page(params=("_export",))
def spans_index(request):
    file_format = request.GET.get("_export", "")
    if file_format:
        if file_format not in FORMATS:
            message = _("Downloads are CSV, XLSX or JSON: ask for ?_export=csv, xlsx or json (got “%(format)s”).") % {
                "format": file_format[:20]
            }
            return render(request, "portal/spans/problem.html", {"message": message}, status=400)
        rows = download_rows(published_reconciliations())
        return download(
            file_format, COLUMNS, rows, filename=f"expo-several-editions.{file_format}", title=download_title()
        )
    citations = Citations()
    sections = spans_page(citations)
    context = {
        "sections": sections,
        "sources": citations.listed,
        "export_links": [(name.upper(), "?" + urlencode({"_export": name})) for name in FORMATS],
    }
    return render(request, "portal/spans/index.html", context)
