from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.caching.tokens import ChangeTrackingQuerySet
from core.formatting import format_yuan, is_chinese, localized
from core.validators import refuse_control_characters
from editions.models import Edition, Sector, Source
from projects import tallying
from projects.aggregates import AggregateCell, PublishedBandTally  # noqa: F401 - the app's models
from projects.bands import band_for, band_position_expression
from projects.publication import OfPublishedEditions
from projects.tallying import TALLIED_FIELDS, apply_changes, rebuild_cells, rebuilding, state_of, touches_tallies

# The fields staff set on a project, in the order the import template lists them; the admin form, the import
# and the demo take them from here.
PROJECT_FIELDS = (
    "edition",
    "title",
    "title_zh",
    "sector",
    "value",
    "scope",
    "partner",
    "parties",
    "parties_zh",
    "location",
    "signed_on",
    "kind",
    "status",
    "source",
    "is_illustrative",
    "generated_from",
    "description",
    "description_zh",
)


class Scope(models.TextChoices):
    INTERNATIONAL = "international", _("international")
    DOMESTIC = "domestic", _("domestic")


class ProjectKind(models.TextChoices):
    """How the organisers count a project."""

    CONTRACT = "contract", _("contract project")
    AGREEMENT = "agreement", _("agreement or framework project")
    INTENT = "intent", _("letter of intent")


class ProjectStatus(models.TextChoices):
    """What followed the signing."""

    SIGNED = "signed", _("signed")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    OPERATING = "operating", _("operating")
    STALLED = "stalled", _("stalled or cancelled")


def edition_number_of(edition) -> Subquery:
    """The number of an edition (its id, or an expression such as OuterRef("edition_id")), read by the database
    in the statement that writes it, so that no copy of the edition read earlier can be out of date."""
    return Subquery(Edition.objects.filter(pk=edition).order_by().values("number")[:1])


def _numbers_of(projects) -> None:
    """Give each of these projects (model instances) its edition's number: one query for all their editions."""
    editions = Edition.objects.filter(pk__in={project.edition_id for project in projects}).order_by()
    numbers = dict(editions.values_list("pk", "number"))
    for project in projects:
        project.edition_number = numbers.get(project.edition_id)


def _writes_edition(fields) -> bool:
    return bool({"edition", "edition_id", "edition_number"} & set(fields))


def _with_edition_number(fields) -> list[str]:
    """The fields a write names, with the edition's number (copied whenever the edition is written)."""
    return [*fields, *([] if "edition_number" in fields else ["edition_number"])]


