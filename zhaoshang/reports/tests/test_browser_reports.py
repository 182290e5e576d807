"""The briefing and a ranking in a real browser (Debian's chromium): a figure of the
written briefing opens the projects it counts; the ranking shows its published state."""

import datetime as dt
import re
from decimal import Decimal

from zhaoshang.assessment.services import run_publish, scheme_run, scheme_save
from zhaoshang.factories import make_project
from zhaoshang.figures.periods import period_parse
from zhaoshang.projects.services import project_move_to_stage
from zhaoshang.targets.services import TargetValue, targets_set
from zhaoshang.web.tests.browsing import BROWSER_MARKS, Session

pytestmark = BROWSER_MARKS


def test_a_briefing_figure_opens_its_projects_and_a_ranking_is_shown(
    browser, live_server, units, city_admin
):
    for i, amount in enumerate(["300000", "150000", "120000"]):
        p = make_project(
            unit=units.changle,
            name=f"长乐签约项目{i + 1}",
            amount=amount,
            entered_on=dt.date(2021, 12, 1),
        )
        project_move_to_stage(
            project=p, stage="signed", effective_on=dt.date(2022, 2, 5 + i), actor=None
        )
    q1 = period_parse("2022Q1")
    targets_set(
        period=q1, actor=city_admin, items=[TargetValue(units.changle, "signed_count", Decimal(4))]
    )
    scheme = scheme_save(
        data={
            "name": "“开门红”考评",
            "owner": units.fuzhou,
            "period": q1,
            "units": [units.changle],
        },
        actor=city_admin,
        indicators=[{"measure": "signed_count", "weight": Decimal(100)}],
    )
    run = scheme_run(scheme=scheme, actor=city_admin, as_of=dt.date(2022, 3, 31))
    run_publish(run=run, actor=city_admin)

    s = Session(browser, live_server, "desktop")
    s.sign_in(city_admin.username)
    page = s.go("/briefing/?unit=350112&as_of=2022-03-31")
    first = page.locator("#briefing p.briefing-para").first.inner_text()
    assert first.startswith("截至3月份,我区共对接洽谈项目3个、总投资57.00亿元")
    s.shot("briefing")
    page.locator("#briefing a.fig", has_text="3个").first.click()
    page.wait_for_load_state()
    assert re.search(r"共\s*3\s*个", page.locator("#totals").inner_text())
    page = s.go(f"/assessments/runs/{run.pk}/")
    assert "已发布" in page.locator("#published").inner_text()
    row = page.locator("#ranking tbody tr").first.inner_text()
    assert "长乐区" in row and "75.00" in row  # 3 of 4 signed: 75 % × 100
    assert s.outside_requests() == []
    s.close()
