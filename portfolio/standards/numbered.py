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
- text after the last item that is no item: returned as it stands, never lost.
"""

import copy
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .layout import Line, introduction, looks_like_heading

_CODED = re.compile(
    r"^(?P<prefix>PC|P|KU|K)\s?(?P<n>\d{1,3})(?!\d)(?P<punct>[.):](?!\d))?(?:\s+|$)(?P<text>.*)$"
)
_PLAIN = re.compile(r"^\(?(?P<n>\d{1,3})(?:(?P<punct>[.)])(?!\d)\s*|\s+)(?P<text>\S.*)$")
#: How many readings of an ambiguous list to try before asking for clearer text.
MAX_READINGS = 64
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
class _SubList:
    """A list inside an item (after "...:"), restarting at 1."""

    style: str
    punct: str
    last: int
    indent: int


@dataclass
class _State:
    items: list[Item] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # heading lines waiting for their items
    pending_from: int = 0  # where in the body the pending lines start
    group: str = ""
    style: str | None = None  # numbering style of the main list: "P", "K", "plain"...
    punct: str = ""  # the punctuation after the main list's numbers ("" when bare)
    sub: _SubList | None = None
    blank_before: bool = False

    @property
    def bare(self) -> bool:
        return self.style is not None and not self.punct


class _TooAmbiguous(ListError):
    pass


def numbered_item(text: str) -> Marker | None:
    """The marker when the line looks like a numbered item (a bare number may still be text)."""
    match = _CODED.match(text) or _PLAIN.match(text)
    if not match:
        return None
    style = match.groupdict().get("prefix") or "plain"
    return Marker(style, int(match.group("n")), match.group("text").strip(), match["punct"] or "")


def parse_items(
    body: list[Line], name: str, indents: dict[int, int] | None = None, first=(1,)
) -> tuple[list[Item], list[Line]]:
    """The items of one list section, and the lines left after them (blank lines kept).

    ``indents`` maps line numbers to indentation; ``first`` lists the numbers a list numbered
    with bare numbers may start at (knowledge items may be numbered on from the criteria).
    """
    state = _ListReader(body, name, indents or {}, first).read(0, _State())
    for item in state.items:
        if not item.lines[0]:
            raise ListError(item.line, f"{name} item {item.number} has no text.")
    left = body[state.pending_from :] if state.pending else []
    return state.items, [(n, t) for n, t in left if not introduction(t)]


class _ListReader:
    """Reads a list line by line; where numbering allows two readings, tries the preferred one
    and falls back to the other when the rest of the list cannot be read that way."""

    def __init__(self, body: list[Line], name: str, indents: dict[int, int], first):
        self.body, self.name, self.indents, self.first = body, name, indents, first
        self.tries = 0

    def read(self, start: int, state: _State) -> _State:
        for index in range(start, len(self.body)):
            line, text = self.body[index]
            if not text:
                state.blank_before = True
                continue
            if introduction(text):
                continue
            indent = self.indents.get(line, 0)
            marker = numbered_item(text)
            if marker and (not marker.bare or _bare_item(state, marker, indent, self.first)):
                readings = self._readings(state, line, marker, indent)
                if len(readings) > 1:
                    return self._branch(index, state, readings, marker)
                self._apply(state, index, readings[0], marker)
            else:
                self._text(state, index, text, indent)
            state.blank_before = False
        return state

    def _readings(self, state: _State, line: int, marker: Marker, indent: int) -> list[str]:
        """How a numbered line may be read, preferred first: "main" (the next item), "sub"
        (the next part of a sub-list), "sub_start" (a sub-list begins) or "text"."""
        current = state.items[-1] if state.items else None
        if current is None:
            return ["main"]
        expected = current.number + 1
        if state.pending:  # a heading above: a new group, numbered on or from 1
            if marker.number in {expected, 1}:
                return ["main"]
            raise ListError(line, self._misnumbered(state, marker.number))
        text = ["text"] if marker.bare else []  # a bare number may be wrapped text after all
        sub = state.sub
        as_main = marker.number == expected and (sub is None or marker.style == state.style)
        if sub is not None and marker.style == sub.style and marker.number == sub.last + 1:
            return (self._tie(state, marker, indent) if as_main else ["sub"]) + text
        if sub is None and marker.number == 1:
            starts_sub = (
                current.lines[-1].endswith(":")
                or marker.style != state.style
                or indent >= current.indent + DEEPER
            )
            if starts_sub:
                return ["sub_start"] + (["main"] if as_main else []) + text
        if as_main:
            return ["main"] + text
        if text:
            return text
        raise ListError(line, self._misnumbered(state, marker.number))

    def _tie(self, state: _State, marker: Marker, indent: int) -> list[str]:
        """The next item's number and the sub-list's next number are the same."""
        sub, parent = state.sub, state.items[-1].indent
        if sub.indent >= parent + DEEPER:  # the sub-list is indented: indentation decides
            return ["sub"] if indent >= parent + DEEPER else ["main"]
        if sub.punct != state.punct and marker.punct == sub.punct:
            return ["sub", "main"]  # "3)" in a "1)" sub-list of a "1." list
        return ["main", "sub"]  # the main list goes on, unless the rest says otherwise

    def _branch(self, index: int, state: _State, readings: list[str], marker: Marker) -> _State:
        failures = []
        for reading in readings:
            self.tries += 1
            if self.tries > MAX_READINGS:
                raise _TooAmbiguous(
                    self.body[index][0],
                    f"the numbering of the {self.name} can be read in too many ways from here; "
                    "indent each sub-list under its item or letter it a), b), c).",
                )
            attempt = copy.deepcopy(state)
            self._apply(attempt, index, reading, marker)
            attempt.blank_before = False
            try:
                return self.read(index + 1, attempt)
            except _TooAmbiguous:
                raise
            except ListError as failure:
                failures.append(failure)
        raise max(failures, key=lambda failure: failure.line)  # the reading that went furthest

    def _apply(self, state: _State, index: int, reading: str, marker: Marker) -> None:
        line, raw = self.body[index]
        indent = self.indents.get(line, 0)
        current = state.items[-1] if state.items else None
        if reading == "text":
            self._text(state, index, raw, indent)
        elif reading == "sub_start":
            state.sub = _SubList(marker.style, marker.punct, marker.number, indent)
            current.lines.append(raw)
        elif reading == "sub":
            state.sub.last = marker.number
            current.lines.append(raw)
        else:
            if state.pending:
                state.group = " ".join(state.pending).rstrip(":").strip()
                state.pending = []
            state.sub = None
            state.style, state.punct = marker.style, marker.punct
            state.items.append(Item(line, marker.number, state.group, [marker.text], indent))

    def _text(self, state: _State, index: int, text: str, indent: int) -> None:
        if not state.items or state.pending:
            self._pend(state, index, text)
            return
        current = state.items[-1]
        if SUB_MARKER.match(text):
            current.lines.append(text)
        elif current.lines[-1].endswith(":") and not state.blank_before:
            current.lines.append(text)  # an unmarked sub-list
        elif indent >= current.indent + DEEPER:
            _continue(current, text)
        elif _is_heading(
            text, state.blank_before or indent < current.indent, state, self.body[index + 1 :]
        ):
            self._pend(state, index, text)
        else:
            _continue(current, text)

    @staticmethod
    def _pend(state: _State, index: int, text: str) -> None:
        if not state.pending:
            state.pending_from = index
        state.pending.append(text)

    def _misnumbered(self, state: _State, number: int) -> str:
        current = state.items[-1]
        part = (
            f" (or part {state.sub.last + 1} of the list inside item {current.number})"
            if state.sub and not state.pending
            else ""
        )
        return (
            f"{self.name} item {number} comes where item {current.number + 1}{part} was "
            "expected; check whether an item is missing or misnumbered."
        )


def _bare_item(state: _State, marker: Marker, indent: int, first) -> bool:
    """A bare number starts an item only where the list's own numbering says one is due."""
    if not state.items:
        return marker.number in first or (marker.number == 1 and bool(state.pending))
    current = state.items[-1]
    if not state.bare or marker.style != state.style or abs(indent - current.indent) >= DEEPER:
        return False
    return marker.number == current.number + 1 or (marker.number == 1 and bool(state.pending))


def _is_heading(text: str, blank_before: bool, state: _State, rest: list[Line]) -> bool:
    """An element or sub-heading rather than the continuation of the item above it."""
    first_letter = next((c for c in text if c.isalpha()), "")
    if not first_letter.isupper():
        return False
    if blank_before:
        return True
    if _CONNECTOR_END.search(state.items[-1].lines[-1]):
        return False  # "... report hazards to the" / "Responsible Person"
    upcoming = next((t for _, t in rest if t), "")
    if numbered_item(upcoming) is not None:
        # Compact layout (no blank lines): a short line that ends nothing starts a new group.
        return len(text.split()) <= 15 and not text.endswith((".", ",", ";"))
    # A heading standing alone after the last item ("Key terms", then a blank line, then text).
    return bool(rest) and not rest[0][1] and looks_like_heading(text)


def _continue(item: Item, text: str) -> None:
    last = item.lines[-1]
    if not last:
        item.lines[-1] = text
    elif last.endswith("-") and len(last) > 1 and last[-2].isalpha() and text[:1].islower():
        item.lines[-1] = last + text  # a word hyphenated across lines
    else:
        item.lines[-1] = f"{last} {text}"
