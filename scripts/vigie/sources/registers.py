"""The two registers of messages, judged apart because they must never be mistaken.

`communications.yml` lists the messages the organisation SENT; `fraudulent-messages.yml`
the messages reported to it that it did NOT send (a phishing wave quoting its name). Both
are optional lists beside `incident.yml`; each entry gets an id that depends on what it
says, never on its place in the file, since feeds and anchors are made from it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from vigie import messages as msg
from vigie.messages import Problem
from vigie.model import Communication, FraudChannel, FraudulentMessage
from vigie.sources.dates import YEARS, parse_datetime
from vigie.sources.links import link_policy
from vigie.sources.structure import judged_structure
from vigie.sources.workflow import slugify

if TYPE_CHECKING:
    from collections.abc import Callable

    from vigie.memo import Memo
    from vigie.model import Settings
    from vigie.sources.load import Document

# What these checks tell staff (messages.py is full).
BAD_SEEN_DATE = (
    "date invalide « {value} » : écrivez une date (2024-02-12) ou une date et heure avec "
    "décalage horaire (2024-02-12T09:30:00+01:00)"
)
LAST_BEFORE_FIRST = "last_seen ({last}) est avant first_seen ({first}) : inversez-les ou corrigez"
DUPLICATE_FRAUD = (
    "ce message frauduleux est déjà dans le registre (ligne {first} : même canal, même "
    "expéditeur, même premier signalement) : gardez-en une seule entrée et mettez à jour "
    "last_seen"
)
FAKES_EMPTY = (
    "« fakes » est vide : donnez au moins une fausse adresse, un faux numéro ou un faux site "
    "du message, tel quel (exemple : fakes: [faux-remboursement.example])"
)
FRAUD_IS_OURS = (
    "« {fake} » est une adresse de {organisation} (own_domains, site_url) : un message "
    "frauduleux n'utilise pas nos adresses ; s'il vient vraiment de nous, mettez-le dans "
    "communications.yml"
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def communications(
    doc: Document | None, settings: Settings, problems: list[Problem], judged: Memo | None = None
) -> tuple[Communication, ...]:
    """The official messages sent, oldest first; what is wrong goes to `problems`."""
    if doc is None or doc.data is None:  # unreadable: load.py said why
        return ()
    problems.extend(judged_structure(doc, "communications", judged))
    result: list[Communication] = []
    first_lines: dict[str, int] = {}
    for index, item in enumerate(doc.data if isinstance(doc.data, list) else ()):
        if not isinstance(item, dict):
            continue
        value = item.get("date")
        sent, error = parse_datetime(value) if value is not None else (None, None)
        if error and isinstance(value, str):  # other types were reported by the schema
            problems.append(Problem(doc.path, doc.line(index, "date"), error))
        texts = [item.get(k) for k in ("channel", "sender", "subject", "audience")]
        if sent is None or not all(isinstance(t, str) for t in texts):
            continue
        channel = item["channel"]
        local = sent.astimezone(ZoneInfo(settings.timezone))
        message_id = f"{local:%Y-%m-%dT%H%M}-{channel}"
        if message_id in first_lines:
            duplicate = msg.DUPLICATE_COMMUNICATION.format(
                channel=channel, date=sent.isoformat(), first=first_lines[message_id]
            )
            problems.append(Problem(doc.path, doc.line(index, "date"), duplicate))
            continue
        first_lines[message_id] = doc.line(index, "date")
        result.append(Communication(message_id, sent, *texts))  # type: ignore[arg-type]
    return tuple(sorted(result, key=lambda c: (c.date, c.id)))


def _seen(value: Any, report: Callable[[str], None]) -> date | None:
    """A day (`date`) or an aware moment (`datetime`) from source text."""
    if not isinstance(value, str):
        return None  # reported by the schema
    text = value.strip()
    if _DATE_ONLY.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            report(BAD_SEEN_DATE.format(value=text))
            return None
        if YEARS[0] <= day.year <= YEARS[1]:
            return day
        report(msg.DATE_OUT_OF_RANGE.format(value=text, first=YEARS[0], last=YEARS[1]))
        return None
    moment, error = parse_datetime(text)
    if error:  # a moment without its offset has its own message; anything else is no date
        report(
            BAD_SEEN_DATE.format(value=text)
            if error == msg.NOT_A_DATE.format(value=text)
            else error
        )
    return moment


def seen_day(value: date, timezone: str) -> date:
    """The day a sighting was made, in the site's time zone."""
    if hasattr(value, "astimezone"):
        return value.astimezone(ZoneInfo(timezone)).date()
    return value


