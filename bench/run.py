"""Benchmarks (`make bench`): demo load and figures at 100,000 projects.

Each measure is reported next to a baseline measured in the same run on the same
machine, and as a ratio to it, so results from different machines can be compared:
- load: `zhaoshang demo` vs. inserting the same number of plain 10-column rows with
  sqlite3/psycopg executemany (the floor of any loader);
- figures: each figure vs. one full-table `COUNT(*), SUM(total_investment)` (the floor
  of any figure over all projects).

    python bench/run.py [--projects N] [--keep]      (DATABASE_URL picks the database;
                                                      default: a fresh SQLite file in var/;
                                                      on PostgreSQL a database named *bench*,
                                                      which is emptied first)
Results are appended to bench/RESULTS.md with the machine they ran on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def baseline_insert(n: int) -> float:
    from django.db import connection

    rows = [(i, f"项目{i}", "lead", "2020-01-01", i % 97, i * 3, "x", "y", 1, 0) for i in range(n)]
    cols = ", ".join(f"c{i} {'integer' if i in (0, 4, 5, 8, 9) else 'text'}" for i in range(10))
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMPORARY TABLE bench_floor ({cols})")
        start = time.perf_counter()
        cur.executemany(
            "INSERT INTO bench_floor VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows
        )
        took = time.perf_counter() - start
        cur.execute("DROP TABLE bench_floor")
    return took


PAGE_TARGETS = {"dashboard (whole city, this year)": 0.5, "dashboard (whole city, last year)": 0.5,
                "project list, first page": 0.2, "kanban (columns and totals)": 0.3,
                "contacts, first page": 0.2, "督办 list (overdue requests)": 0.3,
                "stalled projects, first page": 0.3,
                "event with roster and fulfilment": 0.2}  # fmt: skip


def page_measures(floor: float) -> list[str]:
    """Server time of the pages a city administrator opens first (in-process client:
    routing, queries and template rendering; no network)."""
    import datetime as dt

    from django.conf import settings
    from django.test import Client

    from zhaoshang.fieldwork.models import Event
    from zhaoshang.org.models import Role, Unit, User

    settings.ALLOWED_HOSTS.append("testserver")
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"unit": Unit.objects.get(code="350100"),
                                          "role": Role.CITY_ADMIN},
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    last_year = dt.date.today().year - 1
    urls = {
        "dashboard (whole city, this year)": "/",
        "dashboard (whole city, last year)": f"/?period=year&year={last_year}",
        "project list, first page": "/projects/",
        "kanban (columns and totals)": "/kanban/",
        "contacts, first page": "/contacts/",
        "督办 list (overdue requests)": "/requests/overdue/",
        "stalled projects, first page": "/stalled/",
    }
    event = Event.objects.filter(signings__isnull=False).order_by("pk").first()
    if event is not None:
        urls["event with roster and fulfilment"] = f"/events/{event.pk}/"
    out = []
    for name, url in urls.items():
        assert client.get(url).status_code == 200, url
        took = timed(lambda u=url: client.get(u), repeat=5)
        verdict = "ok" if took <= PAGE_TARGETS[name] else "OVER TARGET"
        out.append(
            f"| {name} (target ≤ {PAGE_TARGETS[name] * 1000:.0f} ms: {verdict}) | "
            f"{took:.3f} | COUNT+SUM over all projects | {floor:.4f} | {took / floor:.1f}× |"
        )
    return out


def _superuser() -> object:
    from zhaoshang.org.models import Unit, User

    user, _ = User.objects.get_or_create(
        username="bench-root",
        defaults={"unit": Unit.objects.get(code="350100"), "is_superuser": True},
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = parser.parse_args()
    db_file = ROOT / "var" / "bench.sqlite3"
    if not os.environ.get("DATABASE_URL"):
        db_file.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    os.environ["ZHAOSHANG_PLAIN_STATIC"] = "1"  # pages render without collectstatic
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from zhaoshang.basedata import load_base_data
    from zhaoshang.demo import load_demo
    from zhaoshang.fieldwork.figures import fieldwork_figures, stalled_projects
    from zhaoshang.fieldwork.models import Contact
    from zhaoshang.figures.capital import capital_figures
    from zhaoshang.figures.periods import Period
    from zhaoshang.figures.pipeline import pipeline_flows, pipeline_snapshot
    from zhaoshang.org.models import Unit
    from zhaoshang.projects.models import Project, StageEntry

    vendor = connection.vendor
    if vendor == "postgresql":
        # A benchmark database is rebuilt from nothing; refuse anything not named for it.
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit(
                "bench on PostgreSQL needs a database of its own (its name must contain 'bench')"
            )
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    load_base_data()
    n = args.projects
    print(f"database: {vendor}; projects: {n:,}; machine: {machine()}", flush=True)

    with transaction.atomic():
        floor_load = baseline_insert(n)
    load = timed(lambda: load_demo(projects=n, seed=1))
    entries = StageEntry.objects.count()
    contacts = Contact.objects.count()

    city = Unit.objects.get(code="350100")
    changle = Unit.objects.get(code="350112")
    today = dt.date.today()
    year = (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))

    def floor_scan() -> object:
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*), SUM(total_investment) FROM projects_project")
            return cur.fetchone()

    floor = timed(floor_scan, repeat=5)
    measures = {
        "snapshot, whole city": lambda: pipeline_snapshot(
            projects=Project.objects.in_unit(city), as_of=dt.date(today.year - 1, 6, 30)
        ),
        "snapshot, one district": lambda: pipeline_snapshot(
            projects=Project.objects.in_unit(changle), as_of=dt.date(today.year - 1, 6, 30)
        ),
        "flows, whole city, one year": lambda: pipeline_flows(
            projects=Project.objects.in_unit(city), start=year[0], end=year[1]
        ),
        "capital, whole city, one year": lambda: capital_figures(
            projects=Project.objects.in_unit(city), start=year[0], end=year[1]
        ),
        "field-work and service figures, whole city, one year": lambda: fieldwork_figures(
            user=_superuser(),
            scope=city,
            period=Period("year", *year),
            today=today,
        ),
        "stalled projects, whole city (count)": lambda: stalled_projects(
            user=_superuser(), scope=city, today=today
        ).count(),
    }
    lines = [
        f"\n## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {vendor} · {n:,} projects, "
        f"{entries:,} stage entries, {contacts:,} contacts",
        f"Machine: {machine()}\n",
        "| measure | seconds | baseline | baseline seconds | ratio |",
        "| --- | ---: | --- | ---: | ---: |",
        f"| demo load ({n:,} projects) | {load:.2f} | executemany of {n:,} plain rows | "
        f"{floor_load:.2f} | {load / floor_load:.1f}× |",
    ]
    for name, fn in measures.items():
        took = timed(fn, repeat=3)
        lines.append(
            f"| {name} | {took:.3f} | COUNT+SUM over all projects | {floor:.4f} | "
            f"{took / floor:.1f}× |"
        )
    lines += page_measures(floor)
    from extract_score import report as extractor_report  # bench/ is on sys.path

    lines.append(extractor_report())
    report = "\n".join(lines)
    print(report)
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(report + "\n")
    if not args.keep and vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
