"""`/.well-known/security.txt` (RFC 9116): who to tell about a flaw, until when that holds.

The file comes from the site settings (`security_contact`, `security_expires`). An expired
file tells researchers that nobody reads the address any more: `vigie check` refuses to
publish once `Expires` is past, and warns during the last days before (sources/settings.py).
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from vigie import urls

if TYPE_CHECKING:
    from vigie.model import Settings


def contact(settings: Settings) -> str:
    """The Contact field: `security_contact`, else the site's contact address."""
    return settings.security_contact or f"mailto:{settings.contact_email}"


def text(settings: Settings) -> str:
    """The file's content, once the settings passed their checks (`security_expires` set)."""
    moment = settings.security_expires
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
