"""Assessment schemes (考评): a named stage with a period, the units assessed, weighted
indicators with caps and tiers, deductions; and the runs that score them. A run keeps its
inputs so it can be reproduced; a published run never changes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.targets.models import MEASURE_CHOICES


def points(verbose_name: Any, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        **kwargs,
    )


class Scheme(models.Model):
    name = models.CharField(_("考评名称"), max_length=100)
    owner = models.ForeignKey(
        "org.Unit", verbose_name=_("考评单位"), on_delete=models.PROTECT, related_name="schemes"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    units = models.ManyToManyField("org.Unit", verbose_name=_("参评单位"), related_name="+")
    deduct_dropped = points(_("每个终止项目扣分"))
    deduct_not_started = points(_("每个未按期开工项目扣分"))
    not_started_days = models.PositiveSmallIntegerField(
        _("签约后应开工天数"), default=180, help_text=_("签约超过该天数仍未开工即为未按期开工")
    )
    deduct_corrections = points(_("每次更正、撤销上报扣分"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考评方案")
        verbose_name_plural = _("考评方案")
        ordering = ["-start", "name"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(_("指标"), max_length=30, choices=MEASURE_CHOICES)
    weight = models.DecimalField(
        _("权重(%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    cap = models.DecimalField(
        _("完成率上限"),
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text=_("如1.2表示完成率最多按120%计"),
    )
    tier_threshold = models.DecimalField(
        _("大项目门槛(万元)"),
        max_digits=15,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("计数类指标中总投资达到门槛的项目加计"),
    )
    tier_factor = models.DecimalField(
        _("大项目折算倍数"), max_digits=5, decimal_places=2, default=1
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("考评指标")
        verbose_name_plural = _("考评指标")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "measure"], name="uniq_scheme_measure")
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.weight}%"


class Run(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    as_of = models.DateField(_("截至日期"))
    inputs = models.JSONField(_("输入"))
    results = models.JSONField(_("结果"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("考评结果")
        verbose_name_plural = _("考评结果")
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.as_of:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A published run is the record of what was announced: nothing may change it."""
        if self.pk and Run.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError("已发布的考评结果不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.published_at:
            raise ValidationError("已发布的考评结果不能删除")
        return super().delete(*args, **kwargs)
