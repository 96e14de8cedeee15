"""NOS text as published -> validated standard data. Pure: no database, no files written.

``import_nos(text)`` returns a ``StandardData`` or raises ``NosImportError`` whose message names
the problem and the line. The rules for what the text may not say (URN, version) are in
docs/criteria-format.md: the caller's choice first, then the text, then a provisional URN derived
from the title and version "1".
"""

import hashlib
import re
from datetime import date, datetime

from pydantic import ValidationError

from . import text as text_cleaning
from .layout import (
    LIST_KINDS,
    VALUE_KINDS,
    Block,
    Line,
    Quoted,
    looks_like_heading,
    split_blocks,
    unwrap_quotes,
)
from .numbered import SUB_MARKER, Item, ListError, numbered_item, parse_items
from .schema import StandardData, describe_errors

DEFAULT_VERSION = "1"
PROVISIONAL_PREFIX = "PROV-"
DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_KEYWORDS_LINE = re.compile(r"^[^;]+(?:;[^;]*){2,}$|^[^;]+;$")


class NosImportError(ValueError):
    """The text is not a NOS we can read; the message says what is wrong and on which line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def import_nos(source: str | bytes, urn: str | None = None, version: str | None = None):
    """Read one published NOS. ``urn``/``version`` override what the text says."""
    raw = text_cleaning.decode(source) if isinstance(source, bytes) else source
    cleaned = text_cleaning.clean_lines(raw)
    lines = [(number, text) for number, (_, text) in enumerate(cleaned, start=1)]
    indents = {number: indent for number, (indent, _) in enumerate(cleaned, start=1)}
    if not any(t for _, t in lines):
        raise NosImportError("Line 1: the file is empty.", 1)
    try:
        return _Reader(unwrap_quotes(lines), indents).read(urn, version)
    except ListError as error:
        raise NosImportError(str(error), error.line) from None


class _Reader:
    def __init__(self, quoted: Quoted, indents: dict[int, int]):
        self.indents = indents
        self.last_line = max((n for n, t in quoted.lines if t), default=1)
        self.blocks, self.values = split_blocks(quoted)
        self.keywords = self._take_trailing_keywords()
        self.field_lines: dict[str, int] = {}
        self.sources: dict[str, Block | None] = {}  # the block each value came from, if any

    def read(self, urn, version) -> StandardData:
        given = {"urn": ("URN", urn), "version": ("version", version)}
        title, overview = self._title_and_overview()
        performance, performance_notes = self._list("performance", "Performance criteria")
        # Knowledge items may be numbered on from the criteria (14., 15., ...).
        first = {1, len(performance) + 1, performance[-1].number + 1}
        knowledge, knowledge_notes = self._list("knowledge", "Knowledge and understanding", first)
        published = {kind: self._value(kind) for kind in sorted(VALUE_KINDS - {"title"})}
        dates = {kind: parse_date(published[kind]) for kind in ("approved_on", "review_date")}
        urn = urn or published["urn"] or published["original_urn"] or provisional(title)
        version = version or _first_word(published["version"]) or DEFAULT_VERSION
        # What each value field holds, as published: a section repeating it adds nothing.
        modelled = {
            **published,
            "urn": urn,
            "original_urn": urn,
            "version": version,
            **{kind: published[kind] if dates[kind] else None for kind in dates},
        }
        sections = self._sections(modelled)
        for kind, label in (
            ("approved_on", "Approved on"),
            ("review_date", "Indicative Review Date"),
        ):
            if published[kind] and not dates[kind] and not self._after_list(kind):
                _add_section(sections, label, published[kind])  # kept as published, not lost
        for label, lines in (
            ("Notes after the performance criteria", performance_notes),
            ("Notes after the knowledge and understanding", knowledge_notes),
        ):
            for heading, content in trailing_sections(lines, label):
                _add_section(sections, heading, content)
        fields = {
            "title": title,
            "urn": urn,
            "version": version,
            "suite": published["suite"],
            "developed_by": published["developed_by"],
            "approved_on": dates["approved_on"],
            "indicative_review_date": dates["review_date"],
            "overview": overview,
            "keywords": self.keywords,
            "relevant_occupations": self._occupations(),
            "performance_criteria": _criteria(performance, "PC"),
            "knowledge_items": _criteria(knowledge, "K"),
            "sections": sections,
        }
        try:
            return StandardData.model_validate(fields)
        except ValidationError as error:
            field, problem = describe_errors(error)[0]
            name, value = given.get(field, ("", None))
            if value:  # the caller's choice, not the text, is wrong: no line to point at
                raise NosImportError(f"The {name} you gave ('{value}') {problem}.") from None
            words = field.split()
            prefixes = (" ".join(words[:n]) for n in range(len(words), 0, -1))
            line = next((self.field_lines[p] for p in prefixes if p in self.field_lines), 1)
            raise NosImportError(f"Line {line}: {field} {problem}.", line) from None

    # ----------------------------------------------------------------------------- pieces

    def _title_and_overview(self) -> tuple[str, str]:
        header = self.blocks[0].body
        if "title" in self.values:
            title = self.values["title"]
            title_line, title_text = title.line, title.text
        else:
            lines = self.blocks[0].text_lines()
            if not lines:
                first = self.blocks[1].line if len(self.blocks) > 1 else 1
                raise NosImportError(
                    f"Line {first}: no title found; the first line should be the standard's title.",
                    first,
                )
            title_line, title_text = lines[0]
            header = header[header.index(lines[0]) + 1 :]
        self.field_lines["title"] = title_line
        overview = list(header)
        for block in self.blocks[1:]:
            if block.kind == "overview":
                overview += [(block.line, "")] + block.body
            elif block.kind in VALUE_KINDS and not self._seen_list_before(block):
                overview += [(block.line, "")] + block.text_lines()[1:]
        return title_text, paragraphs(overview)

    def _seen_list_before(self, block: Block) -> bool:
        return any(b.kind in LIST_KINDS for b in self.blocks[: self.blocks.index(block)])

    def _list(self, kind: str, name: str, first=(1,)) -> tuple[list[Item], list[Line]]:
        blocks = [b for b in self.blocks if b.kind == kind]
        if not blocks:
            raise NosImportError(
                f"Line {self.last_line}: reached the end of the text without finding a "
                f"'{name}' section, so this does not look like a National Occupational Standard.",
                self.last_line,
            )
        items, notes = [], []
        for block in blocks:
            found, left = parse_items(block.body, name, self.indents, first)
            items += found
            notes += [(0, "")] + left if left else []
        if not items:
            raise NosImportError(
                f"Line {blocks[0].line}: the '{name}' section has no numbered items.",
                blocks[0].line,
            )
        field = "performance_criteria" if kind == "performance" else "knowledge_items"
        self.field_lines[field] = blocks[0].line
        for number, item in enumerate(items, start=1):
            self.field_lines[f"{field} item {number}"] = item.line
        return items, notes

    def _value(self, kind: str) -> str:
        """A "Key: value" line, or else the first line under the heading."""
        self.sources[kind] = None
        if kind in self.values:
            self.field_lines[kind] = self.values[kind].line
            return self.values[kind].text
        for block in self.blocks:
            if block.kind == kind and block.text_lines():
                line, value = block.text_lines()[0]
                self.field_lines[kind] = line
                self.sources[kind] = block
                return value
        return ""

    def _after_list(self, kind: str) -> bool:
        block = self.sources.get(kind)
        return block is not None and self._seen_list_before(block)

    def _occupations(self) -> list[str]:
        lines = [t for b in self.blocks if b.kind == "occupations" for _, t in b.text_lines()]
        return [name for line in lines for name in split_occupations(line)]

    def _sections(self, modelled: dict[str, str | None]) -> dict[str, str]:
        """Sections we do not model, and what a value's heading holds beyond the value."""
        sections: dict[str, str] = {}
        for block in self.blocks:
            body = block.body
            value_after_list = block.kind in VALUE_KINDS and self._seen_list_before(block)
            if value_after_list:
                lines = block.text_lines()
                if lines and lines[0][1] == modelled.get(block.kind):
                    body = [line for line in body if line[0] != lines[0][0]]  # in its field
            if block.kind == "section" or value_after_list:
                content = paragraphs(body, join_wrapped=False)
                if content:
                    _add_section(sections, block.label, content)
            elif block.kind == "free" and block.text_lines():
                _add_section(sections, "Other text", paragraphs(block.body, join_wrapped=False))
        return sections

    def _take_trailing_keywords(self) -> list[str]:
        """A keyword list with a heading, or the unlabelled ";"-separated line ending the page."""
        keyword_lines = [t for b in self.blocks if b.kind == "keywords" for _, t in b.text_lines()]
        if keyword_lines:
            separator = ";" if any(";" in t for t in keyword_lines) else ","
            return _split(" ".join(keyword_lines), separator)
        last = self.blocks[-1]
        lines = last.text_lines()
        if last.kind in LIST_KINDS or not lines or not _KEYWORDS_LINE.match(lines[-1][1]):
            return []
        last.body.remove(lines[-1])
        return _split(lines[-1][1], ";")


