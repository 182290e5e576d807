"""Forms of enterprise service (pages and API bind the same ones)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from zhaoshang.org.access import scope_unit, units_in_scope
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.forms import DateInput
from zhaoshang.projects.models import Project
from zhaoshang.service.models import (
    ApprovalItem,
    ApprovalMilestone,
    RequestCategory,
    ServiceRequest,
)
from zhaoshang.web.forms import choose_by


class RequestForm(forms.ModelForm):
    company_name = forms.CharField(
        label="企业", max_length=200,
        widget=forms.TextInput(attrs={"list": "company-options", "autocomplete": "off"}),
    )  # fmt: skip
    project_code = forms.CharField(label="项目编号", max_length=20, required=False)

    class Meta:
        model = ServiceRequest
        fields = ["company_name", "project_code", "category", "title", "description", "unit",
                  "department", "received_on", "due_on"]  # fmt: skip
        widgets = {
            "received_on": DateInput(),
            "due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choose_by(self, "unit", queryset=units_in_scope(user).exclude(kind=UnitKind.DEPARTMENT))
        # Any department or unit of the user's city may be assigned; the service refuses
        # one outside the request's city.
        city = scope_unit(user).ancestor_of_kind(UnitKind.CITY) or scope_unit(user)
        departments = Unit.objects.subtree(city).filter(
            kind__in=[UnitKind.DEPARTMENT, UnitKind.COUNTY, UnitKind.PARK, UnitKind.CITY]
        )
        choose_by(self, "department", queryset=departments)
        self.fields["category"].queryset = RequestCategory.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["company_name"] = self.instance.company.name
            self.initial["project_code"] = (
                self.instance.project.code if self.instance.project else ""
            )
        elif not self.is_bound:
            self.initial.setdefault("unit", user.unit.code)
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_project_code(self) -> Project | None:
        code = (self.cleaned_data.get("project_code") or "").strip().upper()
        if not code:
            return None
        project = Project.objects.visible_to(self.user).filter(code=code).first()
        if project is None:
            raise forms.ValidationError(f"没有找到项目 {code}")
        return project

    def _post_clean(self) -> None:  # the service checks the model
        pass

    def service_data(self, actor: Any) -> dict[str, Any]:
        """The cleaned data as the service takes it: the company by name (found or added in
        the service's transaction, so a refused request adds no company)."""
        data = dict(self.cleaned_data)
        data["company_name"] = data["company_name"].strip()
        data["project"] = data.pop("project_code")
        return data


class ProgressForm(forms.Form):
    note = forms.CharField(label="办理进展", max_length=1000)


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label="办理结果", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label="办结日期", widget=DateInput(), required=False)


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="满意度", coerce=int, choices=[(i, f"{i}分") for i in range(5, 0, -1)]
    )
    comment = forms.CharField(label="评价意见", max_length=500, required=False)


class EscalateForm(forms.Form):
    note = forms.CharField(label="督办意见", max_length=500, required=False)


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = ApprovalMilestone
        fields = ["item", "started_on", "finished_on", "parallel", "note"]
        widgets = {"started_on": DateInput(), "finished_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ApprovalItem.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass
