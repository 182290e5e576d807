"""Texts in, on the page: paste or upload, see what was read, confirm, edit or dismiss
each project; nothing extracted enters the books unconfirmed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from zhaoshang.intake.models import CLASH_REASON, CandidateStatus, TextExtraction
from zhaoshang.intake.texts import (
    STAGE_OF_HINT,
    candidate_confirm,
    candidate_dismiss,
    extraction_create,
    match_clash,
    match_existing,
    read_text,
)
from zhaoshang.intake.values import parse_date
from zhaoshang.org.access import can_write, scope_unit, units_in_scope
from zhaoshang.org.models import UnitKind
from zhaoshang.projects.forms import DateInput
from zhaoshang.projects.stages import Stage
from zhaoshang.web.submit import attach_errors

UNITS = [("亿元", "亿元"), ("万元", "万元"), ("亿美元", "亿美元"), ("万美元", "万美元")]
LIVE = [(s.value, s.label) for s in Stage if s != Stage.DROPPED]


class TextForm(forms.Form):
    text = forms.CharField(
        label="粘贴文本", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    file = forms.FileField(label="或上传 .txt / .docx", required=False)
    unit: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label="单位(“我市/我区”所指)",
        queryset=None,  # type: ignore[arg-type]
        to_field_name="code",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user).exclude(kind=UnitKind.DEPARTMENT)  # type: ignore[attr-defined]
        self.initial.setdefault("unit", scope_unit(user).code if user.is_authenticated else "")


class CandidateForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    amount = forms.CharField(label="金额", required=False, max_length=20)
    amount_unit = forms.ChoiceField(label="单位", choices=UNITS, required=False)
    approx = forms.BooleanField(label="约数", required=False)
    stage = forms.ChoiceField(label="阶段", choices=LIVE)
    effective_on = forms.DateField(label="日期", widget=DateInput())

    def clean_amount(self) -> Decimal | None:
        text = (self.cleaned_data.get("amount") or "").strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(f"“{text}”不是数字") from None
        if value < 0:
            raise forms.ValidationError("金额不能为负数")
        return value

    def clean_effective_on(self) -> Any:
        value = self.cleaned_data["effective_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return value


def _initial(data: dict[str, Any], year: int) -> dict[str, Any]:
    date = None
    if data.get("date"):
        first = str(data["date"]).split("至")[0]
        try:
            date, _ = parse_date(first, default_year=year)
        except ValueError:
            date = None
    return {
        "name": data.get("name", ""),
        "amount": data.get("amount_value") or "",
        "amount_unit": data.get("amount_unit") or "亿元",
        "approx": bool(data.get("approx")),
        "stage": STAGE_OF_HINT.get(data.get("stage_hint") or "", Stage.LEAD),
        "effective_on": min(date or timezone.localdate(), timezone.localdate()),
    }


def text_import(request: HttpRequest) -> HttpResponse:
    if not can_write(request.user):
        raise PermissionDenied("无权导入")
    form = TextForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            raw = read_text(upload.name, upload.read()) if upload else form.cleaned_data["text"]
            extraction = extraction_create(
                raw=raw or "",
                unit=form.cleaned_data["unit"],
                actor=request.user,  # type: ignore[arg-type]
                source_name=upload.name if upload else "",
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("text_review", pk=extraction.pk)
    recent = TextExtraction.objects.filter(created_by=request.user.pk)[:10]
    return render(request, "intake/text_import.html", {"form": form, "recent": recent})


def text_review(request: HttpRequest, pk: int) -> HttpResponse:
    extraction = (
        TextExtraction.objects.filter(pk=pk, unit__in=units_in_scope(request.user))
        .select_related("unit")
        .first()
    )
    if extraction is None or not can_write(request.user):
        raise Http404("没有找到该文本")
    year = extraction.created_at.year
    bound_id = request.POST.get("candidate") if request.method == "POST" else None
    rows = []
    for c in extraction.candidates.select_related("project"):
        bound = str(c.pk) == bound_id
        form = CandidateForm(
            request.POST if bound else None, prefix=f"c{c.pk}", initial=_initial(c.data, year)
        )
        if bound and c.status == CandidateStatus.PENDING:
            if request.POST.get("action") == "dismiss":
                candidate_dismiss(candidate=c, actor=request.user)  # type: ignore[arg-type]
                messages.info(request, f"已忽略:{c.data.get('name')}")
                return redirect("text_review", pk=pk)
            if form.is_valid():
                d = form.cleaned_data
                actor: Any = request.user
                try:
                    project = candidate_confirm(
                        candidate=c,
                        actor=actor,
                        name=d["name"],
                        stage=d["stage"],
                        effective_on=d["effective_on"],
                        amount=d["amount"],
                        amount_unit=d["amount_unit"] or None,
                        approx=d["approx"],
                    )
                except ValidationError as exc:
                    attach_errors(form, exc)
                else:
                    messages.success(request, f"已确认:{project.code} {project.name}")
                    return redirect("text_review", pk=pk)
        named, actor = c.data.get("name", ""), request.user
        existing = match_existing(named, extraction.unit, actor)  # type: ignore[arg-type]
        clash = existing is None and match_clash(named, extraction.unit, actor) is not None  # type: ignore[arg-type]
        rows.append((c, form, existing, clash))
    return render(
        request,
        "intake/text_review.html",
        {
            "extraction": extraction,
            "rows": rows,
            "result": extraction.result,
            "clash_reason": CLASH_REASON,
        },
    )
