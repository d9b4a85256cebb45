"""Importing a workbook: every sheet by its own resource, all of them in one transaction.

The preview and the confirmation run the same import (so that the figures' rows can find the edition the
Edition sheet adds, and the projects the sectors the Sectors sheet names); the preview then rolls it all back,
and so does a confirmation that meets any problem. The import never sets an edition's status.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.import_formats import ImportFileError
from editions.models import Edition
from editions.reconciliation import Reconciliation, edition_reconciliation
from editions.services import can_publish
from projects.workbook.preparing import PreparedSheet, PreparedWorkbook, prepare_workbook
from projects.workbook.preview import SheetPreview, sheet_preview
from projects.workbook.problems import Problem, result_problems
from projects.workbook.sheets import EDITION_SHEET


class WorkbookRefused(Exception):
    """The user may not import this workbook at all; the message says why."""


@dataclass
class WorkbookOutcome:
    edition_number: int | None = None
    edition_is_new: bool = False
    sheets: list[SheetPreview] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reconciliation: Reconciliation | None = None
    only_examples: bool = False
    examples: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.only_examples

    def summary(self) -> str:
        """One line per sheet: 'Figures: 3 new, 0 changed, 1 unchanged'."""
        line = _("%(sheet)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged")
        return "; ".join(
            line
            % {"sheet": preview.name, "new": preview.new, "changed": preview.changed, "unchanged": preview.unchanged}
            for preview in self.sheets
        )


def workbook_refusal(number: int | None, user) -> str | None:
    """Why the user may not import a workbook for this edition, or None: only editors change a published one."""
    if number is None:
        return None
    edition = Edition.objects.filter(number=number).first()
    if edition is not None and edition.is_published and not can_publish(user):
        return _("The %(edition)s is published; only editors can import a workbook for it. Nothing was imported.") % {
            "edition": edition
        }
    return None


def _missing_rights(prepared: PreparedSheet, user) -> Problem | None:
    opts = prepared.sheet.model._meta
    if user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    ):
        return None
    return Problem(
        prepared.sheet.name,
        _("you may not add or change %(things)s, so this sheet cannot be imported")
        % {"things": opts.verbose_name_plural},
    )


def _not_checked(prepared: PreparedSheet, cited: list[str]) -> Problem:
    return Problem(
        prepared.sheet.name,
        _("not checked yet: its rows cite rows of sheets with problems listed here (%(sheets)s); fix those and "
          "preview again") % {"sheets": pgettext("list separator", ", ").join(cited)},
    )  # fmt: skip


def _import_sheet(prepared: PreparedSheet, *, user, file_name: str):
    resource = prepared.sheet.resource()
    try:
        resource.check_dataset(prepared.dataset)
    except ImportFileError as error:
        return resource, None, [Problem(prepared.sheet.name, str(error))]
    result = resource.import_data(
        prepared.dataset,
        # Written for real in the workbook's one transaction, so the next sheet finds these rows; the preview
        # rolls that transaction back.
        dry_run=False,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        file_name=file_name,
        user=user,
    )
    return resource, result, result_problems(prepared.sheet.name, result, resource)


def _log(outcome: WorkbookOutcome, edition: Edition, *, user, file_name: str) -> None:
    """One entry in the admin's log for the whole workbook, on its edition: each row's history has the rest."""
    LogEntry.objects.create(
        user_id=user.pk,
        content_type=ContentType.objects.get_for_model(Edition),
        object_id=str(edition.pk),
        object_repr=Truncator(str(edition)).chars(200),
        action_flag=ADDITION if outcome.edition_is_new else CHANGE,
        change_message=_("Imported the workbook %(file)s: %(summary)s.")
        % {"file": Truncator(file_name).chars(100), "summary": outcome.summary()},
    )


def _run(workbook: PreparedWorkbook, outcome: WorkbookOutcome, *, user, file_name: str) -> Edition | None:
    """Every sheet with rows, in order; stops after the Edition sheet when it fails (the rest need it), and
    leaves unchecked a sheet citing another that failed (its problems would be that sheet's again)."""
    # Each sheet that was not imported: the sheets with problems of their own it comes down to.
    failed: dict[str, list[str]] = {}
    for prepared in workbook.sheets:
        if not prepared.has_rows:
            continue
        cited = list(dict.fromkeys(root for name in prepared.sheet.cites for root in failed.get(name, ())))
        if cited:
            failed[prepared.sheet.name] = cited
            outcome.problems.append(_not_checked(prepared, cited))
            continue
        missing = _missing_rights(prepared, user)
        if missing is not None:
            outcome.problems.append(missing)
            failed[prepared.sheet.name] = [prepared.sheet.name]
            continue
        resource, result, problems = _import_sheet(prepared, user=user, file_name=file_name)
        outcome.problems += problems
        if problems and prepared.sheet is EDITION_SHEET:
            return None
        if problems:
            failed[prepared.sheet.name] = [prepared.sheet.name]
        if result is not None and not problems:
            outcome.sheets.append(sheet_preview(prepared, result, resource))
    return Edition.objects.filter(number=workbook.edition_number).first()


def import_workbook(datasets, *, user, file_name: str, dry_run: bool) -> WorkbookOutcome:
    """Import (or, with dry_run, preview) a workbook's sheets: everything or, on any problem, nothing.

    Raises WorkbookRefused when the user may not import a workbook for its edition at all.
    """
    workbook = prepare_workbook(datasets)
    outcome = WorkbookOutcome(
        edition_number=workbook.edition_number,
        only_examples=workbook.is_only_examples,
        examples=workbook.examples,
        problems=list(workbook.problems),
    )
    if outcome.only_examples or outcome.problems:
        return outcome
    refusal = workbook_refusal(workbook.edition_number, user)
    if refusal:
        raise WorkbookRefused(refusal)
    outcome.edition_is_new = not Edition.objects.filter(number=workbook.edition_number).exists()
    with transaction.atomic():
        edition = _run(workbook, outcome, user=user, file_name=file_name)
        if edition is not None and not outcome.problems:
            # The recorded projects against the published figures, as the rows would leave them.
            outcome.reconciliation = edition_reconciliation(edition=edition)
            if not dry_run:
                _log(outcome, edition, user=user, file_name=file_name)
        if dry_run or outcome.problems:
            transaction.set_rollback(True)
    return outcome
