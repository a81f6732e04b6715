"""Moments as staff write them: ISO 8601 with a UTC offset, never a bare day or local time.

One rule for every date a source or a setting gives, so that each is refused in the same
words wherever it is written.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from vigie import messages as msg

DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Years every conversion (UTC, local time, feeds, iCalendar) can take: near year 1 or 9999,
# moving to another offset overflows.
YEARS = (1970, 2999)


def parse_datetime(value: Any) -> tuple[datetime | None, str | None]:
    """An aware datetime from source text, or the message saying what is wrong with it."""
    if not isinstance(value, str):
        return None, msg.NOT_A_DATE.format(value=value)
    text = value.strip()
    if DATE_ONLY.match(text):
        return None, msg.DATE_ONLY.format(value=text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None, msg.NOT_A_DATE.format(value=text)
    if parsed.tzinfo is None:
        return None, msg.DATE_NO_OFFSET.format(value=text)
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        return None, msg.DATE_OUT_OF_RANGE.format(value=text, first=YEARS[0], last=YEARS[1])
    return parsed, None
