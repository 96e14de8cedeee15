"""Reading and writing ``criteria/`` files, and the canonical form a standard is compared in.

The canonical form (sorted-key JSON of the validated data) is what ``standards show --json``
prints. Its published part (everything but the provider's guidance) is what identifies a
standard version and what ``Standard.content_hash`` hashes: comments and layout in the YAML
never count as a change, guidance is the provider's to update, and any change to a published
text, code or date makes a different standard.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import StandardData, describe_errors

SUFFIXES = (".yaml", ".yml")
#: The top-level keys of a data file (a published text parsed as YAML never has them).
FIELDS = frozenset(StandardData.model_fields)
HEADER = "# A National Occupational Standard as data. Format: docs/criteria-format.md\n"


class StandardFileError(ValueError):
    """A criteria/ file that cannot be loaded; the message names the file, field and problem."""

    def __init__(self, path, problems: list[tuple[str, str]]):
        self.path = str(path)
        self.problems = problems
        self.field, self.problem = problems[0]
        lines = [f"{self.path}: {field}: {problem}" for field, problem in problems]
        super().__init__("\n".join(lines))


def read_standard_file(path) -> StandardData:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise StandardFileError(path, [("(file)", f"cannot be read: {error.strerror}")]) from None
    except UnicodeDecodeError:
        raise StandardFileError(path, [("(file)", "is not UTF-8 text")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise StandardFileError(
            path, [("(file)", f"is not valid YAML{where}: {problem}")]
        ) from None
    if not isinstance(raw, dict):
        raise StandardFileError(path, [("(file)", "must be a mapping of fields such as 'title:'")])
    try:
        return StandardData.model_validate(raw)
    except ValidationError as error:
        raise StandardFileError(path, describe_errors(error)) from None


def is_standard_file(path) -> bool:
    """Whether ``path`` is a data file rather than a published text, so ``standards show``
    reads it as one: by its suffix (``.yaml``/``.yml``) or, whatever its name, by its content.
    ``standards import -o`` writes any name it is given, and what it wrote must read back.

    By content means the header line ``write_standard_file`` puts first (so a file written by
    import and then broken by hand reports its own YAML error, not a text-import one), or a YAML
    mapping with at least one of a standard's fields. Published text does not parse as such a
    mapping (its headings and paragraphs are not ``key: value`` lines), and a file that is not
    UTF-8 is not a data file. A file that cannot be read at all is left to the caller
    to report."""
    path = Path(path)
    if path.suffix.lower() in SUFFIXES:
        return True
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    if text.startswith(HEADER.rstrip("\n")):
        return True
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(raw, dict) and not FIELDS.isdisjoint(raw)


def canonical(data: StandardData) -> dict:
    """Plain JSON-ready dict; ``knowledge`` is the public name for knowledge items."""
    document = data.model_dump(mode="json")
    document["performance_criteria"] = [_item(c) for c in document["performance_criteria"]]
    document["knowledge"] = [_item(c) for c in document.pop("knowledge_items")]
    return document


def _item(criterion: dict) -> dict:
    return {key: value for key, value in criterion.items() if value or key in {"code", "text"}}


def canonical_json(data: StandardData, indent: int | None = 2) -> str:
    return json.dumps(canonical(data), indent=indent, sort_keys=True, ensure_ascii=False)


LISTS = ("performance_criteria", "knowledge")
#: Local to the provider, not part of the published standard.
GUIDANCE_FIELDS = ("guidance", "guidance_notes")


def published(data: StandardData) -> dict:
    """The canonical document without the provider's guidance: what the standard says."""
    document = canonical(data)
    for field in GUIDANCE_FIELDS:
        document.pop(field, None)
    for field in LISTS:
        document[field] = [{k: v for k, v in c.items() if k != "guidance"} for c in document[field]]
    return document


def differences(before: dict, after: dict, fields=None) -> list[tuple[str, str]]:
    """What changed between two canonical documents, item by item, in reading order, each as
    ``(field, description)``: ``("performance_criteria", "PC3 text differs")``."""
    found = []
    for field in fields or sorted(set(before) | set(after), key=_reading_order):
        old, new = before.get(field), after.get(field)
        if field in LISTS:
            found += [(field, change) for change in _item_differences(old or [], new or [])]
        elif old != new:
            found.append((field, f"{field} differs"))
    return found


def _reading_order(field: str) -> tuple[int, str]:
    first = ("title", "urn", "version", *LISTS)
    return (first.index(field), "") if field in first else (len(first), field)


def _item_differences(before: list[dict], after: list[dict]) -> list[str]:
    found = []
    for old, new in zip(before, after, strict=False):
        if old["code"] != new["code"]:
            found.append(f"{old['code']} is now {new['code']}")
            continue
        for key in sorted(set(old) | set(new), key=lambda k: (k != "text", k)):
            if key != "code" and old.get(key, "") != new.get(key, ""):
                found.append(f"{new['code']} {key} differs")
    found += [f"{item['code']} is new" for item in after[len(before) :]]
    found += [f"{item['code']} is missing" for item in before[len(after) :]]
    return found


def content_hash(data: StandardData) -> str:
    """The fingerprint of the published content (guidance left out)."""
    document = json.dumps(published(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def file_name(data: StandardData) -> str:
    return f"{data.urn.lower()}-v{data.version}.yaml"


def dump(data: StandardData) -> str:
    document = data.model_dump()  # dates stay dates, so YAML writes them unquoted
    for field in ("performance_criteria", "knowledge_items"):
        document[field] = [_item(c) for c in document[field]]
    for note in document["guidance_notes"]:
        note["criteria"] = _Codes(note["criteria"])
    # No folding: each criterion's exact text stays on one line, easy to find and to diff.
    return HEADER + yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )


def write_standard_file(data: StandardData, path) -> Path:
    """Write atomically: a reader never sees half a file, and a failure leaves nothing behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(dump(data))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


class _Dumper(yaml.SafeDumper):
    """Multi-line text (overview, guidance, sub-lists) as readable ``|`` blocks."""


def _represent_str(dumper, value):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class _Codes(list):
    """A short list of criterion codes, written on one line: ``[PC13, K14]``."""


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _Codes, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True)
)
