"""Charts drawn on the server as SVG markup: no JavaScript, no styles, readable without colour.

`bar_chart` draws one horizontal bar per row on a 0–100 scale (a score), with an optional
reference for each row: a range (a thin line from its lowest to its highest value) and a
median (a tall tick), as a benchmark against peers is shown. The SVG is meant to sit inside
an HTML page, so it carries what a screen reader needs and what the page's rules allow:

- ``role="img"`` and ``aria-labelledby`` naming its ``<title>`` and ``<desc>``; the same
  numbers belong in a table beside it (the chart does not replace the table);
- every bar has its value written beside it, and a row without a value says so in words;
  the median tick differs from the bar by shape (a line across the bar), not only by colour,
  and a legend says what it is;
- right to left (``direction="rtl"``): labels sit on the right and bars grow leftward from
  them, so the bars start from the inline-start side as the text does;
- presentation attributes only (``fill``, ``x``, ``width``), never ``style=``: the site's
  content security policy forbids inline styles, in SVG too;
- every piece of text is escaped (`xml.sax.saxutils`), so a label cannot inject markup.

Text is given by the caller, already in the reader's language: this module translates nothing.

>>> svg = bar_chart(
...     [Bar(label="Health", value=62.5, median=50.0, low=25.0, high=75.0),
...      Bar(label="Cost <& fees>", value=None)],
...     title="Scores by area", description="Two areas.", missing_text="no score",
...     median_text="peer median", range_text="peer range")
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
True
>>> 'role="img"' in svg, "<title id=" in svg, "Cost &lt;&amp; fees&gt;" in svg
(True, True, True)
>>> ">62.5</text>" in svg, ">no score</text>" in svg
(True, True)
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Geometry, in SVG user units (the chart scales to its container through its viewBox).
WIDTH = 640
# A chart for a phone's screen: drawn this wide, it shows its text at about FONT_SIZE pixels
# on a 360-pixel screen, where a WIDTH-wide chart shrinks it to about 6 (its page should then
# keep it narrow on a wide screen too; see `bar_chart`).
NARROW_WIDTH = 320
# The label column takes at most this share of the chart's width (labels wrap to two lines).
MAX_LABEL_SHARE = 0.4
ROW_HEIGHT = 28
BAR_HEIGHT = 16
PADDING = 8
FONT_SIZE = 12
LINE_HEIGHT = 13
# A rough width of one character at FONT_SIZE, to size the label column without a font.
CHAR_WIDTH = 6.5
MIN_LABEL_WIDTH = 80
MAX_LABEL_WIDTH = 200
# The column after the plot where each bar's value is written ("100.0"), clear of the marks.
VALUE_WIDTH = 48
SCALE_MAX = 100.0
TICKS = (0, 25, 50, 75, 100)

# Colours with enough contrast on white; none carries meaning alone (see the module docstring).
BAR_FILL = "#3d85c6"
REFERENCE_STROKE = "#1a1a1a"
GRID_STROKE = "#cccccc"
TEXT_FILL = "#1a1a1a"
MUTED_FILL = "#555555"

_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label, a value on 0–100 (None: nothing to draw), the text
    written beside the bar (the value with one decimal unless given), and an optional
    reference: a median and a range (low–high)."""

    label: str
    value: float | None
    value_text: str | None = None
    median: float | None = None
    low: float | None = None
    high: float | None = None


def _clamp(value: float) -> float:
    return max(0.0, min(SCALE_MAX, float(value)))


def _wrap(text: str, width: int) -> list[str]:
    """Split a label into at most two lines of about ``width`` characters, at spaces; a
    second line that is still too long ends with an ellipsis (the table gives it in full).

    >>> _wrap("Partnership with and funding of civil society", 30)
    ['Partnership with and funding', 'of civil society']
    >>> _wrap("Health", 30)
    ['Health']
    >>> _wrap("a b c d e f g h", 3)
    ['a b', 'c …']
    """
    if len(text) <= width:
        return [text]
    words = text.split()
    first = ""
    while words and (not first or len(first) + 1 + len(words[0]) <= width):
        first = f"{first} {words.pop(0)}".strip()
    rest = " ".join(words)
    if len(rest) > width:
        rest = rest[: max(1, width - 2)].rstrip() + " …"
    return [first, rest] if rest else [first]


