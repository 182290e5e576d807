"""Targets (目标任务): a value per unit × period × figure; and assessment schemes (考评)
with their indicators and stored runs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.figures.measures import MEASURES
from zhaoshang.figures.periods import Period

MEASURE_CHOICES = [(m.code, m.label) for m in MEASURES.values()]
PERIOD_KINDS = [
    ("year", _("年度")),
    ("quarter", _("季度")),
    ("month", _("月度")),
    ("custom", _("自定义")),
]


def value_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,
        max_digits=15,
        decimal_places=4,
        validators=[MinValueValidator(0, message="目标值不能为负数")],
        **kwargs,  # type: ignore[arg-type]
    )


class Target(models.Model):
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="targets"
    )
    measure = models.CharField(_("指标"), max_length=30, choices=MEASURE_CHOICES)
    period_kind = models.CharField(_("期间类型"), max_length=8, choices=PERIOD_KINDS)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    value = value_field(_("目标值"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下达人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("下达时间"), auto_now=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["start", "unit__path", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "measure", "start", "end"], name="uniq_target"),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message=_("目标值不能为负数"),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="target_period",
                violation_error_message=_("结束日期早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_measure_display()} {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.start, self.end)
