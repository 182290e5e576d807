"""The class test of issue 12 §3: on a whole demo city — every stage, kind, flag, amount
form and history shape — exporting in each format and importing the file again changes
nothing: no project created or updated, no history row, every month-end as it was."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import models, transaction
from django.utils import timezone

from zhaoshang.cli import main
from zhaoshang.companies.models import Company
from zhaoshang.companies.services import company_create
from zhaoshang.demo import load_demo
from zhaoshang.factories import make_project
from zhaoshang.figures.pipeline import pipeline_snapshot
from zhaoshang.intake.layout import header_field
from zhaoshang.org.models import Unit
from zhaoshang.projects.export import EXPORT_FORMATS, PROJECT_COLUMNS
from zhaoshang.projects.forms import PROJECT_FIELDS
from zhaoshang.projects.models import (
    CapitalArrival,
    Currency,
    EntryAction,
    FxRate,
    Project,
    ProjectKind,
    ProjectTag,
    StageEntry,
)
from zhaoshang.projects.services import (
    capital_arrival_record,
    project_drop,
    project_move_to_stage,
    project_revive,
    project_update,
    stage_entry_correct,
    stage_entry_retract,
)
from zhaoshang.projects.stages import SignKind, Stage


def _shapes(city: Unit) -> None:
    """What the demo loader does not make: tags, parents, introducers, targets, expected
    arrivals, descriptions, "约" amounts, corrections, retractions, revivals, same-day
    moves, dates out of order, every kind."""
    changle = Unit.objects.get(code="350112")
    introducer = company_create(name="福州市招商服务有限公司", actor=None)
    umbrella = make_project(unit=changle, name="滨海新城数字产业项目群", amount="1200000",
                            entered_on=dt.date(2021, 2, 3), region=changle)  # fmt: skip
    child = make_project(unit=changle, name="滨海新城数据中心一期", amount="300000",
                         entered_on=dt.date(2021, 2, 3), stage=Stage.NEGOTIATING,
                         region=changle, parent=umbrella, introducer="林晓东",
                         introducer_company=introducer, foreign_target=Decimal("1500.25"),
                         expected_arrival_on=dt.date(2026, 3, 1),
                         expected_arrival_amount=Decimal("2000.5"),
                         description="一期建设机柜3000个;二期视招商情况启动",
                         total_investment_approx=True)  # fmt: skip
    child.tags.set(ProjectTag.objects.all()[:2])
    for i, kind in enumerate(ProjectKind.objects.all()):
        project_update(project=make_project(unit=changle, name=f"长乐{kind.name}示范项目{i}",
                       amount="0.0001", entered_on=dt.date(2019, 1, 1 + i)),
                       actor=None, kind=kind)  # fmt: skip
    # Same-day moves, a correction and a retraction, a date out of order.
    moved = make_project(unit=changle, name="闽都智能装备产业园", amount="88000.1234",
                         entered_on=dt.date(2022, 1, 27))  # fmt: skip
    signed = project_move_to_stage(project=moved, stage=Stage.SIGNED, sign_kind=SignKind.CONTRACT,
                                   effective_on=dt.date(2022, 1, 27), actor=None)  # fmt: skip
    project_move_to_stage(project=moved, stage=Stage.LANDED, effective_on=dt.date(2022, 5, 18),
                          actor=None)  # fmt: skip
    stage_entry_correct(entry=signed, actor=None, note="合同签订日期以合同文本为准",
                        effective_on=dt.date(2022, 2, 8))  # fmt: skip
    wrong = project_move_to_stage(project=moved, stage=Stage.CONSTRUCTION,
                                  effective_on=dt.date(2022, 6, 1), actor=None)  # fmt: skip
    stage_entry_retract(entry=wrong, actor=None, note="误报开工")
    project_move_to_stage(project=moved, stage=Stage.SIGNED, effective_on=dt.date(2022, 6, 10),
                          actor=None, note="补充协议", confirm_out_of_order=True)  # fmt: skip
    FxRate.objects.update_or_create(month=dt.date(2022, 9, 1),
                                    defaults={"cny_per_usd": Decimal("7.1")})  # fmt: skip
    capital_arrival_record(project=moved, amount=Decimal("1234.5678"), currency=Currency.USD,
                           arrived_on=dt.date(2022, 9, 30), is_foreign=True, actor=None,
                           note="首期外资到位")  # fmt: skip
    # Dropped, then revived.
    revived = make_project(unit=changle, name="榕城冷链物流园", amount="8000",
                           entered_on=dt.date(2020, 1, 1), stage=Stage.NEGOTIATING)  # fmt: skip
    project_drop(project=revived, effective_on=dt.date(2020, 6, 1), reason="企业投资计划调整",
                 actor=None)  # fmt: skip
    project_revive(project=revived, effective_on=dt.date(2021, 6, 1), actor=None)


@pytest.fixture
def city(db):
    load_demo(projects=60, seed=12)
    _shapes(Unit.objects.get(code="350100"))


def _coverage() -> None:
    """The city holds every stage, kind, flag, amount form and history shape."""
    projects = Project.objects.all()
    assert set(projects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(projects.exclude(kind=None).values_list("kind", flat=True)) == set(
        ProjectKind.objects.values_list("pk", flat=True)
    )
    for name in PROJECT_FIELDS:  # every field a user can set is set somewhere, and unset
        field = Project._meta.get_field(name)
        if isinstance(field, models.ManyToManyField):
            assert projects.exclude(**{name: None}).exists(), name
            continue
        if not (field.null or field.blank):
            continue  # name, unit: always set
        empty = False if isinstance(field, models.BooleanField) else (None if field.null else "")
        assert projects.exclude(**{name: empty}).exists(), name
        assert projects.filter(**{name: empty}).exists(), name
    entries = StageEntry.objects.all()
    assert set(entries.values_list("action", flat=True)) == set(EntryAction.values)
    assert set(entries.exclude(sign_kind="").values_list("sign_kind", flat=True)) == set(
        SignKind.values
    )
    assert entries.filter(out_of_order=True).exists() and entries.filter(in_effect=False).exists()
    assert set(CapitalArrival.objects.values_list("currency", flat=True)) == set(Currency.values)
    amounts = projects.exclude(total_investment=None).values_list("total_investment", flat=True)
    assert any(a != a.to_integral_value() for a in amounts)  # exact decimals


def _books() -> tuple[object, ...]:
    skip = {"updated_at"}
    return (
        [
            {k: v for k, v in p.items() if k not in skip}
            for p in Project.objects.order_by("pk").values()
        ],
        list(Project.tags.through.objects.order_by("pk").values()),
        list(StageEntry.objects.order_by("pk").values()),
        list(CapitalArrival.objects.order_by("pk").values()),
        list(Company.objects.order_by("pk").values()),
        Project.history.count(),
        Company.history.count(),
    )


def _month_ends() -> list[dt.date]:
    month, today, out = dt.date(2016, 1, 1), timezone.localdate(), []
    while month <= today:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        out.append(following - dt.timedelta(days=1))
        month = following
    return out


def _figures() -> list[object]:
    """The pipeline and every project's stage at every month-end."""
    out: list[object] = []
    for day in _month_ends():
        out.append(pipeline_snapshot(projects=Project.objects.all(), as_of=day))
        out.append(sorted(Project.objects.with_stage_on(day).values_list("code", "stage_as_of")))
    return out


