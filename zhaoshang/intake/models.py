"""Each import that wrote something is a row: who ran it, on which file, what it did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    file_name = models.CharField(_("文件"), max_length=255)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("为空表示在命令行运行"),
    )
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    report = models.JSONField(_("报告"), default=dict)
    run_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-run_at"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.unit}"


class MappingTemplate(models.Model):
    """A column mapping a user corrected and saved, used next time for sheets with the same
    header cells (in the same city)."""

    city = models.ForeignKey("org.Unit", verbose_name=_("城市"), on_delete=models.CASCADE)
    signature = models.CharField(_("表头特征"), max_length=40)
    headers = models.JSONField(_("表头"), default=list)
    mapping = models.JSONField(_("列对应"), default=dict, help_text=_("列序号 → 字段"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    saved_at = models.DateTimeField(_("保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入模板")
        verbose_name_plural = _("导入模板")
        constraints = [
            models.UniqueConstraint(fields=["city", "signature"], name="one_template_per_layout")
        ]

    def __str__(self) -> str:
        return " | ".join(self.headers)[:80]

    def columns(self) -> dict[int, str]:
        return {int(c): f for c, f in self.mapping.items() if f}


class TextExtraction(models.Model):
    """A briefing or news item an officer pasted or uploaded, cleaned, with what was read
    from it. Nothing in it is in the books until a candidate is confirmed."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    source_name = models.CharField(_("来源"), max_length=255, blank=True)
    raw = models.TextField(_("原文"))
    text = models.TextField(_("清洗后文本"))
    result = models.JSONField(_("识别结果"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文本识别")
        verbose_name_plural = _("文本识别")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name or self.text[:30]


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已忽略")


class TextCandidate(models.Model):
    """One project read from a text, waiting for an officer's decision."""

    extraction = models.ForeignKey(
        TextExtraction, on_delete=models.CASCADE, related_name="candidates"
    )
    position = models.PositiveSmallIntegerField()
    data = models.JSONField(_("识别内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("识别出的项目")
        verbose_name_plural = _("识别出的项目")
        ordering = ["extraction", "position"]

    def __str__(self) -> str:
        return str(self.data.get("name", ""))


# All a user is told of a project outside their scope that their row or text described.
CLASH_REASON = "另一单位已登记同名/同投资方项目"


class ClashKind(models.TextChoices):
    IMPORT = "import", _("导入项目表")
    TEXT = "text", _("文本识别")


class Clash(models.Model):
    """撞单 (DESIGN §7): an import or a confirmed text described a project another unit
    holds, outside what the acting user may write. Nothing of that project changed; the
    user was told only that another unit holds such a project. The city (its
    administrators) sees both sides here and rules (首报首谈)."""

    kind = models.CharField(_("来源类型"), max_length=10, choices=ClashKind.choices)
    city = models.ForeignKey(
        "org.Unit", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+",
        help_text=_("导入或确认时所为的单位"),
    )  # fmt: skip
    held_by = models.ForeignKey(
        "org.Unit", verbose_name=_("已登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("已登记项目"), on_delete=models.PROTECT,
        related_name="clashes",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", help_text=_("为空表示在命令行为单位运行"),
    )  # fmt: skip
    source = models.CharField(_("来源"), max_length=300)
    row = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    name = models.CharField(_("所报项目名称"), max_length=200)
    investor_name = models.CharField(_("所报投资方"), max_length=200, blank=True)
    found_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("撞单")
        verbose_name_plural = _("撞单")
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} / {self.held_by}:{self.name}"
