from django.http import HttpResponse

FLOOR_BODY = "<!doctype html><html lang=en><title>floor</title><p>floor</p></html>"
# As many bytes as a page of the projects table (50 rows, about 51 KB): the same floor with a page's worth to send,
# which tells the cost of sending a page from the cost of finding it (bench/README.md, "Why a repeat visit ...").
PAGE_SIZED_FLOOR_BODY = (
    "<!doctype html><html lang=en><title>floor</title>" + ("<p>" + "x" * 96 + "</p>\n") * 500 + "</html>"
)


def floor(request):
    """The framework's floor: the same app, middleware and gunicorn, but no query and no template."""
    return HttpResponse(FLOOR_BODY)


def page_sized_floor(request):
    """The floor with a body the size of a table page."""
    return HttpResponse(PAGE_SIZED_FLOOR_BODY)
