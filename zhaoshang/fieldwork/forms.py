"""Forms of field work: the validation boundary shared by the pages, the API and sheet
imports. Companies are typed by name (matched in the company register, added when new);
projects are given by their codes — a city has too many of either for a drop-down."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zhaoshang.fieldwork.models import Contact, Event, Team, Trip
from zhaoshang.intake.values import HEADER_UNITS, parse_amount
from zhaoshang.org.access import units_in_scope
from zhaoshang.org.models import UnitKind
from zhaoshang.projects.forms import DateInput
from zhaoshang.projects.models import IndustryChain, Project
from zhaoshang.projects.stages import SignKind
from zhaoshang.web.forms import choose_by

CODES_SPLIT = re.compile(r"[\s,,、;;]+")


def _unit_field(form: forms.ModelForm, user: Any, name: str = "unit") -> None:
    """Units the user works for (no departments), by code, defaulting to the user's own."""
    choose_by(form, name, queryset=units_in_scope(user).exclude(kind=UnitKind.DEPARTMENT))
    if not form.instance.pk and not form.is_bound and getattr(user, "unit", None):
        form.initial.setdefault(name, user.unit.code)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "unit", "leader_name", "members", "chains", "target_cities", "is_active"]
        widgets = {"chains": forms.CheckboxSelectMultiple()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_field(self, user)
        self.fields["chains"].queryset = IndustryChain.objects.filter(is_active=True)  # type: ignore[attr-defined]


class TripForm(forms.ModelForm):
    class Meta:
        model = Trip
        fields = ["unit", "team", "leader_name", "leader_type", "participants", "people",
                  "cities", "start_on", "end_on", "purpose"]  # fmt: skip
        widgets = {"start_on": DateInput(), "end_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_field(self, user)
        scope = units_in_scope(user)
        self.fields["team"].queryset = Team.objects.filter(unit__in=scope, is_active=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", f"返回日期{end:%Y-%m-%d}早于出发日期{start:%Y-%m-%d}")
        return data

    def _post_clean(self) -> None:  # the services check the model (constraints included)
        pass


class ProjectCodesField(forms.CharField):
    """Project codes separated by spaces, commas or 、; each must be a project the user
    can see."""

    def __init__(self, *, user: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.user = user

    def clean(self, value: Any) -> list[Project]:  # type: ignore[override]
        text = super().clean(value) or ""
        codes = [c.upper() for c in CODES_SPLIT.split(text.strip()) if c]
        if not codes:
            return []
        found = {p.code: p for p in Project.objects.visible_to(self.user).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(f"没有找到项目:{'、'.join(missing)}")
        return [found[c] for c in dict.fromkeys(codes)]


class ContactForm(forms.ModelForm):
    """Logging a visit from a phone: company (typed, with suggestions), date (today),
    one line of outcome. Everything else is optional."""

    company_name = forms.CharField(
        label="企业", max_length=200,
        widget=forms.TextInput(attrs={"list": "company-options", "autocomplete": "off"}),
        help_text="输入企业名称,按名称匹配企业库(简称也可),没有则新建",
    )  # fmt: skip
    project_codes = ProjectCodesField(label="项目编号", help_text="可留空;多个用空格或顿号分隔")

    class Meta:
        model = Contact
        fields = [
            "company_name", "contacted_on", "kind", "outcome", "next_step", "follow_up_on",
            "project_codes", "unit", "trip", "event", "our_people", "their_people",
        ]  # fmt: skip
        widgets = {
            "contacted_on": DateInput(),
            "follow_up_on": DateInput(),
            "outcome": forms.TextInput(attrs={"placeholder": "一句话:谈了什么、结果如何"}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _unit_field(self, user)
        self.fields["project_codes"].user = user  # type: ignore[attr-defined]
        scope = units_in_scope(user)
        # Recent trips and events only: a drop-down, and one a phone can scroll.
        since = timezone.localdate() - dt.timedelta(days=400)
        trips = Trip.objects.filter(unit__in=scope, end_on__gte=since).order_by("-start_on")
        events = Event.objects.filter(unit__in=scope, held_on__gte=since).order_by("-held_on")
        if self.instance.pk:  # keep an older link choosable when the record is edited
            trips = trips | Trip.objects.filter(pk=self.instance.trip_id)
            events = events | Event.objects.filter(pk=self.instance.event_id)
        self.fields["trip"].queryset = trips  # type: ignore[attr-defined]
        self.fields["event"].queryset = events  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["company_name"] = self.instance.company.name
            self.initial["project_codes"] = " ".join(p.code for p in self.instance.projects.all())
        elif not self.is_bound:
            self.initial.setdefault("contacted_on", timezone.localdate())

    def clean_contacted_on(self) -> Any:
        value = self.cleaned_data.get("contacted_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(f"对接日期{value:%Y-%m-%d}晚于今天,不能预先登记")
        return value

    def _post_clean(self) -> None:
        pass

    def service_data(self, actor: Any) -> dict[str, Any]:
        """The cleaned data as the service takes it: the company by name (the service finds
        or adds it in its own transaction, so a refused visit adds no company)."""
        data = dict(self.cleaned_data)
        data["company_name"] = data["company_name"].strip()
        data["projects"] = data.pop("project_codes")
        return data


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "held_on", "place", "unit", "leaders", "participants", "note"]
        widgets = {"held_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_field(self, user)

    def _post_clean(self) -> None:
        pass


class AmountField(forms.CharField):
    """An amount as people write it: "29.8亿元", "约3亿元", "5000万", or a bare number in
    亿元. Returns 万元 (Decimal) or None."""

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            amount = parse_amount(text, unit=HEADER_UNITS["亿元"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if amount is None:
            return None
        if amount.currency != "CNY":
            raise forms.ValidationError("签约金额以人民币计")
        return amount.wan


class SigningForm(forms.Form):
    project_code = forms.CharField(label="项目编号", max_length=20)
    sign_kind = forms.ChoiceField(label="签约类型", choices=SignKind.choices,
                                  initial=SignKind.CONTRACT)  # fmt: skip
    amount = AmountField(label="签约金额", required=False,
                         help_text="如“29.8亿元”;不填按项目总投资计")  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_project_code(self) -> Project:
        code = self.cleaned_data["project_code"].strip().upper()
        project = Project.objects.visible_to(self.user).filter(code=code).first()
        if project is None:
            raise forms.ValidationError(f"没有找到项目 {code}")
        return project
