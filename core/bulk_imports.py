"""Imports that write their rows in batches: one INSERT or UPDATE for many rows and their history records,
instead of a save, its signals and its history record per row.

The dry run behind the preview writes nothing: every rule a row must keep is checked before it would be
saved (the widgets, and the constraints in StaffResource.validate_instance), so the database would add no
finding of its own. The confirmation writes the rows a batch at a time inside the import's one transaction;
should the database still refuse a batch, the import reports it and keeps nothing. Model signals do not fire,
so a resource using this invalidates whatever the signals would have once, at the end of the import.

The history records are copied inside the database from the rows just written (``record_history``): what
django-simple-history's bulk helpers store, but without building a model instance per record in Python,
which took longer than writing the rows themselves (see tests/projects/test_import_speed.py).
"""

from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

HISTORY_CHUNK = 500


def record_history(model, pks: list, *, history_type: str, user=None, reason: str = "") -> None:
    """One history record for each row of `model` with these primary keys, as it now is in the database.

    ``history_type`` is simple-history's: "+" for a row created, "~" for a row changed.
    """
    history = model.history.model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    copied = [
        (quote(history._meta.get_field(field.name).column), quote(field.column)) for field in history.tracked_fields
    ]
    own = [
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    values = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        reason,
        history_type,
        user.pk if user is not None else None,
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(pks), HISTORY_CHUNK):
            chunk = pks[start : start + HISTORY_CHUNK]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join([target for target, __ in copied] + own)}) "
                f"SELECT {', '.join(source for __, source in copied)}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN "
                f"({', '.join(['%s'] * len(chunk))})",
                [*values, *chunk],
            )


class BulkWritesMixin:
    """For a StaffResource whose Meta sets ``use_bulk`` and ``skip_diff``: rows saved in batches, with history."""

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is not None:
            # bulk_update does not touch auto_now fields the way save() does.
            now = timezone.now()
            for field in instance._meta.concrete_fields:
                if getattr(field, "auto_now", False):
                    setattr(instance, field.attname, now)

    def bulk_update_fields(self) -> list[str]:
        """Every column but the key and the creation time: the records were read whole, so a column the file
        does not have is written back as it was read."""
        return [
            field.name
            for field in self._meta.model._meta.concrete_fields
            if not field.primary_key and not getattr(field, "auto_now_add", False)
        ]

    def _history(self, instances, history_type: str) -> None:
        user = self.user if self.user is not None and self.user.is_authenticated else None
        pks = [instance.pk for instance in instances]
        record_history(self._meta.model, pks, history_type=history_type, user=user, reason=self.change_reason)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        def write(instances):
            self._meta.model.objects.bulk_create(instances, batch_size=batch_size)
            self._history(instances, "+")

        self._write(self.create_instances, dry_run, raise_errors, result, write)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        def write(instances):
            self._meta.model.objects.bulk_update(instances, self.bulk_update_fields(), batch_size=batch_size)
            self._history(instances, "~")

        self._write(self.update_instances, dry_run, raise_errors, result, write)

    def _write(self, instances: list, dry_run: bool, raise_errors: bool, result, write) -> None:
        try:
            # A bad row rolls the whole import back: once there is one, writing more is wasted.
            if instances and not dry_run and not (result.has_errors() or result.has_validation_errors()):
                with transaction.atomic():  # a refused batch leaves the transaction usable for the report
                    write(list(instances))
        except DatabaseError as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()
