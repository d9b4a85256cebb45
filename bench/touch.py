"""Edit one project the way staff do (a model save, so the change signals run), for the "after one edit" column.

    DATABASE_URL=... python -m bench.touch --edition 10

Prints the edited project's id. The title gains " (edited)"; nothing else changes.
"""

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.touch", description=__doc__.splitlines()[0])
    parser.add_argument("--edition", type=int, required=True, help="the number of the edition whose project is edited")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from projects.models import Project

    project = Project.objects.filter(edition__number=args.edition).order_by("pk").first()
    if project is None:
        print(f"edition {args.edition} has no project", file=sys.stderr)
        return 1
    project.title = f"{project.title} (edited)"
    project.save()
    print(project.pk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
