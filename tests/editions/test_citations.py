"""Sources as numbered footnotes, and public notes that cite them in brackets."""

import pytest
from django.core.exceptions import ValidationError

from editions.citations import Citations, check_note, cited_keys
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_sources_are_numbered_in_the_order_first_cited():
    first, second = SourceFactory(key="S4"), SourceFactory(key="S2")
    citations = Citations()
    assert [citation.number for citation in citations.cite_all([first, second, first])] == [1, 2, 1]
    assert [citation.source for citation in citations.listed] == [first, second]


def test_a_note_cites_sources_as_numbered_links_and_escapes_the_rest(django_assert_num_queries):
    SourceFactory(key="S10", title="", publisher="Dong-A Ilbo")
    SourceFactory(key="S8", title="", publisher="ECNS")
    citations = Citations()
    note = "3,400-plus in another report [S10]; nearly 3,400 <before> the opening [S8; S10]."
    with django_assert_num_queries(1):
        citations.know([note])
    html = citations.note(note)
    assert html == (
        '3,400-plus in another report <a class="citation" href="#source-1" title="Dong-A Ilbo (2023-08-28)">[1]</a>; '
        'nearly 3,400 &lt;before&gt; the opening <a class="citation" href="#source-2" title="ECNS (2023-08-28)">[2]</a>'
        '<a class="citation" href="#source-1" title="Dong-A Ilbo (2023-08-28)">[1]</a>.'
    )
    assert "S10" not in html and "S8" not in html
    assert [citation.source.key for citation in citations.listed] == ["S10", "S8"]


def test_brackets_that_cite_no_source_stay_as_written():
    assert Citations().note("Hall [1] and [note]") == "Hall [1] and [note]"
    assert cited_keys("as [S1, S2] and [S3]") == ["S1", "S2", "S3"]


def test_a_note_citing_an_unknown_source_or_a_bare_reference_is_refused():
    SourceFactory(key="S78")
    check_note("45 in another report [S78].")
    with pytest.raises(ValidationError, match="The note cites S99, which is not a source"):
        check_note("Says 45 [S99].")
    with pytest.raises(ValidationError, match=r"Cite a source in brackets, as \[S78\]"):
        check_note("S78 says 45.")
