"""The pipeline's stages and their order (DESIGN §2). Django-free apart from TextChoices."""

from __future__ import annotations

from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    LEAD = "lead", _("线索")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    LANDED = "landed", _("落地")
    CONSTRUCTION = "construction", _("开工")
    OPERATING = "operating", _("投产")
    DROPPED = "dropped", _("终止")


class SignKind(models.TextChoices):
    INTENT = "intent", _("意向")
    FRAMEWORK = "framework", _("协议")
    CONTRACT = "contract", _("合同")


# Order of the live stages; 终止 stands outside the order.
RANK: dict[str, int] = {
    Stage.LEAD: 0,
    Stage.NEGOTIATING: 1,
    Stage.SIGNED: 2,
    Stage.LANDED: 3,
    Stage.CONSTRUCTION: 4,
    Stage.OPERATING: 5,
}
LIVE_STAGES: tuple[str, ...] = tuple(RANK)


@cache
def stages_from(stage: str) -> frozenset[str]:
    """`stage` and every live stage after it: a project in any of them has reached `stage`."""
    return frozenset(s for s in LIVE_STAGES if RANK[s] >= RANK[stage])
