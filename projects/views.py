from django.shortcuts import get_object_or_404, render

from projects.models import Project


def project_list(request):
    projects = Project.objects.public().select_related("edition", "sector")[:100]
    return render(request, "projects/project_list.html", {"projects": projects})


def project_detail(request, pk: int):
    project = get_object_or_404(Project.objects.public().select_related("edition", "sector", "source"), pk=pk)
    return render(request, "projects/project_detail.html", {"project": project})
