"""The audit trail of the administrator's own provider: filter by event, person and dates."""

from datetime import UTC, datetime, time, timedelta

from flask import render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..extensions import db
from ..models import AuditEntry
from ..services.audit import label
from .blueprint import bp, my_provider
from .forms import AuditFilterForm

PAGE_SIZE = 50


def _filtered(provider, form):
    query = select(AuditEntry).where(AuditEntry.provider_id == provider.id)
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
    if form.person.data:
        person = form.person.data
        query = query.where((AuditEntry.actor_id == person) | (AuditEntry.subject_id == person))
    if form.date_from.data:
        query = query.where(AuditEntry.at >= datetime.combine(form.date_from.data, time(), UTC))
    if form.date_to.data:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query


@bp.get("/audit")
def audit():
    provider = my_provider()
    form = AuditFilterForm(request.args)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.provider_id == provider.id).distinct()
    ).all()
    form.action.choices = [SelectChoice("", "All events")] + [
        SelectChoice(a, label(a)) for a in sorted(actions, key=label)
    ]
    form.person.choices = [SelectChoice(0, "Everyone")] + [
        SelectChoice(p.id, f"{p.name} ({p.email})")
        for p in sorted(provider.people, key=lambda p: p.name)
    ]
    valid = form.validate()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, total = [], 0
    if valid:
        query = _filtered(provider, form)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        entries = db.session.scalars(
            query.options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))
            .order_by(AuditEntry.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    filters = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(number):
        return url_for("admin.audit", page=number, **filters)

    return render_template(
        "admin/audit.html",
        form=form,
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        page_url=page_url,
        label=label,
        filtered=bool(filters),
    )
