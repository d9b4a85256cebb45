"""Cache invalidation for projects (core/caching): a saved or deleted project stales its edition's aggregates,
and those of the edition it was moved from."""

from core.caching.tokens import remember_before_save, watch
from projects.models import Project


def _remember_previous_edition(sender, instance, raw=False, **kwargs):
    """The edition a project is being moved from, whose aggregates lose it (one query, only when unknown)."""
    # Not read from the database (built by hand with a primary key, as an import may): look it up.
    if raw or instance.pk is None or hasattr(instance, "_loaded_edition_id"):
        return
    instance._loaded_edition_id = Project.objects.filter(pk=instance.pk).values_list("edition_id", flat=True).first()


def _editions_of(project: Project) -> set[int]:
    editions = {project.edition_id, getattr(project, "_loaded_edition_id", None)}
    project._loaded_edition_id = project.edition_id  # a second save moves it from here
    return editions


remember_before_save(Project, _remember_previous_edition)
watch(Project, editions=_editions_of)
