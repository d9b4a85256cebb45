"""The load generator: a separate process that requests one URL on loopback, bounded in requests and time.

    python -m bench.load --port 8123 --path "/en/projects/?sort=-value" --requests 300 --duration 10

Prints one JSON object on stdout. Standard library only (threads + http.client), so it needs no
install and never imports the portal. Every request opens its own connection, as gunicorn's sync
workers close the connection after each response; Datasette is measured the same way.
"""

import argparse
import http.client
import json
import sys
import threading
import time
from collections import Counter

from bench.stats import percentile, summarise

LOOPBACK = "127.0.0.1"
CHUNK = 64 * 1024


def fetch(port: int, path: str, timeout: float, headers: dict[str, str] | None = None) -> dict:
    """One GET: status, time to first byte, total time, bytes and newlines read (rows of a CSV), and the ETag."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": LOOPBACK, "Accept-Encoding": "identity", **(headers or {})})
        response = connection.getresponse()
        ttfb = time.perf_counter() - started
        size = lines = 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            lines += chunk.count(b"\n")
        status = response.status
        content_type = response.getheader("Content-Type", "")
        etag = response.getheader("ETag")
    except (OSError, http.client.HTTPException) as error:
        return {
            "status": f"error: {type(error).__name__}",
            "ttfb_ms": None,
            "total_ms": None,
            "bytes": 0,
            "lines": 0,
            "content_type": "",
            "etag": None,
        }
    finally:
        connection.close()
    total = time.perf_counter() - started
    return {
        "status": status,
        "ttfb_ms": ttfb * 1000,
        "total_ms": total * 1000,
        "bytes": size,
        "lines": lines,
        "content_type": content_type,
        "etag": etag,
    }


def _concurrently(call, *, calls: int, threads: int) -> None:
    remaining = iter(range(calls))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            call()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, threads))]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def run(*, port: int, path: str, requests: int, duration: float, concurrency: int, warmup: int, timeout: float) -> dict:
    """Request path until `requests` responses or `duration` seconds, whichever comes first."""
    # The first request is timed apart: nothing of this address is cached yet (on the portal, its page
    # cache and fragments are empty for it in the worker that answers), so it is the cost of a cold page.
    first_ms = fetch(port, path, timeout)["total_ms"] if warmup else None
    # Then the warm-up runs from every client thread at once, so that each server process (every gunicorn
    # worker keeps its own local-memory cache) has answered before the measured requests start.
    warmup_calls = max(0, warmup - 1) * max(1, concurrency)
    _concurrently(lambda: fetch(port, path, timeout), calls=warmup_calls, threads=concurrency)

    results: list[dict] = []
    lock = threading.Lock()
    issued = 0
    deadline = time.perf_counter() + duration

    def worker():
        nonlocal issued
        while True:
            with lock:
                if issued >= requests or time.perf_counter() >= deadline:
                    return
                issued += 1
            result = fetch(port, path, timeout)
            with lock:
                results.append(result)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    answered = [r for r in results if r["total_ms"] is not None]
    totals = [r["total_ms"] for r in answered]
    statuses = Counter(str(r["status"]) for r in results)
    return {
        "path": path,
        "requests": len(results),
        "elapsed_s": elapsed,
        "requests_per_s": len(answered) / elapsed if elapsed > 0 else None,
        "statuses": dict(statuses),
        "status": statuses.most_common(1)[0][0] if statuses else "no response",
        **summarise(totals),
        "ttfb_p50_ms": percentile([r["ttfb_ms"] for r in answered], 50),
        "max_ms": max(totals) if totals else None,
        "first_ms": first_ms,
        "bytes": answered[-1]["bytes"] if answered else 0,
        "lines": answered[-1]["lines"] if answered else 0,
        "content_type": answered[-1]["content_type"] if answered else "",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--requests", type=int, default=200, help="at most this many measured requests")
    parser.add_argument("--duration", type=float, default=10.0, help="at most this many seconds")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured requests first")
    parser.add_argument("--timeout", type=float, default=60.0, help="socket timeout per request, seconds")
    args = parser.parse_args(argv)
    result = run(
        port=args.port,
        path=args.path,
        requests=args.requests,
        duration=args.duration,
        concurrency=args.concurrency,
        warmup=args.warmup,
        timeout=args.timeout,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
