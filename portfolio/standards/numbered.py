"""Reading a published numbered list (performance criteria or knowledge items) into items.

What real text does, and how we read it:
- blank lines between items, items wrapped over several lines: joined into one text;
- "1." / "1)" / "P1" / "PC1" / "K1" numbering;
- a bare number ("3 metres from any door") starts an item only in a list numbered that way
  ("1 ...", "P1 ..."), at the next number and at the indentation of the items; otherwise it is
  text wrapped from the line above. A line indented deeper than the item markers continues the
  item, whatever it looks like;
- headings between items (elements, knowledge sub-headings): the group of the items below;
- an item ending in ":" followed by a list restarting at 1, "- " bullets or "a)" letters: part of
  that item, kept on their own lines with their markers as published;
- text after the last item that is no item: returned as notes, never lost.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .layout import Line, introduction

_CODED = re.compile(
    r"^(?P<prefix>PC|P|KU|K)\s?(?P<n>\d{1,3})(?!\d)(?P<punct>[.):](?!\d))?(?:\s+|$)(?P<text>.*)$"
)
_PLAIN = re.compile(r"^\(?(?P<n>\d{1,3})(?:(?P<punct>[.)])(?!\d)\s*|\s+)(?P<text>\S.*)$")
#: How much deeper than an item's marker a line must start to belong to that item.
DEEPER = 2
SUB_MARKER = re.compile(r"^(?:[•·▪‣◦*]\s*|[-–]\s+|\(?(?:[a-z]|[ivx]{1,4})[.)]\s+)\S")
_CONNECTOR_END = re.compile(
    r"(?:[,(/-]|\b(?:and|or|the|of|to|a|an|for|with|in|on|by|as|including|such|their|your))$",
    re.IGNORECASE,
)


class ListError(ValueError):
    def __init__(self, line: int, problem: str):
        super().__init__(f"Line {line}: {problem}")
        self.line = line


class Marker(NamedTuple):
    style: str  # "plain", "P", "PC", "K" or "KU"
    number: int
    text: str
    punct: str  # ".", ")" or ":"; "" for a bare number, which may be wrapped text

    @property
    def bare(self) -> bool:
        return not self.punct


@dataclass
class Item:
    line: int
    number: int
    group: str
    lines: list[str] = field(default_factory=list)
    indent: int = 0  # column of the item's marker

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class _State:
    items: list[Item] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # heading lines waiting for their items
    group: str = ""
    style: str | None = None  # numbering style of the main list: "P", "K", "plain"...
    bare: bool = False  # the main list is numbered without "." or ")"
    sub_style: str | None = None
    sub_last: int = 0


def numbered_item(text: str) -> Marker | None:
    """The marker when the line looks like a numbered item (a bare number may still be text)."""
    match = _CODED.match(text) or _PLAIN.match(text)
    if not match:
        return None
    style = match.groupdict().get("prefix") or "plain"
    return Marker(style, int(match.group("n")), match.group("text").strip(), match["punct"] or "")


def parse_items(
    body: list[Line], name: str, indents: dict[int, int] | None = None, first=(1,)
) -> tuple[list[Item], str]:
    """The items of one list section, and any text left after them.

    ``indents`` maps line numbers to indentation; ``first`` lists the numbers a list numbered
    with bare numbers may start at (knowledge items may be numbered on from the criteria).
    """
    indents = indents or {}
    state = _State()
    blank_before = False
    for index, (number, text) in enumerate(body):
        if not text:
            blank_before = True
            continue
        if introduction(text):
            continue
        indent = indents.get(number, 0)
        marker = numbered_item(text)
        if marker and (not marker.bare or _bare_item(state, marker, indent, first)):
            _numbered(state, number, text, marker, indent, name=name)
        elif not state.items or state.pending:
            state.pending.append(text)
        elif SUB_MARKER.match(text):
            state.items[-1].lines.append(text)
        elif state.items[-1].lines[-1].endswith(":") and not blank_before:
            state.items[-1].lines.append(text)  # an unmarked sub-list
        elif indent >= state.items[-1].indent + DEEPER:
            _continue(state.items[-1], text)
        elif _is_heading(
            text, blank_before or indent < state.items[-1].indent, state, body[index + 1 :]
        ):
            state.pending.append(text)
        else:
            _continue(state.items[-1], text)
        blank_before = False
    for item in state.items:
        if not item.lines[0]:
            raise ListError(item.line, f"{name} item {item.number} has no text.")
    return state.items, "\n".join(state.pending)


def _bare_item(state: _State, marker: Marker, indent: int, first) -> bool:
    """A bare number starts an item only where the list's own numbering says one is due."""
    if not state.items:
        return marker.number in first or (marker.number == 1 and bool(state.pending))
    current = state.items[-1]
    if not state.bare or marker.style != state.style or abs(indent - current.indent) >= DEEPER:
        return False
    return marker.number == current.number + 1 or (marker.number == 1 and bool(state.pending))


def _numbered(state: _State, line: int, raw: str, marker: Marker, indent: int, name: str):
    style, number, text = marker.style, marker.number, marker.text
    current = state.items[-1] if state.items else None
    expected = current.number + 1 if current else None
    if state.pending:
        state.group = " ".join(state.pending).rstrip(":").strip()
        state.pending = []
        state.sub_style = None
        if current and number not in {expected, 1}:
            raise ListError(line, _misnumbered(name, number, expected))
    elif current is None:
        pass
    elif state.sub_style is not None:
        if style == state.sub_style and number == state.sub_last + 1:
            state.sub_last = number
            current.lines.append(raw)
            return
        if style != state.style or number != expected:
            raise ListError(line, _misnumbered(name, number, expected))
        state.sub_style = None
    elif number == 1 and (current.lines[-1].endswith(":") or style != state.style):
        state.sub_style, state.sub_last = style, 1
        current.lines.append(raw)
        return
    elif number != expected:
        raise ListError(line, _misnumbered(name, number, expected))
    state.style, state.bare = style, marker.bare
    state.items.append(Item(line, number, state.group, [text], indent))


def _misnumbered(name: str, number: int, expected: int | None) -> str:
    return (
        f"{name} item {number} comes where item {expected} was expected; "
        "check whether an item is missing or misnumbered."
    )


def _is_heading(text: str, blank_before: bool, state: _State, rest: list[Line]) -> bool:
    """An element or sub-heading rather than the continuation of the item above it."""
    first_letter = next((c for c in text if c.isalpha()), "")
    if not first_letter.isupper():
        return False
    if blank_before:
        return True
    # Compact layout (no blank lines): a short line that ends nothing and starts a new group.
    upcoming = next((t for _, t in rest if t), "")
    return (
        numbered_item(upcoming) is not None
        and len(text.split()) <= 15
        and not text.endswith((".", ",", ";"))
        and not _CONNECTOR_END.search(state.items[-1].lines[-1])
    )


def _continue(item: Item, text: str) -> None:
    last = item.lines[-1]
    if not last:
        item.lines[-1] = text
    elif last.endswith("-") and len(last) > 1 and last[-2].isalpha() and text[:1].islower():
        item.lines[-1] = last + text  # a word hyphenated across lines
    else:
        item.lines[-1] = f"{last} {text}"
