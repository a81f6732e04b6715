"""SVG badges: the overall state and each service's state, in words as well as colour.

Built as an XML tree (xml.etree), never as text: names and labels are escaped by the
serialiser. The badge says its state in its visible text, in `<title>` and in `aria-label`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from vigie import french, states, urls

if TYPE_CHECKING:
    from vigie.derive import SiteView

SVG_NS = "http://www.w3.org/2000/svg"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEIGHT = 20
PADDING = 6
FONT_SIZE = 11
FONT = "Verdana, 'DejaVu Sans', Geneva, sans-serif"
TEXT = "#ffffff"
LABEL_BACKGROUND = "#4a4a4a"
# One colour per render level; each keeps white text at a contrast of at least 4.5:1.
COLOURS = {
    "ok": "#2e7d32",
    "minor": "#8a5a00",
    "major": "#a84300",
    "critical": "#b71c1c",
    "maintenance": "#005a9c",
}

# Approximate advance widths at 11 px in Verdana-like fonts; `textLength` makes the
# renderer fit the text to exactly this width, so nothing overflows whatever the font.
_NARROW = frozenset("iIjl.,:;!'|’")
_SEMI = frozenset("frt()[]{}- /")
_WIDE = frozenset("mwMW@%")


def text_width(text: str) -> int:
    """An estimate of the width of `text` in pixels, at the badge's font size."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 3.4
        elif char in _SEMI:
            width += 4.6
        elif char in _WIDE:
            width += 10.5
        elif char.isupper() or char.isdigit():
            width += 7.5
        elif ord(char) < 0x2E80:
            width += 6.8
        else:  # CJK, emoji and other wide glyphs
            width += 11.0
    return round(width)


def badge(label: str, value: str, level: str) -> bytes:
    """A two-part badge "label | value", the value part coloured by `level`."""
    label_width = text_width(label) + 2 * PADDING
    value_width = text_width(value) + 2 * PADDING
    width = label_width + value_width
    spoken = f"{label} : {value}"
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            XML_LANG: "fr",
            "width": str(width),
            "height": str(HEIGHT),
            "viewBox": f"0 0 {width} {HEIGHT}",
            "role": "img",
            "aria-label": spoken,
        },
    )
    ET.SubElement(svg, "title").text = spoken
    ET.SubElement(
        svg, "rect", {"width": str(label_width), "height": str(HEIGHT), "fill": LABEL_BACKGROUND}
    )
    ET.SubElement(
        svg,
        "rect",
        {
            "x": str(label_width),
            "width": str(value_width),
            "height": str(HEIGHT),
            "fill": COLOURS[level],
        },
    )
    group = ET.SubElement(
        svg,
        "g",
        {
            "fill": TEXT,
            "font-family": FONT,
            "font-size": str(FONT_SIZE),
            "text-anchor": "middle",
            "aria-hidden": "true",
        },
    )
    for x, text, text_length in (
        (label_width / 2, label, label_width - 2 * PADDING),
        (label_width + value_width / 2, value, value_width - 2 * PADDING),
    ):
        ET.SubElement(
            group,
            "text",
            {
                "x": f"{x:g}",
                "y": "14",
                "textLength": str(text_length),
                "lengthAdjust": "spacingAndGlyphs",
            },
        ).text = text
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True) + b"\n"


def files(view: SiteView) -> dict[str, bytes]:
    """The site's badge and one badge per service, by their paths in the site."""
    settings = view.site.settings
    level = states.IMPACT_LEVELS[view.indicator][0]
    result = {urls.SITE_BADGE: badge(settings.organisation, view.headline, level)}
    for component, status in view.component_states:
        result[urls.component_badge(component.id)] = badge(
            component.name, french.COMPONENT_STATUS[status], states.LEVELS[status][0]
        )
    return dict(sorted(result.items()))
