"""The one place that decides who may see and change what.

Scope: a user works within a subtree of units. A city administrator's subtree is the
whole city their unit lies in; everyone else's is their own unit and what lies under it.
A superuser (the operator's account) sees everything.

Projects (read through `Project.objects.visible_to` / `get_project_for_user`):
- officers, leaders and city administrators read a project when its owning unit, its
  landing region or its responsible unit lies in their scope;
- a department reads the projects it is responsible for (responsible unit in scope);
- only officers and city administrators write, and only projects owned in their scope.
Anything a user may not see is reported as missing (404), never as forbidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from zhaoshang.org.models import Role, Unit, UnitKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zhaoshang.org.models import User

WRITER_ROLES = (Role.CITY_ADMIN, Role.OFFICER)


class _System:
    """The system itself reading (a briefing or an assessment run from the command line,
    with no user): sees everything, as a superuser does. Pages always pass the request's
    user, never this."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = Role.CITY_ADMIN
    pk = None

    def __str__(self) -> str:
        return "系统"


SYSTEM: Any = _System()


def reader(user: Any) -> Any:
    """`user`, or SYSTEM when there is none (the convention of the services: actor None is
    the system itself)."""
    return SYSTEM if user is None else user


def _active_user(user: User | AnonymousUser | None) -> User | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user  # type: ignore[return-value]


def scope_unit(user: User) -> Unit:
    """The root of the subtree a user works in."""
    if user.role == Role.CITY_ADMIN:
        return user.unit.ancestor_of_kind(UnitKind.CITY) or user.unit
    return user.unit


def units_in_scope(user: User | AnonymousUser | None) -> QuerySet[Unit]:
    active = _active_user(user)
    if active is None:
        return Unit.objects.none()
    if active.is_superuser:
        return Unit.objects.all()
    return Unit.objects.subtree(scope_unit(active))


def _in_scope(field: str, user: User) -> Q:
    return Q(**{f"{field}__in": units_in_scope(user).values("id")})


def project_read_q(user: User | AnonymousUser | None) -> Q | None:
    """The filter of projects a user may read; None means all of them."""
    active = _active_user(user)
    if active is None:
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    if active.role == Role.DEPARTMENT:
        return _in_scope("responsible_unit_id", active)
    return (
        _in_scope("unit_id", active)
        | _in_scope("region_id", active)
        | _in_scope("responsible_unit_id", active)
    )


def can_write(user: User | AnonymousUser | None) -> bool:
    active = _active_user(user)
    return active is not None and (active.is_superuser or active.role in WRITER_ROLES)


def project_write_q(user: User | AnonymousUser | None) -> Q | None:
    """The filter of projects a user may change; None means all of them."""
    active = _active_user(user)
    if active is None or not can_write(active):
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    return _in_scope("unit_id", active)


def can_write_unit(user: User | AnonymousUser | None, unit: Unit) -> bool:
    """May this user record projects owned by `unit`?"""
    active = _active_user(user)
    if active is None or not can_write(active):
        return False
    return active.is_superuser or unit.is_within(scope_unit(active))


def can_recalculate_arrivals(user: User | AnonymousUser | None) -> bool:
    """May this user apply a corrected USD rate to arrivals already recorded (a recorded
    recalculation, DESIGN §7)? City admins only, for the projects they may write."""
    active = _active_user(user)
    return active is not None and (active.is_superuser or active.role == Role.CITY_ADMIN)


def scope_choices(user: User | AnonymousUser | None, max_depth: int = 2) -> QuerySet[Unit]:
    """Units a user can pick as a dashboard scope: their scope root and the administrative
    units and parks up to `max_depth` levels under it."""
    active = _active_user(user)
    if active is None:
        return Unit.objects.none()
    root = scope_unit(active)
    units = units_in_scope(active).filter(path__startswith=root.path)
    allowed = [u.pk for u in units.exclude(kind=UnitKind.DEPARTMENT).only("path")
               if u.depth - root.depth <= max_depth]  # fmt: skip
    return Unit.objects.filter(pk__in=allowed).order_by("path")


def projects_owned_under(user: User | AnonymousUser | None, unit: Unit) -> Q | None:
    """The filter of projects under `unit` that the user may read (None: all). Within a
    user's own scope, ownership already implies visibility. A department's own scope is
    the projects it is responsible for, wherever they are owned."""
    from zhaoshang.org.models import Unit as UnitModel

    owned = Q(unit_id__in=UnitModel.objects.subtree(unit).values("id"))
    active = _active_user(user)
    if active is None:
        return Q(pk__in=[])
    if active.is_superuser:
        return owned
    if active.role != Role.DEPARTMENT and unit.is_within(scope_unit(active)):
        return owned
    read = project_read_q(active)
    if active.role == Role.DEPARTMENT and unit.is_within(scope_unit(active)):
        return read
    return owned & read if read is not None else owned


