"""Fail when a committed .mo file no longer matches its .po file, or a .po file has untranslated entries.

Each .po is compiled afresh with msgfmt into a temporary directory and the two catalogs are compared
message by message (not byte by byte, so another gettext version's file layout does not matter).
Run from the project root: python .ci/check_messages.py
"""

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path


def catalog(path: Path) -> dict:
    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


def main() -> int:
    problems = []
    catalogs = sorted(Path("locale").glob("*/LC_MESSAGES/*.po"))
    if not catalogs:
        problems.append("no message catalog under locale/")
    with tempfile.TemporaryDirectory() as scratch:
        for po in catalogs:
            committed = po.with_suffix(".mo")
            fresh = Path(scratch) / f"{po.parent.parent.name}-{po.stem}.mo"
            # msgfmt's statistics read "411 translated messages, 2 fuzzy translations, 1 untranslated message."
            statistics = subprocess.run(
                ["msgfmt", "--check-format", "--statistics", "-o", str(fresh), str(po)],
                check=True,
                capture_output=True,
                text=True,
            ).stderr.strip()
            if "untranslated" in statistics or "fuzzy" in statistics:
                problems.append(f"{po}: {statistics} Translate every entry (and clear fuzzy flags).")
            if not committed.exists():
                problems.append(f"{committed} is missing: run `make messages` and commit it")
            elif catalog(committed) != catalog(fresh):
                problems.append(f"{committed} is stale: run `make messages` and commit it")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(catalogs)} message catalog(s) checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
