"""The text search's condition on PostgreSQL is the expression its one trigram index holds (projects/migrations/
0012_...), for words long enough for it, and that of its ideograph-pair index (0013) for words of two ideographs;
and it finds a word in any of the six columns, never across two."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from projects.filters import SEARCHED_COLUMNS, ProjectFilter, found_through_an_index, walking_the_order
from projects.models import Project
from tests.factories import EditionFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans and settings")
INDEX = "projects_project_searched_text_trgm"
PAIRS_INDEX = "projects_project_ideograph_pairs"


def matching(q: str):
    return ProjectFilter(data={"q": q}, queryset=Project.objects.public()).qs


def plan(queryset) -> str:
    """The plan of reading the queryset's ids with sequential scans priced out, so that any index that can serve
    its condition is used (a test database is too small for the planner to want one)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def edition():
    return EditionFactory(number=1)


@on_postgresql
@pytest.mark.parametrize("q", ["hydrogen", "氢能源", "cold-chain 50%", "northern hydrogen"])
def test_a_search_word_is_looked_up_in_the_one_trigram_index(edition, q):
    assert INDEX in plan(matching(q))


@on_postgresql
@pytest.mark.parametrize("q", ["氢能", "RU"])
def test_a_word_too_short_for_trigrams_is_not_asked_of_the_index(edition, q):
    # The index would hand over every row for it: the LIKEs are tested row by row instead.
    assert INDEX not in plan(matching(q))


@on_postgresql
@pytest.mark.parametrize("q", ["氢能", "风电 项目", "氢能 hydrogen"])
def test_a_word_of_two_ideographs_is_looked_up_in_the_pairs_index(edition, q):
    assert PAIRS_INDEX in plan(matching(q))
    assert found_through_an_index({"q": q})


@on_postgresql
@pytest.mark.parametrize("q", ["RU", "氢", "5G", "氢A", "hydrogen", "氢能源"])
def test_other_words_are_not_asked_of_the_pairs_index(edition, q):
    # Latin pairs, single ideographs and mixed pairs are not in it; words of three are the trigram index's.
    assert PAIRS_INDEX not in plan(matching(q))


@on_postgresql
def test_the_walk_along_the_order_tests_a_pair_by_like_alone(edition):
    # Each row the walk meets would otherwise have its pairs listed again, one regular expression per row.
    filterset = ProjectFilter(data={"q": "风电", "sort": "title"}, queryset=Project.objects.public())
    assert "projects_ideograph_pairs" in str(filterset.qs.query)
    assert "projects_ideograph_pairs" not in str(walking_the_order(filterset).qs.query)


@on_postgresql
def test_the_pairs_are_those_of_adjacent_ideographs_only():
    with connection.cursor() as cursor:
        cursor.execute("SELECT projects_ideograph_pairs(%s)", ["风电A项目 氢 hydrogen 㐀㐁\x1f北方"])
        (pairs,) = cursor.fetchone()
    assert sorted(pairs) == sorted(["风电", "项目", "㐀㐁", "北方"])


@pytest.mark.parametrize("column", ["title_zh", "parties_zh", "description_zh", "title"])
def test_a_word_of_two_ideographs_is_found_wherever_its_pair_is_and_never_across_two_columns(edition, column):
    sector = SectorFactory()
    # The factory's Chinese title holds 风电 itself: emptied, so that each column is the only one holding it.
    found = ProjectFactory(edition=edition, sector=sector, **{"title_zh": "", column: "沿海风电场"})
    ProjectFactory(edition=edition, sector=sector, title_zh="沿海风", parties_zh="电场公司", description_zh="")
    ProjectFactory(edition=edition, sector=sector, title_zh="风 电", parties_zh="", description_zh="")
    assert list(matching("风电").values_list("pk", flat=True)) == [found.pk]
    assert list(matching("风电 沿海").values_list("pk", flat=True)) == [found.pk]


@on_postgresql
def test_the_index_serves_the_long_word_of_a_search_that_has_a_short_one_too(edition):
    found = plan(matching("RU hydrogen"))
    assert INDEX in found
    assert "%RU%" not in found.split("Index Cond")[1].split("\n")[0]


@on_postgresql
def test_pages_are_planned_without_jit_compilation():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.parametrize("column", SEARCHED_COLUMNS)
def test_a_word_is_found_in_each_searched_column_in_any_case(edition, column):
    sector = SectorFactory()
    found = ProjectFactory(edition=edition, sector=sector, **{column: "The Hydrogen Valley 氢能源谷"})
    ProjectFactory(edition=edition, sector=sector, title="Grain silo")
    assert list(matching("HYDROGEN").values_list("pk", flat=True)) == [found.pk]
    assert list(matching("能源").values_list("pk", flat=True)) == [found.pk]


def test_a_word_is_not_found_across_two_columns(edition):
    sector = SectorFactory()
    ProjectFactory(edition=edition, sector=sector, title="Harbin solar", title_zh="", parties="farm works")
    assert not matching("solarfarm").exists()
    assert not matching("harbin solarfarm").exists()
    assert matching("solar farm").count() == 1


def admin_search(admin_client, term: str) -> list[str]:
    response = admin_client.get(reverse("admin:projects_project_changelist"), {"q": term})
    assert response.status_code == 200
    return sorted(project.title for project in response.context["cl"].result_list)


def test_the_admin_search_finds_words_and_quoted_phrases_in_any_column(admin_client, edition):
    sector = SectorFactory()
    ProjectFactory(edition=edition, sector=sector, title="Valley works", description="The smart rail of Harbin")
    ProjectFactory(edition=edition, sector=sector, title="Rail yard", parties_zh="哈尔滨智能公司", parties="Smart Co")
    ProjectFactory(edition=edition, sector=sector, title="Grain silo")
    assert admin_search(admin_client, "smart rail") == ["Rail yard", "Valley works"]
    assert admin_search(admin_client, '"smart rail"') == ["Valley works"]
    assert admin_search(admin_client, "哈尔滨 RAIL") == ["Rail yard"]
    assert admin_search(admin_client, '"') == []


@on_postgresql
def test_the_admin_search_uses_the_public_search_s_index(edition, rf, admin_user):
    from django.contrib.admin.sites import site

    request = rf.get("/", {"q": "hydrogen"})
    request.user = admin_user
    found, _duplicates = site._registry[Project].get_search_results(request, Project.objects.all(), "hydrogen")
    assert INDEX in plan(found)