# ── field work and enterprise service ───────────────────────────────────────────────
# Teams, trips, contacts, events and approval milestones belong to a unit (approvals: to
# their project's owning unit). They are read within the scope and written by officers
# and city administrators within the scope, exactly as projects are.


def owned_read_q(user: User | AnonymousUser | None, field: str = "unit_id") -> Q | None:
    """Records owned by a unit (`field`) that the user may read; None means all."""
    active = _active_user(user)
    if active is None:
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    return _in_scope(field, active)


def owned_write_q(user: User | AnonymousUser | None, field: str = "unit_id") -> Q | None:
    active = _active_user(user)
    if active is None or not can_write(active):
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    return _in_scope(field, active)


def request_read_q(user: User | AnonymousUser | None) -> Q | None:
    """Service requests a user may read. A department reads only what is assigned to it;
    everyone else reads what their scope took in, was assigned or now supervises."""
    active = _active_user(user)
    if active is None:
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    if active.role == Role.DEPARTMENT:
        return _in_scope("department_id", active)
    return (
        _in_scope("unit_id", active)
        | _in_scope("department_id", active)
        | _in_scope("escalated_to_id", active)
    )


def request_handle_q(user: User | AnonymousUser | None) -> Q | None:
    """Requests a user may work on (record progress, close): the assigned department, and
    officers and city administrators over the department or the owning unit."""
    active = _active_user(user)
    if active is None:
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    if active.role == Role.DEPARTMENT:
        return _in_scope("department_id", active)
    if not can_write(active):
        return Q(pk__in=[])
    return _in_scope("unit_id", active) | _in_scope("department_id", active)


def request_own_q(user: User | AnonymousUser | None) -> Q | None:
    """Requests a user may change as their owner (edit, escalate, record the company's
    rating): officers and city administrators of the unit that took them in."""
    return owned_write_q(user, "unit_id")


def filter_by(qs: QuerySet[Any], q: Q | None) -> QuerySet[Any]:
    return qs if q is None else qs.filter(q)


# ── the scope of a match, clashes and company merges (DESIGN §7) ─────────────────────
# An import, a confirmed text, a merge and every other write match only records the acting
# user may write. A project outside that scope that a row describes is a clash (撞单): the
# user is told that another unit holds such a project, nothing more; the city's
# administrators see both sides (`clash_read_q`) and rule. The command line acting for a
# unit without a user (`--unit`) writes as an officer of that unit would: its subtree.


def project_write_units(user: User | AnonymousUser | None) -> QuerySet[Unit] | None:
    """The units whose projects `user` may change (`project_write_q` by owning unit); None
    means all. The command line acting for a unit without a user writes as an officer of
    that unit: `Unit.objects.subtree(unit)`."""
    active = _active_user(user)
    if active is None or not can_write(active):
        return Unit.objects.none()
    if active.is_superuser:
        return None
    return units_in_scope(active)


def project_read_q_for_unit(unit: Unit) -> Q:
    """The projects the command line acting for `unit` (no user) may name, as an officer of
    that unit reads them: owned, landing or assigned under it."""
    sub = Unit.objects.subtree(unit).values("id")
    return Q(unit_id__in=sub) | Q(region_id__in=sub) | Q(responsible_unit_id__in=sub)


def can_see_clashes(user: User | AnonymousUser | None) -> bool:
    active = _active_user(user)
    return active is not None and (active.is_superuser or active.role == Role.CITY_ADMIN)


def clash_read_q(user: User | AnonymousUser | None) -> Q | None:
    """Clashes a user may see: a city administrator those of their city; None means all."""
    active = _active_user(user)
    if active is None or not can_see_clashes(active):
        return Q(pk__in=[])
    if active.is_superuser:
        return None
    return _in_scope("city_id", active)


# Who may merge companies: a merge moves every row that names the duplicate (projects as
# investor or introducer, field contacts, service requests) to the company kept, so only a
# user who may write every one of those rows may merge; anyone else is refused, naming how
# many rows of which kind are not theirs, and nothing changes. The company's own people
# (company contacts) go with the company and add no condition. A model that comes to point
# at companies must be named here, or merging a company it names is refused to all but a
# superuser.
def _company_reference_rules() -> dict[str, Any]:
    return {
        "projects.project": (project_write_q, "个项目"),
        "fieldwork.contact": (owned_write_q, "条对接记录"),
        "service.servicerequest": (request_own_q, "件企业诉求"),
        "companies.companycontact": (None, "位企业联系人"),
    }


def company_reference_write_q(
    user: User | AnonymousUser | None, label: str
) -> tuple[Q | None, str] | None:
    """For rows of model `label` that point at a company: the filter of those `user` may
    move in a merge (None: all) and the word that counts them; None when the model is not
    known to the rule (refused but to a superuser)."""
    rule = _company_reference_rules().get(label)
    if rule is None:
        return None
    q_for, word = rule
    return (None if q_for is None else q_for(user)), word
