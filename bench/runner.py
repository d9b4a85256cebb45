"""`python -m bench`: generate data, serve it, measure the portal, the floor and Datasette, write the table."""

import argparse
import datetime
import json
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import first_visits, headline, report, servers, workload
from bench.generate import DEFAULT_EDITIONS, DEFAULT_SEED
from bench.pages import DATASETTE_DB, PAGE_SIZE, SEARCH_WORD, SECTOR_SLUG, Page, pages  # noqa: F401
from bench.servers import RESULTS, ROOT
from bench.stats import format_ms

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ep_bench"
DATASETTE_SHIPPED: list[tuple[str, str]] = []
# Tuned: no facet suggestions (most of a table page as shipped), and no 100 MB cap on CSV downloads.
DATASETTE_TUNED = [("suggest_facets", "off"), ("max_csv_mb", "0")]


def log(message: str) -> None:
    sys.stderr.write(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}\n")
    sys.stderr.flush()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def data_env(database_url: str) -> dict:
    """The portal's settings for the data step, without the pages' statement timeout (a bulk load or a
    VACUUM of a million rows may take longer than the 5 s a page is given on PostgreSQL)."""
    return {**servers.portal_env(database_url), "DB_STATEMENT_TIMEOUT_MS": "0"}


def manage(database_url: str, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=data_env(database_url), check=True)


