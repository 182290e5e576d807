"""Enterprise service (企业服务): requests from invested companies, worked by departments
under a due date and escalated when overdue (督办); approval milestones of projects."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.projects.models import ConfigurableChoice


class RequestCategory(ConfigurableChoice):
    """用地, 审批, 融资, 人才, 政策兑现, 水电气, 其他 — a city may add its own."""

    class Meta(ConfigurableChoice.Meta):
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="uniq_request_category")
        ]


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("受理")
    IN_PROGRESS = "in_progress", _("办理中")
    CLOSED = "closed", _("办结")
    RATED = "rated", _("已评价")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class ServiceRequest(models.Model):
    """A request (诉求/难点) of a company, owned by the unit that took it in and assigned to
    a department of the same city. `escalated_to` is the higher unit now supervising it."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("受理单位"), on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    category = models.ForeignKey(RequestCategory, verbose_name=_("类别"), on_delete=models.PROTECT)
    title = models.CharField(_("诉求事项"), max_length=200)
    description = models.TextField(_("具体情况"), blank=True)
    department = models.ForeignKey(
        "org.Unit",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        related_name="assigned_requests",
    )
    received_on = models.DateField(_("受理日期"))
    due_on = models.DateField(_("办结时限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1–5 分"),
    )
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    escalated_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("督办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_requests",
    )
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="request_dept_due"),
            models.Index(fields=["unit", "received_on"], name="request_unit_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")),
                name="request_due_after_received",
                violation_error_message=_("办结时限不能早于受理日期"),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="request_satisfaction_1_5",
                violation_error_message=_("满意度为1–5分"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}:{self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_overdue(self, today: dt.date) -> int:
        """Days past the due date while still open (0 when not overdue)."""
        if not self.is_open or today <= self.due_on:
            return 0
        return (today - self.due_on).days

    @property
    def days_to_close(self) -> int | None:
        if self.closed_on is None:
            return None
        return (self.closed_on - self.received_on).days


class RequestUpdateKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    PROGRESS = "progress", _("办理进展")
    CLOSED = "closed", _("办结")
    RATED = "rated", _("评价")
    ESCALATED = "escalated", _("督办")


class RequestUpdate(models.Model):
    """The timeline of a request: what was done, when and by whom."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=RequestUpdateKind.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()}"


class ApprovalItem(ConfigurableChoice):
    """规划选址, 用地预审, 环评, 能评, 施工许可… — a configurable list."""

    class Meta(ConfigurableChoice.Meta):
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_approval_item")]


class ApprovalMilestone(models.Model):
    """One approval of a project, from application to permit. Elapsed days are the days
    between the two dates (0: granted the day it was filed)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    item = models.ForeignKey(ApprovalItem, verbose_name=_("审批事项"), on_delete=models.PROTECT)
    started_on = models.DateField(_("申报日期"))
    finished_on = models.DateField(_("办结日期"), null=True, blank=True)
    parallel = models.BooleanField(_("并联审批"), default=False)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("审批节点")
        verbose_name_plural = _("审批节点")
        ordering = ["project", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="uniq_project_approval"),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(finished_on__gte=models.F("started_on")),
                name="approval_ends_after_start",
                violation_error_message=_("办结日期不能早于申报日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.item}"

    @property
    def elapsed_days(self) -> int | None:
        if self.finished_on is None:
            return None
        return (self.finished_on - self.started_on).days
