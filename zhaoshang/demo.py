"""Demo data: a Fuzhou-like city with parks, departments, companies and projects over
several years, with stage histories and capital arrivals.

Generated, deterministic for a seed, and fast: rows are built in memory and written with
bulk inserts (100,000 projects in well under a minute on SQLite). The generator is
trusted, so it does not run each row through the services; everything it writes obeys
the same rules (effective dates in the past and in order, seq numbering, the stage cache
equal to the history).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhaoshang.companies.models import Company, CompanyTag, Origin
from zhaoshang.lib.money import convert_arrival
from zhaoshang.lib.names import normalize_company_name, normalize_project_name
from zhaoshang.org.models import Role, Unit, UnitKind, User
from zhaoshang.org.services import FUZHOU_CODE, unit_add, user_create
from zhaoshang.projects.bulk import copy_history_of_created, insert_projects, insert_rows
from zhaoshang.projects.models import (
    CapitalArrival,
    Channel,
    Currency,
    EntryAction,
    FxRate,
    IndustryChain,
    Project,
    ProjectKind,
    StageEntry,
)
from zhaoshang.projects.services import code_prefix_for, derived_dates, project_codes_allocate
from zhaoshang.projects.stages import LIVE_STAGES, SignKind, Stage

DEMO_PASSWORD = "Zs-demo-2026"
DEMO_USERS = [  # username, unit code (or department name), role, display name
    ("admin", FUZHOU_CODE, Role.CITY_ADMIN, "市招商办管理员"),
    ("changle", "350112", Role.OFFICER, "长乐区招商专员"),
    ("fuqing", "350181", Role.OFFICER, "福清市招商专员"),
    ("leader", FUZHOU_CODE, Role.LEADER, "市领导"),
    ("ziyuan", "市资源规划局", Role.DEPARTMENT, "市资源规划局办事员"),
]
PARKS = [
    ("350112", "东南大数据产业园"),
    ("350112", "滨海新城"),
    ("350121", "福州高新区"),
    ("350105", "福州经济技术开发区"),
    ("350181", "江阴港城经济区"),
    ("350181", "元洪投资区"),
]
DEPARTMENTS = ["市商务局", "市工信局", "市发改委", "市资源规划局", "市数字福州建设领导小组办公室"]
CHAINS = [
    "数字经济",
    "新型显示",
    "光电",
    "纺织化纤",
    "冶金建材",
    "食品加工",
    "轻工",
    "汽车及零部件",
    "高端装备",
    "新材料",
    "生物医药",
    "新能源",
    "海洋经济",
    "现代物流",
    "文旅康养",
    "金融服务",
]
_BRANDS = [
    "华宇",
    "闽江",
    "海峡",
    "榕城",
    "新航",
    "中闽",
    "鼎盛",
    "恒信",
    "远东",
    "宏达",
    "金鹰",
    "天成",
    "联创",
    "东方",
    "瑞丰",
    "银河",
    "长盛",
    "锦程",
    "博源",
    "中科",
    "正泰",
    "万融",
    "安泰",
    "德胜",
    "汇川",
    "永辉",
    "信达",
    "英特",
    "泰禾",
    "星网",
    "海创",
    "云图",
    "智联",
    "青松",
    "盛世",
    "凯瑞",
    "鑫源",
    "兴业",
    "中信",
    "蓝海",
    "聚力",
    "华映",
    "丰泽",
    "铭诚",
]
_TRADES = {
    "数字经济": ["大数据", "云计算", "物联网", "人工智能", "软件"],
    "新型显示": ["显示", "面板", "光电显示"],
    "光电": ["光电", "激光", "光学"],
    "纺织化纤": ["化纤", "纺织", "新材料纤维"],
    "冶金建材": ["不锈钢", "建材", "铝业"],
    "食品加工": ["食品", "水产", "茶业"],
    "轻工": ["鞋服", "家居", "包装"],
    "汽车及零部件": ["汽车", "汽车零部件", "动力电池"],
    "高端装备": ["智能装备", "机械", "电机"],
    "新材料": ["新材料", "石墨烯", "高分子"],
    "生物医药": ["生物", "医药", "医疗器械"],
    "新能源": ["新能源", "光伏", "储能"],
    "海洋经济": ["海洋科技", "船舶", "远洋渔业"],
    "现代物流": ["物流", "供应链", "冷链"],
    "文旅康养": ["文旅", "康养", "酒店管理"],
    "金融服务": ["融资租赁", "基金管理", "金融科技"],
}
_PLACES = [
    "福建",
    "福州",
    "北京",
    "上海",
    "深圳",
    "杭州",
    "成都",
    "合肥",
    "贵阳",
    "厦门",
    "香港",
    "台湾",
]
_PROJECT_KINDS = ["生产基地", "研发中心", "区域总部", "产业园", "智能制造", "扩产", "数据中心"]
_FOREIGN = [
    ("hmt", "中国香港"),
    ("hmt", "中国台湾"),
    ("foreign", "新加坡"),
    ("foreign", "美国"),
    ("foreign", "日本"),
    ("foreign", "德国"),
    ("foreign", "韩国"),
]
FIRST_YEAR = 2016
DEMO_SOURCE = "演示数据"


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _amount(rng: random.Random) -> Decimal | None:
    """Most projects between a few thousand 万元 and tens of 亿元; a few very large."""
    if rng.random() < 0.06:
        return None  # 待定: no amount yet
    yi = Decimal(str(round(rng.lognormvariate(0.6, 1.3), 2)))
    return max(yi, Decimal("0.05")) * 10000


def ensure_demo_units() -> Unit:
    city = Unit.objects.get(code=FUZHOU_CODE)
    for county_code, name in PARKS:
        county = Unit.objects.get(code=county_code)
        if not Unit.objects.filter(parent=county, name=name).exists():
            unit_add(parent=county, name=name, kind=UnitKind.PARK)
    for name in DEPARTMENTS:
        if not Unit.objects.filter(parent=city, name=name).exists():
            unit_add(parent=city, name=name, kind=UnitKind.DEPARTMENT)
    for i, name in enumerate(CHAINS):
        IndustryChain.objects.get_or_create(name=name, owner=city, defaults={"sort_order": i})
    return city


def ensure_demo_users() -> list[tuple[str, str]]:
    out = []
    for username, unit_code, role, display in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                unit=Unit.objects.filter(code=unit_code).first()
                or Unit.objects.get(name=unit_code, kind=UnitKind.DEPARTMENT),
                role=role,
                password=DEMO_PASSWORD,
                display_name=display,
            )
        out.append((username, display))
    return out


def ensure_fx_rates(today: dt.date) -> None:
    rng = random.Random(7)
    rate = Decimal("6.50")
    month = dt.date(FIRST_YEAR, 1, 1)
    have = set(FxRate.objects.values_list("month", flat=True))
    new = []
    while month <= today:
        rate = min(max(rate + Decimal(rng.randint(-8, 8)) / 100, Decimal("6.20")), Decimal("7.30"))
        if month not in have:
            new.append(FxRate(month=month, cny_per_usd=rate, source="演示数据"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    FxRate.objects.bulk_create(new)


def _history(rng: random.Random, start: dt.date, today: dt.date) -> list[tuple[str, str, dt.date]]:
    """A plausible history: lead → talks → signed → landed → construction → operating,
    stopping early or dropped for many."""
    first = Stage.LEAD if rng.random() < 0.6 else Stage.NEGOTIATING
    entries: list[tuple[str, str, dt.date]] = [(first, "", start)]
    on = start
    for stage in LIVE_STAGES[LIVE_STAGES.index(entries[0][0]) + 1 :]:
        if rng.random() < 0.36:
            break
        on = on + _days(rng, 0 if stage == Stage.LANDED else 10, 240)
        if on > today:
            break
        kind = rng.choice(SignKind.values) if stage == Stage.SIGNED else ""
        entries.append((stage, kind, on))
    if entries[-1][0] in (Stage.LEAD, Stage.NEGOTIATING) and rng.random() < 0.15:
        dropped_on = on + _days(rng, 30, 400)
        if dropped_on <= today:
            entries.append((Stage.DROPPED, "", dropped_on))
    return entries


class _Builder:
    def __init__(self, rng: random.Random, today: dt.date, city: Unit) -> None:
        self.rng, self.today = rng, today
        self.counties = list(Unit.objects.filter(parent=city, kind=UnitKind.COUNTY))
        self.parks = {
            u.parent_id: u for u in Unit.objects.filter(kind=UnitKind.PARK, parent__parent=city)
        }
        self.departments = list(Unit.objects.filter(parent=city, kind=UnitKind.DEPARTMENT))
        self.chains = list(IndustryChain.objects.filter(owner=city))
        self.channels = list(Channel.objects.all())
        self.kinds = list(ProjectKind.objects.all())
        self.prefix = code_prefix_for(city)
        self.span = (today - dt.date(FIRST_YEAR, 1, 1)).days

    def company(self, chain: IndustryChain) -> Company:
        rng = self.rng
        trade = rng.choice(_TRADES.get(chain.name, ["科技"]))
        brand = rng.choice(_BRANDS) + rng.choice(_BRANDS)
        place = rng.choice(_PLACES)
        origin, country = str(Origin.DOMESTIC), ""
        if place in ("香港", "台湾") or rng.random() < 0.08:
            origin, country = rng.choice(_FOREIGN)
        name = f"{place}{brand}{trade}{rng.choice(['科技', '集团', '实业', '股份'])}有限公司"
        return Company(
            name=name,
            normalized_name=normalize_company_name(name),
            origin=origin,
            origin_country=country,
        )

    def project(self, company: Company, chain: IndustryChain) -> tuple[Project, list[Any]]:
        rng = self.rng
        county = rng.choice(self.counties)
        start = dt.date(FIRST_YEAR, 1, 1) + dt.timedelta(days=int(self.span * rng.random() ** 0.8))
        history = _history(rng, start, self.today)
        trade = company.name[2:].split("有限公司")[0][4:] or chain.name
        name = f"{company.name[2:4]}{trade}{rng.choice(_PROJECT_KINDS)}项目"
        last = history[-1]
        project = Project(
            name=name,
            normalized_name=normalize_project_name(name),
            unit=county,
            region=county,
            park=self.parks.get(county.pk) if rng.random() < 0.4 else None,
            responsible_unit=rng.choice(self.departments) if rng.random() < 0.25 else None,
            investor=company,
            chain=chain,
            channel=rng.choice(self.channels),
            kind=rng.choice(self.kinds),
            total_investment=_amount(rng),
            is_provincial_key=rng.random() < 0.03,
            is_city_key=rng.random() < 0.1,
            **derived_dates([(on, stage) for stage, _, on in history], latest=(last[0], last[2])),
            drop_reason="企业投资计划调整" if last[0] == Stage.DROPPED else "",
        )
        if company.origin != Origin.DOMESTIC and project.total_investment:
            project.contracted_foreign = (project.total_investment / 7).quantize(Decimal(1))
        return project, history


def _batches(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        yield min(size, total - done)
        done += size


def _insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    insert_rows(model, rows)


def _insert_projects(projects: list[Project], now: Any) -> list[Project]:
    return insert_projects(projects, now=now, history_reason=DEMO_SOURCE)


@transaction.atomic
def load_demo(
    *, projects: int = 2000, seed: int = 2017, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Add `projects` demo projects (with companies, histories and arrivals). About one
    company in three has more than one project, as in a real city."""
    today = timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed)
    city = ensure_demo_units()
    ensure_fx_rates(today)
    rates = dict(FxRate.objects.values_list("month", "cny_per_usd"))
    builder = _Builder(rng, today, city)
    tags = list(CompanyTag.objects.all())
    counts = {"projects": 0, "stage_entries": 0, "arrivals": 0, "companies": 0}
    for size in _batches(projects, 5000):
        chains = [rng.choice(builder.chains) for _ in range(max(1, size * 7 // 10))]
        companies = Company.objects.bulk_create([builder.company(c) for c in chains])
        copy_history_of_created(Company, companies, now=now, reason=DEMO_SOURCE)
        owners = list(range(len(companies)))
        owners += [rng.randrange(len(companies)) for _ in range(size - len(owners))]
        built = [builder.project(companies[i], chains[i]) for i in owners]
        by_year: dict[int, list[Project]] = {}
        for project, _ in built:
            by_year.setdefault(project.entered_on.year, []).append(project)
        for year, group in by_year.items():
            codes = project_codes_allocate(prefix=builder.prefix, year=year, count=len(group))
            for project, code in zip(group, codes, strict=True):
                project.code = code
        saved = _insert_projects([p for p, _ in built], now)
        entries: list[dict[str, Any]] = []
        arrivals: list[dict[str, Any]] = []
        for project, (_, history) in zip(saved, built, strict=True):
            for seq, (stage, kind, on) in enumerate(history, start=1):
                entries.append(
                    {
                        "project_id": project.pk,
                        "seq": seq,
                        "stage": stage,
                        "sign_kind": kind,
                        "effective_on": on,
                        "valid_until": history[seq][2] if seq < len(history) else None,
                        "action": EntryAction.MOVE,
                        "in_effect": True,
                        "out_of_order": False,
                        "note": "",
                        "evidence": "",
                        "source": DEMO_SOURCE,
                        "recorded_at": now,
                    }
                )
            for amount, currency, on in _arrivals(rng, project, history, today):
                foreign = currency == Currency.USD
                rate = rates[on.replace(day=1)] if foreign else None
                cny, usd = convert_arrival(amount, currency, foreign, rate)
                arrivals.append(
                    {
                        "rate": rate,
                        "cny_wan": cny,
                        "usd_wan": usd,
                        "action": "record",
                        "in_effect": True,
                        "project_id": project.pk,
                        "amount": amount,
                        "currency": currency,
                        "arrived_on": on,
                        "is_foreign": foreign,
                        "note": "",
                        "evidence": "",
                        "source": DEMO_SOURCE,
                        "recorded_at": now,
                    }
                )
        _insert_rows(StageEntry, entries)
        _insert_rows(CapitalArrival, arrivals)
        Through = Company.tags.through
        Through.objects.bulk_create(
            [
                Through(company_id=c.pk, companytag_id=rng.choice(tags).pk)
                for c in companies
                if rng.random() < 0.12
            ]
        )
        counts["projects"] += len(saved)
        counts["companies"] += len(companies)
        counts["stage_entries"] += len(entries)
        counts["arrivals"] += len(arrivals)
        if progress:
            progress(size)
    ensure_demo_users()  # field work is recorded by them
    from zhaoshang.fieldwork.demo import load_fieldwork_demo, load_targets_demo

    counts.update(load_fieldwork_demo(city=city, today=today, projects=projects, seed=seed))
    counts.update(load_targets_demo(city=city, today=today))
    with connection.cursor() as cursor:  # fresh statistics after a bulk load: better plans
        cursor.execute("ANALYZE")
    return counts


def _arrivals(
    rng: random.Random, project: Project, history: list[tuple[str, str, dt.date]], today: dt.date
) -> list[tuple[Decimal, str, dt.date]]:
    """Capital arriving in a few instalments after landing: USD for foreign investors."""
    landed = next((on for stage, _, on in history if stage == Stage.LANDED), None)
    if landed is None or not project.total_investment:
        return []
    out = []
    on = landed
    for _ in range(rng.randint(1, 4)):
        on = on + _days(rng, 20, 200)
        if on > today:
            break
        share = Decimal(rng.randint(3, 25)) / 100
        if project.contracted_foreign is not None:
            amount = (project.contracted_foreign * share).quantize(Decimal("0.01"))
            currency = Currency.USD
        else:
            amount = (project.total_investment * share).quantize(Decimal("0.01"))
            currency = Currency.CNY
        if amount > 0:
            out.append((amount, str(currency), on))
    return out
