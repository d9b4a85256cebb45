"""Staff preview of an edition, draft or not, exactly as the public summary page will show it."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from editions.models import Edition


def _public_context(request, edition: Edition) -> dict:
    # The public page's own context, so the preview cannot drift from what the public will see.
    from editions import views

    build = getattr(views, "edition_detail_context", None)
    if build is not None:
        return build(request=request, edition=edition)
    # As editions.views.edition_detail builds it: the summary needs projects, imported here for that reason.
    from projects.selectors import edition_summary

    return {"edition": edition, "summary": edition_summary(edition=edition)}


def _public_template() -> str:
    from editions import views

    return getattr(views, "EDITION_DETAIL_TEMPLATE", "editions/edition_detail.html")


def edition_preview(request, number: int):
    """Anyone but staff with the right to view editions gets a 404, as for any draft (staff sign in at /admin/)."""
    if not (request.user.is_authenticated and request.user.is_staff and request.user.has_perm("editions.view_edition")):
        raise Http404
    edition = get_object_or_404(Edition, number=number)
    context = _public_context(request, edition)
    context["is_preview"] = True
    response = render(request, _public_template(), context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
