"""Adding people to a provider, changing their roles, deactivating and reactivating them."""

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ..extensions import db
from ..models import Provider, Role, User, UserRole
from . import audit
from .problems import Problem

#: The longest name and email address the database holds (a longer one is refused with a reason,
#: not a database error).
NAME_MAX = User.__table__.c.name.type.length
EMAIL_MAX = User.__table__.c.email.type.length
PROVIDER_NAME_MAX = Provider.__table__.c.name.type.length


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def too_long(value: str, limit: int, what: str) -> str | None:
    """A sentence saying ``what`` is too long, or None when it fits."""
    if len(value) > limit:
        return (
            f"{what} must be {limit} characters or fewer (this one has {len(value)}). "
            "Shorten it and try again."
        )
    return None


def name_problem(name: str, whose: str = "the person's") -> str | None:
    """A sentence saying what is wrong with a person's name, or None when it will do."""
    name = (name or "").strip()
    if not name:
        return f"Enter {whose} name."
    return too_long(name, NAME_MAX, "The name")


def email_problem(email: str) -> str | None:
    """A sentence saying what is wrong with an email address, or None when it looks right."""
    if not email:
        return "Enter an email address."
    if problem := too_long(email.strip(), EMAIL_MAX, "The email address"):
        return problem
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"'{email}' is not an email address. Enter one like name@example.org."
    return None


def unusable_email(email: str, whom: str) -> str:
    """The refusal for an address another provider's account holds: it reveals nothing about
    them, not even that they exist."""
    return (
        f"{normalise_email(email)} cannot be used for an account here. "
        f"Ask {whom} for a different email address."
    )


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def staff(provider: Provider, role: Role) -> list[User]:
    """Active people of ``provider`` who hold ``role``, by name: the choices for assignments."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(User.provider_id == provider.id, User.active, UserRole.role == role)
            .order_by(User.name, User.id)
        )
    )


def _check_new_person(provider: Provider, name: str, email: str) -> None:
    if problem := name_problem(name):
        raise Problem(problem, "name")
    problem = email_problem(email)
    if problem:
        raise Problem(problem, "email")
    email = normalise_email(email)
    existing = find_by_email(email)
    if existing is not None and existing.provider_id == provider.id:
        raise Problem(
            f"{email} already has an account here ({existing.name}). "
            "Change their roles on their page in the people list.",
            "email",
        )
    if existing is not None:
        # Elsewhere: say no more than that it cannot be used, nothing about another provider.
        raise Problem(unusable_email(email, "the person"), "email")


def new_user(provider: Provider, name: str, email: str, roles, uln: str | None = None) -> User:
    """Build (not commit) a person with no password yet; they set it from an invitation."""
    user = User(
        provider=provider,
        name=name.strip(),
        email=normalise_email(email),
        uln=uln or None,
        session_token=secrets.token_hex(16),
    )
    user.role_rows = [UserRole(role=Role(role)) for role in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    return user


def add_person(provider: Provider, name: str, email: str, roles) -> User:
    """An administrator adds a member of staff (or any person) with their roles."""
    roles = {Role(r) for r in roles}
    if not roles:
        raise Problem("Choose at least one role.", "roles")
    _check_new_person(provider, name, email)
    user = new_user(provider, name, email, roles)
    audit.record(
        "person_added", user, provider_id=provider.id, email=user.email, roles=sorted(roles)
    )
    db.session.commit()
    return user


def change_roles(user: User, roles, *, actor: User) -> None:
    roles = {Role(r) for r in roles}
    if not roles:
        raise Problem("Choose at least one role.", "roles")
    if user.id == actor.id and Role.ADMIN not in roles:
        raise Problem(
            "You cannot remove your own administrator role. Ask another administrator to do it.",
            "roles",
        )
    before = user.roles
    if roles == before:
        return
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=role) for role in sorted(roles - before)
    ]
    audit.record(
        "roles_changed",
        user,
        provider_id=user.provider_id,
        before=sorted(before),
        after=sorted(roles),
    )
    db.session.commit()


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (their sessions end at once) or reactivate a person."""
    if user.id == actor.id and not active:
        raise Problem("You cannot deactivate yourself. Ask another administrator to do it.")
    if user.active == active:
        return
    user.active = active
    user.session_token = secrets.token_hex(16)
    audit.record(
        "person_reactivated" if active else "person_deactivated",
        user,
        provider_id=user.provider_id,
    )
    db.session.commit()


def provider_named(name: str, *, create: bool = False) -> Provider | None:
    provider = db.session.scalar(select(Provider).where(Provider.name == name))
    if provider is None and create:
        if not name.strip():
            raise Problem("Enter the organisation's name.", "provider")
        if problem := too_long(name, PROVIDER_NAME_MAX, "The organisation's name"):
            raise Problem(problem, "provider")
        provider = Provider(name=name)
        db.session.add(provider)
        db.session.flush()
        audit.record("provider_created", provider, provider_id=provider.id, name=name)
    return provider
