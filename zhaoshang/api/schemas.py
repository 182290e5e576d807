"""What travels over the API. Amounts are decimal strings (万元 / 万美元), never floats."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from zhaoshang.lib.money import plain


def money(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


class UnitRef(Schema):
    code: str
    name: str


class UnitOut(UnitRef):
    kind: str
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class CompanyRef(Schema):
    id: int
    name: str


class CompanyOut(CompanyRef):
    credit_code: str | None
    origin: str
    origin_country: str
    tags: list[str]
    merged_into: int | None

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_merged_into(obj: Any) -> int | None:
        return obj.merged_into_id


def _unit(obj: Any, field: str) -> UnitRef | None:
    unit = getattr(obj, field)
    return None if unit is None else UnitRef(code=unit.code, name=unit.name)


def _name(obj: Any, field: str) -> str | None:
    value = getattr(obj, field)
    return None if value is None else value.name


class ProjectOut(Schema):
    code: str
    name: str
    stage: str
    stage_label: str
    stage_on: dt.date
    entered_on: dt.date
    unit: UnitRef
    region: UnitRef | None
    park: UnitRef | None
    responsible_unit: UnitRef | None
    investor: CompanyRef | None
    chain: str | None
    kind: str | None
    channel: str | None
    total_investment: str | None
    total_investment_approx: bool
    contracted_foreign: str | None
    foreign_target: str | None
    expected_arrival_on: dt.date | None
    expected_arrival_amount: str | None
    is_provincial_key: bool
    is_city_key: bool
    introducer: str
    description: str

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_region(obj: Any) -> UnitRef | None:
        return _unit(obj, "region")

    @staticmethod
    def resolve_park(obj: Any) -> UnitRef | None:
        return _unit(obj, "park")

    @staticmethod
    def resolve_responsible_unit(obj: Any) -> UnitRef | None:
        return _unit(obj, "responsible_unit")

    @staticmethod
    def resolve_chain(obj: Any) -> str | None:
        return _name(obj, "chain")

    @staticmethod
    def resolve_kind(obj: Any) -> str | None:
        return _name(obj, "kind")

    @staticmethod
    def resolve_channel(obj: Any) -> str | None:
        return _name(obj, "channel")

    @staticmethod
    def resolve_total_investment(obj: Any) -> str | None:
        return money(obj.total_investment)

    @staticmethod
    def resolve_contracted_foreign(obj: Any) -> str | None:
        return money(obj.contracted_foreign)

    @staticmethod
    def resolve_foreign_target(obj: Any) -> str | None:
        return money(obj.foreign_target)

    @staticmethod
    def resolve_expected_arrival_amount(obj: Any) -> str | None:
        return money(obj.expected_arrival_amount)


class StageEntryOut(Schema):
    id: int
    seq: int
    stage: str
    sign_kind: str
    effective_on: dt.date
    action: str
    in_effect: bool
    out_of_order: bool
    corrects: int | None
    note: str
    source: str
    evidence: str | None
    recorded_by: str | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_corrects(obj: Any) -> int | None:
        return obj.corrects_id

    @staticmethod
    def resolve_evidence(obj: Any) -> str | None:
        return obj.evidence.url if obj.evidence else None

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by_id else None


class ArrivalOut(Schema):
    id: int
    amount: str
    currency: str
    arrived_on: dt.date
    is_foreign: bool
    rate: str | None
    cny_wan: str | None
    action: str
    in_effect: bool
    corrects_id: int | None
    note: str
    evidence: str | None
    recorded_by: str | None

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return plain(obj.amount)

    @staticmethod
    def resolve_rate(obj: Any) -> str | None:
        return money(obj.rate)

    @staticmethod
    def resolve_cny_wan(obj: Any) -> str | None:
        return money(obj.cny_wan)

    @staticmethod
    def resolve_evidence(obj: Any) -> str | None:
        return obj.evidence.url if obj.evidence else None

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by_id else None


class ProjectDetailOut(ProjectOut):
    version: int  # also the ETag; send it back as If-Match (or `version`) when changing
    tags: list[str]
    stage_entries: list[StageEntryOut]
    arrivals: list[ArrivalOut]

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_stage_entries(obj: Any) -> list[Any]:
        return list(obj.stage_entries.select_related("recorded_by").order_by("effective_on", "seq"))

    @staticmethod
    def resolve_arrivals(obj: Any) -> list[Any]:
        return list(obj.arrivals.select_related("recorded_by"))


class ProjectIn(Schema):
    """Fields of a project; units by code, chain/kind/channel/tags by id. On create, `stage`,
    `sign_kind` and `effective_on` (入库日期) give the first history entry."""

    name: str | None = None
    unit: str | None = None
    region: str | None = None
    park: str | None = None
    responsible_unit: str | None = None
    investor: int | None = None
    investor_name: str | None = None
    chain: int | None = None
    kind: int | None = None
    channel: int | None = None
    tags: list[int] | None = None
    introducer: str | None = None
    is_provincial_key: bool | None = None
    is_city_key: bool | None = None
    total_investment: str | None = None
    total_investment_approx: bool | None = None
    contracted_foreign: str | None = None
    foreign_target: str | None = None
    expected_arrival_on: dt.date | None = None
    expected_arrival_amount: str | None = None
    description: str | None = None
    stage: str | None = None
    sign_kind: str | None = None
    effective_on: dt.date | None = None
    version: int | None = None  # on PATCH: the version read (or If-Match); a stale one is 409


class Conflict(Schema):
    field: str
    label: str
    yours: str
    theirs: str


class ConflictOut(Schema):
    detail: str
    version: int
    conflicts: list[Conflict]


class StageMoveIn(Schema):
    stage: str
    effective_on: dt.date
    sign_kind: str = ""
    note: str = ""
    confirm_out_of_order: bool = False


class ArrivalIn(Schema):
    amount: str
    arrived_on: dt.date
    currency: str = "CNY"
    is_foreign: bool = False
    note: str = ""


class ArrivalCorrectIn(ArrivalIn):
    """The arrival as it should have been; `note` (why) is required."""


class NoteIn(Schema):
    note: str = ""


class Tally(Schema):
    count: int
    amount_wan: str


class SnapshotOut(Schema):
    as_of: dt.date
    unit: str | None
    total: Tally
    buckets: dict[str, Tally]


class FlowsOut(Schema):
    start: dt.date
    end: dt.date
    unit: str | None
    flows: dict[str, Tally]
    capital: dict[str, Any]


class Errors(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None
