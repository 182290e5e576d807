"""Projects, their effective-dated stage history and their capital arrivals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.lib.money import MAX_WAN_DIGITS, WAN_PLACES
from zhaoshang.projects.querysets import ProjectQuerySet
from zhaoshang.projects.stages import SignKind, Stage

__all__ = ["SignKind", "Stage"]


def wan_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """A money column: exact Decimal in 万元 or 万美元, never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_WAN_DIGITS,
        decimal_places=WAN_PLACES,
        validators=[MinValueValidator(0, message=_("金额不能为负数"))],
        **kwargs,
    )


class ConfigurableChoice(models.Model):
    """A list a city configures (its key industry chains, channels, kinds, tags).
    `owner` null means the list entry is shared by every city."""

    name = models.CharField(_("名称"), max_length=50)
    owner = models.ForeignKey(
        "org.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class IndustryChain(ConfigurableChoice):
    class Meta(ConfigurableChoice.Meta):
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_chain_name")]


class Channel(ConfigurableChoice):
    class Meta(ConfigurableChoice.Meta):
        verbose_name = _("招商渠道")
        verbose_name_plural = _("招商渠道")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_channel_name")]


class ProjectKind(ConfigurableChoice):
    class Meta(ConfigurableChoice.Meta):
        verbose_name = _("项目类型")
        verbose_name_plural = _("项目类型")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_kind_name")]


class ProjectTag(ConfigurableChoice):
    class Meta(ConfigurableChoice.Meta):
        verbose_name = _("项目标签")
        verbose_name_plural = _("项目标签")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_ptag_name")]


SPARSE_COLUMNS = ("park", "responsible_unit", "chain", "kind", "channel", "introducer_company",
                  "parent", "created_by", "signed_on", "landed_on", "construction_on",
                  "operating_on")  # fmt: skip


class Project(models.Model):
    """An investment project. Its stage is never typed: `stage`, `stage_on`, `entered_on`
    and the first dates it reached each stage (`signed_on`…) are derived from its stage
    history and rewritten by `projects.services` in the transaction that changes it."""

    code = models.CharField(_("项目编号"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("项目名称"), max_length=200)
    # Indexed in Meta (project_normalized_name): a field's db_index would add on PostgreSQL a
    # second, varchar_pattern_ops index for LIKE 'x%', which nothing here asks.
    normalized_name = models.CharField(max_length=200, editable=False)
    # Indexed by project_unit_stage (unit first): an index of its own would only cost writes.
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("归属单位"), on_delete=models.PROTECT, related_name="projects",
        db_index=False,
    )  # fmt: skip
    region = models.ForeignKey(
        "org.Unit",
        verbose_name=_("落地区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="landing_projects",
    )
    park = models.ForeignKey(
        "org.Unit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_projects",
        limit_choices_to={"kind": "park"},
        db_index=False,
    )
    responsible_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_projects",
        db_index=False,
    )
    investor = models.ForeignKey(
        "companies.Company",
        verbose_name=_("投资方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    sponsors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包挂领导"),
        blank=True,
        related_name="sponsored_projects",
    )
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name=_("产业链"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    kind = models.ForeignKey(
        ProjectKind,
        verbose_name=_("项目类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("招商渠道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    tags = models.ManyToManyField(ProjectTag, verbose_name=_("标签"), blank=True)
    introducer = models.CharField(_("引荐人"), max_length=100, blank=True)
    introducer_company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("引荐企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introduced_projects",
        db_index=False,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("母项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,
    )
    is_provincial_key = models.BooleanField(_("省重点"), default=False)
    is_city_key = models.BooleanField(_("市重点"), default=False)
    total_investment = wan_field(_("总投资(万元)"), null=True, blank=True)
    total_investment_approx = models.BooleanField(
        _("总投资为约数"), default=False, help_text=_("原始材料写作“约/超/近/逾”")
    )
    contracted_foreign = wan_field(_("合同外资(万美元)"), null=True, blank=True)
    foreign_target = wan_field(_("利用外资目标(万美元)"), null=True, blank=True)
    expected_arrival_on = models.DateField(_("预计下次到资日期"), null=True, blank=True)
    expected_arrival_amount = wan_field(_("预计下次到资金额(万元)"), null=True, blank=True)
    description = models.TextField(_("项目概况"), blank=True)
    drop_reason = models.CharField(_("终止原因"), max_length=200, blank=True)

    # Cache of the stage history (see class docstring).
    stage = models.CharField(
        _("当前阶段"), max_length=12, choices=Stage.choices, editable=False
    )  # indexed by project_stage_on (stage first)
    stage_on = models.DateField(_("进入当前阶段日期"), editable=False)
    entered_on = models.DateField(_("入库日期"), editable=False, db_index=True)
    # First date the project reached each stage or a later one (see figures.pipeline).
    signed_on = models.DateField(_("签约日期"), null=True, editable=False)
    landed_on = models.DateField(_("落地日期"), null=True, editable=False)
    construction_on = models.DateField(_("开工日期"), null=True, editable=False)
    operating_on = models.DateField(_("投产日期"), null=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Counts the edits of the fields above (projects.services.project_update): every edit
    # carries the version it was read at, so a stale one is caught instead of reverting
    # what another user saved in between.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "normalized_name",
            "stage",
            "stage_on",
            "entered_on",
            "signed_on",
            "landed_on",
            "construction_on",
            "operating_on",
            "updated_at",
            "version",
        ],
        m2m_fields=[tags, sponsors],
        # The history is read by project (`id`) and date only: the copies of the foreign
        # keys and the code need no index, and each would slow every write.
        no_db_index=["code", "unit", "region", "park", "responsible_unit", "investor", "chain",
                     "kind", "channel", "introducer_company", "parent", "created_by"],
    )  # fmt: skip

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-entered_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "stage"], name="project_unit_stage"),
            models.Index(fields=["stage", "stage_on"], name="project_stage_on"),
            models.Index(fields=["total_investment"], name="project_amount"),
            models.Index(fields=["normalized_name"], name="project_normalized_name"),
            # Columns most projects leave empty are indexed where they are set: a query for
            # a value (or a range of dates) uses these, and a write of an empty one costs
            # nothing.
            *[
                models.Index(
                    fields=[name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"project_{name}_set",
                )
                for name in SPARSE_COLUMNS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntryAction(models.TextChoices):
    MOVE = "move", _("变更")
    CORRECTION = "correction", _("更正")
    RETRACTION = "retraction", _("撤销")


def evidence_upload_to(instance: models.Model, filename: str) -> str:
    """evidence/<stageentry|capitalarrival>/<year>/<month>/<file>."""
    today = timezone.localdate()
    return f"evidence/{instance._meta.model_name}/{today:%Y/%m}/{filename}"


def recorded_by_index(prefix: str) -> models.Index:
    """`recorded_by` indexed where set (what an import records has nobody)."""
    return models.Index(
        fields=["recorded_by"], condition=Q(recorded_by__isnull=False), name=f"{prefix}_recorded_by"
    )


class RecordedRow(models.Model):
    """What every history row carries: a note, evidence, where it came from (an import
    says "导入自 X.xlsx"), who recorded it and when."""

    note = models.CharField(_("说明"), max_length=500, blank=True)
    evidence = models.FileField(_("证明材料"), upload_to=evidence_upload_to, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # indexed where set (recorded_by_index): imports record nobody
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        abstract = True


class StageEntry(RecordedRow):
    """One row of a project's stage history. Rows are never erased: a correction is a new
    row that points at the row it corrects (`corrects`) and takes its place; the corrected
    row stays, with `in_effect` false. `seq` orders entries of the same effective date in
    the order they were first recorded; a correction inherits the seq of what it corrects.

    A project's stage on day D is the stage of its last entry in effect with
    effective_on ≤ D, ordered by (effective_on, seq); `valid_until` stores where each
    entry's span ends so that this is a plain range test."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stage_entries",
        db_index=False,  # indexed by stage_entry_asof (project first)
    )  # fmt: skip
    seq = models.PositiveIntegerField(_("序号"))
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices)
    sign_kind = models.CharField(_("签约类型"), max_length=10, choices=SignKind.choices, blank=True)
    effective_on = models.DateField(_("生效日期"))
    action = models.CharField(
        _("操作"), max_length=10, choices=EntryAction.choices, default=EntryAction.MOVE
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        db_index=False,  # indexed where set: few entries correct another
    )
    in_effect = models.BooleanField(_("有效"), default=True)
    # Derived: the effective date of the next entry in effect (None for the latest), so the
    # entry in effect on day D is the one with effective_on ≤ D < valid_until.
    valid_until = models.DateField(_("有效至"), null=True, blank=True, editable=False)
    out_of_order = models.BooleanField(
        _("日期顺序异常"), default=False, help_text=_("经确认后录入的倒序日期(如落地早于签约)")
    )

    class Meta:
        verbose_name = _("阶段记录")
        verbose_name_plural = _("阶段记录")
        ordering = ["project", "effective_on", "seq", "id"]
        indexes = [
            models.Index(
                fields=["project", "in_effect", "effective_on", "seq"], name="stage_entry_asof"
            ),
            # The snapshot of a past day reads only this index (effective_on ≤ D < valid_until).
            models.Index(
                fields=["effective_on", "valid_until", "stage", "project"],
                name="stage_entry_span",
                condition=Q(in_effect=True),
            ),
            models.Index(
                fields=["corrects"],
                condition=Q(corrects__isnull=False),
                name="stage_entry_corrects",
            ),
            recorded_by_index("stage_entry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "seq"],
                condition=Q(in_effect=True),
                name="one_entry_in_effect_per_seq",
                violation_error_message=_("同一序号只能有一条有效记录"),
            ),
            models.CheckConstraint(
                condition=Q(stage="signed") | Q(sign_kind=""),
                name="sign_kind_only_for_signed",
                violation_error_message=_("只有签约阶段才填写签约类型"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_stage_display()} {self.effective_on}"


class Currency(models.TextChoices):
    CNY = "CNY", _("人民币(万元)")
    USD = "USD", _("美元(万美元)")


class ArrivalAction(models.TextChoices):
    RECORD = "record", _("登记")
    CORRECTION = "correction", _("更正")
    RETRACTION = "retraction", _("撤销")
    RECALCULATION = "recalculation", _("重新折算")


class CapitalArrival(RecordedRow):
    """Capital that arrived (到资): amount in 万元 (CNY) or 万美元 (USD).

    The conversion is made once, when the row is written (DESIGN §7): `rate` is the USD
    rate of the arrival's month in force then, `cny_wan` the amount in 万元 and `usd_wan`
    in 万美元 (for USD arrivals and foreign CNY ones). Figures sum these and never read the
    rate table, so a corrected rate moves nothing until a recorded recalculation.

    Rows are never erased: a correction, a withdrawal (撤销) or a recalculation is a new
    row pointing at the row it replaces (`corrects`); the replaced row stays, with
    `in_effect` false (a withdrawal row is itself not in effect). Figures count only rows
    in effect: a figure as of D is the rows in effect now with arrived_on ≤ D, so a
    withdrawn arrival leaves the past period it was dated in (projects.history shows who
    took it out and when)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="arrivals"
    )
    amount = wan_field(_("金额"))
    currency = models.CharField(
        _("币种"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    arrived_on = models.DateField(_("到资日期"))
    is_foreign = models.BooleanField(_("外资"), default=False)
    rate = models.DecimalField(
        _("折算汇率(1美元兑人民币)"), max_digits=10, decimal_places=4, null=True, blank=True,
        editable=False,
    )  # fmt: skip
    cny_wan = wan_field(_("折合人民币(万元)"), null=True, blank=True, editable=False)
    usd_wan = wan_field(_("折合美元(万美元)"), null=True, blank=True, editable=False)
    action = models.CharField(
        _("操作"), max_length=13, choices=ArrivalAction.choices, default=ArrivalAction.RECORD
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        db_index=False,  # indexed where set: few arrivals correct another
    )
    in_effect = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("到资记录")
        verbose_name_plural = _("到资记录")
        ordering = ["arrived_on", "id"]
        indexes = [
            models.Index(fields=["arrived_on", "project"], name="arrival_period"),
            models.Index(
                fields=["corrects"], condition=Q(corrects__isnull=False), name="arrival_corrects"
            ),
            recorded_by_index("arrival"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="arrival_amount_positive",
                violation_error_message=_("到资金额须大于零"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.amount}{self.currency} {self.arrived_on}"

    @property
    def needs_rate(self) -> bool:
        return self.currency == Currency.USD or self.is_foreign


class FxRate(models.Model):
    """CNY per 1 USD for a month (the rate offices use for 利用外资 statistics)."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月第一天"))
    cny_per_usd = models.DecimalField(_("1美元兑人民币"), max_digits=10, decimal_places=4)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("汇率")
        verbose_name_plural = _("汇率")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cny_per_usd__gt=0),
                name="fx_rate_positive",
                violation_error_message=_("汇率须大于零"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.cny_per_usd}"


class CodeSequence(models.Model):
    """The last number handed out for a project code prefix and year (FZ-2022-0001)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="uniq_code_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
