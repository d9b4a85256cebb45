"""`python -m bench.loadtest`: many clients across the public pages for a fixed time; zero errors expected.

    python -m bench.loadtest --n 100000 --clients 16 --duration 30
    python -m bench.loadtest --database-url postgres://postgres@127.0.0.1:5432/ep_bench --clients 8

Serves the portal with gunicorn and production settings (DEBUG off) on loopback, on a bench database
it fills with N generated projects (or one given with --database-url, used as it is), then runs
--clients threads in this process (not the server's), each requesting the public pages in turn until
--duration seconds have passed. Reports requests served, errors (any status but 200, or no answer),
latency percentiles and requests per second, in total and per page; exits 1 if there was any error.
Results land in bench/results/loadtest-<date>-<time>.md and .json.
"""

import argparse
import datetime
import itertools
import json
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict

from bench import servers
from bench.load import fetch
from bench.runner import SEARCH_WORD, SECTOR_SLUG, log, sqlite_url
from bench.servers import RESULTS, ROOT
from bench.stats import summarise


def public_pages(*, editions: int, project_id: int | None) -> list[tuple[str, str]]:
    """(label, path) of every kind of public page, with the query strings readers use."""
    middle = max(1, (editions + 1) // 2)
    pages = [
        ("home", "/en/"),
        ("editions", "/en/editions/"),
        ("edition summary", f"/en/editions/{middle}/"),
        ("projects by value", "/en/projects/?sort=-value"),
        ("projects by sector", f"/en/projects/?sector={SECTOR_SLUG}&sort=-value"),
        ("projects of an edition", f"/en/projects/?edition={middle}&sort=title"),
        ("projects, text search", f"/en/projects/?q={SEARCH_WORD}"),
        ("projects, page 20", "/en/projects/?page=20&per_page=50"),
        ("comparison", "/en/compare/"),
        ("comparison of two", f"/en/compare/1/{editions}/"),
        ("health", "/healthz"),
    ]
    if project_id is not None:
        pages.append(("project", f"/en/projects/{project_id}/"))
    return pages


def prepare(args) -> str:
    if args.database_url:
        return args.database_url
    path = RESULTS / f"loadtest-{args.n}.sqlite3"
    path.unlink(missing_ok=True)
    url = sqlite_url(path)
    env = servers.portal_env(url)
    log(f"loadtest: migrating {path.relative_to(ROOT)} and generating {args.n:,} projects")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--n", str(args.n), "--editions", str(args.editions)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def first_project_id(database_url: str) -> int | None:
    code = (
        "from projects.models import Project; "
        "print(Project.objects.public().order_by('-value').values_list('pk', flat=True).first())"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=servers.portal_env(database_url),
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout.strip()
    return int(text) if text.isdigit() else None


def hammer(*, port: int, pages: list[tuple[str, str]], clients: int, duration: float, timeout: float) -> dict:
    """Every client walks the pages in turn (each from a different start) until the time is up."""
    results: dict[str, list[dict]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client(offset: int):
        for label, path in itertools.islice(itertools.cycle(pages), offset, None):
            if time.perf_counter() >= deadline:
                return
            result = fetch(port, path, timeout)
            with lock:
                results[label].append(result)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    def describe(rows: list[dict]) -> dict:
        statuses = Counter(str(row["status"]) for row in rows)
        totals = [row["total_ms"] for row in rows if row["total_ms"] is not None]
        return {
            "requests": len(rows),
            "errors": sum(count for status, count in statuses.items() if status != "200"),
            "statuses": dict(statuses),
            **summarise(totals),
        }

    every = [row for rows in results.values() for row in rows]
    return {
        "elapsed_s": elapsed,
        "total": {**describe(every), "requests_per_s": len(every) / elapsed if elapsed else None},
        "pages": {label: describe(results[label]) for label, _path in pages},
    }


def _ms(value) -> str:
    return "—" if value is None else f"{value:,.1f}"


def markdown(report: dict) -> str:
    total = report["total"]
    size = f"N = {report['n']:,} projects." if report["n"] else "the database given."
    lines = [
        f"Load test: {report['clients']} clients for {report['duration_s']:.0f} s against gunicorn "
        f"({report['workers']} workers, production settings, loopback), {report['database']}, {size}",
        "",
        f"**{total['requests']:,} requests served, {total['errors']} errors, "
        f"{total['requests_per_s']:.1f} requests/s, p50 {_ms(total['p50_ms'])} ms, "
        f"p99 {_ms(total['p99_ms'])} ms.**",
        "",
        "| page | requests | errors | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, page in report["pages"].items():
        lines.append(
            f"| {label} | {page['requests']:,} | {page['errors']} | {_ms(page['p50_ms'])} | "
            f"{_ms(page['p95_ms'])} | {_ms(page['p99_ms'])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="projects to generate (default 100000)")
    parser.add_argument("--editions", type=int, default=20)
    parser.add_argument("--database-url", help="serve this database as it is instead of generating one")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as failed")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.duration > 600:
        parser.error("--clients must be at least 1 and --duration between 0 and 600 seconds")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    url = prepare(args)
    log("loadtest: collectstatic (production static storage needs its manifest)")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=servers.portal_env(url),
        check=True,
    )
    pages = public_pages(editions=args.editions, project_id=first_project_id(url))
    with servers.gunicorn(database_url=url, workers=args.workers, log=RESULTS / f"loadtest-{stamp}.log") as server:
        # One pass first, so the timed run measures a warmed site (as readers find it), not first requests.
        for _label, path in pages:
            fetch(server.port, path, args.timeout)
        log(f"loadtest: {args.clients} clients for {args.duration:.0f} s on {len(pages)} pages")
        measured = hammer(
            port=server.port, pages=pages, clients=args.clients, duration=args.duration, timeout=args.timeout
        )
    report = {
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "n": args.n if not args.database_url else None,
        "clients": args.clients,
        "duration_s": args.duration,
        "workers": args.workers,
        **measured,
    }
    text = markdown(report)
    (RESULTS / f"loadtest-{stamp}.md").write_text(text)
    (RESULTS / f"loadtest-{stamp}.json").write_text(json.dumps(report, indent=2))
    sys.stdout.write(text)
    return 1 if report["total"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
