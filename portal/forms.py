"""What the comparison pages are asked, checked in one place, with a sentence for each wrong answer."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.downloads import FORMATS

MAX_EDITION_NUMBER = 32767  # Edition.number is a PositiveSmallIntegerField
MATRIX_VIEW = "matrix"  # /compare/?view=matrix: every metric and edition in one table


class EditionNumberField(forms.Field):
    """An edition number such as 14, or nothing; the error names the query parameter."""

    def __init__(self, parameter: str, **kwargs):
        self.parameter = parameter
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        raw = (value or "").strip()
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit()):
            raise ValidationError(_("“%(name)s” must be an edition number, such as 14.") % {"name": self.parameter})
        return int(raw)


class ExportField(forms.Field):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        file_format = (value or "").strip()
        if file_format and file_format not in FORMATS:
            raise ValidationError(_("Downloads are available as CSV, XLSX or JSON (“_export=csv”, “xlsx” or “json”)."))
        return file_format or None


class CompareForm(forms.Form):
    """/compare/: a range of editions ("from", "to") and a metric, or two editions ("a", "b") to go side by side.

    `editions` are the published editions, oldest first; `metrics` the codes the page can chart, and `default`
    the one it charts when none is asked for. After validation, `problem` is the one sentence to show (the first
    problem in the order a reader would fix them), or None.
    """

    a = EditionNumberField("a")
    b = EditionNumberField("b")
    metric = forms.CharField(required=False, strip=True)
    view = forms.CharField(required=False, strip=True)
    _export = ExportField()

    def __init__(self, data, *, editions, metrics, default: str):
        super().__init__(data)
        # "from" is a Python keyword: the field is added by name.
        self.fields["from"] = EditionNumberField("from")
        self.fields["to"] = EditionNumberField("to")
        self.editions, self.metrics, self.default = editions, metrics, default
        self.order_fields(["a", "b", "from", "to", "metric", "view", "_export"])

    def clean_view(self):
        view = self.cleaned_data["view"]
        if view not in ("", MATRIX_VIEW):
            raise ValidationError(
                _("“view” is “%(matrix)s” for every figure, edition by edition, or left out.") % {"matrix": MATRIX_VIEW}
            )
        return view

    @property
    def wants_pair(self) -> bool:
        """Two editions side by side were asked for: only "a" and "b" count then."""
        return bool(self.data.get("a") or self.data.get("b"))

    def clean(self):
        cleaned = super().clean()
        if self.wants_pair:
            if "a" in cleaned and "b" in cleaned and (cleaned["a"] is None or cleaned["b"] is None):
                raise ValidationError(_("Choose two editions to compare side by side."))
            return cleaned
        start, end = cleaned.get("from"), cleaned.get("to")
        if "from" not in cleaned or "to" not in cleaned:
            return cleaned
        if start is not None and end is not None and start > end:
            raise ValidationError(_("The range starts after it ends: “from” must not be greater than “to”."))
        cleaned["editions"] = [
            edition
            for edition in self.editions
            if (start is None or edition.number >= start) and (end is None or edition.number <= end)
        ]
        if not cleaned["editions"] and (start is not None or end is not None):
            raise ValidationError(_("No published edition lies in that range. Choose another “from” and “to”."))
        cleaned["metric"] = cleaned.get("metric") or self.default
        if cleaned["metric"] not in self.metrics and (cleaned["metric"] or self.metrics):
            self.add_error(
                "metric", _("There is no metric “%(code)s”. Pick one from the list.") % {"code": cleaned["metric"]}
            )
        return cleaned

    @property
    def problem(self) -> str | None:
        if self.is_valid():
            return None
        order = ["a", "b", "__all__"] if self.wants_pair else ["from", "to", "__all__", "metric", "view", "_export"]
        return next((str(self.errors[name][0]) for name in order if name in self.errors), None)


class PairForm(forms.Form):
    """/compare/<a>/<b>/: only a download format may be asked."""

    _export = ExportField()

    @property
    def problem(self) -> str | None:
        return None if self.is_valid() else str(self.errors["_export"][0])
