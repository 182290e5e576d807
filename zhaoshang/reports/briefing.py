"""The written briefing (招商工作简报): the paragraphs a bureau publishes, from the records,
in the register of its own briefings. Every figure is a `Fig` carrying the link to the
records behind it; the text, the page, the .docx and the JSON are renderings of one
`Briefing`.

What it says, for a unit as of a date and since a date (default 1 January):
1. the pipeline as of the date (对接洽谈 = 落地 + 线索 + 已签约, DESIGN §3);
2. projects signed, landed, started and put into operation since then, the largest
   named, with 同比 (the same days a year earlier) when that period has data;
3. capital arrived and foreign capital utilised, with 同比;
4. completion of the targets whose period holds the date, against 序时进度;
5. the unit's place in the latest published assessment run;
6. events held (with their signings), trips, visits and inspections, with 同比.
A window that is one calendar month or quarter is also compared with the one before (环比).
"我市/我区/我县" follows the unit's level. Amounts are in 亿元 with the digits the input had."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from zhaoshang.assessment.models import Run
from zhaoshang.fieldwork.figures import FieldworkFigures, fieldwork_figures
from zhaoshang.figures.capital import CapitalFigures, MissingRateError, capital_figures
from zhaoshang.figures.dashboard import list_url
from zhaoshang.figures.periods import Period
from zhaoshang.figures.pipeline import pipeline_flows, pipeline_snapshot, reached_in
from zhaoshang.figures.tally import Tally
from zhaoshang.lib.money import format_total, format_yi, plain
from zhaoshang.org import access
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.models import Project
from zhaoshang.targets.models import Target
from zhaoshang.targets.progress import progress_of

FLOW_WORDS = {"signed": "签约", "landed": "落地", "construction": "开工", "operating": "投产"}


@dataclass(frozen=True)
class Fig:
    text: str
    url: str | None = None


Part = str | Fig


@dataclass
class Section:
    heading: str
    parts: list[Part]

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)


@dataclass
class Briefing:
    unit: Unit
    as_of: dt.date
    since: dt.date
    title: str
    date_line: str
    sections: list[Section] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        lines = [self.title, self.date_line, ""]
        lines += [s.text for s in self.sections if s.parts]
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "as_of": self.as_of.isoformat(),
            "since": self.since.isoformat(),
            "title": self.title,
            "date_line": self.date_line,
            "paragraphs": [
                {"heading": s.heading, "text": s.text} for s in self.sections if s.parts
            ],
            "figures": self.facts,
        }


def _count(n: int, url: str | None = None) -> Fig:
    return Fig(f"{n}个", url)


def _yi(wan: Decimal, url: str | None = None, unit: str = "亿元") -> Fig:
    """A derived amount (a sum, a conversion): two decimals in 亿 (DESIGN §7)."""
    return Fig(format_total(wan, unit), url)


def _recorded(wan: Decimal | None, url: str | None = None) -> Fig:
    """A recorded amount (one project's 总投资): the digits it was entered with."""
    return Fig(format_yi(wan), url)


def until_words(as_of: dt.date) -> str:
    """截至7月份 (a month's last day) or 截至7月20日."""
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return f"截至{as_of.month}月份"
    return f"截至{as_of.month}月{as_of.day}日"


def since_words(since: dt.date, as_of: dt.date) -> str:
    if since == dt.date(as_of.year, 1, 1):
        return "今年以来"
    if since.year == as_of.year:
        return f"{since.month}月{since.day}日以来"
    return f"{since.year}年{since.month}月{since.day}日以来"


def _shift_year(d: dt.date) -> dt.date:
    day = min(d.day, calendar.monthrange(d.year - 1, d.month)[1])
    return d.replace(year=d.year - 1, day=day)


def previous_window(since: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The month or quarter before, when [since, as_of] is one calendar month or quarter."""
    last = calendar.monthrange(as_of.year, as_of.month)[1]
    if since.day != 1 or as_of.day != last:
        return None
    months = (as_of.year - since.year) * 12 + as_of.month - since.month + 1
    if months not in (1, 3) or (months == 3 and since.month % 3 != 1):
        return None
    end = since - dt.timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


def compare(now: Decimal | int, before: Decimal | int | None, word: str, unit: str = "") -> str:
    """ ",同比增长12.5%" / ",同比减少3个" / "" when the earlier period has no data."""
    if before is None or before == 0:
        return ""
    now_d, before_d = Decimal(now), Decimal(before)
    if unit:  # counts: the difference
        diff = now_d - before_d
        if diff == 0:
            return f",{word}持平"
        return f",{word}{'增加' if diff > 0 else '减少'}{plain(abs(diff))}{unit}"
    change = ((now_d - before_d) * 100 / before_d).quantize(Decimal("0.1"))
    if change == 0:
        return f",{word}持平"
    return f",{word}{'增长' if change > 0 else '下降'}{plain(abs(change))}%"


class BriefingBuilder:
    def __init__(self, *, user: Any, unit: Unit, as_of: dt.date, since: dt.date | None) -> None:
        self.user, self.unit, self.as_of = access.reader(user), unit, as_of
        self.since = since or dt.date(as_of.year, 1, 1)
        if self.since > as_of:
            raise ValueError("起始日期晚于截至日期")
        self.we = unit.self_reference
        self.projects = Project.objects.visible_under(self.user, unit)
        self.code = None if unit.kind == UnitKind.DEPARTMENT else unit.code
        self.facts: dict[str, Any] = {}

    # ── links ──────────────────────────────────────────────────────────────────────
    def _bucket(self, bucket: str) -> str:
        return list_url(unit=self.code, as_of=self.as_of.isoformat(), bucket=bucket)

    def _reached(self, stage: str) -> str:
        return list_url(
            unit=self.code,
            reached=stage,
            period_from=self.since.isoformat(),
            period_to=self.as_of.isoformat(),
        )

    def _arrivals(self, foreign: bool = False) -> str:
        return list_url(
            unit=self.code,
            arrival_from=self.since.isoformat(),
            arrival_to=self.as_of.isoformat(),
            arrival_foreign="true" if foreign else "",
        )

    def _records(self, name: str, **extra: str) -> str:
        window = {
            "unit": self.unit.code,
            "from": self.since.isoformat(),
            "to": self.as_of.isoformat(),
            **extra,
        }
        return reverse(name) + "?" + urlencode(window)

    # ── sections ───────────────────────────────────────────────────────────────────
    def pipeline(self) -> Section:
        snap = pipeline_snapshot(projects=self.projects, as_of=self.as_of)
        total, landed = snap.total, snap.bucket("landed")
        lead, signed = snap.bucket("lead"), snap.bucket("signed")
        self.facts["pipeline"] = snap.as_json()
        return Section(
            "项目储备",
            [
                f"{until_words(self.as_of)},{self.we}共对接洽谈项目",
                _count(total.count, self._bucket("total")),
                "、总投资",
                _yi(total.amount_wan, self._bucket("total")),
                ",其中落地项目",
                _count(landed.count, self._bucket("landed")),
                "、总投资",
                _yi(landed.amount_wan, self._bucket("landed")),
                ",线索项目",
                _count(lead.count, self._bucket("lead")),
                "、总投资",
                _yi(lead.amount_wan, self._bucket("lead")),
                ",已签约项目",
                _count(signed.count, self._bucket("signed")),
                "、总投资",
                _yi(signed.amount_wan, self._bucket("signed")),
                "。",
            ],
        )

    def _flows(self, start: dt.date, end: dt.date) -> dict[str, Tally]:
        return pipeline_flows(projects=self.projects, start=start, end=end)

    def _largest(self, stage: str, n: int = 3) -> list[Project]:
        qs = reached_in(self.projects, stage, self.since, self.as_of)
        return list(
            qs.filter(total_investment__isnull=False).order_by("-total_investment", "code")[:n]
        )

    def flows(self) -> Section:
        now = self._flows(self.since, self.as_of)
        year_ago = self._flows(_shift_year(self.since), _shift_year(self.as_of))
        prev = previous_window(self.since, self.as_of)
        before = self._flows(*prev) if prev else None
        self.facts["flows"] = {k: t.as_json() for k, t in now.items()}
        parts: list[Part] = [f"{since_words(self.since, self.as_of)},"]
        clauses = []
        for stage, word in FLOW_WORDS.items():
            t = now[stage]
            if not t.count and stage == "operating":
                continue
            clause: list[Part] = [f"新{word}项目", _count(t.count, self._reached(stage))]
            if t.count:
                clause += ["、总投资", _yi(t.amount_wan, self._reached(stage))]
            clause.append(compare(t.count, year_ago[stage].count, "同比", "个"))
            if before is not None:
                clause.append(compare(t.count, before[stage].count, "环比", "个"))
            clauses.append(clause)
        for i, clause in enumerate(clauses):
            parts += clause
            parts.append(";" if i < len(clauses) - 1 else "。")
        named_parts: list[Part] = []
        for stage, verb in (("signed", "签约"), ("landed", "落地")):
            largest = self._largest(stage)
            if not largest:
                continue
            named_parts.append("," if named_parts else "其中,")
            for j, p in enumerate(largest):
                if j:
                    named_parts.append("、")
                named_parts += [
                    Fig(p.name, reverse("project_detail", args=[p.code])),
                    "(",
                    _recorded(p.total_investment),
                    ")",
                ]
            more = now[stage].count > len(largest)
            together = "相继" if more or len(largest) > 1 else ""
            named_parts.append(f"{'等项目' if more else ''}{together}{verb}")
        if named_parts:
            parts += [*named_parts, "。"]
        return Section("签约落地", parts)

    def _capital(self, start: dt.date, end: dt.date) -> CapitalFigures | None:
        try:
            return capital_figures(projects=self.projects, start=start, end=end)
        except MissingRateError:
            return None

    def capital(self) -> Section:
        now = self._capital(self.since, self.as_of)
        if now is None:
            return Section("资金到位", ["部分月份缺少美元汇率,到资金额暂未折算。"])
        year_ago = self._capital(_shift_year(self.since), _shift_year(self.as_of))
        self.facts["capital"] = now.as_json()
        parts: list[Part] = ["实际到资", _yi(now.arrived_cny_wan, self._arrivals())]
        parts.append(
            compare(now.arrived_cny_wan, year_ago.arrived_cny_wan if year_ago else None, "同比")
        )
        parts += [",实际利用外资", _yi(now.foreign_usd_wan, self._arrivals(True), "亿美元")]
        parts.append(
            compare(now.foreign_usd_wan, year_ago.foreign_usd_wan if year_ago else None, "同比")
        )
        parts.append("。")
        return Section("资金到位", parts)

    def targets(self) -> Section:
        held = Target.objects.filter(unit=self.unit, start__lte=self.as_of, end__gte=self.as_of)
        found = sorted(held.select_related("unit"), key=lambda t: (t.start, t.end, t.measure))
        if not found:
            return Section("目标完成", [])
        rows = progress_of(found, user=self.user, today=self.as_of)
        parts: list[Part] = []
        for i, p in enumerate(rows):
            m = p.measure
            done = _yi(p.actual).text if m.unit == "万元" else f"{plain(p.actual)}{m.unit}"
            parts += [
                f"{'' if i else '目标任务方面,'}{m.label}完成",
                Fig(done),
                f",完成{Period(p.target.period_kind, p.target.start, p.target.end).label}目标的",
                Fig(f"{p.completion_pct}%", reverse("target_grid")),
                f"(序时进度{p.elapsed_pct}%)",
                ";" if i < len(rows) - 1 else "。",
            ]
        self.facts["targets"] = [
            {
                "measure": p.target.measure,
                "actual": plain(p.actual),
                "target": plain(p.target.value),
                "completion_pct": plain(p.completion_pct or Decimal(0)),
                "elapsed_pct": plain(p.elapsed_pct),
                "light": p.light,
            }
            for p in rows
        ]
        return Section("目标完成", parts)

    def assessment(self) -> Section:
        runs = Run.objects.filter(
            published_at__isnull=False, as_of__lte=self.as_of, scheme__units=self.unit
        ).select_related("scheme")
        run = runs.order_by("-as_of", "-published_at").first()
        if run is None:
            return Section("考评排名", [])
        row = next(r for r in run.results if r["code"] == self.unit.code)
        place = "第一名" if row["rank"] == 1 else f"第{row['rank']}名"
        self.facts["assessment"] = {
            "scheme": run.scheme.name,
            "rank": row["rank"],
            "of": len(run.results),
            "total": row["total"],
        }
        total = Decimal(row["total"]).quantize(Decimal("0.01"))
        return Section(
            "考评排名",
            [
                f"在{run.scheme.name}中,{self.we}总分",
                Fig(f"{total}分", reverse("run_detail", args=[run.pk])),
                f",在{len(run.results)}个参评单位中位列",
                Fig(place, reverse("run_detail", args=[run.pk])),
                "。",
            ],
        )

    def _work(self, start: dt.date, end: dt.date) -> FieldworkFigures:
        return fieldwork_figures(
            user=self.user, scope=self.unit, period=Period("custom", start, end), today=self.as_of
        )

    def field_work(self) -> Section:
        now = self._work(self.since, self.as_of)
        year_ago = self._work(_shift_year(self.since), _shift_year(self.as_of))
        self.facts["field_work"] = {
            "events": now.events,
            "event_signings": now.event_signings,
            "event_signed_wan": plain(now.event_signed_wan),
            "trips": now.trips,
            "head_led_trips": now.head_led_trips,
            "visits": now.visits,
            "companies_visited": now.companies_visited,
            "inspections": now.inspections,
        }
        if not (now.events or now.trips or now.visits or now.inspections):
            return Section("招商活动", [])
        parts: list[Part] = [
            "招商活动方面,举办各类活动",
            Fig(f"{now.events}场", self._records("event_list")),
        ]
        if now.event_signings:
            parts += [
                ",现场签约项目",
                _count(now.event_signings),
                "、总投资",
                _yi(now.event_signed_wan),
            ]
        parts += [";外出招商", Fig(f"{now.trips}次", self._records("trip_list"))]
        if now.head_led_trips:
            parts += [f"(其中主要领导带队{now.head_led_trips}次)"]
        parts.append(compare(now.trips, year_ago.trips, "同比", "次"))
        parts += [
            ",拜访企业",
            Fig(f"{now.visits}家次", self._records("contact_list", kind="visit")),
            ",接待客商来访考察",
            Fig(f"{now.inspections}批次", self._records("contact_list", kind="inspection")),
            "。",
        ]
        return Section("招商活动", parts)

    def build(self) -> Briefing:
        name = self.unit.name
        sections = [
            self.pipeline(),
            self.flows(),
            self.capital(),
            self.targets(),
            self.assessment(),
            self.field_work(),
        ]
        return Briefing(
            unit=self.unit,
            as_of=self.as_of,
            since=self.since,
            title=f"{name}招商工作简报",
            date_line=f"({self.as_of.year}年{self.as_of.month}月{self.as_of.day}日)",
            sections=sections,
            facts=self.facts,
        )


def briefing_build(
    *, user: Any, unit: Unit, as_of: dt.date, since: dt.date | None = None
) -> Briefing:
    return BriefingBuilder(user=user, unit=unit, as_of=as_of, since=since).build()