def _number(value: float) -> str:
    """A coordinate written short: 12.0 → "12", 12.25 → "12.25"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attributes(**values: object) -> str:
    # A trailing underscore lets Python names stand for SVG ones (class_ → class); the
    # other underscores become hyphens (text_anchor → text-anchor).
    return "".join(
        f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}"
        for name, value in values.items()
        if value is not None
    )


def _element(name: str, text: str | None = None, **values: object) -> str:
    attributes = _attributes(**values)
    if text is None:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{escape(text)}</{name}>"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    missing_text: str,
    median_text: str = "",
    range_text: str = "",
    direction: str = "ltr",
    id_prefix: str = "chart",
    scale_values: bool = True,
    width: int = WIDTH,
) -> str:
    """Return the SVG markup of a horizontal bar chart of ``bars`` on a 0–100 scale.

    With ``scale_values=False`` the grid keeps its lines but writes no 0–100 values under
    them, for bars drawn relative to the largest of several counts.

    ``title`` and ``description`` become the chart's ``<title>`` and ``<desc>``;
    ``missing_text`` is written where a bar has no value; ``median_text`` and ``range_text``
    label the reference marks in the legend (drawn only when some bar has a reference).
    ``direction`` is "ltr" or "rtl"; ``id_prefix`` (lower-case letters, digits, hyphens)
    keeps the ids unique when a page holds several charts. ``width`` is the chart's width
    in user units: the SVG scales to its container, and its text with it, so a chart read on
    phones is drawn `NARROW_WIDTH` wide (and kept about that wide on a wide screen by its
    page's styles); its label column takes at most `MAX_LABEL_SHARE` of it. Raise ValueError
    for another direction, an id prefix that is not a plain name, or a width too narrow for
    a plot.

    In right-to-left the bars grow from the right edge of the plot, leftward:

    >>> ltr = bar_chart([Bar("A", 50.0)], title="t", description="d", missing_text="-")
    >>> rtl = bar_chart([Bar("A", 50.0)], title="t", description="d", missing_text="-",
    ...                 direction="rtl")
    >>> import re
    >>> [re.search(r'<rect class="bar" x="([0-9.]+)" [^>]*width="([0-9.]+)"', svg).groups()
    ...  for svg in (ltr, rtl)]
    [('96', '244'), ('300', '244')]
    >>> bar_chart([], title="t", description="d", missing_text="-", direction="up")
    Traceback (most recent call last):
    ...
    ValueError: direction must be 'ltr' or 'rtl', not 'up'
    """
    if direction not in ("ltr", "rtl"):
        raise ValueError(f"direction must be 'ltr' or 'rtl', not {direction!r}")
    if not _ID.match(id_prefix):
        raise ValueError(f"id_prefix must be lower-case letters, digits and hyphens: {id_prefix!r}")
    is_rtl = direction == "rtl"
    longest = max((len(bar.label) for bar in bars), default=0)
    widest = min(MAX_LABEL_WIDTH, round(width * MAX_LABEL_SHARE))
    label_width = max(MIN_LABEL_WIDTH, min(widest, round(longest * CHAR_WIDTH) + 2))
    plot_start = PADDING + label_width + PADDING
    plot_width = width - plot_start - VALUE_WIDTH - PADDING
    if plot_width < VALUE_WIDTH:
        raise ValueError(f"width {width} leaves no room for the bars")
    has_reference = any(bar.median is not None or bar.low is not None for bar in bars)
    top = PADDING
    axis_y = top + len(bars) * ROW_HEIGHT
    legend_y = axis_y + FONT_SIZE + PADDING + 4
    height = legend_y + (FONT_SIZE + PADDING if has_reference else 0) + PADDING
    if not scale_values and not has_reference:
        height = axis_y + PADDING  # nothing is written under the plot

    def x_of(value: float) -> float:
        """The x of a point ``value`` along the scale, from the inline-start side."""
        offset = plot_start + _clamp(value) / SCALE_MAX * plot_width
        return width - offset if is_rtl else offset

    def span(start: float, end: float) -> tuple[float, float]:
        """x and width of the stretch between two values, whichever way the text runs."""
        left, right = sorted((x_of(start), x_of(end)))
        return left, right - left

    # Text at the inline start is anchored at its end next to the plot, and the reverse.
    label_x = plot_start - PADDING
    label_x = width - label_x if is_rtl else label_x
    text_direction = direction
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg"{_attributes(viewBox=f"0 0 {width} {height}")}'
        f"{_attributes(width='100%', role='img', aria_labelledby=f'{title_id} {desc_id}')}"
        f"{_attributes(class_='chart', font_size=FONT_SIZE, font_family='sans-serif')}>",
        _element("title", title, id=title_id),
        _element("desc", description, id=desc_id),
    ]
    # Grid lines and their values under the plot.
    for tick in TICKS:
        tick_x = _number(x_of(tick))
        parts.append(
            _element(
                "line", x1=tick_x, x2=tick_x, y1=top, y2=axis_y, stroke=GRID_STROKE, stroke_width=1
            )
        )
        if not scale_values:
            continue
        parts.append(
            _element(
                "text",
                str(tick),
                x=tick_x,
                y=axis_y + FONT_SIZE + 2,
                text_anchor="middle",
                direction=text_direction,
                fill=MUTED_FILL,
                aria_hidden="true",
            )
        )
    for index, bar in enumerate(bars):
        row_top = top + index * ROW_HEIGHT
        bar_top = row_top + (ROW_HEIGHT - BAR_HEIGHT) / 2
        middle = row_top + ROW_HEIGHT / 2
        baseline = _number(middle + FONT_SIZE / 3)
        lines = _wrap(bar.label, int(label_width / CHAR_WIDTH))
        if len(lines) == 1:
            parts.append(
                _element(
                    "text",
                    bar.label,
                    x=_number(label_x),
                    y=baseline,
                    text_anchor="end",
                    direction=text_direction,
                    fill=TEXT_FILL,
                )
            )
        else:
            # Two lines, centred on the row, each a <tspan> at the same x.
            first = middle + FONT_SIZE / 3 - LINE_HEIGHT / 2
            spans = "".join(
                _element("tspan", line, x=_number(label_x), y=_number(first + i * LINE_HEIGHT))
                for i, line in enumerate(lines)
            )
            attributes = _attributes(text_anchor="end", direction=text_direction, fill=TEXT_FILL)
            parts.append(f"<text{attributes}>{spans}</text>")
        if bar.value is None:
            parts.append(
                _element(
                    "text",
                    bar.value_text or missing_text,
                    x=_number(x_of(0) + (-4 if is_rtl else 4)),
                    y=baseline,
                    text_anchor="start",
                    direction=text_direction,
                    fill=MUTED_FILL,
                    font_style="italic",
                )
            )
        else:
            bar_x, bar_width = span(0, bar.value)
            parts.append(
                _element(
                    "rect",
                    class_="bar",
                    x=_number(bar_x),
                    y=_number(bar_top),
                    width=_number(bar_width),
                    height=BAR_HEIGHT,
                    fill=BAR_FILL,
                )
            )
            text = bar.value_text if bar.value_text is not None else f"{bar.value:.1f}"
            parts.append(
                _element(
                    "text",
                    text,
                    x=_number(x_of(SCALE_MAX) + (-4 if is_rtl else 4)),
                    y=baseline,
                    text_anchor="start",
                    direction=text_direction,
                    fill=TEXT_FILL,
                )
            )
        if bar.low is not None and bar.high is not None:
            range_x, range_width = span(bar.low, bar.high)
            range_y = _number(middle)
            parts.append(
                _element(
                    "line",
                    class_="range",
                    x1=_number(range_x),
                    x2=_number(range_x + range_width),
                    y1=range_y,
                    y2=range_y,
                    stroke=REFERENCE_STROKE,
                    stroke_width=2,
                    stroke_dasharray="4 2",
                )
            )
        if bar.median is not None:
            median_x = _number(x_of(bar.median))
            parts.append(
                _element(
                    "line",
                    class_="median",
                    x1=median_x,
                    x2=median_x,
                    y1=_number(row_top + 2),
                    y2=_number(row_top + ROW_HEIGHT - 2),
                    stroke=REFERENCE_STROKE,
                    stroke_width=3,
                )
            )
    if has_reference:
        parts.extend(_legend(legend_y, x_of(0), is_rtl, median_text, range_text))
    parts.append("</svg>")
    return "".join(parts)


def _legend(y: float, start: float, is_rtl: bool, median_text: str, range_text: str) -> list[str]:
    """The key to the reference marks, drawn as they are drawn on the bars."""
    step = -1 if is_rtl else 1
    text_direction = "rtl" if is_rtl else "ltr"
    middle = y + FONT_SIZE / 2
    parts = [
        _element(
            "line",
            x1=_number(start),
            x2=_number(start),
            y1=_number(y),
            y2=_number(y + FONT_SIZE),
            stroke=REFERENCE_STROKE,
            stroke_width=3,
        ),
        _element(
            "text",
            median_text,
            x=_number(start + step * 8),
            y=_number(y + FONT_SIZE - 2),
            text_anchor="start",
            direction=text_direction,
            fill=TEXT_FILL,
        ),
    ]
    range_start = start + step * (16 + len(median_text) * CHAR_WIDTH + 16)
    parts += [
        _element(
            "line",
            x1=_number(range_start),
            x2=_number(range_start + step * 20),
            y1=_number(middle),
            y2=_number(middle),
            stroke=REFERENCE_STROKE,
            stroke_width=2,
            stroke_dasharray="4 2",
        ),
        _element(
            "text",
            range_text,
            x=_number(range_start + step * 26),
            y=_number(y + FONT_SIZE - 2),
            text_anchor="start",
            direction=text_direction,
            fill=TEXT_FILL,
        ),
    ]
    return parts
