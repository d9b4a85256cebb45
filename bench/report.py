"""Ratios and the Markdown table of a benchmark run."""

from bench.stats import format_ms, format_ratio, ratio
from bench.workload import ALL, FAMILIES

# The targets for the headline workload, per family.
TARGET_P50_VS_DATASETTE = 0.5
TARGET_P95_VS_DATASETTE = 1.0
TARGET_P99_MS = 1000.0
TARGET_MISS_VS_FLOOR = 10.0
TARGET_AFTER_RESTART_MS = 1000.0
# The repeat-visit page (latency table) of each family has the family's key; "all" shows the range over them.
REPEAT_PAGE = {family: family for family in FAMILIES}

SERVERS = ("portal", "datasette_shipped", "datasette_tuned")
SERVER_LABELS = {"portal": "portal", "datasette_shipped": "Datasette as shipped", "datasette_tuned": "Datasette tuned"}


def is_ok(result: dict | None) -> bool:
    return bool(result) and str(result.get("status")) == "200" and result.get("p50_ms") is not None


def describe(result: dict) -> str:
    """One line for the progress log: status, p50 and throughput."""
    if not result.get("p50_ms"):
        return f"status {result.get('status')}"
    statuses = ", ".join(f"{code} ×{count}" for code, count in result.get("statuses", {}).items())
    return f"p50 {format_ms(result['p50_ms'])} ms, {result.get('requests_per_s') or 0:.1f} req/s ({statuses})"


def status_text(result: dict | None) -> str:
    """'200', or every status seen when they differ ('500 ×3, 200 ×7'), or '—' when not measured."""
    if not result:
        return "—"
    statuses = result.get("statuses") or {}
    if len(statuses) > 1:
        return ", ".join(f"{code} ×{count}" for code, count in sorted(statuses.items()))
    return str(result.get("status", "—"))


def add_ratios(run: dict) -> None:
    """Each page's p50 over the floor's p50 and over Datasette's p50 (as shipped and tuned), where both answered 200."""
    floor = next((page.get("portal") for page in run["pages"] if page["key"] == "floor"), None)
    floor_p50 = floor["p50_ms"] if is_ok(floor) else None
    for page in run["pages"]:
        portal = page.get("portal")
        p50 = portal["p50_ms"] if is_ok(portal) else None
        # A whole download is compared with Datasette's, not with one small page.
        page["ratio_floor"] = None if page["key"] == "floor" or page.get("export") else ratio(p50, floor_p50)
        for name in ("datasette_shipped", "datasette_tuned"):
            other = page.get(name)
            page[f"ratio_{name}"] = ratio(p50, other["p50_ms"] if is_ok(other) else None)


def _ms(result: dict | None, key: str) -> str:
    return format_ms(result.get(key)) if result else "—"


def _rps(result: dict | None) -> str:
    if not result or result.get("requests_per_s") is None:
        return "—"
    return f"{result['requests_per_s']:.1f}"


