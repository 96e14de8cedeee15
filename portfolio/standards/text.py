"""Turning published NOS text (any encoding, any debris) into clean lines.

Text copied from the standards website often carries mojibake: a zero-width space saved as UTF-8
and read back as Mac Central European becomes "‚Äč". ftfy repairs the common cases; the table
below catches the invisible and typographic characters it leaves behind. None of it may reach a
criterion's text.
"""

import re
import unicodedata

import ftfy

#: Characters that only ever arrive as debris: removed wherever they appear.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
#: Typographic characters whose mis-decoded forms we turn back into the real thing.
TYPOGRAPHIC = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u00a0"
#: Single-byte encodings a UTF-8 file is commonly misread as.
MISREAD_AS = ("mac_latin2", "mac_roman", "cp1252", "latin-1")

_SPACES = re.compile(r"[^\S\n]+")


def _mojibake_table() -> dict[str, str]:
    table = {}
    for char in INVISIBLE + TYPOGRAPHIC:
        for encoding in MISREAD_AS:
            try:
                garbled = char.encode("utf-8").decode(encoding)
            except UnicodeDecodeError:
                continue
            table[garbled] = "" if char in INVISIBLE else char
    return table


MOJIBAKE = _mojibake_table()
_MOJIBAKE_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(MOJIBAKE, key=len)[::-1]))


def decode(data: bytes) -> str:
    """Bytes as a provider saves them: UTF-8 with or without BOM, UTF-16 with BOM, or Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what Windows calls Latin-1
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean(text: str) -> str:
    """Repair mojibake, drop invisible characters, and normalise line endings and spaces.

    Line breaks are kept (they carry the layout); runs of spaces become one space and every line
    is stripped.
    """
    return "\n".join(line for _, line in clean_lines(text))


def clean_lines(text: str) -> list[tuple[int, str]]:
    """``clean`` line by line, with each line's indentation (leading columns, a tab counting
    four): a wrapped line indented under its item's text is told from a new item by it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MOJIBAKE_PATTERN.sub(lambda m: MOJIBAKE[m.group(0)], text)
    text = ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        unescape_html=False,
        normalization="NFC",
    )
    text = "".join(_keep(char) for char in text)
    return [_indented(line) for line in text.split("\n")]


def _indented(line: str) -> tuple[int, str]:
    expanded = line.expandtabs(4)
    stripped = expanded.lstrip()
    return (len(expanded) - len(stripped) if stripped else 0), _SPACES.sub(" ", stripped).strip()


def _keep(char: str) -> str:
    if char in "\n\t":
        return char
    category = unicodedata.category(char)
    if category in {"Cf", "Cc", "Cs", "Co", "Cn"}:
        return ""
    if category in {"Zs", "Zl", "Zp"}:
        return " " if category == "Zs" else "\n"
    return char
