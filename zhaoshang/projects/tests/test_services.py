"""Stage history, corrections, capital arrivals: what an officer records and what the
ledger then says. Every refusal also asserts that nothing was written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.projects.models import CapitalArrival, FxRate, Project, StageEntry
from zhaoshang.projects.services import (
    OutOfOrderError,
    capital_arrival_record,
    project_create,
    project_drop,
    project_move_to_stage,
    project_revive,
    project_update,
    stage_entry_correct,
    stage_entry_retract,
)


def db_state():
    """Everything a refusal must leave untouched."""
    return (
        list(Project.objects.order_by("pk").values()),
        list(StageEntry.objects.order_by("pk").values()),
        list(CapitalArrival.objects.order_by("pk").values()),
        Project.history.count(),
    )


@pytest.fixture
def project(units, owner):
    return make_project(
        unit=units.changle,
        name="神州优车数字经济产业园项目",
        actor=owner,
        entered_on=dt.date(2017, 1, 27),
        amount="300000",
    )


def test_a_new_project_gets_a_city_code_and_its_first_entry(project, owner):
    assert project.code == "FZ-2017-0001"
    entry = project.stage_entries.get()
    assert (entry.stage, entry.effective_on, entry.recorded_by) == (
        "lead",
        dt.date(2017, 1, 27),
        owner,
    )
    assert (project.stage, project.entered_on) == ("lead", dt.date(2017, 1, 27))


def test_codes_count_up_per_city_and_year(units, owner, project):
    second = make_project(
        unit=units.fuqing, name="福清项目", actor=None, entered_on=dt.date(2017, 5, 1)
    )
    other_year = make_project(
        unit=units.changle, name="新项目", actor=owner, entered_on=dt.date(2022, 1, 5)
    )
    assert (second.code, other_year.code) == ("FZ-2017-0002", "FZ-2022-0001")
    xiamen = make_project(unit=units.xiamen, name="厦门项目", entered_on=dt.date(2022, 1, 5))
    assert xiamen.code == "3502-2022-0001"


def test_stage_is_derived_from_the_history(project, owner):
    project_move_to_stage(
        project=project,
        stage="signed",
        sign_kind="contract",
        effective_on=dt.date(2017, 2, 5),
        actor=owner,
    )
    project_move_to_stage(
        project=project,
        stage="landed",
        effective_on=dt.date(2017, 5, 18),
        actor=owner,
        evidence=SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4"),
    )
    project.refresh_from_db()
    assert (project.stage, project.stage_on) == ("landed", dt.date(2017, 5, 18))
    landed = project.stage_entries.get(stage="landed")
    assert landed.evidence.name.endswith(".pdf")
    assert (
        Project.objects.with_stage_on(dt.date(2017, 3, 1)).get(pk=project.pk).stage_as_of
        == "signed"
    )
    assert (
        Project.objects.with_stage_on(dt.date(2016, 12, 31)).get(pk=project.pk).stage_as_of is None
    )


def test_signed_and_landed_the_same_day_keeps_the_recorded_order(project, owner):
    project_move_to_stage(
        project=project, stage="signed", effective_on=dt.date(2017, 2, 5), actor=owner
    )
    project_move_to_stage(
        project=project, stage="landed", effective_on=dt.date(2017, 2, 5), actor=owner
    )
    project.refresh_from_db()
    assert project.stage == "landed"


def test_a_correction_keeps_the_wrong_row(project, owner):
    signed = project_move_to_stage(
        project=project, stage="signed", effective_on=dt.date(2017, 3, 5), actor=owner
    )
    project_move_to_stage(
        project=project, stage="landed", effective_on=dt.date(2017, 3, 5), actor=owner
    )
    fixed = stage_entry_correct(
        entry=signed, effective_on=dt.date(2017, 2, 5), note="以签约仪式日期为准", actor=owner
    )
    signed.refresh_from_db()
    assert not signed.in_effect and fixed.corrects == signed and fixed.seq == signed.seq
    project.refresh_from_db()
    assert project.stage == "landed"  # the correction did not jump ahead of the landing
    assert project.stage_entries.count() == 4
    with pytest.raises(ValidationError, match="已被更正"):
        stage_entry_correct(
            entry=signed, effective_on=dt.date(2017, 2, 6), note="再改", actor=owner
        )


def test_a_retraction_withdraws_an_entry(project, owner):
    wrong = project_move_to_stage(
        project=project, stage="landed", effective_on=dt.date(2017, 3, 5), actor=owner
    )
    stage_entry_retract(entry=wrong, note="误录", actor=owner)
    project.refresh_from_db()
    assert project.stage == "lead"
    assert StageEntry.objects.filter(corrects=wrong, action="retraction").exists()
    first = project.stage_entries.get(seq=1)
    with pytest.raises(ValidationError, match="至少要保留一条"):
        stage_entry_retract(entry=first, note="误录", actor=owner)


def test_drop_and_revive(project, owner):
    project_move_to_stage(
        project=project, stage="negotiating", effective_on=dt.date(2017, 2, 1), actor=owner
    )
    project_drop(
        project=project, effective_on=dt.date(2017, 6, 1), reason="企业投资计划调整", actor=owner
    )
    project.refresh_from_db()
    assert (project.stage, project.drop_reason) == ("dropped", "企业投资计划调整")
    with pytest.raises(ValidationError, match="请先恢复"):
        project_move_to_stage(
            project=project, stage="signed", effective_on=dt.date(2017, 7, 1), actor=owner
        )
    project_revive(project=project, effective_on=dt.date(2018, 1, 8), actor=owner)
    project.refresh_from_db()
    assert (project.stage, project.drop_reason) == ("negotiating", "")


def test_landed_before_signed_needs_confirmation_and_is_flagged(project, owner):
    project_move_to_stage(
        project=project, stage="signed", effective_on=dt.date(2017, 3, 1), actor=owner
    )
    before = db_state()
    with pytest.raises(OutOfOrderError, match="日期顺序异常"):
        project_move_to_stage(
            project=project, stage="landed", effective_on=dt.date(2017, 2, 1), actor=owner
        )
    assert db_state() == before
    entry = project_move_to_stage(
        project=project,
        stage="landed",
        effective_on=dt.date(2017, 2, 1),
        actor=owner,
        confirm_out_of_order=True,
    )
    assert entry.out_of_order


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"stage": "won"}, "stage", "未知阶段“won”"),
        ({"effective_on": "tomorrow"}, "effective_on", "晚于今天"),
        ({"stage": "landed", "sign_kind": "contract"}, "sign_kind", "只有签约阶段"),
        ({"stage": "dropped"}, "note", "终止项目须说明原因"),
    ],
)
def test_bad_stage_moves_are_refused_in_chinese(project, owner, kwargs, field, reason):
    args = {"stage": "signed", "effective_on": dt.date(2017, 3, 1), **kwargs}
    if args["effective_on"] == "tomorrow":  # resolved when the test runs, not when collected
        args["effective_on"] = timezone.localdate() + dt.timedelta(days=1)
    before = db_state()
    with pytest.raises(ValidationError) as err:
        project_move_to_stage(project=project, actor=owner, **args)
    assert reason in " ".join(err.value.message_dict[field])
    assert db_state() == before


@pytest.mark.parametrize(
    ("amount", "reason"),
    [("-5000", "金额不能为负数"), ("约3亿元", "十进制数"), ("0", "须大于零")],
)
def test_bad_capital_arrivals_are_refused(project, owner, amount, reason):
    before = db_state()
    with pytest.raises(ValidationError) as err:
        capital_arrival_record(
            project=project, amount=amount, arrived_on=dt.date(2017, 8, 1), actor=owner
        )
    assert reason in " ".join(err.value.message_dict["amount"])
    assert db_state() == before


def test_capital_arrival_is_recorded_exactly(project, owner):
    FxRate.objects.create(month=dt.date(2017, 8, 1), cny_per_usd=Decimal("6.7332"))
    arrival = capital_arrival_record(
        project=project,
        amount=Decimal("3500.25"),
        currency="USD",
        is_foreign=True,
        arrived_on=dt.date(2017, 8, 1),
        actor=owner,
    )
    arrival.refresh_from_db()
    assert arrival.amount == Decimal("3500.25") and arrival.recorded_by == owner
    # 3500.25 × 6.7332 = 23567.8833 万元, kept with the rate it was converted at
    assert (arrival.rate, arrival.cny_wan) == (Decimal("6.7332"), Decimal("23567.8833"))


def test_bad_new_projects_are_refused(units, owner):
    before = db_state()
    with pytest.raises(ValidationError) as err:
        project_create(
            actor=owner,
            unit=units.changle,
            name="",
            effective_on=dt.date(2017, 1, 1),
            total_investment=Decimal("-1"),
        )
    assert "name" in err.value.message_dict
    assert "金额不能为负数" in err.value.message_dict["total_investment"]
    assert db_state() == before


def test_creating_in_another_unit_is_refused(units, owner):
    from django.core.exceptions import PermissionDenied

    before = db_state()
    with pytest.raises(PermissionDenied, match="福清市"):
        make_project(unit=units.fuqing, name="越权项目", actor=owner)
    assert db_state() == before


def test_update_writes_a_history_row_with_before_and_after(project, owner):
    investor = CompanyFactory(name="神州优车(福建)有限公司")
    changed = project_update(
        project=project,
        actor=owner,
        total_investment=Decimal("350000"),
        investor=investor,
        source="核对签约文本",
    )
    assert set(changed) == {"total_investment", "investor"}
    latest, previous = project.history.all()[:2]
    delta = latest.diff_against(previous)
    assert {c.field: (c.old, c.new) for c in delta.changes}["total_investment"] == (
        Decimal("300000.0000"),
        Decimal("350000.0000"),
    )
    assert latest.history_user == owner and latest.history_change_reason == "核对签约文本"


def test_update_refuses_the_stage_and_unknown_fields(project, owner):
    before = db_state()
    with pytest.raises(ValidationError, match="不能直接修改"):
        project_update(project=project, actor=owner, stage="landed")
    assert db_state() == before


def test_evidence_of_an_unknown_kind_is_refused(project, owner):
    before = db_state()
    with pytest.raises(ValidationError) as err:
        project_move_to_stage(
            project=project,
            stage="signed",
            effective_on=dt.date(2017, 2, 5),
            actor=owner,
            evidence=SimpleUploadedFile("合同.exe", b"MZ"),
        )
    assert "格式不支持" in err.value.message_dict["evidence"][0]
    assert db_state() == before


def test_evidence_over_the_size_limit_is_refused(project, owner, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    before = db_state()
    with pytest.raises(ValidationError, match="不能超过1MB"):
        capital_arrival_record(
            project=project,
            amount=Decimal("10"),
            arrived_on=dt.date(2017, 8, 1),
            actor=owner,
            evidence=SimpleUploadedFile("回单.pdf", b"0" * (1024 * 1024 + 1)),
        )
    assert db_state() == before


def test_an_import_records_only_new_stages_and_nothing_once_the_project_stands_dropped():
    from zhaoshang.projects.services import import_moves
    from zhaoshang.projects.stages import Stage

    d = dt.date
    history = [(d(2020, 1, 1), 1, Stage.LEAD), (d(2021, 1, 1), 2, Stage.SIGNED)]
    again = [(d(2021, 3, 1), Stage.SIGNED, "contract"), (d(2022, 5, 18), Stage.LANDED, "")]
    assert import_moves(history, again) == again[1:]  # 签约 already recorded
    dropped = [(d(2021, 6, 1), Stage.DROPPED, ""), (d(2022, 1, 1), Stage.LANDED, "")]
    assert import_moves(history, dropped) == dropped[:1]  # nothing after 终止
    # A 终止 dated before the latest entry leaves the project at 签约: the move after it counts.
    early = [(d(2020, 6, 1), Stage.DROPPED, ""), (d(2022, 1, 1), Stage.LANDED, "")]
    assert import_moves(history, early) == early
