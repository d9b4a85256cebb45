"""A file with columns the import does not know is refused with every one of them named at once."""

import pytest
import tablib

from core.imports import ImportFileError
from editions.resources import ReportedFigureResource
from projects.resources import ProjectResource

FIGURE_COLUMNS = ", ".join(ReportedFigureResource.columns())
PROJECT_COLUMNS = ", ".join(ProjectResource.columns())


def refusal(resource, headers) -> str:
    with pytest.raises(ImportFileError) as caught:
        resource.check_dataset(tablib.Dataset(["1"] * len(headers), headers=headers))
    return str(caught.value)


def test_one_unknown_column_without_a_close_name_ends_with_a_full_stop():
    assert refusal(ReportedFigureResource, ["edition", "metric", "value", "sources", "unit"]) == (
        f"Unknown column 'unit' (no such column: rename or remove it). The columns are: {FIGURE_COLUMNS}."
    )


def test_every_unknown_column_is_named_with_a_suggestion_for_each():
    headers = ["edition", "metric", "valeu", "qualifer", "unit", "Sources", "public note en"]
    assert refusal(ReportedFigureResource, headers) == (
        "Unknown columns 'valeu' (did you mean 'value'?), 'qualifer' (did you mean 'qualifier'?), "
        "'unit' (no such column: rename or remove it), 'public note en' (did you mean 'public_note_en'?). "
        f"The columns are: {FIGURE_COLUMNS}."
    )


def test_a_project_file_with_one_misspelt_column():
    assert refusal(ProjectResource, ["edition", "title", "sector", "valeu"]) == (
        f"Unknown column 'valeu' (did you mean 'value'?). The columns are: {PROJECT_COLUMNS}."
    )
