"""The import's fast row check must say exactly what the page's ProjectForm says: the same
verdict, the same first error (field and Chinese message) and the same cleaned values,
row for row — including rows that repeat a value already checked (its answer is reused)."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from zhaoshang.intake.bulk import InvalidRow, RowChecker
from zhaoshang.org.models import Unit
from zhaoshang.projects.forms import ProjectForm, form_errors
from zhaoshang.projects.models import Channel

FIELDS = {"name", "unit", "effective_on", "stage", "sign_kind", "investor_name", "description",
          "total_investment_approx", "total_investment", "contracted_foreign", "region",
          "channel", "responsible_unit"}  # fmt: skip


def _variants(units):
    channel = Channel.objects.first()
    today = dt.date(2022, 3, 31)
    names = ["福州新区智能制造产业园项目", "", "  ", "名" * 201, "宁德时代锂电池材料项目"]
    amounts = ["3000", "0.5", "-20", "约3亿", "12345678901234.5", "1.23456", "", "0"]
    regions = ["350112", "350181", "999999", "350200", ""]
    stages = [("lead", ""), ("signed", "agreement"), ("lead", "contract"), ("flying", "")]
    dates = [today, "2022-01-27", "2022年1月27日", dt.date(2099, 1, 1), ""]
    others = [
        {},
        {"channel": channel.pk, "total_investment_approx": True},
        {"channel": 987654, "contracted_foreign": "-1"},
        {"investor_name": "福建榕城科技有限公司", "responsible_unit": "350102"},
        {"responsible_unit": "350999", "description": "落地地点:闽侯县竹岐乡"},
        {"investor_name": "企" * 201, "contracted_foreign": "1200"},
    ]
    # Each column mostly takes its first (good) value, so rows are often valid
    # and each bad value also shows up alone.
    rng = random.Random(2022)
    pick = lambda values: values[0] if rng.random() < 0.7 else rng.choice(values)  # noqa: E731
    for _ in range(400):
        name, amount, region = pick(names), pick(amounts), pick(regions)
        (stage, kind), day = pick(stages), pick(dates)
        data = {"name": name, "unit": units.fuzhou.code, "total_investment": amount,
                "region": region, "stage": stage, "sign_kind": kind, "effective_on": day,
                **pick(others)}  # fmt: skip
        yield {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("memo_limit", [RowChecker.FIELD_MEMO_LIMIT, 3])
def test_row_checker_agrees_with_the_form_row_for_row(units, memo_limit):
    """Also when fields with more than 3 distinct values are no longer remembered (as a
    long sheet's names and amounts are)."""
    scope = Unit.objects.subtree(units.fuzhou)
    checker = RowChecker(scope, FIELDS)
    checker.FIELD_MEMO_LIMIT = memo_limit
    rows = list(_variants(units))
    assert len(rows) == 400
    seen = {"valid": 0, "invalid": 0}
    for data in rows * 2:  # the second pass answers every field from what the first saw
        form = ProjectForm(data=data, user=None, scope=scope)
        try:
            cleaned = checker.check(data)
        except InvalidRow as exc:
            assert not form.is_valid(), data
            field, messages = next(iter(form_errors(form).items()))
            assert (exc.field, exc.reason) == (field, "".join(messages)), data
            seen["invalid"] += 1
            continue
        assert form.is_valid(), (data, form_errors(form))
        assert cleaned == {k: v for k, v in form.cleaned_data.items() if k in cleaned}, data
        seen["valid"] += 1
    # Both outcomes are exercised.
    assert seen["valid"] > 100 and seen["invalid"] > 300
    assert all(len(memo) <= memo_limit for memo in checker.memo.values())
    assert ("name" in checker.unremembered) == (memo_limit == 3)


def test_row_checker_reports_the_model_rules_in_chinese(units):
    checker = RowChecker(Unit.objects.subtree(units.fuzhou), FIELDS)
    base = {"name": "长乐滨海新城数字经济产业园项目", "unit": "350100", "stage": "lead",
            "effective_on": "2022-01-27"}  # fmt: skip
    assert checker.check(base)["total_investment"] is None
    with pytest.raises(InvalidRow) as negative:
        checker.check({**base, "total_investment": "-20"})
    assert (negative.value.field, negative.value.reason) == ("total_investment", "金额不能为负数")
    with pytest.raises(InvalidRow) as unknown:
        checker.check({**base, "region": "999999"})
    assert unknown.value.field == "region"
    assert checker.check({**base, "total_investment": "30000"})["total_investment"] == Decimal(
        "30000"
    )
