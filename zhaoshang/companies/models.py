"""Companies (企业): the investors behind projects."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.lib.names import normalize_company_name
from zhaoshang.lib.uscc import uscc_error


def validate_uscc(value: str) -> None:
    error = uscc_error(value)
    if error:
        raise ValidationError(
            _("统一社会信用代码“%(code)s”无效:%(reason)s"),
            params={"code": value, "reason": error},
            code="invalid_uscc",
        )


class Origin(models.TextChoices):
    DOMESTIC = "domestic", _("境内")
    HK_MACAO_TAIWAN = "hmt", _("港澳台")
    FOREIGN = "foreign", _("外国")


class CompanyTag(models.Model):
    """世界500强, 中国500强, 链主, 龙头, 央企, 国企, 独角兽, 上市 — a configurable list."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CompanyQuerySet(models.QuerySet["Company"]):
    def active(self) -> CompanyQuerySet:
        """Companies not merged into another."""
        return self.filter(merged_into__isnull=True)

    def matching_name(self, name: str) -> CompanyQuerySet:
        return self.active().filter(normalized_name=normalize_company_name(name))


class Company(models.Model):
    name = models.CharField(_("企业名称"), max_length=200)
    normalized_name = models.CharField(_("匹配名"), max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    origin = models.CharField(
        _("来源地类别"), max_length=10, choices=Origin.choices, default=Origin.DOMESTIC
    )
    origin_country = models.CharField(
        _("国家或地区"), max_length=50, blank=True, help_text=_("如:中国香港、新加坡、美国")
    )
    tags = models.ManyToManyField(CompanyTag, verbose_name=_("标签"), blank=True)
    website = models.CharField(_("网址"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CompanyQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["normalized_name", "updated_at"],
        no_db_index=["credit_code", "merged_into"],  # the history is read by company only
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.origin == Origin.DOMESTIC and self.origin_country:
            raise ValidationError({"origin_country": _("境内企业不填国家或地区")})
        if self.origin != Origin.DOMESTIC and not self.origin_country:
            raise ValidationError({"origin_country": _("港澳台或外国企业须填写国家或地区")})

    @property
    def is_foreign_funded(self) -> bool:
        """港澳台 and foreign investors both count for 外资 statistics."""
        return self.origin != Origin.DOMESTIC


class CompanyContact(models.Model):
    """A person at a company. Personal data: shown only to users who may see the company's
    projects, never exported in bulk."""

    company = models.ForeignKey(
        Company, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("企业联系人")
        verbose_name_plural = _("企业联系人")

    def __str__(self) -> str:
        return f"{self.name}({self.company})"
