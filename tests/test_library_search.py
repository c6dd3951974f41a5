"""Library search: the same relevance, facet and highlighting cases on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from etsatlas.web.library.models import Resource
from etsatlas.web.library.samples import add_resource, system_examples
from etsatlas.web.library.search import Query, QueryError, backend_for, search
from etsatlas.web.library.seeding import seed_library


@pytest.fixture
def library(db):
    """The seeded publications plus three resources about named systems."""
    seed_library()
    return system_examples()


def slugs(results) -> list[str]:
    return [h.resource.slug for h in results.hits]


def test_backend_matches_the_database_vendor(db):
    assert backend_for().vendor == connection.vendor


def test_search_linking_finds_the_linking_guide_first(library):
    results = search(Query(text="linking"))
    assert slugs(results)[0] == "linking-guide"
    assert {"brief-4", "wci-linked-market", "eu-swiss-link"} <= set(slugs(results))


def test_search_ranks_a_title_match_above_a_passing_mention(library):
    results = search(Query(text="electricity"))
    assert slugs(results)[0] == "carbon-electricity-prices"


def test_search_by_system_id_finds_the_resources_about_that_system(library):
    assert set(slugs(search(Query(text="eu-ets")))) == {"msr-explained", "eu-swiss-link"}
    assert slugs(search(Query(text="qc-cat"))) == ["wci-linked-market"]


def test_search_by_author_and_publisher_names(library):
    assert set(slugs(search(Query(text="Ana Example")))) == {"msr-explained", "wci-linked-market"}
    assert "status-report-2024" in slugs(search(Query(text="ICAP status report")))


def test_search_stems_words_alike_on_both_backends(library):
    assert slugs(search(Query(text="linked market")))[0] == "wci-linked-market"
    assert "linking-guide" in slugs(search(Query(text="links")))


def test_search_ignores_accents_in_the_text_and_in_the_query(library):
    hit = search(Query(text="Quebec")).hits[0]  # the summary says "Québec"
    assert hit.resource.slug == "wci-linked-market"
    assert "<mark>Québec</mark>" in hit.snippet_html
    add_resource("montreal-notes", "Notes from a meeting in Montreal", "news", "Written in Montreal.")
    assert slugs(search(Query(text="Montréal"))) == ["montreal-notes"]
    assert slugs(search(Query(text="montreal"))) == ["montreal-notes"]


def test_search_highlights_matches_in_title_and_snippet(library):
    hit = search(Query(text="stability reserve")).hits[0]
    assert hit.resource.slug == "msr-explained"
    assert "<mark>stability</mark> <mark>reserve</mark>" in hit.title_html.lower()
    assert "<mark>reserve</mark>" in hit.snippet_html.lower()


def test_search_escapes_html_in_highlighted_text(db):
    add_resource("xss", "Allocation <script>alert(1)</script>", "paper", "Allocation & <b>auctions</b>")
    hit = search(Query(text="allocation")).hits[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet_html


def test_search_of_only_common_words_finds_nothing(library):
    results = search(Query(text="the of and"))
    assert results.total == 0 and results.hits == []


def test_search_without_text_lists_everything_newest_first(library):
    results = search(Query(per_page=100))
    assert results.total == Resource.objects.count()
    dates = [h.resource.date for h in results.hits if h.resource.date]
    assert dates == sorted(dates, reverse=True)
    assert results.hits[-1].resource.date is None  # undated resources come last


def test_type_facet_counts_the_matching_resources_by_type(library):
    results = search(Query(text="linking"))
    counts = {f.value: f.count for f in results.facets["type"]}
    by_type: dict[str, int] = {}
    for h in search(Query(text="linking", per_page=100)).hits:
        by_type[h.resource.type] = by_type.get(h.resource.type, 0) + 1
    assert counts == by_type
    assert sum(counts.values()) == results.total


def test_tag_facets_count_topics_systems_and_languages(library):
    results = search(Query(text="linking"))
    systems = {f.value: f.count for f in results.facets["system"]}
    assert systems == {"eu-ets": 1, "ch-ets": 1, "ca-cat": 1, "qc-cat": 1}
    languages = {f.value: f.count for f in results.facets["language"]}
    assert languages["de"] == 1 and languages["en"] == results.total
    topics = {f.value: f.count for f in results.facets["topic"]}
    assert topics["linking"] == 6  # guide, brief 4, two handbooks, and two system examples


def test_facet_filter_keeps_the_other_values_of_its_own_facet(library):
    results = search(Query(text="linking", types=("brief",)))
    assert set(slugs(results)) == {"brief-4", "wci-linked-market"}
    type_counts = {f.value: (f.count, f.selected) for f in results.facets["type"]}
    assert type_counts["brief"] == (2, True) and type_counts["guide"] == (1, False)
    assert {f.value for f in results.facets["system"]} == {"ca-cat", "qc-cat"}


def test_system_filter_and_year_range(library):
    assert set(slugs(search(Query(systems=("eu-ets",))))) == {"msr-explained", "eu-swiss-link"}
    in_range = search(Query(year_from=2019, year_to=2020, per_page=100))
    assert all(2019 <= h.resource.date.year <= 2020 for h in in_range.hits)
    assert {"msr-explained", "wci-linked-market", "eu-swiss-link"} <= set(slugs(in_range))
    # 2019: the status report and the MSR paper; 2020: the leakage paper and two system examples
    assert dict(in_range.years) == {2019: 2, 2020: 3}


def test_sorting_by_title_and_by_date(library):
    by_title = [h.resource.title.lower() for h in search(Query(text="linking", sort="title")).hits]
    assert by_title == sorted(by_title)
    oldest = search(Query(text="linking", sort="oldest")).hits
    assert oldest[0].resource.slug == "handbook-2016"


def test_pagination_splits_the_ranked_results(library):
    first, second = search(Query(text="linking", per_page=3)), search(Query(text="linking", per_page=3, page=2))
    assert first.total == second.total == 6 and first.pages == 2
    assert not set(slugs(first)) & set(slugs(second))


def test_a_page_agrees_with_the_count_the_ranking_and_the_highlights(library):
    """backend.page counts, ranks and highlights in as few passes as it can; past the last page it
    still counts."""
    from etsatlas.web.library.search.engine import filtered

    backend = backend_for()
    queries = (Query(text="linking"), Query(text="linking", types=("brief", "guide")),
               Query(text="linking", topics=("linking",), sort="newest"), Query(text="market", sort="title"),
               Query(text="zeppelin", types=("news",)))
    for query in queries:
        base = filtered(query)
        for offset in (0, 2, 50):
            page = backend.page(base, query.phrases, query.sort, offset, 3)
            assert page.total == backend.count(base, query.phrases) == search(query).total
            assert page.ranked == backend.ranked_ids(base, query.phrases, query.sort, offset, 3)
            assert page.marks == backend.highlights([pk for pk, _ in page.ranked], query.phrases)
    assert search(Query(text="linking", topics=("linking",)), facets=False).total == 6


def test_index_follows_edits_and_deletions(library):
    resource = Resource.objects.get(slug="offset-use")
    resource.title = "Offset use across emissions trading systems: a zeppelin survey"
    resource.save()
    assert slugs(search(Query(text="zeppelin"))) == ["offset-use"]
    resource.delete()
    assert search(Query(text="zeppelin")).total == 0


def test_index_follows_a_renamed_organisation(library):
    from etsatlas.web.library.models import Organisation

    Organisation.objects.filter(id="example-lab").update()  # no signal: nothing changes
    lab = Organisation.objects.get(id="example-lab")
    lab.name = "Quokka Institute"
    lab.save()
    assert set(slugs(search(Query(text="quokka")))) == {"msr-explained", "eu-swiss-link"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"sort": "best"}, "sort"), ({"type": "poem"}, "type"), ({"year_from": "20x"}, "year_from"),
     ({"year_from": "2020", "year_to": "2010"}, "year_from"), ({"page": "0"}, "page")],
)
def test_query_rejects_bad_parameters_naming_them(params, field):
    with pytest.raises(QueryError) as info:
        Query.from_params(params)
    assert info.value.field == field


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_index_survives_a_table_rebuild(library):
    """A later migration that rebuilds the table drops its triggers; post_migrate puts them back."""
    from etsatlas.web.library.search import sqlite
    from etsatlas.web.library.signals import ensure_sqlite_index

    with connection.cursor() as cursor:
        for sql in sqlite.DROP:
            cursor.execute(sql)
    ensure_sqlite_index(sender=None)
    assert slugs(search(Query(text="qc-cat"))) == ["wci-linked-market"]
    add_resource("late", "Zeppelin allocation", date=dt.date(2024, 1, 1))
    assert slugs(search(Query(text="zeppelin"))) == ["late"]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_ranking_among_the_best_matches_agrees_with_ranking_every_match(db):
    """The bounded relevance ranking (FTS5's top N by bm25, then the type weights) is exact:
    whenever it answers, its page equals the exhaustive ranking's; otherwise it declines."""
    from etsatlas.web.library.samples import generate
    from etsatlas.web.library.search.engine import filtered

    generate(1500, seed=11)
    backend = backend_for()
    answered = declined = 0
    for text in ("carbon", "linking", "allowance auction", "price", "eu-ets", "verification registry"):
        query = Query(text=text)
        for size in (20, 60, 200, 2000):
            for offset in (0, 20):
                page = backend._ranked_among_best(query.phrases, size, offset, 20)
                expected = backend.ranked_ids_exhaustive(filtered(query), query.phrases, "relevance", offset, 20)
                if page is None:
                    declined += 1
                else:
                    answered += 1
                    assert page == expected, (text, size, offset)
        assert backend.ranked_ids(filtered(query), query.phrases, "relevance", 0, 20) == \
            backend.ranked_ids_exhaustive(filtered(query), query.phrases, "relevance", 0, 20)
    assert answered and declined  # both paths were exercised
