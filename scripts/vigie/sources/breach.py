"""What a personal-data breach notice must say (GDPR art. 34, with art. 33(3) b–d).

Pure checks on the notice as it stands after its last published update; `validate` turns
what is missing into `path:line` problems.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from vigie.model import AuthorityType

if TYPE_CHECKING:
    from vigie.model import Authority, NoticeState

NOTIFICATION_DELAY = timedelta(hours=72)

# Each element, in the order of the notice, with the source field that gives it.
ELEMENTS = (
    ("what_happened", "what_happened"),
    ("discovered", "breach.discovered"),
    ("exposure", "breach.exposure"),
    ("exposed", "data.exposed"),
    ("not_exposed", "data.not_exposed"),
    ("concerned", "breach.concerned"),
    ("individual_notice", "breach.individual_notice"),
    ("consequences", "breach.consequences"),
    ("measures", "measures"),
    ("planned_measures", "breach.planned_measures"),
    ("cnil", "authorities"),
    ("recommendations", "recommendations"),
    ("controller", "breach.controller"),
    ("rights", "breach.rights"),
)


def cnil_notification(state: NoticeState) -> Authority | None:
    """The first notification to the CNIL, if the notice records one."""
    notifications = [a for a in state.authorities if a.type == AuthorityType.CNIL]
    return min(notifications, key=lambda a: a.date, default=None)


def missing_elements(state: NoticeState) -> list[tuple[str, str]]:
    """(element, source field) for each art. 34 element the notice does not give."""
    breach = state.breach
    present = {
        "what_happened": bool(state.what_happened.strip()),
        "discovered": breach.discovered is not None,
        "exposure": breach.exposure_start is not None,
        "exposed": bool(state.data_exposed),
        "not_exposed": bool(state.data_not_exposed),
        "concerned": bool(breach.concerned.strip()),
        "individual_notice": bool(breach.individual_notice.strip()),
        "consequences": bool(breach.consequences),
        "measures": bool(state.measures),
        "planned_measures": bool(breach.planned_measures),
        "cnil": cnil_notification(state) is not None,
        "recommendations": bool(state.recommendations),
        "controller": breach.controller is not None,
        "rights": "cnil" in breach.rights.lower(),
    }
    return [(element, field) for element, field in ELEMENTS if not present[element]]


def late_cnil_notification(state: NoticeState) -> tuple[Authority, int] | None:
    """The CNIL notification and its delay in hours, when over 72 h and not explained."""
    notification = cnil_notification(state)
    discovered = state.breach.discovered
    if notification is None or discovered is None or notification.delay_reason.strip():
        return None
    delay = notification.date - discovered
    if delay <= NOTIFICATION_DELAY:
        return None
    return notification, int(delay.total_seconds() // 3600)
