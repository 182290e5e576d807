import datetime as dt
import io
import json

import pytest

from zhaoshang.cli import main
from zhaoshang.org.models import Unit, User
from zhaoshang.projects.models import Project


def test_user_create_reads_the_password_from_stdin(units, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Changle-2017-ok\n"))
    assert (
        main(
            [
                "user",
                "create",
                "--username",
                "lin",
                "--unit",
                "长乐区",
                "--role",
                "officer",
                "--password-stdin",
            ]
        )
        == 0
    )
    user = User.objects.get(username="lin")
    assert (user.unit, user.role, user.check_password("Changle-2017-ok")) == (
        units.changle,
        "officer",
        True,
    )
    assert "已创建用户 lin" in capsys.readouterr().out


def test_an_ambiguous_unit_is_refused_with_exit_2(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("Gulou-2017-ok\n"))
    assert (
        main(
            [
                "user",
                "create",
                "--username",
                "gl",
                "--unit",
                "鼓楼区",
                "--role",
                "officer",
                "--password-stdin",
            ]
        )
        == 2
    )
    assert "不唯一" in capsys.readouterr().err
    assert not User.objects.filter(username="gl").exists()


def test_a_weak_password_is_refused(units, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    assert (
        main(
            [
                "user",
                "create",
                "--username",
                "weak",
                "--unit",
                "350112",
                "--role",
                "leader",
                "--password-stdin",
            ]
        )
        == 2
    )
    assert "密码" in capsys.readouterr().err


def test_unit_add_and_bad_dates(units, capsys):
    assert main(["unit", "add", "--parent", "350112", "--name", "滨海新城", "--kind", "park"]) == 0
    assert Unit.objects.filter(name="滨海新城", parent=units.changle).exists()
    assert main(["snapshot", "--as-of", "2017-13-01"]) == 2
    assert "日期“2017-13-01”无效" in capsys.readouterr().err


def test_demo_data_is_consistent(db, capsys):
    assert main(["demo", "--projects", "300", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "项目300个" in out and "admin" in out
    # The stage cache equals the history for every demo project.
    for p in Project.objects.prefetch_related("stage_entries")[:300]:
        last = max(p.stage_entries.all(), key=lambda e: (e.effective_on, e.seq))
        assert (p.stage, p.stage_on) == (last.stage, last.effective_on)
    # Each project has exactly one entry in effect on any day after it entered the pipeline.
    day = dt.date(2021, 6, 30)
    assert (
        Project.objects.in_effect_on(day).count()
        == Project.objects.filter(entered_on__lte=day).count()
    )
    for p in Project.objects.filter(signed_on__isnull=False)[:50]:
        first = min(
            e.effective_on
            for e in p.stage_entries.all()
            if e.stage in ("signed", "landed", "construction", "operating")
        )
        assert p.signed_on == first
    assert main(["demo", "--if-empty"]) == 0
    assert "未加载" in capsys.readouterr().out
    assert Project.objects.count() == 300
    assert main(["snapshot", "--as-of", "2030-01-01", "--unit", "福州市", "--json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]["count"]
    assert total == Project.objects.exclude(stage="dropped").count()


@pytest.mark.parametrize("argv", [[], ["nonsense"]])
def test_usage_errors_exit_2(db, argv):
    assert main(argv) == 2
