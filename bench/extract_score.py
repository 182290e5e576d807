"""Score the text extractor on annotated passages (NN.txt + NN.json, the shape of
../shared/corpus/dev): precision, recall and F1 of amounts with units, project names and
aggregates, and its speed. Run by `make bench`; runnable alone:

    .venv/bin/python bench/extract_score.py [DIR] [--verbose]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zhaoshang.intake.extract import extract  # noqa: E402
from zhaoshang.lib.text import clean_text  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def _amount(value: object, unit: object) -> tuple[str, str] | None:
    if value is None or unit is None:
        return None
    return (format(Decimal(str(value)).normalize(), "f"), str(unit))


def _name(text: str) -> str:
    return clean_text(text).strip('“”" ').removesuffix("项目")


def _prf(tp: int, found: int, gold: int) -> tuple[float, float, float]:
    p = tp / found if found else 1.0
    r = tp / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _matched(found: Counter, gold: Counter) -> int:
    return sum((found & gold).values())


def _names_matched(found: list[str], gold: list[str]) -> int:
    left, tp = list(gold), 0
    for name in found:
        hit = next(
            (g for g in left if g == name or (len(name) >= 4 and (g in name or name in g))), None
        )
        if hit is not None:
            left.remove(hit)
            tp += 1
    return tp


def score(folder: Path, verbose: bool = False) -> dict[str, object]:
    totals = {k: [0, 0, 0] for k in ("amounts", "names", "aggregates")}
    for gold_file in sorted(folder.glob("*.json")):
        text = (folder / f"{gold_file.stem}.txt").read_text(encoding="utf-8")
        gold = json.loads(gold_file.read_text(encoding="utf-8"))["gold"]
        got = extract(text).as_json()
        g_amounts = Counter(
            a
            for a in [_amount(p["amount_value"], p["amount_unit"]) for p in gold["projects"]]
            + [_amount(a["amount_value"], a["amount_unit"]) for a in gold["aggregates"]]
            if a
        )
        f_amounts = Counter(
            a
            for a in [_amount(p["amount_value"], p["amount_unit"]) for p in got["projects"]]
            + [_amount(a["amount_value"], a["amount_unit"]) for a in got["aggregates"]]
            if a
        )
        g_names = [_name(p.get("name_simplified") or p["name"]) for p in gold["projects"]]
        f_names = [_name(p["name"]) for p in got["projects"]]
        g_aggs = Counter(
            (a["count"], _amount(a["amount_value"], a["amount_unit"])) for a in gold["aggregates"]
        )
        f_aggs = Counter(
            (a["count"], _amount(a["amount_value"], a["amount_unit"])) for a in got["aggregates"]
        )
        rows = {
            "amounts": (
                _matched(f_amounts, g_amounts),
                sum(f_amounts.values()),
                sum(g_amounts.values()),
            ),
            "names": (_names_matched(f_names, g_names), len(f_names), len(g_names)),
            "aggregates": (_matched(f_aggs, g_aggs), sum(f_aggs.values()), sum(g_aggs.values())),
        }
        for k, (tp, f, g) in rows.items():
            totals[k][0] += tp
            totals[k][1] += f
            totals[k][2] += g
        if verbose:
            print(
                f"== {gold_file.stem}: "
                + "  ".join(f"{k} {tp}/{f}/{g}" for k, (tp, f, g) in rows.items())
            )
            print(
                "   amounts missed:",
                sorted((g_amounts - f_amounts).elements()),
                " extra:",
                sorted((f_amounts - g_amounts).elements()),
            )
            print(
                "   names missed:",
                [n for n in g_names if n not in f_names],
                " extra:",
                [n for n in f_names if n not in g_names],
            )
            print(
                "   aggs missed:",
                sorted((g_aggs - f_aggs).elements(), key=str),
                " extra:",
                sorted((f_aggs - g_aggs).elements(), key=str),
            )
    return {k: (*_prf(*v), v[2]) for k, v in totals.items()}


def speed(folder: Path, passages: int = 300, rounds: int = 7) -> list[float]:
    """Passages per second in each of `rounds` runs of `passages`, slowest first. This
    machine's speed swings by a third from second to second, so one run says little: the
    report gives the median and the spread."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    block = "\n".join(texts)
    chunks = [block[i : i + 1500] for i in range(0, len(block), 1500)] or ["示例"]
    extract(chunks[0])  # start-up (OpenCC dictionaries) is not counted
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(passages):
            extract(chunks[i % len(chunks)])
        rates.append(passages / (time.perf_counter() - started))
    return sorted(rates)


def report(folder: Path = CORPUS) -> str:
    if not folder.exists():
        return f"\n(extractor not scored: {folder} is not present)\n"
    s = score(folder)
    lines = [
        f"\n### Extractor on {folder.name} ({len(list(folder.glob('*.json')))} passages)\n",
        "| measure | precision | recall | F1 | gold items |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for k, (p, r, f, g) in s.items():
        lines.append(f"| {k} | {p:.2f} | {r:.2f} | {f:.2f} | {g} |")
    rates = speed(folder)
    lines.append(
        f"\nSpeed: {statistics.median(rates):.0f} passages of 1,500 characters per second "
        f"(median of {len(rates)} runs of 300, {rates[0]:.0f}–{rates[-1]:.0f}; one core, "
        "after start-up; target ≥ 500)."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0]) if args else CORPUS
    if "--verbose" in sys.argv:
        score(folder, verbose=True)
    print(report(folder))
