"""Units (the administrative tree, parks, departments) and the people who belong to them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(市、区)")
    TOWN = "town", _("乡镇(街道)")
    PARK = "park", _("园区")
    DEPARTMENT = "department", _("部门")


DEFAULT_STALLED_DAYS = 30
ADMINISTRATIVE_KINDS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.TOWN)


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything under it (materialised path prefix)."""
        return self.filter(path__startswith=unit.path)

    def administrative(self) -> UnitQuerySet:
        return self.filter(kind__in=ADMINISTRATIVE_KINDS)


class Unit(models.Model):
    """A node of the organisation tree.

    Administrative units carry their GB/T 2260 code; parks and departments get a code of
    their city's choosing. `path` is the chain of codes from the root ("/350000/350100/"),
    kept by the services that create and move units, so a subtree is one index range."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    kind = models.CharField(_("类型"), max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    project_code_prefix = models.CharField(
        _("项目编号前缀"),
        max_length=8,
        blank=True,
        help_text=_("城市的项目编号前缀,如福州市为 FZ;为空时用行政区划代码前四位"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    stalled_after_days = models.PositiveSmallIntegerField(
        _("停滞提醒天数"),
        null=True,
        blank=True,
        help_text=_("在谈、签约项目超过该天数无对接记录即列入停滞清单;为空时沿用上级单位的设置"),
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestors(self) -> UnitQuerySet:
        codes = [c for c in self.path.split("/") if c]
        return Unit.objects.filter(code__in=codes).order_by("path")

    def ancestor_of_kind(self, kind: str) -> Unit | None:
        if self.kind == kind:
            return self
        return self.ancestors().filter(kind=kind).last()

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    @property
    def self_reference(self) -> str:
        """我市 / 我区 / 我县 / 我省: how a briefing of this unit refers to it."""
        if self.kind == UnitKind.PROVINCE:
            return "我省"
        if self.kind in (UnitKind.CITY,):
            return "我市"
        if self.kind == UnitKind.COUNTY:
            if self.name.endswith("区"):
                return "我区"
            if self.name.endswith("县"):
                return "我县"
            return "我市"
        if self.kind == UnitKind.PARK:
            return "我园区"
        return "我单位"

    def stalled_days(self) -> int:
        """This unit's stalled-list threshold, inherited from the nearest unit that sets one."""
        if self.stalled_after_days:
            return self.stalled_after_days
        for unit in reversed(list(self.ancestors())):
            if unit.stalled_after_days:
                return unit.stalled_after_days
        return DEFAULT_STALLED_DAYS

    @property
    def full_name(self) -> str:
        return "".join(u.name for u in self.ancestors() if u.kind != UnitKind.PROVINCE)


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    OFFICER = "officer", _("单位专员")
    LEADER = "leader", _("领导")
    DEPARTMENT = "department", _("部门")


class ZhaoshangUserManager(UserManager["User"]):
    def create_superuser(  # type: ignore[override]
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        if "unit" not in extra and "unit_id" not in extra:
            extra["unit"] = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        extra.setdefault("role", Role.CITY_ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """Every user belongs to one unit and has one role; what they see follows from both
    (see `zhaoshang.org.access`)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.OFFICER)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    objects = ZhaoshangUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class AccessToken(models.Model):
    """A personal access token for the API. Only its SHA-256 is kept; the token itself is
    shown once, when it is created."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
