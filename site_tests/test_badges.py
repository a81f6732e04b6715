"""SVG badges: valid XML, the state in words (text, <title>, aria-label), readable colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest

from vigie.outputs import badges

if TYPE_CHECKING:
    from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"


def read(path: Path) -> tuple[ET.Element, list[str]]:
    root = ET.parse(path).getroot()
    return root, [t.text or "" for t in root.iter(f"{SVG}text")]


def spoken(root: ET.Element) -> str:
    title = root.find(f"{SVG}title")
    assert title is not None
    assert root.get("role") == "img"
    assert root.get("aria-label") == title.text
    return title.text or ""


def test_site_badge_says_the_overall_state(site: Path):
    root, texts = read(site / "badge.svg")
    assert root.tag == f"{SVG}svg"
    assert texts == ["Mutuelle Horizon", "Un incident majeur est sous surveillance"]
    assert spoken(root) == "Mutuelle Horizon : Un incident majeur est sous surveillance"


@pytest.mark.parametrize(
    ("component", "name"),
    [
        ("tiers-payant", "Tiers payant"),
        ("remboursements", "Remboursements"),
        ("espace-adherent", "Espace adhérent"),
        ("service-client", "Service client"),
    ],
)
def test_component_badges_say_the_service_state(site: Path, component: str, name: str):
    root, texts = read(site / "components" / component / "badge.svg")
    assert texts == [name, "Fonctionne normalement"]
    assert spoken(root) == f"{name} : Fonctionne normalement"
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills == [badges.LABEL_BACKGROUND, badges.COLOURS["ok"]]


def test_badge_escapes_any_text():
    label = "A & <b> \"x\" 'y' 🚨 עברית"
    root = ET.fromstring(badges.badge(label, "État < 1 & > 0", "critical"))
    assert [t.text for t in root.iter(f"{SVG}text")] == [label, "État < 1 & > 0"]
    assert spoken(root) == f"{label} : État < 1 & > 0"


def test_badge_width_grows_with_its_text():
    short = ET.fromstring(badges.badge("A", "ok", "ok"))
    long = ET.fromstring(badges.badge("A", "Un incident critique est en cours", "ok"))
    assert int(long.get("width") or 0) > int(short.get("width") or 0) + 100


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("background", [badges.LABEL_BACKGROUND, *badges.COLOURS.values()])
def test_badge_text_contrast_is_at_least_4_5(background: str):
    lighter, darker = _luminance(badges.TEXT), _luminance(background)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5