def trailing_sections(lines: list[Line], notes_label: str) -> list[tuple[str, str]]:
    """Text after a list, split at short heading-like lines standing alone ("Key terms").

    A heading-like line straight under such a heading is its content ("Validity", "Current").
    Text before the first heading, and a heading with nothing under it, stay in the notes.
    """
    parts: list[tuple[str, list[Line]]] = [(notes_label, [])]
    for index, (number, text) in enumerate(lines):
        alone = index == 0 or not lines[index - 1][1]
        has_content = len(parts) == 1 or any(t for _, t in parts[-1][1])
        if text and alone and has_content and looks_like_heading(text):
            parts.append((text.rstrip(":").strip(), []))
        else:
            parts[-1][1].append((number, text))
    result: list[tuple[str, str]] = []
    notes: list[Line] = []
    for heading, body in parts:
        content = paragraphs(body, join_wrapped=False)
        if heading == notes_label or not content:
            notes += [(0, "")] + ([] if heading == notes_label else [(0, heading)]) + body
        else:
            result.append((heading, content))
    notes_text = paragraphs(notes, join_wrapped=False)
    return ([(notes_label, notes_text)] if notes_text else []) + result


def _add_section(sections: dict[str, str], heading: str, content: str) -> None:
    """Sections keep their published headings; a repeated heading gets a number."""
    label, copy = heading, 1
    while label in sections:
        copy += 1
        label = f"{heading} ({copy})"
    sections[label] = content


