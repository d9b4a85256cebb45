"""Deterministic bulk generation of editions and projects for benchmarks.

Not factories: project rows go in with one executemany per batch on SQLite and COPY on PostgreSQL,
so a million rows take a minute, not an hour. The same seed gives the same rows on either database.
Bulk inserts write no history rows and send no signals; the data is synthetic and marked illustrative.

    DATABASE_URL=sqlite:///bench/results/bench.sqlite3 python -m bench.generate --n 100000
"""

import argparse
import datetime
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from bench.vocabulary import (
    ADJECTIVES,
    EXTRA_SECTORS,
    FACILITIES,
    INTERNATIONAL_SHARE,
    KINDS,
    LOCATIONS,
    PARTIES,
    PARTNERS,
    STATUSES,
    THINGS,
    THINGS_ZH,
)

DEFAULT_SEED = 20050902
DEFAULT_EDITIONS = 20
BATCH_SIZE = 10_000
FIRST_YEAR = 2005
# Fixed so that the same seed gives byte-identical rows, including the timestamps.
CREATED_AT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)

# Log-uniform values from about 3 million to 30 billion yuan reach every band of projects/bands.py.
LOG10_VALUE_RANGE = (6.5, 10.5)
# The first rows take one value in each band, so even a tiny run covers them all.
ONE_PER_BAND = [Decimal(v) for v in ("50000000", "250000000", "750000000", "2500000000", "8000000000")]

COLUMNS = [
    "edition_id",
    "title",
    "title_zh",
    "sector_id",
    "scope",
    "partner",
    "parties",
    "parties_zh",
    "location",
    "value",
    "signed_on",
    "description",
    "description_zh",
    "generated_from_id",  # synthetic, so illustrative: no source of its own, the release it matches
    "is_illustrative",
    "kind",
    "status",
    "version",
    "created_at",
    "updated_at",
]

# Filled in from the row's edition as it is inserted, as the model's writes do (the table sorts by it).
DERIVED_COLUMNS = ["edition_number"]

Progress = Callable[[int, int], None]


@dataclass
class Generated:
    """What generate() created: counts per edition and band, for reported figures and for tests."""

    projects: int = 0
    seconds: float = 0.0
    per_edition: Counter = field(default_factory=Counter)
    value_per_edition: defaultdict = field(default_factory=lambda: defaultdict(Decimal))
    bands_per_edition: defaultdict = field(default_factory=lambda: defaultdict(Counter))


def project_value(rng: random.Random, index: int) -> Decimal:
    if index < len(ONE_PER_BAND):
        return ONE_PER_BAND[index]
    yuan = int(10 ** rng.uniform(*LOG10_VALUE_RANGE))
    return Decimal(max(10_000, yuan - yuan % 10_000))


def project_rows(
    *, n: int, seed: int, edition_ids: list[int], sector_ids: list[int], source_ids: list[int], years: list[int]
) -> Iterator[tuple]:
    """n project rows in COLUMNS order, the same for the same seed and the same lists of ids."""
    rng = random.Random(seed)
    editions = len(edition_ids)
    for index in range(n):
        e = index % editions if index < editions else rng.randrange(editions)
        thing = THINGS[rng.randrange(len(THINGS))]
        adjective = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
        facility = FACILITIES[rng.randrange(len(FACILITIES))]
        international = rng.random() < INTERNATIONAL_SHARE
        partner = PARTNERS[rng.randrange(len(PARTNERS))] if international else ""
        year = years[e]
        yield (
            edition_ids[e],
            f"{adjective} {thing} {facility} No. {index + 1}",
            f"{THINGS_ZH[thing]}项目{index + 1}号",
            sector_ids[rng.randrange(len(sector_ids))],
            "international" if international else "domestic",
            partner,
            f"{PARTIES[rng.randrange(len(PARTIES))]}; {PARTIES[rng.randrange(len(PARTIES))]}",
            "",
            LOCATIONS[rng.randrange(len(LOCATIONS))],
            project_value(rng, index),
            datetime.date(year, 8, 26 + rng.randrange(4)),
            "A synthetic project generated for benchmarks.",
            "",
            source_ids[e],
            True,
            KINDS[rng.randrange(len(KINDS))],
            STATUSES[rng.randrange(len(STATUSES))],
            1,
            CREATED_AT,
            CREATED_AT,
        )


