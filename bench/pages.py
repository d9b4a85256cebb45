"""The pages the benchmark measures, each with the Datasette query that answers the same question."""

from dataclasses import dataclass

PAGE_SIZE = 50
SEARCH_WORD = "hydrogen"
SECTOR_SLUG = "new-energy"
DATASETTE_DB = "db"  # Datasette names a database after its file: results/datasette/db.sqlite3 -> /db/


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    portal: str | None
    datasette: str | None = None
    export: bool = False


def pages(*, n: int, editions: int, params: dict) -> list[Page]:
    """What is measured, with the Datasette query that answers the same question where there is one."""
    table = f"/{DATASETTE_DB}/projects_project"
    listing = f"/en/projects/?sort=-value&per_page={PAGE_SIZE}"
    ds = f"_sort_desc=value&_size={PAGE_SIZE}"
    middle = params["edition_number"]
    first, last = 1, editions
    return [
        Page("floor", "floor (minimal Django view)", "/bench/floor/"),
        Page("sorted", "projects by value, descending", listing, f"{table}?{ds}"),
        Page(
            "sector",
            f"… filtered by sector ({SECTOR_SLUG})",
            f"{listing}&sector={SECTOR_SLUG}",
            f"{table}?sector_id={params['sector_id']}&{ds}",
        ),
        Page(
            "edition",
            f"… filtered by edition ({middle})",
            f"{listing}&edition={middle}",
            f"{table}?edition_id={params['edition_id']}&{ds}",
        ),
        Page(
            "range",
            "… filtered by value band (1–5 billion)",
            f"{listing}&band=1b-5b",
            f"{table}?value__gte=1000000000&value__lt=5000000000&{ds}",
        ),
        Page(
            "search",
            f"… text search “{SEARCH_WORD}”",
            f"{listing}&q={SEARCH_WORD}",
            f"{table}?title__contains={SEARCH_WORD}&{ds}",
        ),
        Page(
            "deep",
            f"… deep page {params['deep_page']:,}",
            f"{listing}&page={params['deep_page']}",
            f"{table}?{ds}&_next={params['deep_next']}" if params["deep_next"] else None,
        ),
        Page("summary", f"edition summary ({middle})", f"/en/editions/{middle}/"),
        Page("compare", "comparison index", "/en/compare/"),
        Page("compare_pair", f"comparison {first} vs {last}", f"/en/compare/{first}/{last}/"),
        Page(
            "export",
            f"CSV export, all {n:,} rows",
            "/en/projects/?_export=csv",
            f"/{DATASETTE_DB}/projects_project.csv?_stream=on&_dl=1&_size=max&_sort_desc=value",
            export=True,
        ),
    ]
