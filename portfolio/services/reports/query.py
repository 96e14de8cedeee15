"""What the provider dashboard is asked to show: the learner statuses, the columns the table
sorts by, and the filters, sort and page read from and written to the query string, so every
view is a link to share (docs/reports.md lists the parameters)."""

import enum
from dataclasses import dataclass, replace
from datetime import date


class LearnerStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    SIGNED_OFF = "signed_off"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "on_track": "On track",
            "at_risk": "At risk",
            "signed_off": "Signed off",
            "withdrawn": "Withdrawn",
        }[self.value]

    @property
    def colour(self) -> str:
        """GOV.UK tag colour."""
        return {
            "not_started": "grey",
            "on_track": "green",
            "at_risk": "red",
            "signed_off": "blue",
            "withdrawn": "yellow",
        }[self.value]


#: The learner table's columns that sort, with their headings.
SORTS = {
    "learner": "Learner",
    "cohort": "Cohort",
    "performance": "Performance criteria met",
    "knowledge": "Knowledge items met",
    "waiting": "Evidence waiting",
    "waiting_since": "Waiting since",
    "last_activity": "Last activity",
    "planned_end": "Planned end",
    "status": "Status",
    "assessor": "Assessor",
}


@dataclass
class DashboardQuery:
    """What the dashboard shows: filters, sort and page, read from and written to the URL so
    every view can be shared as a link."""

    cohort_id: int | None = None
    assessor_id: int | None = None
    status: LearnerStatus | None = None
    #: last activity on or after this day
    active_from: date | None = None
    #: last activity on or before this day
    active_to: date | None = None
    sort: str = "learner"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "DashboardQuery":
        """Read the query string; anything that does not make sense is left out, not an error
        (the filter form says what is wrong with the dates)."""
        sort = args.get("sort", "")
        return cls(
            cohort_id=_whole(args.get("cohort")),
            assessor_id=_whole(args.get("assessor")),
            status=next((s for s in LearnerStatus if s.value == args.get("status")), None),
            active_from=_date_boxes(args, "active_from"),
            active_to=_date_boxes(args, "active_to"),
            sort=sort if sort in SORTS else "learner",
            descending=args.get("order") == "desc",
            page=_whole(args.get("page")) or 1,
        )

    def to_args(self) -> dict:
        """The query string that shows this view (defaults left out), for ``url_for``."""
        args = {}
        if self.cohort_id:
            args["cohort"] = self.cohort_id
        if self.assessor_id:
            args["assessor"] = self.assessor_id
        if self.status:
            args["status"] = self.status.value
        for name in ("active_from", "active_to"):
            if value := getattr(self, name):
                for part in ("day", "month", "year"):
                    args[f"{name}-{part}"] = getattr(value, part)
        if self.sort != "learner":
            args["sort"] = self.sort
        if self.descending:
            args["order"] = "desc"
        if self.page > 1:
            args["page"] = self.page
        return args

    @property
    def filtered(self) -> bool:
        return any(
            getattr(self, name) is not None
            for name in ("cohort_id", "assessor_id", "status", "active_from", "active_to")
        )

    def sorted_by(self, column: str) -> "DashboardQuery":
        """The view sorted by ``column``: the other way round if it already is, from page 1."""
        descending = not self.descending if column == self.sort else False
        return replace(self, sort=column, descending=descending, page=1)

    def on_page(self, page: int) -> "DashboardQuery":
        return replace(self, page=page)

    def without_filters(self) -> "DashboardQuery":
        return DashboardQuery(sort=self.sort, descending=self.descending)


def _whole(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _date_boxes(args, name) -> date | None:
    """A date typed into the day, month and year boxes (the filter form's date inputs)."""
    parts = [_whole(args.get(f"{name}-{part}")) for part in ("year", "month", "day")]
    try:
        return date(*parts) if all(parts) else None
    except ValueError:
        return None