def fresh_postgres(url: str) -> None:
    """Drop and recreate the bench database named in `url` (so it holds nothing but what the run puts there)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        # The run drops this database: refuse anything that does not look like a bench database.
        raise SystemExit(f"--postgres-url must name a bench database (its name containing 'bench'), not {name!r}")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(database: str, n: int, args) -> tuple[str, float]:
    """A freshly migrated bench database holding n generated projects; returns its URL and the seconds taken."""
    if database == "postgres":
        url = args.postgres_url
        fresh_postgres(url)
    else:
        path = RESULTS / f"bench-{n}.sqlite3"
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        url = sqlite_url(path)
        args.sqlite_generated.add(n)
    log(f"{database}, N={n:,}: migrating a fresh bench database")
    manage(url, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.generate",
            "--n",
            str(n),
            "--editions",
            str(args.editions),
            "--seed",
            str(args.seed),
        ],
        cwd=ROOT,
        env=data_env(url),
        check=True,
    )
    return url, time.perf_counter() - started


def datasette_copy(database: str, n: int, args) -> Path:
    """A SQLite file with the same rows for Datasette: a copy of the SQLite run, or generated from the same seed."""
    target = RESULTS / "datasette" / f"{DATASETTE_DB}.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    source = RESULTS / f"bench-{n}.sqlite3"
    if n not in args.sqlite_generated:
        # Same seed, same rows: the PostgreSQL run's data, rebuilt in SQLite.
        url, _ = prepare("sqlite", n, args)
        source = Path(url.removeprefix("sqlite:///"))
    shutil.copyfile(source, target)
    return target


def discover(sqlite_path: Path, *, n: int, editions: int) -> dict:
    """Ids and keys the queries need, read from the SQLite copy (same ids as the database under test)."""
    connection = sqlite3.connect(sqlite_path)
    try:
        number = max(1, (editions + 1) // 2)
        edition_id = connection.execute("SELECT id FROM editions_edition WHERE number = ?", [number]).fetchone()[0]
        sector_id = connection.execute("SELECT id FROM editions_sector WHERE slug = ?", [SECTOR_SLUG]).fetchone()[0]
        deep_page = max(2, n // PAGE_SIZE // 2)
        before = connection.execute(
            "SELECT value, id FROM projects_project ORDER BY value DESC, id LIMIT 1 OFFSET ?",
            [(deep_page - 1) * PAGE_SIZE - 1],
        ).fetchone()
    finally:
        connection.close()
    deep_next = f"{before[0]},{before[1]}" if before else None
    return {
        "edition_number": number,
        "edition_id": edition_id,
        "sector_id": sector_id,
        "deep_page": deep_page,
        "deep_next": deep_next,
    }


def load(port: int, path: str, args, *, export: bool = False) -> dict:
    """Run the load generator in its own process and return its JSON."""
    if export:
        options = ["--requests", str(args.export_requests), "--duration", str(args.export_duration)]
        options += ["--concurrency", "1", "--warmup", "0"]
        options += ["--timeout", str(args.export_timeout)]
    else:
        options = ["--requests", str(args.requests), "--duration", str(args.duration)]
        options += ["--concurrency", str(args.concurrency), "--warmup", str(args.warmup), "--timeout", "60"]
    completed = subprocess.run(
        [sys.executable, "-m", "bench.load", "--port", str(port), "--path", path, *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return {"path": path, "status": "load generator failed", "error": completed.stderr[-2000:]}
    return json.loads(completed.stdout)


def measure(server: servers.Server, page_list: list[Page], attribute: str, args) -> dict:
    results = {}
    for page in page_list:
        path = getattr(page, attribute)
        if path is None:
            continue
        if page.export:
            with servers.PeakMemory(server) as memory:
                result = load(server.port, path, args, export=True)
            result["peak_rss_mib"] = memory.peak_mib
            content_type = result.get("content_type", "")
            if str(result.get("status")) == "200" and not content_type.startswith("text/csv"):
                # A placeholder page is not an export: show it as such rather than as a fast download.
                result["status"] = f"200 but {content_type.split(';')[0] or 'no content type'}, not CSV"
            result["rows"] = max(0, result.get("lines", 0) - 1)
            total_s = (result.get("p50_ms") or 0) / 1000
            result["rows_per_s"] = result["rows"] / total_s if total_s > 0 else None
        else:
            result = load(server.port, path, args)
        results[page.key] = result
        log(f"  {server.name} {page.key:<12} {report.describe(result)}")
    return results


def after_one_edit(server: servers.Server, page_list: list[Page], url: str, edition: int, results: dict) -> None:
    """Edit one project of `edition` as staff would, then time each page's next request once.

    Every page is rendered again (the change replaces the data token), but only the edited edition's
    projects are aggregated again; this is what the first visitor after an edit waits for.
    """
    touch = [sys.executable, "-m", "bench.touch", "--edition", str(edition)]
    edited = subprocess.run(touch, cwd=ROOT, env=servers.portal_env(url), check=False, capture_output=True, text=True)
    if edited.returncode != 0:  # e.g. a tiny N that left the edition without projects
        log(f"  after one edit: skipped ({edited.stderr.strip()[-200:]})")
        return
    options = ["--requests", "1", "--duration", "60", "--concurrency", "1", "--warmup", "0", "--timeout", "60"]
    for page in page_list:
        if page.key == "floor" or page.export or page.key not in results:
            continue
        completed = subprocess.run(
            [sys.executable, "-m", "bench.load", "--port", str(server.port), "--path", page.portal, *options],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode == 0:
            results[page.key]["after_edit_ms"] = json.loads(completed.stdout).get("p50_ms")
    log(
        f"  after one edit of edition {edition}: "
        + ", ".join(
            f"{key} {format_ms(result.get('after_edit_ms'))} ms"
            for key, result in results.items()
            if "after_edit_ms" in result
        )
    )


def headline_addresses(copy: Path, n: int, args, page_list: list[Page], listing: str) -> list[workload.Address]:
    """The workload's addresses, none of them one the repeat visits or the first visits ask."""
    asked = [page.portal for page in page_list if page.portal]
    asked += [path for *_, paths in first_visits.families(listing=listing, known_word=SEARCH_WORD) for path in paths]
    catalogue = workload.SQLiteCatalogue.open(copy)
    try:
        return workload.workload(
            seed=args.seed,
            n=n,
            ids=workload.read_ids(copy),
            catalogue=catalogue,
            per_family=args.workload_per_family,
            exclude=asked,
        )
    finally:
        catalogue.close()