def ensure_reference_data(*, editions: int) -> tuple[list, list, list]:
    """Published editions 1..editions with a source each, and the standard sectors plus a few more."""
    from editions.models import Edition, EditionStatus, Sector, Source

    for position, (slug, name_en, name_zh) in enumerate(EXTRA_SECTORS, start=50):
        Sector.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_zh": name_zh, "position": position})
    result = []
    for number in range(1, editions + 1):
        year = FIRST_YEAR + number - 1
        source, _ = Source.objects.update_or_create(
            key=f"BENCH{number}",
            defaults={
                "title": f"Closing press release of the {number}th benchmark edition",
                "publisher": "Expo organising committee",
                "url": f"https://news.example.org/bench/{number}.html",
                "published_on": datetime.date(year, 8, 30),
                "language": "en",
            },
        )
        edition, _ = Edition.objects.update_or_create(
            number=number,
            defaults={
                "year": year,
                "start_date": datetime.date(year, 8, 26),
                "end_date": datetime.date(year, 8, 30),
                "name_zh": "基准测试博览会",
                "name_en": "Benchmark Expo",
                "city": "Changchun",
                "status": EditionStatus.PUBLISHED,
                "published_at": datetime.datetime(year, 9, 1, tzinfo=datetime.UTC),
            },
        )
        result.append((edition, source))
    sectors = list(Sector.objects.order_by("position", "slug").values_list("pk", flat=True))
    return [e for e, _ in result], [s for _, s in result], sectors


def _insert_sql(columns: list[str]) -> str:
    from projects.models import Project

    table = Project._meta.db_table
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


def _other_columns(connection) -> tuple[list[str], tuple]:
    """Columns other helpers may add later, filled with their defaults, so the raw insert keeps working."""
    from projects.models import Project

    names, values = [], []
    for model_field in Project._meta.concrete_fields:
        if model_field.primary_key or model_field.column in COLUMNS + DERIVED_COLUMNS:
            continue
        names.append(model_field.column)
        values.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    return names, tuple(values)


def _record(generated: Generated, row: tuple, edition_index: dict) -> None:
    from projects.bands import band_for

    edition = edition_index[row[0]]
    generated.per_edition[edition] += 1
    generated.value_per_edition[edition] += row[9]
    generated.bands_per_edition[edition][band_for(row[9]).slug] += 1


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_projects(
    rows: Iterator[tuple], *, n: int, batch_size: int, progress: Progress | None, on_row, edition_numbers: dict
) -> int:
    """Insert rows in batches: COPY on PostgreSQL, executemany elsewhere. Returns the number inserted.

    `edition_numbers` maps each edition's id to its number, which every row carries (DERIVED_COLUMNS)."""
    from django.db import connection, transaction

    from projects.models import Project
    from projects.search_index import search_index_rebuilt_after

    extra_columns, extra_values = _other_columns(connection)
    columns = COLUMNS + DERIVED_COLUMNS + extra_columns
    created_at = connection.ops.adapt_datetimefield_value(CREATED_AT)
    done = 0
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # A throwaway benchmark database: no need to wait for the disk after every batch.
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
    with search_index_rebuilt_after(), transaction.atomic(), connection.cursor() as cursor:
        for batch in _batches(rows, batch_size):
            prepared = []
            for row in batch:
                on_row(row)
                prepared.append((*row[:18], created_at, created_at, edition_numbers[row[0]], *extra_values))
            if connection.vendor == "postgresql":
                table = Project._meta.db_table
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                cursor.executemany(_insert_sql(columns), prepared)
            done += len(batch)
            if progress:
                progress(done, n)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would soon do: without a visibility map, index-only scans (deep pages)
            # read the table too and the planner prefers a sort.
            cursor.execute(f"VACUUM ANALYZE {Project._meta.db_table}")
        else:
            cursor.execute(f"ANALYZE {Project._meta.db_table}")
    return done


