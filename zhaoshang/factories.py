"""factory_boy factories for tests (a dev dependency; imported by tests only).

Projects are made through the services, as users make them, so their history is real."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from zhaoshang.companies.models import Company
from zhaoshang.lib.names import normalize_company_name
from zhaoshang.org.models import User
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import project_create

PASSWORD = "Zs-test-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)
    role = "officer"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"福建榕城第{n}科技有限公司")
    normalized_name = factory.LazyAttribute(lambda o: normalize_company_name(o.name))


def make_project(
    *,
    unit: Any,
    name: str = "东南大数据产业园数据中心项目",
    entered_on: dt.date = dt.date(2017, 1, 5),
    stage: str = "lead",
    amount: str | Decimal | None = "10000",
    actor: Any = None,
    **fields: Any,
) -> Project:
    return project_create(
        actor=actor,
        unit=unit,
        name=name,
        effective_on=entered_on,
        stage=stage,
        total_investment=Decimal(amount) if amount is not None else None,
        **fields,
    )
