from __future__ import annotations

from typing import Any

from django import forms

from zhaoshang.org.access import units_in_scope
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.forms import DateInput

EXTENSIONS = (".xlsx", ".xls", ".xlsm", ".csv")


class SheetUploadForm(forms.Form):
    file = forms.FileField(label="项目表", help_text="支持 .xlsx、.xls、.csv(UTF-8 或 GB18030)")
    unit: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label="导入到单位", queryset=Unit.objects.none(), to_field_name="code"
    )
    as_of = forms.DateField(
        label="截至日期", required=False, widget=DateInput(),
        help_text="表中没有“截至”日期时,无日期的阶段以此为生效日期",
    )  # fmt: skip
    all_or_nothing = forms.BooleanField(label="有错误行则全部不导入", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = units_in_scope(user).exclude(kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWN])
        self.fields["unit"].queryset = scope  # type: ignore[attr-defined]
        self.fields["unit"].initial = getattr(user, "unit", None) and user.unit.code

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError("不支持的文件类型:请上传 .xlsx、.xls 或 .csv")
        return upload
