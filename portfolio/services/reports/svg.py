"""Small charts drawn on the server as SVG, so they read without JavaScript and print as they
look. Each is one image to assistive technology (``role="img"`` named by its ``<title>`` and
``<desc>``); the page puts a table of the same figures beside it.

Colours are attributes, not inline styles (the Content-Security-Policy allows no inline style),
and every figure is also written as text on the chart, so nothing is told by colour alone.
Every value goes in through ``Markup.format``, which escapes it.
"""

from dataclasses import dataclass

from markupsafe import Markup

TEXT = "#0b0c0c"
BAR = "#1d70b8"
EDGE = "#b1b4b6"
#: (share up to, fill, text colour, legend): light for little met, dark for much, each with
#: text contrast of at least 4.5:1
BANDS = (
    (0.25, "#f3f2f1", TEXT, "under 25%"),
    (0.50, "#d2e2f1", TEXT, "25% to 49%"),
    (0.75, "#5694ca", TEXT, "50% to 74%"),
    (1.00, "#1d70b8", "#ffffff", "75% to 99%"),
    (None, "#003078", "#ffffff", "100%"),
)

SVG = Markup(
    '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {w} {h}" '
    'width="{w}" height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" id="{id}" '
    'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">'
    '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
)
TEXT_AT = Markup(
    '<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
    'fill="{fill}">{text}</text>'
)
RECT = Markup(
    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="{stroke}"></rect>'
)


def _text(x, y, text, *, size=15, weight=400, anchor="start", fill=TEXT) -> Markup:
    return TEXT_AT.format(x=x, y=y, size=size, weight=weight, anchor=anchor, fill=fill, text=text)


def _rect(x, y, w, h, fill, stroke="none") -> Markup:
    return RECT.format(x=x, y=y, w=w, h=h, fill=fill, stroke=stroke)


def _svg(chart_id, title, description, width, height, body) -> Markup:
    return SVG.format(
        w=width, h=height, id=chart_id, title=title, desc=description, body=Markup("").join(body)
    )


@dataclass
class Bar:
    label: str
    value: float
    #: how the value reads at the end of its bar (the number itself if not given)
    text: str | None = None


@dataclass
class HeatCell:
    label: str
    #: 0 to 1, or None when there is nobody to count
    share: float | None
    text: str
    group: str


def bar_chart(
    chart_id: str, title: str, description: str, bars: list[Bar], *, width: int = 720
) -> Markup:
    """Horizontal bars, one a row, labelled on the left, the value written at the bar's end."""
    label_width, value_width, row, bar = 260, 90, 34, 22
    area = width - label_width - value_width
    top = max((b.value for b in bars), default=0) or 1
    body = []
    for n, item in enumerate(bars):
        y = 4 + n * row
        length = round(area * max(item.value, 0) / top, 1)
        text = item.text if item.text is not None else f"{item.value:g}"
        body += [
            _text(label_width - 10, y + bar - 6, item.label, anchor="end"),
            _rect(label_width, y, length, bar, BAR),
            _text(label_width + length + 8, y + bar - 6, text),
        ]
    height = max(row * len(bars), row) + 8
    return _svg(chart_id, title, description, width, height, body)


def band(share: float | None) -> tuple[str, str]:
    """The fill and text colour for a share met."""
    if share is None:
        return "#ffffff", TEXT
    for upper, fill, ink, _ in BANDS:
        if upper is None or share < upper:
            return fill, ink
    return BANDS[-1][1], BANDS[-1][2]


def heat_chart(
    chart_id: str, title: str, description: str, cells: list[HeatCell], *, per_row: int = 10
) -> Markup:
    """A grid of squares, one per criterion, grouped (performance criteria, knowledge items),
    each shaded by the share met and labelled with its code and that share, with a legend."""
    cell_w, cell_h, gap, heading = 66, 54, 6, 30
    groups: dict[str, list[HeatCell]] = {}
    for cell in cells:
        groups.setdefault(cell.group, []).append(cell)
    body, y = [], 0
    for group, members in groups.items():
        body.append(_text(gap, y + 20, group, size=16, weight=700))
        y += heading
        for n, cell in enumerate(members):
            x = gap + (n % per_row) * (cell_w + gap)
            top = y + (n // per_row) * (cell_h + gap)
            fill, ink = band(cell.share)
            middle = x + cell_w / 2
            body += [
                _rect(x, top, cell_w, cell_h, fill, EDGE),
                _text(middle, top + 22, cell.label, weight=700, anchor="middle", fill=ink),
                _text(middle, top + 42, cell.text, size=14, anchor="middle", fill=ink),
            ]
        y += (len(members) + per_row - 1) // per_row * (cell_h + gap) + gap
    body.append(_text(gap, y + 18, "Share met:", size=14))
    x = gap + 90
    for _, fill, _, legend in BANDS:
        body += [_rect(x, y + 4, 18, 18, fill, EDGE), _text(x + 24, y + 18, legend, size=14)]
        x += 24 + 9 * len(legend) + 16
    width = max(per_row * (cell_w + gap) + gap, x)
    return _svg(chart_id, title, description, width, y + 30, body)