def _criteria(items: list[Item], prefix: str) -> list[dict]:
    return [
        {"code": f"{prefix}{position}", "text": item.text, "group": item.group}
        for position, item in enumerate(items, start=1)
    ]


def split_occupations(line: str) -> list[str]:
    """Comma-separated, except that names such as "Arts, Media and Publishing" (one word, a comma,
    then a part with "and") are one occupational area, as in the sector subject area list."""
    parts = [part.strip() for part in re.split(r"[,;]", line) if part.strip()]
    names: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if len(part.split()) == 1 and " and " in f" {following} ":
            names.append(f"{part}, {following}")
            index += 2
        else:
            names.append(part)
            index += 1
    return names


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def _first_word(text: str) -> str:
    return text.split()[0] if text.split() else ""


def parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def provisional(title: str) -> str:
    """A stable stand-in URN for a standard published without one (documented)."""
    digest = hashlib.sha256(" ".join(title.lower().split()).encode("utf-8")).hexdigest()
    return PROVISIONAL_PREFIX + digest[:8].upper()


def paragraphs(lines: list[Line], join_wrapped: bool = True) -> str:
    """Blank-line separated paragraphs. With ``join_wrapped`` a line continuing a sentence is
    joined to it (list lines keep their own line); without, every line is kept as published."""
    result: list[list[str]] = [[]]
    for _, text in lines:
        if not text:
            if result[-1]:
                result.append([])
        elif join_wrapped and result[-1] and not _starts_line(text, result[-1][-1]):
            result[-1][-1] = f"{result[-1][-1]} {text}"
        else:
            result[-1].append(text)
    return "\n\n".join("\n".join(p) for p in result if p)


def _starts_line(text: str, previous: str) -> bool:
    """A list line, or a sentence after one, starts a line of its own; other lines are wraps."""
    if _marked(text):
        return True
    after_list = _marked(previous)
    return after_list and text[:1].isupper()


def _marked(text: str) -> bool:
    """A list line: "1." or "a)" or a bullet (a bare number is more likely wrapped text)."""
    marker = numbered_item(text)
    return bool(marker and not marker.bare) or bool(SUB_MARKER.match(text))
