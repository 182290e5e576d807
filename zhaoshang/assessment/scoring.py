"""How an assessment run scores and ranks units — a pure function of its stored inputs,
so any run can be recomputed and checked. Django-free.

For each indicator: completion = (actual + tier extra) ÷ target, capped at the indicator's
cap; the indicator scores weight × completion (weights are percentages summing to 100, so
a unit exactly on target everywhere scores 100). Deductions are points per dropped
project, per project not started on time and per corrected or withdrawn report. Scores
are exact Decimals; they are rounded to 0.01 only for display.

Ties are broken, in this order, by: the completion of the heaviest indicator (the first
of equal weights), then the total investment landed in the period, then the unit code —
so a ranking never depends on the order rows came out of the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ScoringError(ValueError):
    pass


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def indicator_score(indicator: dict[str, Any], figures: dict[str, Any]) -> dict[str, str]:
    target = _d(figures["target"])
    actual = _d(figures["actual"]) + _d(figures.get("tier_extra", "0"))
    cap = _d(indicator["cap"])
    if target <= 0:
        raise ScoringError(f"“{indicator['label']}”的目标为0,无法计算完成率")
    completion = min(actual / target, cap)
    return {
        "completion": str(completion),
        "score": str(_d(indicator["weight"]) * completion),
    }


def score(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Results, best first: for each unit its indicator scores, deductions, total, rank."""
    scheme = inputs["scheme"]
    indicators = scheme["indicators"]
    weights = sum((_d(i["weight"]) for i in indicators), ZERO)
    if weights != HUNDRED:
        raise ScoringError(f"各项指标权重之和为{weights}%,应为100%")
    rates = {k: _d(v) for k, v in scheme["deductions"].items()}
    heaviest = max(range(len(indicators)), key=lambda i: (_d(indicators[i]["weight"]), -i))
    rows = []
    for unit in inputs["units"]:
        parts = {
            i["measure"]: indicator_score(i, unit["figures"][i["measure"]]) for i in indicators
        }
        gained = sum((_d(p["score"]) for p in parts.values()), ZERO)
        deducted = sum((rates.get(k, ZERO) * _d(n) for k, n in unit["deductions"].items()), ZERO)
        total = gained - deducted
        rows.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "indicators": parts,
                "gained": str(gained),
                "deducted": str(deducted),
                "total": str(total),
                "_key": (
                    -total,
                    -_d(parts[indicators[heaviest]["measure"]]["completion"]),
                    -_d(unit.get("landed_amount", "0")),
                    unit["code"],
                ),
            }
        )
    rows.sort(key=lambda r: r["_key"])
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        del row["_key"]
    return rows