def run_one(database: str, n: int, args, page_log: Path) -> dict:
    url, generation_s = prepare(database, n, args)
    copy = datasette_copy(database, n, args)
    params = discover(copy, n=n, editions=args.editions)
    page_list = pages(n=n, editions=args.editions, params=params)
    run = {"database": database, "n": n, "generation_s": generation_s, "params": params, "pages": []}
    measured = {}

    binary = None if args.no_datasette else servers.ensure_datasette(log, page_log)
    listing = next(page.portal for page in page_list if page.key == "sorted")
    addresses = headline_addresses(copy, n, args, page_list, listing)
    log(f"{database}, N={n:,}: gunicorn with {args.workers} workers")
    if args.redis_url:
        servers.flush_redis(args.redis_url)
    with servers.gunicorn(database_url=url, workers=args.workers, log=page_log, redis_url=args.redis_url) as server:
        measured["portal"] = measure(server, page_list, "portal", args)
        run["workload"] = headline.run(
            addresses,
            portal_port=server.port,
            floor=page_list[0].portal,
            binary=binary,
            copy=copy,
            settings=DATASETTE_TUNED,
            warm=[page.datasette for page in page_list if page.datasette and not page.export],
            log_path=page_log,
            log=log,
        )
        log("  headline: " + report.describe_workload(run["workload"]))
        run["first_visits"] = first_visits.measure(
            server.port, listing=listing, known_word=SEARCH_WORD, floor=page_list[0].portal
        )
        log("  first visits: " + report.describe_first_visits(run["first_visits"]))
        after_one_edit(server, page_list, url, params["edition_number"], measured["portal"])

    # A restart empties every worker's cache (with Redis, the shared cache is emptied to the same effect).
    if args.redis_url:
        servers.flush_redis(args.redis_url)
    with servers.gunicorn(database_url=url, workers=args.workers, log=page_log, redis_url=args.redis_url) as server:
        run["after_restart"] = headline.after_restart(
            server.port, headline.public_pages(edition=params["edition_number"], editions=args.editions)
        )
        log("  after a restart: " + ", ".join(f"{r['label']} {format_ms(r['ms'])} ms" for r in run["after_restart"]))

    if binary is not None:
        for name, settings in (("datasette_shipped", DATASETTE_SHIPPED), ("datasette_tuned", DATASETTE_TUNED)):
            log(f"{database}, N={n:,}: {name.replace('_', ' ')}")
            with servers.datasette(binary=binary, sqlite_path=copy, settings=settings, log=page_log) as server:
                measured[name] = measure(server, page_list, "datasette", args)

    for page in page_list:
        run["pages"].append(
            {
                "key": page.key,
                "label": page.label,
                "export": page.export,
                "portal_path": page.portal,
                "datasette_path": page.datasette,
                **{name: results.get(page.key) for name, results in measured.items()},
            }
        )
    report.add_ratios(run)
    return run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="100000", help="comma-separated numbers of projects (default 100000)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--redis-url",
        help="cache in this Redis database (emptied before each portal run), as production does with REDIS_URL; "
        "by default every gunicorn worker caches in its own memory",
    )
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
        help=f"the PostgreSQL bench database, dropped and recreated on every run; its name must contain 'bench' "
        f"(default {POSTGRES_URL})",
    )
    parser.add_argument("--editions", type=int, default=DEFAULT_EDITIONS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per page at most (default 5)")
    parser.add_argument("--requests", type=int, default=500, help="requests per page at most (default 500)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="warm-up per page: one timed cold request, then this minus one rounds from every client thread "
        "(default 3)",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--export-requests", type=int, default=2, help="full CSV downloads measured (default 2)")
    parser.add_argument(
        "--export-duration", type=float, default=60.0, help="no new download starts after this many seconds"
    )
    parser.add_argument("--export-timeout", type=float, default=300.0, help="seconds before one download fails")
    parser.add_argument(
        "--workload-per-family",
        type=int,
        default=workload.DEFAULT_PER_FAMILY,
        help=f"distinct addresses per family of the headline workload (default {workload.DEFAULT_PER_FAMILY}, "
        f"{len(workload.FAMILIES)} families)",
    )
    parser.add_argument("--no-datasette", action="store_true", help="skip Datasette (its columns stay empty)")
    args = parser.parse_args(argv)
    args.size_list = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    args.sqlite_generated = set()
    args.database_list = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    return args


def git_commit() -> str:
    completed = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return completed.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    server_log = RESULTS / f"servers-{stamp}.log"
    log("collecting static files for the production storage")
    manage(sqlite_url(RESULTS / "collectstatic.sqlite3"), "collectstatic", "--noinput", "-v0")

    runs = []
    for database in args.database_list:
        for n in args.size_list:
            runs.append(run_one(database, n, args, server_log))

    results = {
        "meta": {
            "started": stamp,
            "commit": git_commit(),
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
            "seconds": time.perf_counter() - started,
            "options": {
                key: getattr(args, key)
                for key in (
                    "editions",
                    "seed",
                    "duration",
                    "requests",
                    "concurrency",
                    "warmup",
                    "workers",
                    "export_requests",
                )
            },
            "cache": "Redis, shared by the workers" if args.redis_url else "local memory, one per worker",
            "page_size": PAGE_SIZE,
            "datasette_tuned_settings": DATASETTE_TUNED,
        },
        "runs": runs,
    }
    markdown = report.markdown(results)
    for name in (f"bench-{stamp}", "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str))
        (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)
    log(f"done in {results['meta']['seconds']:.0f} s; results in {(RESULTS / f'bench-{stamp}.md').relative_to(ROOT)}")
    return 0
