"""The shape of a standard as data: what a ``criteria/`` file must hold (docs/criteria-format.md).

Pydantic checks each field; the model validators check what spans fields (unique codes, guidance
notes that name real criteria). ``describe_errors`` turns a ValidationError into sentences that
name the field, so a person editing the file can find the mistake.
"""

import re
from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

PERFORMANCE_CODE = re.compile(r"^PC[1-9][0-9]*$")
KNOWLEDGE_CODE = re.compile(r"^K[1-9][0-9]*$")


def _whole_number_as_text(value):
    """YAML reads ``version: 1`` as a number; accept whole numbers, refuse 1.10-style floats."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f"write it in quotes (for example '{value}') so it is read as text")
    return value


def _none_as_empty(value):
    return "" if value is None else value


def _none_as_empty_list(value):
    return [] if value is None else value


Text = Annotated[str, BeforeValidator(_none_as_empty), StringConstraints(strip_whitespace=True)]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), BeforeValidator(_none_as_empty)
]
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
    BeforeValidator(_whole_number_as_text),
]
TextList = Annotated[list[RequiredText], BeforeValidator(_none_as_empty_list)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CriterionData(Strict):
    """A performance criterion or knowledge item, with its text exactly as published."""

    code: Annotated[str, BeforeValidator(_whole_number_as_text), StringConstraints(max_length=16)]
    text: RequiredText
    group: Annotated[Text, StringConstraints(max_length=500)] = (
        ""  # the element (performance) or sub-heading (knowledge) it sits under
    )
    guidance: Text = ""  # Markdown for learners


class GuidanceNote(Strict):
    """Learner guidance (such as a sector's top tips) and the criteria it helps to evidence."""

    title: RequiredText
    text: RequiredText
    criteria: TextList = Field(default_factory=list)


class StandardData(Strict):
    """One version of one National Occupational Standard."""

    title: Annotated[RequiredText, StringConstraints(max_length=500)]
    urn: Annotated[Identifier, StringConstraints(min_length=1, max_length=64)]
    version: Annotated[Identifier, StringConstraints(min_length=1, max_length=32)]
    suite: Annotated[Text, StringConstraints(max_length=500)] = ""
    developed_by: Annotated[Text, StringConstraints(max_length=500)] = ""
    approved_on: date | None = None
    indicative_review_date: date | None = None
    overview: Text = ""
    keywords: TextList = Field(default_factory=list)
    relevant_occupations: TextList = Field(default_factory=list)
    guidance: Text = ""
    performance_criteria: list[CriterionData] = Field(min_length=1)
    knowledge_items: list[CriterionData] = Field(min_length=1)
    guidance_notes: Annotated[list[GuidanceNote], BeforeValidator(_none_as_empty_list)] = Field(
        default_factory=list
    )
    #: sections of the published text we do not model (scope, values, links...), as text
    sections: Annotated[dict[str, str], BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _codes_are_well_formed_and_unique(self):
        seen: dict[str, str] = {}
        for field, pattern, example in (
            ("performance_criteria", PERFORMANCE_CODE, "PC1"),
            ("knowledge_items", KNOWLEDGE_CODE, "K1"),
        ):
            for number, item in enumerate(getattr(self, field), start=1):
                where = f"{field} item {number} code"
                if not pattern.match(item.code):
                    raise FieldError(where, f"'{item.code}' is not a code like {example}")
                if item.code in seen:
                    raise FieldError(where, f"duplicate code {item.code} (also {seen[item.code]})")
                seen[item.code] = f"{field} item {number}"
        for number, note in enumerate(self.guidance_notes, start=1):
            for code in note.criteria:
                if code not in seen:
                    raise FieldError(
                        f"guidance_notes item {number} criteria",
                        f"{code} is not a code of this standard's criteria or knowledge items",
                    )
        for heading in self.sections:
            if not heading.strip():
                raise FieldError("sections", "a section has an empty heading")
        return self

    def criterion_codes(self) -> list[str]:
        return [c.code for c in self.performance_criteria + self.knowledge_items]


class FieldError(ValueError):
    """A cross-field problem, raised inside a model validator with the field it concerns."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def describe_errors(error: ValidationError) -> list[tuple[str, str]]:
    """``(field, problem)`` pairs in plain words, fields numbered from 1 as a person counts."""
    described = []
    for item in error.errors():
        context_error = (item.get("ctx") or {}).get("error")
        if isinstance(context_error, FieldError):
            described.append((context_error.field, context_error.problem))
            continue
        parts = []
        for part in item["loc"]:
            if isinstance(part, int):
                parts.append(f"item {part + 1}")
            else:
                parts.append(str(part))
        field = " ".join(parts) or "(the whole file)"
        described.append((field, _problem(item)))
    return described


def _problem(item: dict) -> str:
    kind = item["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field this format knows (check the spelling)"
    if kind == "string_too_short":
        return "is empty" if item["ctx"].get("min_length") == 1 else item["msg"]
    if kind in {"string_too_long", "too_long"} and isinstance(item["input"], str):
        return f"is longer than {item['ctx']['max_length']} characters"
    if kind == "too_short":
        return "has no entries"
    if kind == "string_pattern_mismatch":
        return "may only contain letters, digits, '.', '_' and '-'"
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
        return "is not a date (write it as YYYY-MM-DD)"
    if kind == "value_error":
        return str(item["ctx"]["error"])
    return item["msg"][0].lower() + item["msg"][1:]
