from django.http import HttpResponse

FLOOR_BODY = "<!doctype html><html lang=en><title>floor</title><p>floor</p></html>"


def floor(request):
    """The framework's floor: the same app, middleware and gunicorn, but no query and no template."""
    return HttpResponse(FLOOR_BODY)
