"""The SVG bar chart: well-formed, accessible, escaped, and mirrored right to left."""

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from atlas.core.charts import NARROW_WIDTH, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(bars: list[Bar], **options: Any) -> ET.Element:
    svg = bar_chart(
        bars,
        title=options.pop("title", "Scores by area"),
        description=options.pop("description", "Each area's score out of 100."),
        missing_text="no score",
        median_text="peer median",
        range_text="peer range",
        **options,
    )
    return parse(svg)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (the markup bar_chart just wrote)


def test_the_chart_is_well_formed_xml_with_a_role_title_and_description() -> None:
    root = chart([Bar("Health", 62.5, median=50.0, low=25.0, high=75.0), Bar("Cost", None)])
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.find(f"{SVG}title").text == "Scores by area"  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").get("id") == "chart-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Each area's score out of 100."  # type: ignore[union-attr]


def test_a_hostile_label_is_text_not_markup() -> None:
    hostile = '<script>alert(1)</script>" onload="x'
    svg = bar_chart(
        [Bar(hostile, 10.0)],
        title="<b>t</b>",
        description="d & e",
        missing_text="-",
    )
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
    # A long label is wrapped onto two lines; its words are all there, as text.
    assert any(hostile.replace(" ", "") == text.replace(" ", "") for text in texts)
    assert root.find(f"{SVG}title").text == "<b>t</b>"  # type: ignore[union-attr]
    # No element gained an attribute from the label.
    assert all("onload" not in element.attrib for element in root.iter())


def test_a_long_label_is_wrapped_onto_two_lines_at_a_space() -> None:
    root = chart([Bar("Partnership with and funding of civil society", 40.0)])
    label = next(e for e in root.iter(f"{SVG}text") if list(e))
    lines = [span.text for span in label.iter(f"{SVG}tspan")]
    assert lines == ["Partnership with and funding", "of civil society"]


def test_no_style_attribute_anywhere() -> None:
    root = chart([Bar("Health", 40.0, median=60.0, low=20.0, high=80.0)])
    assert all("style" not in element.attrib for element in root.iter())


def test_bars_are_proportional_to_the_score_and_values_are_written() -> None:
    root = chart([Bar("Health", 100.0), Bar("Education", 25.0), Bar("Cost", None)])
    bars = [element for element in root.iter(f"{SVG}rect") if element.get("class") == "bar"]
    widths = [float(bar.get("width", "0")) for bar in bars]
    assert len(bars) == 2
    # 25 is a quarter of 100, whatever the plot's width.
    assert widths[1] == pytest.approx(widths[0] / 4)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "100.0" in texts and "25.0" in texts and "no score" in texts


def test_right_to_left_mirrors_the_bars_from_the_right_edge() -> None:
    bars = [Bar("صحة", 50.0, median=80.0)]
    ltr = chart(bars)
    rtl = chart(bars, direction="rtl")
    width = float(ltr.get("viewBox", "").split()[2])

    def bar_and_median(root: ET.Element) -> tuple[float, float, float]:
        bar = next(e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar")
        median = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "median")
        return float(bar.get("x", "0")), float(bar.get("width", "0")), float(median.get("x1", "0"))

    ltr_x, ltr_width, ltr_median = bar_and_median(ltr)
    rtl_x, rtl_width, rtl_median = bar_and_median(rtl)
    assert rtl_width == ltr_width
    # The bar's inline-start edge in RTL is the mirror image of its LTR start.
    assert rtl_x + rtl_width == pytest.approx(width - ltr_x)
    assert rtl_median == pytest.approx(width - ltr_median)
    # The median (80) lies beyond the bar's end (50): to the right in LTR, to the left in RTL.
    assert ltr_median > ltr_x + ltr_width
    assert rtl_median < rtl_x
    assert all(e.get("direction") == "rtl" for e in rtl.iter(f"{SVG}text") if e.text)


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_a_narrow_chart_keeps_every_bar_and_value_inside_it_mirrored_right_to_left(
    direction: str,
) -> None:
    # A chart drawn for a phone, with several bars and labels that wrap: every bar and every
    # value lies within the chart, in proportion, on the side its direction puts it.
    bars = [
        Bar("Demo province 1 (fictional)", 100.0, "21541"),
        Bar("Demo province 2", 20.0, "4500"),
        Bar("Demo province 3 (fictional)", None),
    ]
    root = chart(bars, width=NARROW_WIDTH, direction=direction)
    assert root.get("viewBox", "").split()[2] == str(NARROW_WIDTH)
    rects = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]
    spans = [(float(e.get("x", "0")), float(e.get("width", "0"))) for e in rects]
    assert all(x >= 0 and x + w <= NARROW_WIDTH for x, w in spans)
    assert spans[1][1] == pytest.approx(spans[0][1] / 5)
    texts = {e.text: float(e.get("x", "0")) for e in root.iter(f"{SVG}text") if e.text}
    assert {"21541", "4500", "no score"} <= set(texts)
    assert all(0 <= x <= NARROW_WIDTH for x in texts.values())
    # The bars share their inline-start edge: the left one in LTR, the right one in RTL.
    starts = {x if direction == "ltr" else x + w for x, w in spans}
    assert len({round(s, 2) for s in starts}) == 1
    if direction == "rtl":  # each bar the mirror image of its left-to-right twin
        ltr = chart(bars, width=NARROW_WIDTH)
        ltr_rects = [e for e in ltr.iter(f"{SVG}rect") if e.get("class") == "bar"]
        for (x, w), other in zip(spans, ltr_rects, strict=True):
            assert x + w == pytest.approx(NARROW_WIDTH - float(other.get("x", "0")))


def test_a_chart_too_narrow_for_its_bars_is_refused() -> None:
    with pytest.raises(ValueError, match="no room"):
        chart([Bar("Health", 50.0)], width=150)


def test_an_unsafe_id_prefix_or_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        bar_chart([], title="t", description="d", missing_text="-", id_prefix='x" onload="y')
    with pytest.raises(ValueError, match="direction"):
        bar_chart([], title="t", description="d", missing_text="-", direction="auto")


def test_a_chart_of_relative_bars_writes_no_scale_values() -> None:
    from atlas.core.charts import Bar, bar_chart

    scaled = bar_chart([Bar("A", 50.0)], title="t", description="d", missing_text="-")
    relative = bar_chart(
        [Bar("A", 50.0)], title="t", description="d", missing_text="-", scale_values=False
    )
    assert ">75</text>" in scaled and ">75</text>" not in relative
    assert relative.count("<line") == scaled.count("<line")
    # Nothing is written under a relative chart's plot, so no band is kept for it there.
    height = [float(parse(svg).get("viewBox", "").split()[3]) for svg in (scaled, relative)]
    assert height[1] < height[0]
