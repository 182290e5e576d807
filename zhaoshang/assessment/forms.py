"""The scheme form: particulars, the units assessed, and up to eight indicator rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from zhaoshang.figures.measures import MEASURES
from zhaoshang.figures.periods import period_parse
from zhaoshang.org.access import scope_unit, units_in_scope
from zhaoshang.org.models import UnitKind

INDICATOR_ROWS = 8
MEASURE_OPTIONS = [("", "—"), *((m.code, m.label) for m in MEASURES.values())]


class SchemeForm(forms.Form):
    name = forms.CharField(
        label="考评名称",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如:“518”阶段考评"}),
    )
    period = forms.CharField(
        label="考评期间", max_length=40, help_text="如 2017-01-01..2017-05-18、2017Q2、2017"
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label="考评单位",
        queryset=None,
        to_field_name="code",  # type: ignore[arg-type]
    )
    units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(  # type: ignore[type-arg]
        label="参评单位",
        queryset=None,
        to_field_name="code",  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )
    deduct_dropped = forms.DecimalField(
        label="每个终止项目扣分", initial=0, min_value=0, required=False
    )
    deduct_not_started = forms.DecimalField(
        label="每个未按期开工项目扣分", initial=0, min_value=0, required=False
    )
    not_started_days = forms.IntegerField(
        label="签约后应开工天数", initial=180, min_value=1, required=False
    )
    deduct_corrections = forms.DecimalField(
        label="每次更正、撤销扣分", initial=0, min_value=0, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = units_in_scope(user).exclude(kind=UnitKind.DEPARTMENT)
        self.fields["owner"].queryset = scope  # type: ignore[attr-defined]
        root = scope_unit(user)
        self.fields["units"].queryset = scope.filter(parent=root).order_by("code")  # type: ignore[attr-defined]
        self.initial.setdefault("owner", root.code)
        for n in range(INDICATOR_ROWS):
            self.fields[f"m{n}"] = forms.ChoiceField(
                label="指标", choices=MEASURE_OPTIONS, required=False
            )
            self.fields[f"w{n}"] = forms.DecimalField(label="权重(%)", required=False, min_value=0)
            self.fields[f"c{n}"] = forms.DecimalField(
                label="完成率上限", required=False, min_value=0, initial=Decimal(1)
            )
            self.fields[f"t{n}"] = forms.DecimalField(
                label="大项目门槛(亿元)", required=False, min_value=0
            )
            self.fields[f"f{n}"] = forms.DecimalField(label="折算倍数", required=False, min_value=1)

    def main_fields(self) -> list[Any]:
        names = [
            "name",
            "period",
            "owner",
            "units",
            "deduct_dropped",
            "deduct_not_started",
            "not_started_days",
            "deduct_corrections",
        ]
        return [self[n] for n in names]

    def indicator_rows(self) -> list[list[Any]]:
        return [[self[f"{k}{n}"] for k in "mwctf"] for n in range(INDICATOR_ROWS)]

    def clean_period(self) -> Any:
        try:
            return period_parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def indicators(self) -> list[dict[str, Any]]:
        out = []
        for n in range(INDICATOR_ROWS):
            measure = self.cleaned_data.get(f"m{n}")
            if not measure:
                continue
            tier = self.cleaned_data.get(f"t{n}")
            out.append(
                {
                    "measure": measure,
                    "weight": self.cleaned_data.get(f"w{n}") or Decimal(0),
                    "cap": self.cleaned_data.get(f"c{n}") or Decimal(1),
                    "tier_threshold": tier * 10000 if tier is not None else None,
                    "tier_factor": self.cleaned_data.get(f"f{n}") or Decimal(1),
                }
            )
        return out