def add_reported_data(editions, sources, generated: Generated) -> None:
    """Headline figures and exclusive band counts per edition that agree with the generated projects."""
    from core.vocabulary import Qualifier
    from editions.models import Metric, ReportedBand, ReportedFigure
    from projects.bands import VALUE_BANDS

    metrics = {m.code: m for m in Metric.objects.filter(code__in=["projects_signed", "signed_value", "participants"])}
    for edition, source in zip(editions, sources, strict=True):
        figures = {
            "projects_signed": (generated.per_edition[edition.number], Qualifier.EXACT),
            "signed_value": (generated.value_per_edition[edition.number], Qualifier.EXACT),
            "participants": (20000 + 500 * edition.number, Qualifier.MORE_THAN),
        }
        for code, (value, qualifier) in figures.items():
            if code not in metrics:
                continue
            figure, _ = ReportedFigure.objects.update_or_create(
                edition=edition,
                metric=metrics[code],
                stage="closing",
                defaults={"value": value, "qualifier": qualifier},
            )
            figure.sources.set([source])
        for band in VALUE_BANDS:
            reported, _ = ReportedBand.objects.update_or_create(
                edition=edition,
                lower_yuan=band.lower or Decimal(0),
                defaults={
                    "upper_yuan": band.upper,
                    "count": generated.bands_per_edition[edition.number][band.slug],
                    "is_nested": False,
                },
            )
            reported.sources.set([source])


def generate(
    *,
    n: int,
    editions: int = DEFAULT_EDITIONS,
    seed: int = DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Generated:
    """Create `editions` published editions and n projects spread over them; deterministic for a seed."""
    if n < 0 or editions < 1:
        raise ValueError("n must be at least 0 and editions at least 1")
    started = time.perf_counter()
    edition_objects, source_objects, sector_ids = ensure_reference_data(editions=editions)
    generated = Generated()
    edition_index = {e.pk: e.number for e in edition_objects}
    rows = project_rows(
        n=n,
        seed=seed,
        edition_ids=[e.pk for e in edition_objects],
        sector_ids=sector_ids,
        source_ids=[s.pk for s in source_objects],
        years=[e.year for e in edition_objects],
    )
    generated.projects = insert_projects(
        rows,
        n=n,
        batch_size=batch_size,
        progress=progress,
        on_row=lambda row: _record(generated, row, edition_index),
        edition_numbers=edition_index,
    )
    add_reported_data(edition_objects, source_objects, generated)
    # The rows went in without signals; the portal's cached counts and summaries must not outlive them.
    from core.caching.tokens import changed
    from projects.tallying import rebuild_cells

    rebuild_cells()
    changed()
    generated.seconds = time.perf_counter() - started
    return generated


class ProgressBar:
    """A plain-text progress bar on stderr."""

    def __init__(self, label: str, width: int = 30):
        self.label, self.width, self.started, self.last = label, width, time.perf_counter(), 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = math.floor(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{self.label} [{bar}] {share:4.0%} {done:,}/{total:,} {elapsed:5.1f} s {rate:,.0f}/s{end}")
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description="Fill a migrated bench database.")
    parser.add_argument("--n", type=int, required=True, help="number of projects")
    parser.add_argument("--editions", type=int, default=DEFAULT_EDITIONS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection

    generated = generate(
        n=args.n,
        editions=args.editions,
        seed=args.seed,
        batch_size=args.batch_size,
        progress=ProgressBar(f"{connection.vendor}: projects"),
    )
    sys.stderr.write(
        f"{connection.vendor}: {generated.projects:,} projects over {args.editions} editions "
        f"in {generated.seconds:.1f} s\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
