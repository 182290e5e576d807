"""Texts in: read a pasted or uploaded text (.txt in UTF-8 or GB18030, .docx), extract,
keep the candidates for review, and turn a confirmed candidate into a project — matched
against the projects already in the books, updated rather than duplicated. One call, one
transaction."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.intake.extract import extract
from zhaoshang.intake.models import (
    CLASH_REASON,
    CandidateStatus,
    Clash,
    ClashKind,
    TextCandidate,
    TextExtraction,
)
from zhaoshang.lib.names import normalize_project_name
from zhaoshang.org import access
from zhaoshang.org.models import Unit as UnitModel
from zhaoshang.org.models import UnitKind
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import project_create, project_move_to_stage, project_update
from zhaoshang.projects.stages import RANK, Stage

if TYPE_CHECKING:
    from zhaoshang.org.models import Unit, User

MAX_TEXT_BYTES = 2 * 1024 * 1024
STAGE_OF_HINT = {
    "线索": Stage.LEAD,
    "洽谈": Stage.NEGOTIATING,
    "签约": Stage.SIGNED,
    "落地": Stage.LANDED,
    "到资": Stage.LANDED,
    "开工": Stage.CONSTRUCTION,
    "投产": Stage.OPERATING,
}
WAN_PER = {"亿元": Decimal(10000), "万元": Decimal(1), "万亿元": Decimal(100000000)}
USD_WAN_PER = {"亿美元": Decimal(10000), "万美元": Decimal(1)}


def read_text(name: str, content: bytes) -> str:
    """The text of an upload: .docx paragraphs, or .txt in UTF-8 (with or without BOM) or
    GB18030; anything else refused with the reason."""
    if len(content) > MAX_TEXT_BYTES:
        raise ValidationError({"file": "文件超过2MB,请分段粘贴"})
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        import docx

        try:
            document = docx.Document(io.BytesIO(content))
        except Exception as exc:  # python-docx raises several kinds for a bad package
            raise ValidationError({"file": f"无法读取Word文件:{exc}"}) from None
        return "\n".join(p.text for p in document.paragraphs)
    if suffix not in (".txt", ""):
        raise ValidationError(
            {"file": f"不支持的文件类型“{suffix}”:请上传 .txt 或 .docx,或直接粘贴"}
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": "无法识别文本编码(应为 UTF-8 或 GB18030)"})


@transaction.atomic
def extraction_create(
    *, raw: str, unit: Unit, actor: User | None, source_name: str = ""
) -> TextExtraction:
    if not raw.strip():
        raise ValidationError({"text": "请粘贴或上传文本"})
    if actor is not None and not access.units_in_scope(actor).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": f"无权查看“{unit}”"})
    result = extract(raw, unit_name=unit.name)
    extraction = TextExtraction.objects.create(
        unit=unit,
        source_name=source_name,
        raw=raw,
        text=result.text,
        result=result.as_json(),
        created_by=actor,
    )
    TextCandidate.objects.bulk_create(
        [
            TextCandidate(extraction=extraction, position=i, data=p)
            for i, p in enumerate(extraction.result["projects"])
        ]
    )
    return extraction


def match_existing(name: str, unit: Unit, actor: User | None) -> Project | None:
    """The project already in the books under this unit with the same normalised name."""
    qs = Project.objects.in_unit(unit).filter(normalized_name=normalize_project_name(name))
    if actor is not None:
        qs = qs.filter(pk__in=Project.objects.writable_by(actor).values("pk"))
    return qs.order_by("pk").first()


def match_clash(name: str, unit: Unit, actor: User | None) -> Project | None:
    """A project of the unit's city with the same normalised name that the confirmation may
    not change (outside what `actor`, or with no actor an officer of `unit`, may write): a
    clash (DESIGN §7)."""
    city = unit.ancestor_of_kind(UnitKind.CITY) or unit
    qs = Project.objects.filter(
        normalized_name=normalize_project_name(name),
        unit__in=UnitModel.objects.subtree(city),
    )
    writable = (access.project_write_units(actor) if actor is not None
                else UnitModel.objects.subtree(unit))  # fmt: skip
    if writable is None:
        return None
    return qs.exclude(unit__in=writable).order_by("pk").first()


@transaction.atomic
def clash_record(
    *, candidate: TextCandidate, actor: User | None, name: str, held: Project
) -> Clash:
    unit = candidate.extraction.unit
    return Clash.objects.create(
        kind=ClashKind.TEXT, city=unit.ancestor_of_kind(UnitKind.CITY) or unit, unit=unit,
        held_by_id=held.unit_id, project=held, actor=actor, name=name.strip()[:200],
        source=_source(candidate),
    )  # fmt: skip


def _source(candidate: TextCandidate) -> str:
    return f"文本识别:{candidate.extraction.source_name or '粘贴文本'}"


def amount_fields(value: Decimal | None, unit: str | None) -> dict[str, Any]:
    if value is None or not unit:
        return {}
    if unit in WAN_PER:
        return {"total_investment": value * WAN_PER[unit]}
    if unit in USD_WAN_PER:
        return {"contracted_foreign": value * USD_WAN_PER[unit]}
    raise ValidationError({"amount": f"未知金额单位“{unit}”"})


def candidate_confirm(
    *,
    candidate: TextCandidate,
    actor: User | None,
    name: str,
    stage: str,
    effective_on: dt.date,
    amount: Decimal | None = None,
    amount_unit: str | None = None,
    approx: bool = False,
) -> Project:
    """Create the project, or update the one that matches: its amount when the text gives
    one, its stage when the text says it went further. A name matching only a project the
    user may not change is a clash: recorded for the city, refused with `CLASH_REASON`
    (ValidationError on "name"), nothing else written."""
    _check_confirm(candidate, actor, name, stage)
    if match_existing(name, candidate.extraction.unit, actor) is None:
        held = match_clash(name, candidate.extraction.unit, actor)
        if held is not None:
            clash_record(candidate=candidate, actor=actor, name=name, held=held)
            raise ValidationError({"name": f"{CLASH_REASON}:本条未登记,已报市级管理员裁定"})
    return _confirm(candidate=candidate, actor=actor, name=name, stage=stage,
                    effective_on=effective_on, amount=amount, amount_unit=amount_unit,
                    approx=approx)  # fmt: skip


def _check_confirm(candidate: TextCandidate, actor: User | None, name: str, stage: str) -> None:
    if candidate.status != CandidateStatus.PENDING:
        raise ValidationError({"__all__": "该条已处理"})
    unit = candidate.extraction.unit
    if actor is not None and not access.can_write_unit(actor, unit):
        raise PermissionDenied(f"无权为“{unit}”登记项目")
    if not name.strip():
        raise ValidationError({"name": "项目名称不能为空"})
    if stage not in RANK:
        raise ValidationError({"stage": "请选择阶段"})


@transaction.atomic
def _confirm(
    *,
    candidate: TextCandidate,
    actor: User | None,
    name: str,
    stage: str,
    effective_on: dt.date,
    amount: Decimal | None,
    amount_unit: str | None,
    approx: bool,
) -> Project:
    candidate = TextCandidate.objects.select_for_update().get(pk=candidate.pk)
    _check_confirm(candidate, actor, name, stage)  # again, under the lock
    unit = candidate.extraction.unit
    fields = amount_fields(amount, amount_unit)
    if fields.get("total_investment") is not None:
        fields["total_investment_approx"] = approx
    source = _source(candidate)
    project = match_existing(name, unit, actor)
    if project is None:
        project = project_create(
            actor=actor,
            unit=unit,
            name=name.strip(),
            stage=stage,
            effective_on=effective_on,
            source=source,
            **fields,
        )
    else:
        if fields:
            project_update(project=project, actor=actor, source=source, **fields)
        project.refresh_from_db()
        if project.stage != Stage.DROPPED and RANK[stage] > RANK.get(project.stage, -1):
            project_move_to_stage(
                project=project, stage=stage, effective_on=effective_on, actor=actor, source=source
            )
    candidate.status, candidate.project = CandidateStatus.CONFIRMED, project
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save()
    return project


def candidate_dismiss(*, candidate: TextCandidate, actor: User | None) -> TextCandidate:
    if candidate.status != CandidateStatus.PENDING:
        raise ValidationError({"__all__": "该条已处理"})
    candidate.status = CandidateStatus.DISMISSED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save()
    return candidate
