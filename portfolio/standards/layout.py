"""Splitting published NOS text into its sections.

The UK Standards layout is a title, a few "Key: value" lines, an overview, then headed sections
("Performance criteria", "Knowledge and understanding", "Scope Performance", ..., "SOC Code").
Pages copied from the website may put each list inside double quotes and drop the blank lines;
we unwrap the quotes and rely on the headings, which every layout has.
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
    "performance criteria": "performance",
    "knowledge and understanding": "knowledge",
    "version number": "version",
    "version": "version",
    "indicative review date": "review_date",
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
    text = re.sub(r"\s+", " ", text.strip().lower()).rstrip(":").strip()
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


def unwrap_quotes(lines: list[Line]) -> list[Line]:
    """Remove the double quotes the website's copy puts around each list or paragraph block."""
    result = list(lines)
    index = 0
    while index < len(result):
        number, text = result[index]
        if text.startswith('"') and text.endswith('"') and len(text) > 1 and text.count('"') == 2:
            result[index] = (number, text[1:-1].strip())
        elif text.startswith('"') and text.count('"') % 2 == 1:
            close = _closing_quote(result, index + 1)
            if close is not None:
                result[index] = (number, text[1:].strip())
                close_number, close_text = result[close]
                result[close] = (close_number, close_text[:-1].strip())
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


def split_blocks(lines: list[Line]) -> tuple[list[Block], dict[str, Value]]:
    """Group lines under their headings; "Key: value" lines become values."""
    header = Block("header", "", 1)
    blocks = [header]
    values: dict[str, Value] = {}
    seen_list = False
    for number, text in lines:
        current = blocks[-1]
        kind = heading_kind(text) if text else None
        inline = None if kind else _inline_value(text)
        intro = introduction(text) if text else None
        if kind:
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


def _inline_value(text: str) -> tuple[str, str] | None:
    match = _INLINE.match(text)
    if not match:
        return None
    kind = heading_kind(match.group("key"))
    if kind is None:
        return None
    return kind, match.group("value").strip()
