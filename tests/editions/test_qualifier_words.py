"""The figure import understands every hedge the releases put on a number, in Chinese and in English, and
points a word it does not know to the qualifier it means."""

import re
from pathlib import Path

import pytest

from core.imports import IMPORT_FORMATS, import_error_lines
from editions.models import ReportedFigure
from editions.resources import ReportedFigureResource
from tests.factories import EditionFactory, SourceFactory
from tests.projects.test_imports import csv_bytes, run_import

pytestmark = pytest.mark.django_db

HEADERS = ["edition", "metric", "stage", "value", "qualifier", "sources"]

WORDS = {
    "more_than": ["超过", "超", "逾", "余", "多", "以上", "over", "more than", "-plus", "plus", "Over", "MORE THAN"],
    "at_least": ["不少于", "至少", "at least", "not less than"],
    "nearly": ["近", "将近", "nearly", "almost"],
    "about": ["约", "左右", "about", "around"],
}


def _documented_words() -> list[tuple[str, str]]:
    """The qualifier list of demo/data/README.md: "`more_than` (over, 余, 多, 超)" gives its code and its words."""
    readme = (Path(__file__).parents[2] / "demo" / "data" / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("- `qualifier`:"))
    pairs = []
    for code, words in re.findall(r"`(\w+)`(?: \(([^)]*)\))?", line.split("`stage`")[0])[1:]:
        pairs.append((code, code))
        pairs += [(code, word.strip()) for word in words.split(",") if word.strip()]
    return pairs


@pytest.fixture
def edition():
    SourceFactory(key="S1")
    return EditionFactory(number=14, draft=True)


def import_qualifier(word: str):
    row = [14, "participants", "closing", "20,000", word, "S1"]
    return run_import(ReportedFigureResource, csv_bytes(HEADERS, [row]), IMPORT_FORMATS[0], dry_run=False)


@pytest.mark.parametrize(
    ("code", "word"), [(code, word) for code, words in WORDS.items() for word in words] + _documented_words()
)
def test_every_qualifier_word_is_imported_as_its_qualifier(edition, code, word):
    result = import_qualifier(word)
    assert result.totals["new"] == 1, import_error_lines(result)
    assert ReportedFigure.objects.get().qualifier == code


def test_the_documented_list_is_read():
    documented = dict.fromkeys(code for code, __ in _documented_words())
    assert list(documented) == ["exact", "more_than", "about", "nearly", "at_least"]
    assert ("more_than", "余") in _documented_words()


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        ("approximately", "about"),
        ("大约", "about"),
        ("接近", "nearly"),
        ("超出", "more_than"),
        ("最少", "at_least"),
        ("nearl", "nearly"),
    ],
)
def test_an_unknown_word_is_pointed_to_the_qualifier_it_means(edition, word, hint):
    result = import_qualifier(word)
    assert ReportedFigure.objects.count() == 0
    assert import_error_lines(result) == [f"Row 2: unknown qualifier '{word}' — did you mean '{hint}'?"]


@pytest.mark.parametrize("word", ["不超过", "less than", "not more than", "at most"])
def test_an_upper_bound_is_refused_without_pointing_to_its_opposite(edition, word):
    result = import_qualifier(word)
    assert ReportedFigure.objects.count() == 0
    assert import_error_lines(result) == [f"Row 2: unknown qualifier '{word}'"]
