"""Import speed: an office's project sheet of N rows imported by `zhaoshang import
projects`, side by side in the same run with a plain loader (openpyxl, one ORM save per
row) of the same sheet. Peak memory is the most the import held at once: the proportional
set size (PSS: a page shared by the importing process and its forked workers counted once)
summed over them, sampled every 0.25 s; each one's maximum resident size is shown beside it.

    .venv/bin/python bench/import_bench.py [--rows N] [--baseline-rows M]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["长乐", "福清", "闽侯县竹岐乡", "长乐区", "福州高新区", "鼓楼区", "台江区", "连江县"]
STAGES = [
    "线索",
    "在谈",
    "洽谈中",
    "签约",
    "已签约",
    "签约(合同)",
    "已落地",
    "开工",
    "投产",
    "终止",
]


def build_sheet(path: Path, rows: int, seed: int = 7) -> None:
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("项目表")
    sheet.write_row(0, 0, ["福州市重点招商项目推进情况表"])
    sheet.write_row(1, 0, ["填报单位:福州市商务局"])
    sheet.write_row(2, 0, ["单位:亿元"])
    sheet.write_row(3, 0, ["截至2022年3月31日"])
    sheet.write_row(
        4,
        0,
        [
            "序号",
            "项目名称",
            "投资方",
            "总投资(亿元)",
            "所在地",
            "项目进展",
            "入库时间",
            "签约时间",
            "落地时间",
        ],
    )
    for i in range(rows):
        entered = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        stage = rng.choice(STAGES)
        signed = (
            entered + dt.timedelta(days=rng.randint(10, 200)) if stage not in STAGES[:3] else None
        )
        landed = (
            signed + dt.timedelta(days=rng.randint(0, 100))
            if signed and stage in ("已落地", "开工", "投产")
            else None
        )
        amount = rng.choice(
            [
                f"{rng.randint(1, 3000) / 100}",
                f"约{rng.randint(1, 50)}亿元",
                "待定",
                f"{rng.randint(500, 9000)}万元",
            ]
        )
        sheet.write_row(
            5 + i,
            0,
            [
                i + 1,
                f"第{i + 1}号智能制造产业园项目",
                f"福建榕城第{i % 7000}科技有限公司",
                amount,
                rng.choice(PLACES),
                stage,
                f"{entered.year}年{entered.month}月{entered.day}日",
                signed.isoformat() if signed else "",
                landed.strftime("%Y.%m.%d") if landed else "",
            ],
        )
    book.close()


class MemorySampler:
    """Peak of the summed PSS of this process and its children, sampled in a thread
    (Linux's /proc; elsewhere it reports 0 and the RSS figures stand alone)."""

    def __init__(self, every: float = 0.25) -> None:
        self.every, self.peak_mb = every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                return next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
        except OSError:
            return 0  # a worker that has just ended

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    found += [int(c) for c in fh.read().split()]
            except OSError:
                pass
        return found

    def _run(self) -> None:
        me = os.getpid()
        if not os.path.exists(f"/proc/{me}/smaps_rollup"):
            return
        while not self._stop.wait(self.every):
            total = sum(self._pss_kb(pid) for pid in [me, *self._children(me)])
            self.peak_mb = max(self.peak_mb, total / 1024)


def plain_loader(path: Path, unit: object) -> int:
    """The baseline: openpyxl reads the sheet, one Project saved per row (no checks, no
    history, no matching): what a hand-written script would do."""
    import openpyxl

    from zhaoshang.lib.names import normalize_project_name
    from zhaoshang.projects.models import Project

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for row in book.worksheets[0].iter_rows(min_row=6, values_only=True):
        if not row[1]:
            continue
        n += 1
        Project.objects.create(
            code=f"BASE-{n}",
            name=str(row[1]),
            normalized_name=normalize_project_name(str(row[1])),
            unit=unit,
            stage="lead",
            stage_on=dt.date(2022, 1, 1),
            entered_on=dt.date(2022, 1, 1),
        )
    return n


def _create_pg_database(url: str) -> None:
    """A PostgreSQL bench database (its name holds "bench") is created when missing."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    if "bench" not in db["NAME"]:
        return
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname="postgres",
                         autocommit=True) as conn:  # fmt: skip
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if found.fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=0, help="default: the same")
    args = parser.parse_args()
    db = ROOT / "var" / "import-bench.sqlite3"
    if not os.environ.get("DATABASE_URL"):
        db.parent.mkdir(exist_ok=True)
        db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    _create_pg_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from zhaoshang.basedata import load_base_data
    from zhaoshang.intake.importer import import_projects
    from zhaoshang.org.models import Unit

    if connection.vendor == "postgresql":
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit(
                "bench on PostgreSQL needs a database of its own (its name must contain 'bench')"
            )
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    load_base_data()
    sheet = ROOT / "var" / f"import-bench-{args.rows}.xlsx"
    if not sheet.exists():
        build_sheet(sheet, args.rows)
    city = Unit.objects.get(code="350100")
    started = time.perf_counter()
    with MemorySampler() as memory:
        report = import_projects(path=sheet, unit=city, as_of=None)
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    base_rows = args.baseline_rows or args.rows
    base_sheet = (
        sheet if base_rows == args.rows else ROOT / "var" / f"import-bench-{base_rows}.xlsx"
    )
    if not base_sheet.exists():
        build_sheet(base_sheet, base_rows)
    started = time.perf_counter()
    with transaction.atomic():
        n = plain_loader(base_sheet, city)
    base = time.perf_counter() - started
    per_row = (base / n) * args.rows
    from run import machine  # bench/ is on sys.path when run as a script

    held = memory.peak_mb or peak + worker  # no /proc: the RSS figures, added
    verdict = "ok" if took <= 20 and held <= 500 else "OVER TARGET"
    report_lines = [
        f"\n### Sheet import · {connection.vendor} · {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"Machine: {machine()}\n",
        "| measure | seconds | peak MB (PSS, all processes) | peak RSS MB (import / worker) "
        "| baseline | baseline s | ratio |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
        f"| import {args.rows:,} rows (created {report.created:,}, rejected "
        f"{len(report.rejected):,}; target ≤ 20 s, ≤ 500 MB: {verdict}) | {took:.1f} | "
        f"{held:.0f} | {peak:.0f} / {worker:.0f} | openpyxl + one ORM save per row ({n:,} rows"
        f"{', scaled' if n != args.rows else ''}) | {per_row:.1f} | "
        f"{took / per_row:.2f}× |",
    ]
    text = "\n".join(report_lines)
    print(text)
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text + "\n")


if __name__ == "__main__":
    main()
