"""Writing companies: create, update, merge duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from zhaoshang.companies.models import Company, CompanyTag, Origin
from zhaoshang.lib.names import normalize_company_name
from zhaoshang.lib.records import is_unchanged
from zhaoshang.org import access

if TYPE_CHECKING:
    from zhaoshang.org.models import User


@transaction.atomic
def company_create(
    *,
    name: str,
    actor: User | None,
    credit_code: str | None = None,
    origin: str = Origin.DOMESTIC,
    origin_country: str = "",
    tags: Iterable[CompanyTag] = (),
    note: str = "",
    source: str = "",
) -> Company:
    company = Company(
        name=name.strip(),
        normalized_name=normalize_company_name(name),
        credit_code=credit_code or None,
        origin=origin,
        origin_country=origin_country,
        note=note,
    )
    company.full_clean()
    company._history_user = actor  # type: ignore[attr-defined]
    company._change_reason = source or None  # type: ignore[attr-defined]
    company.save()
    company.tags.set(list(tags))
    return company


@transaction.atomic
def company_update(
    *, company: Company, actor: User | None, source: str = "", **fields: Any
) -> Company:
    for field, value in fields.items():
        setattr(company, field, value)
    company.normalized_name = normalize_company_name(company.name)
    company.full_clean()
    if is_unchanged(company):
        return company  # nothing to save, no history row
    company._history_user = actor  # type: ignore[attr-defined]
    company._change_reason = source or None  # type: ignore[attr-defined]
    company.save()
    return company


def company_get_or_create(
    *, name: str, actor: User | None, credit_code: str | None = None, source: str = ""
) -> tuple[Company, bool]:
    """Find a company by credit code, else by normalised name; create it when neither matches."""
    if credit_code:
        found = Company.objects.active().filter(credit_code=credit_code).first()
        if found:
            return found, False
    found = Company.objects.matching_name(name).order_by("id").first()
    if found:
        return found, False
    return company_create(name=name, credit_code=credit_code, actor=actor, source=source), True


def learnt_credit_code(*, held: str | None, typed: str, taken: bool) -> str | None:
    """The credit code a company named on an imported row ends with: its own when it has
    one; else the row's, unless another company already holds that code (`taken`). The one
    rule for the import's fast path (`intake.bulk.Register`) and its services path
    (`company_for_row`)."""
    if held:
        return held
    return typed if typed and not taken else None


@transaction.atomic
def company_for_row(*, name: str, credit_code: str, actor: User | None, source: str) -> Company:
    """The company an imported row names: the oldest live company of that normalised name,
    taking the row's credit code when it has none (see `learnt_credit_code`, with its
    change-history row), or a new company with it."""
    taken = bool(credit_code) and Company.objects.filter(credit_code=credit_code).exists()
    found = Company.objects.matching_name(name).order_by("id").first()
    code = learnt_credit_code(held=found.credit_code if found else None, typed=credit_code,
                              taken=taken)  # fmt: skip
    if found is None:
        return company_create(name=name, credit_code=code, actor=actor, source=source)
    if code != found.credit_code:
        company_update(company=found, actor=actor, source=source, credit_code=code)
    return found


def _foreign_keys_to_company() -> list[models.ForeignKey[Any, Any]]:
    """Every FK pointing at Company from a live model (history tables keep what they saw)."""
    fks = []
    for rel in Company._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many or rel.one_to_one or model is Company or isinstance(model, str):
            continue
        if model.__name__.startswith("Historical") or not isinstance(rel.field, models.ForeignKey):
            continue
        fks.append(rel.field)
    return fks


def company_merge_refusal(*, actor: User | None, duplicate: Company) -> str | None:
    """Why `actor` may not merge `duplicate` away (see `access.company_reference_write_q`):
    the rows naming it that are not theirs to move, counted, never named; None if they may."""
    if actor is None or actor.is_superuser:
        return None
    if not access.can_write(actor):
        return "无权合并企业"
    foreign = []
    for fk in _foreign_keys_to_company():
        rows = fk.model._default_manager.filter(**{fk.name: duplicate})
        rule = access.company_reference_write_q(actor, fk.model._meta.label_lower)
        if rule is None:
            count, word = rows.count(), f"条{fk.model._meta.verbose_name}记录"
        else:
            q, word = rule
            count = 0 if q is None else rows.exclude(pk__in=fk.model._default_manager.filter(q)
                                                     .values("pk")).count()  # fmt: skip
        if count:
            foreign.append(f"{count}{word}")
    if not foreign:
        return None
    return (f"无法合并:“{duplicate.name}”关联的{'、'.join(foreign)}不归您的单位管理,"
            "合并会改动它们;请由能管理全部关联记录的管理员合并")  # fmt: skip


@transaction.atomic
def company_merge(*, keep: Company, duplicate: Company, actor: User | None) -> Company:
    """Fold `duplicate` into `keep`: its projects, contacts and tags move over, its credit
    code moves when `keep` has none, and it stays as a row marked merged (its history and
    the references of old reports stay readable). Each row moved gets its own history row
    (who, and "企业合并:…"). Refused (PermissionDenied, nothing changed) unless `actor` may
    write every row that would move (`company_merge_refusal`)."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "不能把企业合并到它自己"})
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError({"duplicate": "已合并的企业不能再次合并"})
    if keep.credit_code and duplicate.credit_code and keep.credit_code != duplicate.credit_code:
        raise ValidationError(
            {
                "duplicate": f"两家企业的统一社会信用代码不同({keep.credit_code} / "
                f"{duplicate.credit_code}),不是同一家企业"
            }
        )
    refusal = company_merge_refusal(actor=actor, duplicate=duplicate)
    if refusal:
        raise PermissionDenied(refusal)
    moved = f"企业合并:“{duplicate.name}”并入“{keep.name}”"
    for fk in _foreign_keys_to_company():
        # Row by row through save(): a historical model writes each row's history with it.
        for row in fk.model._default_manager.filter(**{fk.name: duplicate}).order_by("pk"):
            setattr(row, fk.name, keep)
            row._history_user = actor  # type: ignore[attr-defined]
            row._change_reason = moved  # type: ignore[attr-defined]
            row.save(update_fields=[fk.name])
    keep.tags.add(*duplicate.tags.all())
    reason = f"合并自“{duplicate.name}”(#{duplicate.pk})"
    code = duplicate.credit_code
    duplicate.merged_into = keep
    duplicate.credit_code = None
    duplicate._history_user = actor  # type: ignore[attr-defined]
    duplicate._change_reason = f"合并到“{keep.name}”(#{keep.pk})"  # type: ignore[attr-defined]
    duplicate.save()
    if code and not keep.credit_code:
        keep.credit_code = code
    keep._history_user = actor  # type: ignore[attr-defined]
    keep._change_reason = reason  # type: ignore[attr-defined]
    keep.save()
    return keep


def company_duplicate_candidates(*, company: Company) -> models.QuerySet[Company]:
    """Other active companies with the same matching name."""
    return (
        Company.objects.active()
        .filter(normalized_name=company.normalized_name)
        .exclude(pk=company.pk)
    )
