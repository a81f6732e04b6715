"""How each state looks wherever it is shown: its level (colour class) and its icon."""

from __future__ import annotations

from vigie.model import ComponentStatus, Impact

LEVELS = {
    ComponentStatus.OPERATIONAL: ("ok", "material/check-circle"),
    ComponentStatus.UNDER_MAINTENANCE: ("maintenance", "material/wrench"),
    ComponentStatus.DEGRADED_PERFORMANCE: ("minor", "material/alert-circle"),
    ComponentStatus.PARTIAL_OUTAGE: ("major", "material/alert"),
    ComponentStatus.MAJOR_OUTAGE: ("critical", "material/close-octagon"),
}


IMPACT_LEVELS = {
    Impact.NONE: ("ok", "material/check-circle"),
    Impact.MINOR: ("minor", "material/alert-circle"),
    Impact.MAJOR: ("major", "material/alert"),
    Impact.CRITICAL: ("critical", "material/close-octagon"),
}
