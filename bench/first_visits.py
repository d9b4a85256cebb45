"""First visits: addresses nobody asked for before, each requested once, while the base aggregates are warm.

The latency table's p50 is a repeat visit served from the page cache. Real visitors also ask new questions:
another order or page, a search word of their own. Each family here is a list of such addresses, requested
one after the other, once each, so every answer is a cache miss (the page, and for a search its counts);
the base aggregates are warm from the latency measurements. Then the revalidation a browser or reverse proxy
makes: a repeat visit sending the page's ETag back (If-None-Match), answered 304 without the page. Every
request here is sent alone, so the floor is measured alone too (the latency table's floor is under load).
"""

from urllib.parse import quote

from bench.load import fetch
from bench.stats import percentile
from bench.vocabulary import ADJECTIVES, THINGS, THINGS_ZH

TIMEOUT_S = 60
REVALIDATIONS = 100
FLOORS = 100


def families(*, listing: str, known_word: str) -> list[tuple[str, str, list[str]]]:
    """(key, label, addresses) of each family; no address is one the latency table already asked for."""
    orders = ["value", "-edition", "edition", "-signed_on", "signed_on", "title", "-title"]
    english = [word for word in [*THINGS, *(adjective.lower() for adjective in ADJECTIVES)] if word != known_word]
    chinese = list(THINGS_ZH.values())
    base, query = listing.split("?", 1)
    page_size = "&".join(part for part in query.split("&") if part.startswith("per_page="))
    order_pages = [f"{base}?sort={order}&{page_size}&page={page}" for order in orders for page in (2, 3, 5)]
    return [
        ("order_page", "another order or page", order_pages),
        ("search_en", "a new search word, English", [f"{listing}&q={quote(word)}" for word in english]),
        (
            "search_zh",
            "a new search word, Chinese (most of 2 characters)",
            [f"{listing}&q={quote(w)}" for w in chinese],
        ),
    ]


def measure(port: int, *, listing: str, known_word: str, floor: str) -> dict:
    # The floor measured the same way, one request at a time, so that the ratios compare like with like.
    results = {"floor": _summary("the floor, one at a time", [fetch(port, floor, TIMEOUT_S) for _ in range(FLOORS)])}
    for key, label, paths in families(listing=listing, known_word=known_word):
        answers = [fetch(port, path, TIMEOUT_S) for path in paths]
        results[key] = _summary(label, answers)
    tag = fetch(port, listing, TIMEOUT_S).get("etag")
    if tag:
        answers = [fetch(port, listing, TIMEOUT_S, {"If-None-Match": tag}) for _ in range(REVALIDATIONS)]
        results["revalidation"] = _summary("a repeat visit with its ETag (If-None-Match)", answers)
    return results


def _summary(label: str, answers: list[dict]) -> dict:
    statuses: dict[str, int] = {}
    for answer in answers:
        statuses[str(answer["status"])] = statuses.get(str(answer["status"]), 0) + 1
    times = [answer["total_ms"] for answer in answers if answer["total_ms"] is not None]
    return {
        "label": label,
        "urls": len(answers),
        "statuses": statuses,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times) if times else None,
    }
