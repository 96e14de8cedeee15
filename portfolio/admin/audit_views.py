"""The audit trail of the administrator's own provider: filter by event, person and dates (UK
days), read it in sentences, download what the filters select as CSV."""

import csv
import io
import json
from datetime import datetime, time, timedelta

from flask import Response, abort, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..extensions import db
from ..models import AuditEntry
from ..services import audit as audit_trail
from ..services.audit import label
from ..services.audit_sentences import details_in_words, sentence
from ..services.reports.exports import neutralised
from ..uk_time import LONDON, uk
from .blueprint import bp, my_provider
from .forms import AuditFilterForm

CSV_COLUMNS = ("Time (UK)", "Who", "What", "About whom", "Action code", "Details (JSON)")

PAGE_SIZE = 50


def _filtered(provider, form):
    query = select(AuditEntry).where(AuditEntry.provider_id == provider.id)
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
    if form.person.data:
        person = form.person.data
        query = query.where((AuditEntry.actor_id == person) | (AuditEntry.subject_id == person))
    if form.date_from.data:
        query = query.where(AuditEntry.at >= datetime.combine(form.date_from.data, time(), LONDON))
    if form.date_to.data:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time(), LONDON)
        query = query.where(AuditEntry.at < end)
    return query


def _form(provider) -> AuditFilterForm:
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
    return form


def _with_people(query):
    return query.options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))


@bp.get("/audit")
def audit():
    provider = my_provider()
    form = _form(provider)
    valid = form.validate()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, total = [], 0
    if valid:
        query = _filtered(provider, form)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        entries = db.session.scalars(
            _with_people(query)
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
        sentence=sentence,
        details_in_words=details_in_words,
        filtered=bool(filters),
        csv_url=url_for("admin.audit_csv", **filters),
    )


@bp.get("/audit.csv")
def audit_csv():
    """Every entry the page's filters select (not just one page of them), newest first; the
    download is itself in the audit trail, as other downloads are."""
    provider = my_provider()
    form = _form(provider)
    if not form.validate():
        abort(400)
    entries = db.session.scalars(
        _with_people(_filtered(provider, form)).order_by(AuditEntry.id.desc())
    ).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                uk(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                neutralised(entry.actor.name) if entry.actor else "",
                neutralised(sentence(entry)),
                neutralised(entry.subject.name) if entry.subject else "",
                entry.action,
                neutralised(json.dumps(entry.details, sort_keys=True, ensure_ascii=False)),
            ]
        )
    filters = {k: v for k, v in request.args.items() if v}
    audit_trail.record(
        "audit.exported", provider, provider_id=provider.id, filters=filters, rows=len(entries)
    )
    db.session.commit()
    made = datetime.now(LONDON).strftime("%Y-%m-%d")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-trail-{made}.csv"'},
    )
