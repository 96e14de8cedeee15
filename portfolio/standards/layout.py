"""Splitting published NOS text into its sections.

The UK Standards layout is a title, a few "Key: value" lines, an overview, then headed sections
("Performance criteria", "Knowledge and understanding", "Scope Performance", ..., "SOC Code").
Pages copied from the website may put each list inside double quotes and drop the blank lines;
we unwrap the quotes and rely on the headings, which every layout has. There a closing quote
also ends its section: an unquoted line after it is the heading of a section we may not know.
"""

import re
from dataclasses import dataclass, field

Line = tuple[int, str]  # (line number from 1, cleaned text)

#: Normalised heading -> what it holds ("value" kinds hold one line, "section" kinds text).
HEADINGS = {
    "title": "title",
    "urn": "urn",
    "overview": "overview",
    "business sectors (suites)": "suite",
    "business sectors": "suite",
    "suite": "suite",
    "developed by": "developed_by",
    "approved on": "approved_on",
    "date approved": "approved_on",
    "approval date": "approved_on",
    "performance criteria": "performance",
    "knowledge and understanding": "knowledge",
    "k and u": "knowledge",
    "ku": "knowledge",
    "underpinning knowledge": "knowledge",
    "underpinning knowledge and understanding": "knowledge",
    "what you need to know and understand": "knowledge",
    "version number": "version",
    "version": "version",
    "indicative review date": "review_date",
    "review date": "review_date",
    "original urn": "original_urn",
    "relevant occupations": "occupations",
    "keywords": "keywords",
    "key words": "keywords",
}
SECTION_HEADINGS = {
    "scope performance", "scope knowledge", "scope/range", "scope / range", "range",
    "scope/range related to performance criteria",
    "scope/range related to knowledge and understanding", "values", "behaviours", "skills",
    "glossary", "links to other nos", "external links", "originating organisation", "soc code",
    "validity", "status", "additional information", "elements", "element", "notes",
}  # fmt: skip
VALUE_KINDS = {
    "title", "urn", "suite", "developed_by", "approved_on", "version", "review_date",
    "original_urn",
}  # fmt: skip
LIST_KINDS = {"performance", "knowledge"}
INTRODUCTIONS = {
    "you must be able to": "performance",
    "you need to know and understand": "knowledge",
}
_INLINE = re.compile(r"^(?P<key>[^:]{2,60}):\s*(?P<value>\S.*)$")


def normalise(text: str) -> str:
    """Lower case, "&" as "and", spaces collapsed: "Knowledge & Understanding" is the heading."""
    text = re.sub(r"\s*&\s*", " and ", text.strip().lower())
    text = re.sub(r"\s+", " ", text).rstrip(":").strip()
    for intro in INTRODUCTIONS:  # "Performance criteria / You must be able to:"
        if text.endswith(intro) and text != intro:
            text = text[: -len(intro)].rstrip(" /:")
    return text


def heading_kind(text: str) -> str | None:
    key = normalise(text)
    if key in HEADINGS:
        return HEADINGS[key]
    if key in SECTION_HEADINGS:
        return "section"
    return None


def introduction(text: str) -> str | None:
    """ "You must be able to:" and friends: which list they introduce, if any."""
    return INTRODUCTIONS.get(normalise(text))


@dataclass(eq=False)  # blocks are compared by identity
class Block:
    kind: str  # "header", "free", a HEADINGS kind or "section"
    label: str
    line: int
    body: list[Line] = field(default_factory=list)

    def text_lines(self) -> list[Line]:
        return [(n, t) for n, t in self.body if t]


@dataclass
class Value:
    text: str
    line: int


@dataclass
class Quoted:
    """Lines without the website's quotes, and which lines opened and closed a quoted block."""

    lines: list[Line]
    opened: set[int] = field(default_factory=set)
    closed: set[int] = field(default_factory=set)


def unwrap_quotes(lines: list[Line]) -> Quoted:
    """Remove the double quotes the website's copy puts around each list or paragraph block."""
    result = Quoted(list(lines))
    index = 0
    while index < len(result.lines):
        number, text = result.lines[index]
        if text.startswith('"') and text.endswith('"') and len(text) > 1 and text.count('"') == 2:
            result.lines[index] = (number, text[1:-1].strip())
            result.opened.add(number)
            result.closed.add(number)
        elif text.startswith('"') and text.count('"') % 2 == 1:
            close = _closing_quote(result.lines, index + 1)
            if close is not None:
                result.lines[index] = (number, text[1:].strip())
                close_number, close_text = result.lines[close]
                result.lines[close] = (close_number, close_text[:-1].strip())
                result.opened.add(number)
                result.closed.add(close_number)
                index = close
        index += 1
    return result


def _closing_quote(lines: list[Line], start: int) -> int | None:
    for index in range(start, len(lines)):
        text = lines[index][1]
        if heading_kind(text) is not None:
            return None
        if text.endswith('"') and text.count('"') % 2 == 1:
            return index
    return None


def split_blocks(quoted: Quoted) -> tuple[list[Block], dict[str, Value]]:
    """Group lines under their headings; "Key: value" lines become values."""
    header = Block("header", "", 1)
    blocks = [header]
    values: dict[str, Value] = {}
    seen_list = False
    after_quote = False  # the last line with text closed a quoted block
    for number, text in quoted.lines:
        current = blocks[-1]
        kind = heading_kind(text) if text else None
        inline = None if kind else _inline_value(text)
        intro = introduction(text) if text else None
        unknown_heading = (
            after_quote and text and not (kind or inline or intro) and number not in quoted.opened
        )
        after_quote = number in quoted.closed if text else after_quote
        if unknown_heading:
            # Compact layout: the quoted block above has ended, so this is a heading we do not
            # know (such as "Key terms"), or text of its own; never part of the block above.
            if looks_like_heading(text):
                blocks.append(Block("section", text.rstrip(":").strip(), number))
            else:
                blocks.append(Block("free", "", number, [(number, text)]))
        elif kind:
            blocks.append(Block(kind, text.strip().rstrip(":").strip(), number))
            seen_list = seen_list or kind in LIST_KINDS
        elif inline:
            kind, value = inline
            if kind in VALUE_KINDS:
                values.setdefault(kind, Value(value, number))
                if current.kind in VALUE_KINDS or current.kind in LIST_KINDS:
                    blocks.append(Block("header" if not seen_list else "free", "", number))
            else:
                blocks.append(Block(kind, text.split(":", 1)[0].strip(), number))
                blocks[-1].body.append((number, value))
                seen_list = seen_list or kind in LIST_KINDS
        elif intro and current.kind != intro:
            # An introduction with no heading above it still starts its list.
            label = (
                "Performance criteria" if intro == "performance" else "Knowledge and understanding"
            )
            blocks.append(Block(intro, label, number))
            seen_list = True
        else:
            current.body.append((number, text))
    return blocks, values


def looks_like_heading(text: str) -> bool:
    """A short capitalised line that ends no sentence: "Key terms", "Date Approved"."""
    first = text[:1]
    return (
        first.isalpha()
        and first.isupper()
        and len(text.split()) <= 8
        and len(text) <= 60
        and ":" not in text.rstrip(":")
        and not text.endswith((".", ",", ";", "!", "?"))
    )


def _inline_value(text: str) -> tuple[str, str] | None:
    match = _INLINE.match(text)
    if not match:
        return None
    kind = heading_kind(match.group("key"))
    if kind is None:
        return None
    return kind, match.group("value").strip()