class ProjectQuerySet(ChangeTrackingQuerySet):
    def public(self):
        """Projects of published editions: the only door into public pages and exports."""
        # "Not in the (few) unpublished editions" rather than a join on the edition's status: the
        # join made the planners sort every public project instead of walking the value index.
        return self.filter(OfPublishedEditions())

    def with_band(self):
        return self.annotate(band_position=band_position_expression())

    # Bulk writes send no signals: each keeps the aggregate cells (projects/tallying.py) in step itself, in the
    # transaction of its write.

    def _editions(self) -> set[int]:
        return set(self.order_by().values_list("edition_id", flat=True).distinct())

    def sync_edition_numbers(self) -> int:
        """Copy each project's edition number from its edition where the two differ (or it has none yet): after
        writes that bypass the model (a backup loaded) and when editions are renumbered. Returns the rows written."""
        number = edition_number_of(OuterRef("edition_id"))
        return self.exclude(edition_number=number).update(edition_number=number)

    def update(self, **kwargs):
        moved_to = kwargs.get("edition", kwargs.get("edition_id"))
        if isinstance(moved_to, Edition):
            moved_to = moved_to.pk
        if ("edition" in kwargs or "edition_id" in kwargs) and "edition_number" not in kwargs:
            if not hasattr(moved_to, "resolve_expression"):
                kwargs["edition_number"] = edition_number_of(moved_to)
            else:
                # Moved to an edition given as an expression: the rows' numbers are copied once they are there
                # (an UPDATE's other values read the row as it was).
                with transaction.atomic():
                    moved = list(self.values_list("pk", flat=True))
                    rows = self.update(**kwargs, edition_number=None)
                    self.model._default_manager.filter(pk__in=moved).sync_edition_numbers()
                return rows
        if not touches_tallies(kwargs) or tallying.suspended():
            return super().update(**kwargs)
        # Moved to an edition given as an expression: which ones is only known by counting them all.
        editions = self._editions() if moved_to is None or isinstance(moved_to, int) else None
        with rebuilding(editions) as touched:
            if touched is not None and moved_to is not None:
                touched.add(moved_to)
            return super().update(**kwargs)

    def delete(self):
        with rebuilding(self._editions()):
            return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if kwargs.get("update_fields") and _writes_edition(kwargs["update_fields"]):
            kwargs["update_fields"] = _with_edition_number(kwargs["update_fields"])
        with transaction.atomic():
            _numbers_of(objs)
            created = super().bulk_create(objs, *args, **kwargs)
            if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
                # Which rows went in, and what they replaced, is unknown here: count their editions again.
                rebuild_cells({obj.edition_id for obj in objs})
            else:
                apply_changes((state_of(obj), 1) for obj in created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if _writes_edition(fields):
            fields = _with_edition_number(fields)
            _numbers_of(objs)
        if not touches_tallies(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        written = {field if field.endswith("_id") or field not in ("edition", "sector") else f"{field}_id"
                   for field in fields}  # fmt: skip
        with transaction.atomic():
            before = {
                row[0]: row[1:]
                for row in self.model._default_manager.select_for_update()
                .filter(pk__in=[obj.pk for obj in objs])
                .values_list("pk", *TALLIED_FIELDS)
            }
            with tallying.deltas_suspended():
                rows = super().bulk_update(objs, fields, *args, **kwargs)
            changes = []
            for obj in objs:
                if (old := before.get(obj.pk)) is None:
                    continue
                new = tuple(
                    getattr(obj, name) if name in written else old[index] for index, name in enumerate(TALLIED_FIELDS)
                )
                changes += [(old, -1), (new, 1)]
            apply_changes(changes)
        return rows


class Project(models.Model):
    edition = models.ForeignKey(Edition, models.PROTECT, related_name="projects", verbose_name=_("edition"))
    # The edition's number, copied here so that sorting by edition walks an index of this table instead of
    # joining every project to its edition and sorting them all. Every write keeps it in step with the edition
    # (save, the bulk writes and update() below, an edition renumbered: projects/signals.py); null only until
    # a write that bypasses the model (a backup being loaded) is followed by sync_edition_numbers().
    edition_number = models.PositiveSmallIntegerField(_("edition number"), null=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="projects", verbose_name=_("sector"))
    scope = models.CharField(_("scope"), max_length=14, choices=Scope, default=Scope.DOMESTIC)
    partner = CountryField(
        _("partner country or region"),
        blank=True,
        help_text=_("Required for international projects; empty for domestic ones."),
    )
    parties = models.TextField(_("signing parties"), blank=True)
    parties_zh = models.TextField(_("signing parties (Chinese)"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    value = models.DecimalField(_("value (yuan)"), max_digits=17, decimal_places=2)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    source = models.ForeignKey(
        Source, models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("source")
    )
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo data made up for illustration, not a real record.")
    )
    # An illustrative project is not in any article: it names the release whose totals it was made to match.
    generated_from = models.ForeignKey(
        Source,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="generated_projects",
        verbose_name=_("generated from"),
        help_text=_("Illustrative projects only: the source whose published totals they were generated to match."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind, default=ProjectKind.CONTRACT)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.SIGNED)
    # Bumped on every save; a form carrying an older version is refused (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()
    # The copied edition number is no change of its own: the edition is in the history already.
    history = HistoricalRecords(excluded_fields=["edition_number"])

    class Meta:
        ordering = ["-value", "id"]
        verbose_name = _("project")
        # The model's name (the admin's "项目"), not a column of counts ("项目数"), which shares the English word.
        verbose_name_plural = pgettext_lazy("model", "projects")
        indexes = [
            # Each sort and filter has an index in the table's order (ties by id), ending in the
            # edition so that "published editions only" and deep pages read the index alone.
            models.Index(fields=["-value", "id", "edition"], name="project_value_id_edition"),
            models.Index(fields=["edition", "-value", "id"], name="project_edition_value_id"),
            models.Index(fields=["sector", "-value", "id", "edition"], name="project_sector_value_id"),
            models.Index(fields=["partner", "-value", "id", "edition"], name="project_partner_value_id"),
            models.Index(fields=["scope", "-value", "id", "edition"], name="project_scope_value_id"),
            models.Index(fields=["signed_on", "id", "edition"], name="project_signed_on_id"),
            models.Index(fields=["title", "id", "edition"], name="project_title_id"),
            # By edition: the table walks these forwards or backwards (ties by id in the same direction), the API's
            # newest-first order has ties by id ascending. A filter on sector, partner, scope or edition walks
            # its own.
            models.Index(fields=["edition_number", "id", "edition"], name="project_ed_number_id"),
            models.Index(fields=["-edition_number", "id", "edition"], name="project_ed_number_desc_id"),
            models.Index(fields=["edition", "edition_number", "id"], name="project_edition_ed_number"),
            models.Index(fields=["sector", "edition_number", "id", "edition"], name="project_sector_ed_number"),
            models.Index(fields=["partner", "edition_number", "id", "edition"], name="project_partner_ed_number"),
            models.Index(fields=["scope", "edition_number", "id", "edition"], name="project_scope_ed_number"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="project_value_positive",
                violation_error_message=_("The value must be more than zero yuan."),
            ),
            models.CheckConstraint(
                condition=Q(scope=Scope.DOMESTIC, partner="") | (Q(scope=Scope.INTERNATIONAL) & ~Q(partner="")),
                name="project_partner_matches_scope",
                violation_error_message=_(
                    "An international project needs a partner country or region; a domestic one has none."
                ),
            ),
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="project_scope_valid"),
            models.CheckConstraint(condition=Q(kind__in=ProjectKind.values), name="project_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="project_status_valid"),
            models.CheckConstraint(
                condition=Q(is_illustrative=False) | Q(source__isnull=True),
                name="illustrative_project_has_no_source",
                violation_error_message=_(
                    "An illustrative project was made up: it has no source of its own. Give the release whose "
                    "totals it matches as “generated from” instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_illustrative=True) | Q(generated_from__isnull=True),
                name="only_illustrative_projects_are_generated",
                violation_error_message=_("Only an illustrative project is generated from a source's totals."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        writes_edition = update_fields is None or _writes_edition(update_fields)
        had = self.__dict__.get("edition_number")
        if writes_edition:
            if update_fields is not None:
                kwargs["update_fields"] = _with_edition_number(update_fields)
            # Filled in by the database in the write itself and returned by it.
            self.edition_number = edition_number_of(self.edition_id)
        # The row and its aggregate cells (projects/signals.py) in one transaction, even outside a request's.
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
        except BaseException:
            if writes_edition:
                self.edition_number = had
            raise

    save.alters_data = True

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The edition it was read with: saving it into another edition stales the cached aggregates of
        # both (projects/signals.py), without a query to find the old one.
        if "edition_id" in instance.__dict__:
            instance._loaded_edition_id = instance.edition_id
        # And what it counted for in the aggregate cells, which a save or delete takes away (projects/signals.py).
        if all(name in instance.__dict__ for name in TALLIED_FIELDS):
            instance._loaded_state = state_of(instance)
        return instance

    @property
    def band(self):
        return band_for(self.value)

    @property
    def display_title(self) -> str:
        """The title in the active language (the other one when that is empty)."""
        return localized(self, "title")

    @property
    def other_title(self) -> str:
        """The title in the other language, when there is one that differs: shown under the main one."""
        other = self.title if is_chinese() else self.title_zh
        return other if other and other != self.display_title else ""

    @property
    def other_title_language(self) -> str:
        return "en" if is_chinese() else "zh-Hans"

    @property
    def display_parties(self) -> str:
        return localized(self, "parties")

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    @property
    def display_value(self) -> str:
        return format_yuan(self.value)

    @property
    def display_kind(self) -> str:
        """'contract project', or 'contract project (illustrative)' for a made-up project."""
        return illustrative_label(self.get_kind_display(), self.is_illustrative)

    @property
    def display_status(self) -> str:
        """'under construction', or 'under construction (illustrative)': a made-up project's status is no fact."""
        return illustrative_label(self.get_status_display(), self.is_illustrative)


def illustrative_label(label, is_illustrative: bool) -> str:
    """A label of a made-up project, marked so that it never reads as a fact."""
    return _("%(label)s (illustrative)") % {"label": label} if is_illustrative else str(label)


def generated_from_text(source_label: str) -> str:
    """What an illustrative project gives as its source: the release whose totals it reproduces."""
    return _("generated to match the totals published in %(source)s") % {"source": source_label}


refuse_control_characters(Project)
