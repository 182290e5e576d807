"""Writing units and users."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.org.models import AccessToken, Role, Unit, UnitKind, User

DIVISIONS_CSV = Path(__file__).parent / "data" / "divisions.csv"

# Units a city adds under itself in the demo and on `zhaoshang init` for 福州: the
# project code prefix of the city, plus a few parks and departments people ask for.
FUZHOU_CODE = "350100"
FUZHOU_PREFIX = "FZ"


def _read_divisions() -> list[dict[str, str]]:
    with open(DIVISIONS_CSV, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


@transaction.atomic
def units_load_divisions(*, progress: Callable[[int], None] | None = None) -> int:
    """Create or rename the GB/T 2260 units (province, prefecture, county) from our data
    file. Idempotent: existing units keep their id, users and projects. Returns how many
    units were created."""
    rows = _read_divisions()
    existing = {u.code: u for u in Unit.objects.filter(code__in=[r["code"] for r in rows])}
    created = 0
    by_code: dict[str, Unit] = dict(existing)
    for row in rows:  # sorted by code: parents (xx0000, xxxx00) come before children
        parent = by_code.get(row["parent"]) if row["parent"] else None
        path = f"{parent.path if parent else '/'}{row['code']}/"
        unit = existing.get(row["code"])
        if unit is None:
            unit = Unit(
                code=row["code"], name=row["name"], kind=row["kind"], parent=parent, path=path
            )
            unit.save()
            created += 1
        elif unit.name != row["name"] or unit.path != path:
            unit.name, unit.parent, unit.path = row["name"], parent, path
            unit.save(update_fields=["name", "parent", "path"])
        by_code[row["code"]] = unit
        if progress:
            progress(1)
    Unit.objects.filter(code=FUZHOU_CODE, project_code_prefix="").update(
        project_code_prefix=FUZHOU_PREFIX
    )
    return created


def unit_add_check(*, parent: Unit | None, name: str, kind: str) -> None:
    """The checks of `unit_add`, also run by the admin form before it saves."""
    if kind not in (UnitKind.PARK, UnitKind.DEPARTMENT, UnitKind.TOWN):
        raise ValidationError({"kind": "只能在单位下添加园区、部门或乡镇(街道)"})
    if parent is None:
        raise ValidationError({"parent": "请选择上级单位"})
    if not name.strip():
        raise ValidationError({"name": "名称不能为空"})
    if Unit.objects.filter(parent=parent, name=name.strip()).exists():
        raise ValidationError({"name": f"“{parent.name}”下已有“{name}”"})


@transaction.atomic
def unit_add(*, parent: Unit, name: str, kind: str, code: str = "") -> Unit:
    """Add a park, department or town under a unit. Codes of parks and departments are
    the city's own: by default the parent's code and a running letter-number suffix."""
    unit_add_check(parent=parent, name=name, kind=kind)
    if not code:
        letter = {"park": "P", "department": "D", "town": "T"}[kind]
        n = Unit.objects.filter(parent=parent, kind=kind).count() + 1
        code = f"{parent.code}{letter}{n:02d}"
        while Unit.objects.filter(code=code).exists():
            n += 1
            code = f"{parent.code}{letter}{n:02d}"
    unit = Unit(
        code=code, name=name.strip(), kind=kind, parent=parent, path=f"{parent.path}{code}/"
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def user_create(
    *, username: str, unit: Unit, role: str, password: str, display_name: str = ""
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色“{role}”,可选:{'、'.join(Role.values)}"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    user = User(
        username=username,
        unit=unit,
        role=role,
        display_name=display_name,
        is_staff=role == Role.CITY_ADMIN,
    )
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


TOKEN_PREFIX = "zs_"


def token_hash(raw: str) -> str:
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[AccessToken, str]:
    """A new personal access token; returns the row and the token, shown only this once."""
    import secrets

    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:10], key_hash=token_hash(raw)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: AccessToken) -> None:
    from django.utils import timezone

    AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_for_token(raw: str) -> User | None:
    """The active user a token belongs to, or None (unknown, revoked, user disabled)."""
    from django.utils import timezone

    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user", "user__unit")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