def fraudulent_messages(
    doc: Document | None, settings: Settings, problems: list[Problem], judged: Memo | None = None
) -> tuple[FraudulentMessage, ...]:
    """The reported fraudulent messages, oldest first; what is wrong goes to `problems`."""
    if doc is None or not isinstance(doc.data, list):  # unreadable: load.py said why
        return ()
    problems.extend(judged_structure(doc, "fraudulent-messages", judged))
    own = link_policy(settings)
    result: list[FraudulentMessage] = []
    first_lines: dict[str, int] = {}
    for index, item in enumerate(doc.data):
        if not isinstance(item, dict):
            continue

        def report(message: str, key: str, index: int = index) -> None:
            problems.append(Problem(doc.path, doc.line(index, key), message))

        first = _seen(item.get("first_seen"), lambda m: report(m, "first_seen"))
        last = _seen(item.get("last_seen"), lambda m: report(m, "last_seen"))
        zone = settings.timezone
        if first and last and seen_day(last, zone) < seen_day(first, zone):
            report(
                LAST_BEFORE_FIRST.format(last=item["last_seen"], first=item["first_seen"]),
                "last_seen",
            )
        fakes = item.get("fakes")
        if fakes == []:
            report(FAKES_EMPTY, "fakes")
        fakes = (
            [f for f in fakes if isinstance(f, str) and f.strip()]
            if isinstance(fakes, list)
            else []
        )
        for number, fake in enumerate(fakes):
            host = _host_of(fake)
            if host and own.is_own(host):
                line = doc.line(index, "fakes", number)
                problems.append(
                    Problem(
                        doc.path,
                        line,
                        FRAUD_IS_OURS.format(fake=fake, organisation=settings.organisation),
                    )
                )
        texts = [item.get(k) for k in ("sender", "subject", "if_answered")]
        if first is None or item.get("channel") not in list(FraudChannel) or not fakes:
            continue
        if not all(isinstance(t, str) for t in texts):
            continue
        sender, subject, if_answered = texts
        sender_slug = slugify(sender, "expediteur")[:40].strip("-")
        message_id = f"{seen_day(first, zone):%Y-%m-%d}-{item['channel']}-{sender_slug}"
        if message_id in first_lines:
            report(DUPLICATE_FRAUD.format(first=first_lines[message_id]), "first_seen")
            continue
        first_lines[message_id] = doc.line(index, "first_seen")
        result.append(
            FraudulentMessage(
                id=message_id,
                channel=FraudChannel(item["channel"]),
                first_seen=first,
                sender=sender,
                subject=subject,
                fakes=tuple(fakes),
                if_answered=if_answered,
                last_seen=last,
            )
        )
    return tuple(sorted(result, key=lambda m: (seen_day(m.first_seen, settings.timezone), m.id)))


_HOST = re.compile(
    r"(?i)^(?:[a-z][a-z0-9+.-]*://)?(?:[^\s/@]+@)?(?P<host>[^\s/:?#@]+\.[^\s/:?#@]+)"
)


def _host_of(fake: str) -> str:
    """The domain a fake address names (a URL, a bare domain, an e-mail address), or ""."""
    text = fake.strip().replace("[.]", ".").replace("[@]", "@")
    text = re.sub(r"(?i)^hxxp", "http", text)
    match = _HOST.match(text)
    return match.group("host").lower().rstrip(".") if match else ""
