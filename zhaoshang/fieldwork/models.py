"""Field work: teams (招商小分队), trips (外出招商), contacts with companies (拜访, 来访考察,
云招商, 活动洽谈) and events (活动) with their signing rosters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.projects.models import wan_field
from zhaoshang.projects.stages import SignKind


class LeaderType(models.TextChoices):
    """Who leads a trip. A trip led by a unit's head counts as 主官招商."""

    MAIN = "main", _("主要领导")
    DEPUTY = "deputy", _("分管领导")
    DEPARTMENT = "department", _("招商部门")


class Team(models.Model):
    """A standing team (招商小分队) of a unit."""

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="teams"
    )
    leader_name = models.CharField(_("队长"), max_length=50)
    members = models.CharField(
        _("成员"), max_length=500, blank=True, help_text=_("多人用顿号或逗号分隔")
    )
    chains = models.ManyToManyField(
        "projects.IndustryChain", verbose_name=_("目标产业链"), blank=True
    )
    target_cities = models.CharField(
        _("目标城市"), max_length=200, blank=True, help_text=_("如:北京、杭州、深圳")
    )
    is_active = models.BooleanField(_("在编"), default=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[chains])

    class Meta:
        verbose_name = _("招商小分队")
        verbose_name_plural = _("招商小分队")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="uniq_team_name_in_unit")
        ]

    def __str__(self) -> str:
        return self.name


class Trip(models.Model):
    """A trip out to win investment (外出招商)."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="trips"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("小分队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trips",
    )
    leader_name = models.CharField(_("带队领导"), max_length=50)
    leader_type = models.CharField(_("带队类型"), max_length=12, choices=LeaderType.choices)
    participants = models.CharField(_("参加人员"), max_length=500, blank=True)
    people = models.PositiveSmallIntegerField(
        _("人数"), default=1, help_text=_("含带队领导,用于计算“人·天”")
    )
    cities = models.CharField(_("前往城市"), max_length=200, help_text=_("如:北京、杭州"))
    start_on = models.DateField(_("出发日期"))
    end_on = models.DateField(_("返回日期"))
    purpose = models.CharField(_("目的"), max_length=500, blank=True)
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
        verbose_name = _("外出招商")
        verbose_name_plural = _("外出招商")
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["unit", "start_on"], name="trip_unit_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")),
                name="trip_ends_after_start",
                violation_error_message=_("返回日期不能早于出发日期"),
            ),
            models.CheckConstraint(
                condition=Q(people__gte=1),
                name="trip_has_people",
                violation_error_message=_("人数至少为1"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_on:%Y-%m-%d} {self.cities}({self.leader_name})"

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1

    @property
    def is_head_led(self) -> bool:
        return self.leader_type == LeaderType.MAIN


class EventKind(models.TextChoices):
    SIGNING = "signing", _("签约仪式")
    PROMOTION = "promotion", _("推介会")
    ENTREPRENEURS = "entrepreneurs", _("企业家大会")
    FORUM = "forum", _("座谈会")
    TEA = "tea", _("茶话会")
    KINSHIP = "kinship", _("恳亲会")
    SPRING = "spring", _("新春围炉")
    FAIR = "fair", _("展会/海交会")
    ONLINE = "online", _("云招商")
    POLICY = "policy", _("政策宣讲")


class Event(models.Model):
    """An event (活动): a signing ceremony, a fair, a conference…"""

    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=16, choices=EventKind.choices)
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(
        _("举办地点"), max_length=200, blank=True, help_text=_("活动地点,不是项目落地地")
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="events"
    )
    leaders = models.CharField(_("出席领导"), max_length=500, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
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
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"], name="event_unit_held")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.name}"


class EventSigning(models.Model):
    """A project signed at an event: one line of the signing roster. Recording it moves
    the project to 签约 on the event's date (the stage entry is kept here)."""

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signings"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="event_signings",
    )
    sign_kind = models.CharField(_("签约类型"), max_length=10, choices=SignKind.choices)
    amount = wan_field(
        _("签约金额(万元)"), null=True, blank=True, help_text=_("为空时按项目总投资计")
    )
    stage_entry = models.ForeignKey(
        "projects.StageEntry",
        verbose_name=_("阶段记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    # A line taken off the roster is deleted; its history keeps who took it off, when and
    # why (the change reason).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("签约项目")
        verbose_name_plural = _("签约项目")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="uniq_event_signing")
        ]

    def __str__(self) -> str:
        return f"{self.event.name}: {self.project.name}"


class ContactKind(models.TextChoices):
    VISIT = "visit", _("拜访")
    INSPECTION = "inspection", _("来访考察")
    ONLINE = "online", _("云招商")
    EVENT_TALK = "event_talk", _("活动洽谈")


class Contact(models.Model):
    """One contact with a company: a visit out, an inspection in, a call or online meeting,
    a talk at an event. It may come before any project exists."""

    kind = models.CharField(
        _("方式"), max_length=12, choices=ContactKind.choices, default=ContactKind.VISIT
    )
    contacted_on = models.DateField(_("日期"))
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="contacts"
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="field_contacts",
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("项目"), blank=True, related_name="contacts"
    )
    trip = models.ForeignKey(
        Trip,
        verbose_name=_("外出招商"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    our_people = models.CharField(_("我方人员"), max_length=300, blank=True)
    their_people = models.CharField(_("对方人员"), max_length=300, blank=True)
    outcome = models.CharField(_("洽谈情况"), max_length=1000)
    next_step = models.CharField(_("下一步"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("跟进日期"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("已跟进日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts_recorded",
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[projects])

    class Meta:
        verbose_name = _("对接记录")
        verbose_name_plural = _("对接记录")
        ordering = ["-contacted_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "contacted_on"], name="contact_unit_on"),
            models.Index(fields=["company", "contacted_on"], name="contact_company_on"),
            models.Index(
                fields=["recorded_by", "follow_up_on"],
                name="contact_follow_up",
                condition=Q(follow_up_done_on__isnull=True, follow_up_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contacted_on:%Y-%m-%d} {self.get_kind_display()} {self.company}"
