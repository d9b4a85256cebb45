from django.shortcuts import get_object_or_404, render

from editions.models import Edition


def home(request):
    editions = Edition.objects.published().order_by("-number")
    return render(request, "editions/home.html", {"editions": editions})


def edition_list(request):
    editions = Edition.objects.published()
    return render(request, "editions/edition_list.html", {"editions": editions})


def edition_detail(request, number: int):
    edition = get_object_or_404(Edition.objects.published(), number=number)
    return render(request, "editions/edition_detail.html", {"edition": edition})