def test_every_form_field_is_exported_under_a_header_the_importer_reads():
    exported = {c.field for c in PROJECT_COLUMNS}
    assert set(PROJECT_FIELDS) - {"total_investment_approx", "unit"} <= exported
    for column in PROJECT_COLUMNS:
        if column.field in PROJECT_FIELDS and column.field != "unit":
            read_as = {"region": "place"}.get(column.field, column.field)
            assert header_field(column.label) == read_as, column.label


@pytest.mark.slow  # a whole city, three formats, every month-end
def test_exporting_the_city_and_importing_it_again_changes_nothing(city, tmp_path, capsys):
    _coverage()
    books, figures = _books(), _figures()
    assert set(EXPORT_FORMATS) >= {"xlsx", "csv", "json"}
    outcomes = {}
    for fmt in EXPORT_FORMATS:
        path = tmp_path / f"福州项目.{fmt}"
        assert (
            main(["export", "projects", "--unit", "350100", "--format", fmt, "-o", str(path)]) == 0
        )
        capsys.readouterr()
        assert main(["import", "projects", str(path), "--unit", "350100", "--json"]) == 0
        out = capsys.readouterr().out
        report = json.loads(out[out.index("{") :])
        outcomes[fmt] = (report["created"], report["updated"], report["rejected"][:3])
    assert outcomes == {fmt: (0, 0, []) for fmt in EXPORT_FORMATS}
    assert _books() == books
    assert _figures() == figures


def _ledger() -> dict[str, object]:
    """Every project by name: what a user set, its history and its arrivals (keys aside)."""
    out: dict[str, object] = {}
    for p in Project.objects.select_related("parent").prefetch_related("tags"):
        fields = [getattr(p, f) for f in PROJECT_FIELDS if f not in ("parent", "tags")]
        entries = p.stage_entries.order_by("pk").values_list(
            "seq",
            "stage",
            "sign_kind",
            "effective_on",
            "action",
            "in_effect",
            "out_of_order",
            "valid_until",
            "note",
        )
        arrivals = p.arrivals.order_by("pk").values_list(
            "arrived_on", "amount", "currency", "is_foreign", "note"
        )
        out[p.name] = (fields, p.parent.name if p.parent else None,
                       sorted(t.name for t in p.tags.all()), list(entries), list(arrivals),
                       p.stage, p.drop_reason)  # fmt: skip
    return out


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_an_export_read_into_empty_books_brings_back_every_entry(units, tmp_path, fmt, capsys):
    _shapes(units.fuzhou)
    before = _ledger()
    path = tmp_path / f"长乐项目.{fmt}"
    assert main(["export", "projects", "--unit", "350112", "--format", fmt, "-o", str(path)]) == 0
    with pytest.raises(_Rollback), transaction.atomic():
        StageEntry.objects.exclude(corrects=None).delete()
        StageEntry.objects.all().delete()
        Project.objects.exclude(parent=None).delete()
        Project.objects.all().delete()
        capsys.readouterr()
        assert main(["import", "projects", str(path), "--unit", "350112", "--json"]) == 0
        out = capsys.readouterr().out
        report = json.loads(out[out.index("{") :])
        assert (report["created"], report["rejected"]) == (len(before), [])
        assert _ledger() == before
        raise _Rollback