def latency_table(runs: list[dict]) -> list[str]:
    lines = [
        "| database | N | page | status | first (cold) ms | after one edit ms | p50 ms | p95 ms | p99 ms | req/s "
        "| p50 ÷ floor "
        "| Datasette as shipped p50 ms | p50 ÷ Datasette as shipped | Datasette tuned p50 ms | p50 ÷ Datasette tuned |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for page in run["pages"]:
            portal = page.get("portal")
            shipped, tuned = page.get("datasette_shipped"), page.get("datasette_tuned")
            cells = [
                run["database"],
                f"{run['n']:,}",
                page["label"],
                status_text(portal),
                _ms(portal, "first_ms"),
                _ms(portal, "after_edit_ms"),
                _ms(portal, "p50_ms"),
                _ms(portal, "p95_ms"),
                _ms(portal, "p99_ms"),
                _rps(portal),
                "1 (floor)" if page["key"] == "floor" else format_ratio(page.get("ratio_floor")),
                _ms(shipped, "p50_ms") if is_ok(shipped) else status_text(shipped),
                format_ratio(page.get("ratio_datasette_shipped")),
                _ms(tuned, "p50_ms") if is_ok(tuned) else status_text(tuned),
                format_ratio(page.get("ratio_datasette_tuned")),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def export_table(runs: list[dict]) -> list[str]:
    lines = [
        "| database | N | server | status | first byte ms | total s | rows | rows/s | peak RSS MiB |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for page in run["pages"]:
            if not page.get("export"):
                continue
            for name in SERVERS:
                result = page.get(name)
                if not result:
                    continue
                total = result.get("p50_ms")
                rows_per_s = result.get("rows_per_s")
                cells = [
                    run["database"],
                    f"{run['n']:,}",
                    SERVER_LABELS[name],
                    status_text(result),
                    format_ms(result.get("ttfb_p50_ms")),
                    "—" if total is None else f"{total / 1000:.2f}",
                    f"{result.get('rows', 0):,}",
                    "—" if rows_per_s is None else f"{rows_per_s:,.0f}",
                    f"{result.get('peak_rss_mib', 0):.0f}",
                ]
                lines.append("| " + " | ".join(cells) + " |")
    return lines


def describe_first_visits(families: dict) -> str:
    parts = [
        f"{key} p50 {format_ms(found['p50_ms'])} / p95 {format_ms(found['p95_ms'])} ms"
        for key, found in families.items()
    ]
    return ", ".join(parts)


def first_visits_table(runs: list[dict]) -> list[str]:
    lines = [
        "| database | N | first visit | addresses | status | p50 ms | p95 ms | max ms | p50 ÷ floor |",
        "|---|---:|---|---:|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        # Against the floor measured as these were, one request at a time.
        floor_p50 = run.get("first_visits", {}).get("floor", {}).get("p50_ms")
        for result in run.get("first_visits", {}).values():
            statuses = ", ".join(f"{code} ×{count}" for code, count in sorted(result["statuses"].items()))
            cells = [
                run["database"],
                f"{run['n']:,}",
                result["label"],
                str(result["urls"]),
                statuses,
                format_ms(result["p50_ms"]),
                format_ms(result["p95_ms"]),
                format_ms(result["max_ms"]),
                "1 (floor)"
                if result is run["first_visits"].get("floor")
                else format_ratio(ratio(result["p50_ms"], floor_p50)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def _judged(value: float | None, limit: float, text: str) -> str:
    if value is None:
        return "—"
    return f"{text} ({'met' if value <= limit else 'missed'})"


def _statuses(summary: dict | None) -> str:
    if not summary:
        return "—"
    return ", ".join(f"{code} ×{count}" for code, count in sorted(summary["statuses"].items()))


def _repeat_p50(run: dict, family: str) -> str:
    by_key = {page["key"]: page.get("portal") for page in run["pages"]}
    if family == ALL:
        values = [by_key[key]["p50_ms"] for key in REPEAT_PAGE.values() if is_ok(by_key.get(key))]
        return f"{format_ms(min(values))}–{format_ms(max(values))}" if values else "—"
    result = by_key.get(REPEAT_PAGE.get(family, ""))
    return format_ms(result["p50_ms"]) if is_ok(result) else "—"


def describe_workload(results: dict) -> str:
    found = results["families"].get(ALL) or {}
    portal, datasette = found.get("portal") or {}, found.get("datasette") or {}
    return (
        f"{portal.get('urls', 0)} addresses, portal p50 {format_ms(portal.get('p50_ms'))} / p95 "
        f"{format_ms(portal.get('p95_ms'))} ms, Datasette p50 {format_ms(datasette.get('p50_ms'))} / p95 "
        f"{format_ms(datasette.get('p95_ms'))} ms"
    )


def headline_table(runs: list[dict]) -> list[str]:
    """The workload per family, with the targets marked met or missed."""
    lines = [
        "| database | N | family | addresses | portal status | portal p50 ms | p95 ms | p99 ms (≤ 1 s) "
        "| Datasette tuned status | Datasette p50 ms | p95 ms | p99 ms | floor p50 ms "
        "| portal ÷ Datasette p50 (≤ 0.5×) | portal ÷ Datasette p95 (≤ 1×) | portal ÷ floor p50 (≤ 10×) "
        "| repeat visit p50 ms |",
        "|---|---:|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for family, found in run.get("workload", {}).get("families", {}).items():
            portal, datasette, floor = found.get("portal"), found.get("datasette"), found.get("floor")

            def get(summary, key):
                return summary.get(key) if summary else None

            p50_ratio = ratio(get(portal, "p50_ms"), get(datasette, "p50_ms"))
            p95_ratio = ratio(get(portal, "p95_ms"), get(datasette, "p95_ms"))
            floor_ratio = ratio(get(portal, "p50_ms"), get(floor, "p50_ms"))
            p99 = get(portal, "p99_ms")
            cells = [
                run["database"],
                f"{run['n']:,}",
                "all" if family == ALL else FAMILIES[family],
                str(get(portal, "urls") or 0),
                _statuses(portal),
                format_ms(get(portal, "p50_ms")),
                format_ms(get(portal, "p95_ms")),
                _judged(p99, TARGET_P99_MS, format_ms(p99)),
                _statuses(datasette),
                format_ms(get(datasette, "p50_ms")),
                format_ms(get(datasette, "p95_ms")),
                format_ms(get(datasette, "p99_ms")),
                format_ms(get(floor, "p50_ms")),
                _judged(p50_ratio, TARGET_P50_VS_DATASETTE, format_ratio(p50_ratio)),
                _judged(p95_ratio, TARGET_P95_VS_DATASETTE, format_ratio(p95_ratio)),
                _judged(floor_ratio, TARGET_MISS_VS_FLOOR, format_ratio(floor_ratio)),
                _repeat_p50(run, family),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def slowest_table(runs: list[dict]) -> list[str]:
    """The headline's slowest portal answers, with Datasette's time for the same question."""
    lines = ["| database | N | family | address | portal ms | Datasette ms |", "|---|---:|---|---|---:|---:|"]
    for run in runs:
        for found in run.get("workload", {}).get("slowest", []):
            portal = format_ms(found["portal_ms"])
            if found["portal_status"] != "200":
                portal = f"{portal} ({found['portal_status']})"
            cells = [
                run["database"],
                f"{run['n']:,}",
                FAMILIES[found["family"]],
                f"`{found['portal_path']}`",
                portal,
                format_ms(found["datasette_ms"]),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def restart_table(runs: list[dict]) -> list[str]:
    """The first request of each public page after a restart, against the target of 1 s."""
    lines = ["| database | N | page | address | status | ms (≤ 1 s) |", "|---|---:|---|---|---|---:|"]
    for run in runs:
        for visit in run.get("after_restart", []):
            cells = [
                run["database"],
                f"{run['n']:,}",
                visit["label"],
                f"`{visit['path']}`",
                visit["status"],
                _judged(visit["ms"], TARGET_AFTER_RESTART_MS, format_ms(visit["ms"])),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(results: dict) -> str:
    meta = results["meta"]
    options = meta["options"]
    tuned = ", ".join(f"`{name} {value}`" for name, value in meta["datasette_tuned_settings"])
    lines = [
        "# Expo Portal benchmark",
        "",
        f"Commit {meta['commit']}, started {meta['started']}, Python {meta['python']}, {meta['machine']}; "
        f"{options['editions']} editions, seed {options['seed']}; gunicorn {options['workers']} sync workers; "
        f"{options['concurrency']} client threads, at most {options['requests']} requests or "
        f"{options['duration']:g} s per page after {options['warmup']} warm-up requests; "
        f"{meta['page_size']} rows per table page; portal cache: {meta.get('cache', 'local memory, one per worker')}. "
        f"Datasette tuned: {tuned}.",
        "",
        "## Headline: distinct questions to the projects table, each asked once",
        "",
        "Each address is requested once, one at a time: the portal, then tuned Datasette asked the same question "
        "(filters as column filters, the search as `_where` with the portal's own SQLite condition, later pages by "
        "keyset `_next`, the same page size), then the floor. On the portal every one is a page-cache miss with the "
        "base aggregates warm. Percentiles over the 200 answers; “repeat visit” is the latency table's p50 of the "
        "family's page (under load, from the page cache). Targets: portal p50 ≤ 0.5× and p95 ≤ 1× Datasette's, "
        "p99 ≤ 1 s, a miss ≤ 10× the floor.",
        "",
        *headline_table(results["runs"]),
        "",
        "The slowest portal answers of the workload:",
        "",
        *slowest_table(results["runs"]),
        "",
        "## First visit of each public page after a restart (every cache empty, target ≤ 1 s)",
        "",
        *restart_table(results["runs"]),
        "",
        "## Repeat visits (each page requested again and again, under load)",
        "",
        "Latency in milliseconds on loopback; ratios are p50 ÷ p50 (below 1 means faster than the reference). "
        "“First (cold)” is the portal's first request for the address, before anything of it was cached; "
        "“after one edit” its first request after one project of the summary's edition was saved (every page "
        "is rendered again, only that edition is aggregated again). "
        "A ratio is shown only when both sides answered 200. The CSV export rows give the time of a whole download.",
        "",
        *latency_table(results["runs"]),
        "",
        "## CSV export of all rows",
        "",
        *export_table(results["runs"]),
        "",
        "## First visits (each address requested once, one at a time, base aggregates warm)",
        "",
        *first_visits_table(results["runs"]),
        "",
    ]
    for run in results["runs"]:
        lines.append(
            f"- {run['database']}, N={run['n']:,}: data generated in {run['generation_s']:.1f} s; "
            f"edition {run['params']['edition_number']}, deep page {run['params']['deep_page']:,}."
        )
    lines.append("")
    return "\n".join(lines)
