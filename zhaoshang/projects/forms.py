"""The one validation boundary for projects: the page, the API and (later) the importer
bind these forms, so a rule is written once. Units travel by their code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.companies.models import Company
from zhaoshang.org.access import units_in_scope
from zhaoshang.org.models import UnitKind
from zhaoshang.projects.models import Currency, Project
from zhaoshang.projects.stages import SignKind, Stage
from zhaoshang.web.forms import choose_by

UNIT_FIELDS = ("unit", "region", "park", "responsible_unit")
PROJECT_FIELDS = [
    "name", "unit", "region", "park", "responsible_unit", "investor", "chain", "kind",
    "channel", "tags", "introducer", "introducer_company", "parent", "is_provincial_key",
    "is_city_key", "total_investment", "total_investment_approx", "contracted_foreign",
    "foreign_target", "expected_arrival_on", "expected_arrival_amount", "description",
]  # fmt: skip
LIVE_STAGE_CHOICES = [(s.value, s.label) for s in Stage if s != Stage.DROPPED]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_future(value: dt.date | None, label: str, today: dt.date | None = None) -> dt.date | None:
    if value and value > (today or timezone.localdate()):
        raise forms.ValidationError(f"{label}不能晚于今天")
    return value


class ProjectForm(forms.ModelForm):
    """Create or edit a project. On create it also takes the first stage and the date the
    project entered the pipeline (入库日期)."""

    stage = forms.ChoiceField(
        label="初始阶段", choices=LIVE_STAGE_CHOICES, initial=Stage.LEAD, required=False
    )
    sign_kind = forms.ChoiceField(
        label="签约类型", choices=[("", "—"), *SignKind.choices], required=False
    )
    effective_on = forms.DateField(label="入库日期", widget=DateInput())
    investor_name = forms.CharField(
        label="投资方名称", required=False, max_length=200,
        help_text="保存时按名称匹配企业库(如“神州优车”与“神州优车(福建)有限公司”为同一家),没有则新建",
    )  # fmt: skip

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        # Companies and projects are too many for a drop-down (100,000 at a city): the
        # investor is typed by name (matched or added on save), the parent by its code.
        widgets = {
            "investor": forms.HiddenInput(),
            "introducer_company": forms.HiddenInput(),
            "parent": forms.TextInput(attrs={"placeholder": "如 FZ-2022-0001"}),
            "expected_arrival_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, scope: Any = None, **kwargs: Any) -> None:
        """`user` limits the units and parent projects offered to their scope; an import run
        from the command line (no user) passes the `scope` units of its city instead."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = timezone.localdate()  # one form, one day (an import binds one for all rows)
        scope = units_in_scope(user) if scope is None else scope
        choose_by(self, "unit", queryset=scope.exclude(kind=UnitKind.DEPARTMENT))
        choose_by(self, "region", queryset=scope)
        choose_by(self, "park", queryset=scope.filter(kind=UnitKind.PARK))
        choose_by(self, "responsible_unit", queryset=scope)
        self.fields["investor"].queryset = Company.objects.active()  # type: ignore[attr-defined]
        self.fields["introducer_company"].queryset = Company.objects.active()  # type: ignore[attr-defined]
        parents = Project.objects.visible_to(user) if user is not None else Project.objects.all()
        choose_by(self, "parent", queryset=parents)
        self.fields["parent"].label = "母项目编号"
        if self.instance.pk and self.instance.investor_id and not self.is_bound:
            self.fields["investor_name"].initial = self.instance.investor.name
        if self.instance.pk:  # the first stage is history now: moves go through the stage form
            for name in ("stage", "sign_kind", "effective_on"):
                del self.fields[name]
            self._carry_what_was_read()
        else:
            self.fields["effective_on"].initial = timezone.localdate()

    def _carry_what_was_read(self) -> None:
        """An edit page carries the version and the values it was read at (hidden), so a
        save writes only what its user changed and a stale save is caught."""
        self.fields["version"] = forms.IntegerField(
            required=False, widget=forms.HiddenInput(), initial=self.instance.version
        )
        for name in (*PROJECT_FIELDS, "investor_name"):
            self.fields[name].show_hidden_initial = True

    def edit_basis(self) -> dict[str, Any]:
        """For `project_save` on an edit page: the fields the user changed, the version and
        the values (cleaned) the page was read with."""
        fields = [n for n in self.changed_data if n in PROJECT_FIELDS or n == "investor_name"]
        read = {}
        for name in {*fields, *(["investor"] if "investor_name" in fields else [])}:
            bound = self[name]
            raw = bound.field.hidden_widget().value_from_datadict(
                self.data, self.files, bound.html_initial_name
            )
            try:
                read[name] = bound.field.to_python(raw)
            except ValidationError:
                continue  # the value read is no longer a choice: compare with nothing
        return {"fields": fields, "version": self.cleaned_data.get("version"), "read": read}

    def show_stored(self, version: int, values: dict[str, Any]) -> None:
        """After a conflict: the page keeps the user's input and now carries the stored
        version and values, so saving again writes the user's values over them."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data["version"] = str(version)
        for name, value in values.items():
            prepared = self.fields[name].prepare_value(value)
            key = self[name].html_initial_name
            if isinstance(prepared, (list, tuple)):
                data.setlist(key, [str(v) for v in prepared])
            else:
                data[key] = "" if prepared is None else str(prepared)
        self.data = data

    def clean_effective_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("effective_on"), "入库日期", self.today)

    def clean_stage(self) -> str:
        return self.cleaned_data.get("stage") or Stage.LEAD

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sign_kind") and data.get("stage") != Stage.SIGNED:
            self.add_error("sign_kind", "只有签约阶段才填写签约类型")
        investor, typed = data.get("investor"), (data.get("investor_name") or "").strip()
        if investor and typed == investor.name:
            data["investor_name"] = ""  # the same company, already chosen
        elif typed:
            data["investor"] = None  # a name was typed: it is matched or added on save
        return data


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=Stage.choices)
    sign_kind = forms.ChoiceField(
        label="签约类型", choices=[("", "—"), *SignKind.choices], required=False
    )
    effective_on = forms.DateField(label="生效日期", widget=DateInput())
    note = forms.CharField(label="说明", required=False, max_length=500)
    evidence = forms.FileField(label="证明材料", required=False)
    confirm_out_of_order = forms.BooleanField(label="确认日期顺序", required=False)

    def clean_effective_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("effective_on"), "生效日期")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sign_kind") and data.get("stage") != Stage.SIGNED:
            self.add_error("sign_kind", "只有签约阶段才填写签约类型")
        if data.get("stage") == Stage.DROPPED and not (data.get("note") or "").strip():
            self.add_error("note", "终止项目须说明原因")
        return data


class ArrivalForm(forms.Form):
    amount = forms.DecimalField(
        label="金额", max_digits=15, decimal_places=4, min_value=0,
        help_text="人民币以万元、美元以万美元计",
        error_messages={"min_value": "金额不能为负数"},
    )  # fmt: skip
    currency = forms.ChoiceField(label="币种", choices=Currency.choices, initial=Currency.CNY)
    arrived_on = forms.DateField(label="到资日期", widget=DateInput())
    is_foreign = forms.BooleanField(label="外资", required=False)
    note = forms.CharField(label="说明", required=False, max_length=500)
    evidence = forms.FileField(label="证明材料", required=False)

    def clean_amount(self) -> Any:
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount <= 0:
            raise forms.ValidationError("到资金额须大于零")
        return amount

    def clean_arrived_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("arrived_on"), "到资日期")


class ArrivalCorrectForm(ArrivalForm):
    """The corrected arrival (every field as it should have been) and why."""

    note = forms.CharField(label="更正原因", max_length=500,
                           error_messages={"required": "更正须说明原因"})  # fmt: skip


class ArrivalRetractForm(forms.Form):
    note = forms.CharField(label="撤销原因", max_length=500,
                           error_messages={"required": "撤销须说明原因"})  # fmt: skip


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """{field: [messages]} in Chinese, for pages and the API alike."""
    return {field: [str(m) for m in msgs] for field, msgs in form.errors.items()}


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A service's refusal as {field: [messages]}, like `form_errors`."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def project_form_data(project: Project) -> dict[str, Any]:
    """A project's current values as ProjectForm data (units and parent by code)."""
    data: dict[str, Any] = {}
    for name in PROJECT_FIELDS:
        value = getattr(project, name)
        if name in UNIT_FIELDS or name == "parent":
            data[name] = value.code if value else ""
        elif name == "tags":
            data[name] = [t.pk for t in value.all()]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = "" if value is None else value
    return data
