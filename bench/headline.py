"""The headline workload (bench/workload.py) run interleaved, and the first visit of each public page after a restart.

For each address, one request to the portal, then one to tuned Datasette asking the same question, then one to
the floor, one at a time, so that the three see the same machine at the same moment (a shared machine's load
moves from minute to minute) and none waits behind another's request. Every address is asked once: on the portal
each is a page-cache miss with the base aggregates warm (the repeat-visit measurements ran before).
"""

from collections.abc import Callable
from pathlib import Path

from bench import servers, workload
from bench.load import fetch
from bench.stats import percentile

TIMEOUT_S = 60
SIDES = ("portal", "datasette", "floor")
PROGRESS_EVERY = 60
SLOWEST = 10


def summary(answers: list[dict]) -> dict:
    """Statuses, and p50/p95/p99/max over the answers that were a 200 (an error is not an answer, however fast)."""
    statuses: dict[str, int] = {}
    for answer in answers:
        statuses[str(answer["status"])] = statuses.get(str(answer["status"]), 0) + 1
    times = [answer["total_ms"] for answer in answers if str(answer["status"]) == "200"]
    return {
        "urls": len(answers),
        "statuses": statuses,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "max_ms": max(times) if times else None,
    }


def interleaved(
    addresses: list[workload.Address],
    *,
    portal_port: int,
    datasette_port: int | None,
    floor: str,
    log: Callable[[str], None] = lambda message: None,
) -> dict:
    """Per family (and for all of them): the portal's, Datasette's and the floor's summaries; the slowest answers."""
    answers: dict[str, dict[str, list]] = {}
    timed: list[dict] = []
    for done, item in enumerate(addresses, start=1):
        if done % PROGRESS_EVERY == 0:
            log(f"  headline workload: {done} of {len(addresses)} addresses asked")
        requested = {
            "portal": fetch(portal_port, item.portal, TIMEOUT_S),
            "datasette": fetch(datasette_port, item.datasette, TIMEOUT_S) if datasette_port else None,
            "floor": fetch(portal_port, floor, TIMEOUT_S),
        }
        timed.append(
            {
                "family": item.family,
                "portal_path": item.portal,
                "portal_ms": requested["portal"]["total_ms"],
                "portal_status": str(requested["portal"]["status"]),
                "datasette_ms": requested["datasette"]["total_ms"] if requested["datasette"] else None,
            }
        )
        for family in (item.family, workload.ALL):
            lists = answers.setdefault(family, {side: [] for side in SIDES})
            for side, answer in requested.items():
                if answer is not None:
                    lists[side].append(answer)
    order = [*workload.FAMILIES, workload.ALL]
    families = {
        family: {side: summary(answers[family][side]) if answers[family][side] else None for side in SIDES}
        for family in order
        if family in answers
    }
    # The slowest portal answers, to say where the tail comes from.
    slowest = sorted(timed, key=lambda found: -(found["portal_ms"] or float("inf")))[:SLOWEST]
    return {"families": families, "slowest": slowest}


def run(
    addresses: list[workload.Address],
    *,
    portal_port: int,
    floor: str,
    binary: Path | None,
    copy: Path,
    settings: list[tuple[str, str]],
    warm: list[str],
    log_path: Path,
    log: Callable[[str], None],
) -> dict:
    """Start tuned Datasette beside the portal (idle while the other is asked), warm it, run the workload."""
    if binary is None:
        return interleaved(addresses, portal_port=portal_port, datasette_port=None, floor=floor, log=log)
    with servers.datasette(binary=binary, sqlite_path=copy, settings=settings, log=log_path) as datasette:
        # The portal's caches are warm from the repeat visits; Datasette gets its own pages once (SQLite's page
        # cache, its startup), none of them an address of the workload.
        for path in warm:
            fetch(datasette.port, path, TIMEOUT_S)
        log(f"  headline workload: {len(addresses)} addresses, portal, Datasette tuned and floor in turn")
        return interleaved(addresses, portal_port=portal_port, datasette_port=datasette.port, floor=floor, log=log)


def public_pages(*, edition: int, editions: int) -> list[tuple[str, str]]:
    """(label, address) of each kind of public page, in the order a first visitor after a restart might ask."""
    return [
        ("home", "/en/"),
        ("projects list", "/en/projects/"),
        ("editions list", "/en/editions/"),
        (f"edition summary ({edition})", f"/en/editions/{edition}/"),
        ("comparison index", "/en/compare/"),
        (f"comparison 1 vs {editions}", f"/en/compare/1/{editions}/"),
        ("spans", "/en/spans/"),
        ("API, projects", "/api/v1/projects"),
    ]


def after_restart(port: int, pages: list[tuple[str, str]]) -> list[dict]:
    """Each page requested once, one at a time, by a freshly started server (every cache empty)."""
    results = []
    for label, path in pages:
        answer = fetch(port, path, TIMEOUT_S)
        results.append({"label": label, "path": path, "status": str(answer["status"]), "ms": answer["total_ms"]})
    return results
