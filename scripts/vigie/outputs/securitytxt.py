"""`/.well-known/security.txt` (RFC 9116): who to tell about a flaw, until when that holds.

The file comes from the site settings (`security_contact`, `security_expires`). An expired
file tells researchers that nobody reads the address any more: `vigie check` refuses to
publish once `Expires` is past, and warns during the last days before.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from vigie import messages as msg
from vigie import urls
from vigie.messages import Problem

if TYPE_CHECKING:
    from vigie.model import Settings

WARN_BEFORE = timedelta(days=30)
EXPIRES_EXAMPLE = "2027-10-31T23:59:59+01:00"
_CONTACT = re.compile(r"^(?:mailto:[^\s@]+@[^\s@]+\.[^\s@]+|https://[^\s/]+\.[^\s]+)$")


def build_now() -> datetime:
    """The moment the build judges by: `SOURCE_DATE_EPOCH` when set, else the current time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


def contact(settings: Settings) -> str:
    """The Contact field: `security_contact`, else the site's contact address."""
    return settings.security_contact or f"mailto:{settings.contact_email}"


def expires(settings: Settings) -> tuple[datetime | None, str | None]:
    """The Expires moment, or the message saying what is wrong with the setting."""
    value = settings.security_expires.strip()
    if not value:
        example = f"security_expires: {EXPIRES_EXAMPLE}"
        return None, msg.OPTION_MISSING.format(option="security_expires", example=example)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None, msg.DATE_ONLY.format(value=value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, msg.NOT_A_DATE.format(value=value)
    if moment.tzinfo is None:
        return None, msg.DATE_NO_OFFSET.format(value=value)
    return moment, None


def problems(settings: Settings, now: datetime) -> tuple[list[Problem], list[Problem]]:
    """Errors (bad or past settings) and warnings (expiring soon) about security.txt."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    path = settings.config_path
    if not _CONTACT.match(contact(settings)):
        line = settings.option_line("security_contact")
        errors.append(Problem(path, line, msg.SECURITY_CONTACT_BAD.format(value=contact(settings))))
    line = settings.option_line("security_expires")
    moment, error = expires(settings)
    if error:
        errors.append(Problem(path, line, error))
    elif moment is not None and moment <= now:
        errors.append(Problem(path, line, msg.SECURITY_EXPIRED.format(date=moment.isoformat())))
    elif moment is not None and moment - now <= WARN_BEFORE:
        days = (moment - now).days
        warning = msg.SECURITY_EXPIRES_SOON.format(date=moment.isoformat(), days=days)
        warnings.append(Problem(path, line, warning))
    return errors, warnings


def text(settings: Settings) -> str:
    """The file's content, once the settings passed `problems`."""
    moment, _ = expires(settings)
    assert moment is not None
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = [
        f"Contact: {contact(settings)}",
        f"Expires: {stamp}",
        "Preferred-Languages: fr, en",
    ]
    if settings.site_url:
        fields.append(f"Canonical: {urls.absolute(settings, urls.SECURITY_TXT)}")
    return "\n".join(fields) + "\n"
