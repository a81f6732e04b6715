"""`/feeds/maintenances.ics`: planned maintenance as an iCalendar feed calendar apps import.

Each maintenance is one event whose UID depends only on the incident id and the site's
domain, so a calendar updates it in place; SEQUENCE counts its published updates and
DTSTAMP is its last update's date, never the build time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from icalendar import Calendar, Event

from vigie import french, urls
from vigie.model import Status

if TYPE_CHECKING:
    from vigie.derive import IncidentView, SiteView

STATUS = {
    Status.SCHEDULED: "CONFIRMED",
    Status.IN_PROGRESS: "CONFIRMED",
    Status.VERIFYING: "CONFIRMED",
    Status.COMPLETED: "CONFIRMED",
}


def _event(view: IncidentView, site: SiteView) -> Event:
    settings = site.site.settings
    incident = view.incident
    start = french.local(incident.planned_start or incident.started, settings.timezone)
    end = french.local(incident.planned_end or start, settings.timezone)
    url = urls.incident_page(settings, incident.id)
    event = Event()
    event.add("uid", urls.calendar_uid(settings, incident.id))
    event.add("dtstamp", french.local(view.last_update.date, settings.timezone))
    event.add("last-modified", french.local(view.last_update.date, settings.timezone))
    event.add("sequence", len(view.updates) - 1)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{incident.title} ({french.STATUS[view.last_update.status].lower()})")
    event.add("description", french.calendar_description(incident.summary, url))
    event.add("url", url)
    event.add("status", STATUS.get(view.last_update.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")
    return event


def calendar(view: SiteView) -> bytes:
    """Every published planned maintenance, soonest first, with the site's time zone."""
    settings = view.site.settings
    cal = Calendar()
    cal.add("prodid", f"-//{settings.organisation}//Vigie//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", french.calendar_name(settings.organisation))
    cal.add("x-wr-timezone", settings.timezone)
    maintenances = sorted(
        (i for i in view.incidents if i.incident.is_maintenance),
        key=lambda i: (i.incident.planned_start or i.incident.started, i.incident.id),
    )
    for maintenance in maintenances:
        cal.add_component(_event(maintenance, view))
    cal.add_missing_timezones()
    return cal.to_ical()


def files(view: SiteView) -> dict[str, bytes]:
    """The iCalendar file, by its path in the site."""
    return {urls.CALENDAR: calendar(view)}
