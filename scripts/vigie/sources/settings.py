"""The site's settings in `mkdocs.yml`: every Vigie option judged at its line, then `Settings`.

MkDocs reads `mkdocs.yml` too, but stops at its first bad option and gives no line: Vigie
reads the file itself (config_file.py), keeping the line of each value, and reports every
problem at once as `mkdocs.yml:<line>: message`, against the options declared in config.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from vigie import config, french
from vigie import messages as msg
from vigie.messages import Problem
from vigie.model import DEFAULT_DATA_CATEGORIES, Accessibility, Component, DataCategory, Settings
from vigie.sources import notify
from vigie.sources.config_file import PLUGIN, UNREADABLE, read_config_file
from vigie.sources.dates import parse_datetime
from vigie.sources.links import HOSTNAME
from vigie.sources.load import SLUG, Document, name_reason

if TYPE_CHECKING:
    from datetime import datetime

    from vigie.config import Option

SECURITY_WARN_DAYS = 30  # security.txt: a warning this many days before `security_expires`
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_CONTACT = re.compile(r"^(?:mailto:[^\s@]+@[^\s@]+\.[^\s@]+|https://[^\s/]+\.[^\s]+)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INVALID: Any = object()  # a value reported as a problem: the default stands in for it


@dataclass(frozen=True)
class SettingsRead:
    """What `mkdocs.yml` says: the settings, and every problem found in the file."""

    settings: Settings | None  # None when the file gives none (unreadable, no vigie plugin)
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()  # shown, never refused (security.txt expiring soon)


def _type_name(value: Any) -> str:
    names = {str: "string", bool: "boolean", list: "array", dict: "object", int: "integer"}
    name = names.get(type(value), "number" if isinstance(value, float) else "null")
    return msg.TYPE_NAMES[name]


class _Judge:
    """Checks plain option values against their declarations, reporting at each line."""

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.doc.path, line, message))

    def mapping(
        self, data: dict[str, Any], options: tuple[Option, ...], keys: tuple[str | int, ...]
    ) -> dict[str, Any]:
        """The value of each option in `data` (its default when absent or wrong)."""
        prefix = "".join(f"{k}." for k in keys if isinstance(k, str))
        names = [o.name for o in options]
        for key in data:
            if key in names or (not keys and key in config.MKDOCS_OPTIONS):
                continue
            hint = msg.unknown_name_hint(key, names, msg.OPTION_CHOICES)
            line = self.doc.key_line(*keys, key)
            self.report(line, msg.OPTION_UNKNOWN.format(option=f"{prefix}{key}", hint=hint))
        values = {}
        for option in options:
            value = data.get(option.name)
            if value is UNREADABLE:
                values[option.name] = _fallback(option)
                continue
            if value is None and option.required:
                example = f"{option.name}: {option.example}"
                line = self.doc.line(*keys)
                self.report(
                    line, msg.OPTION_MISSING.format(option=prefix + option.name, example=example)
                )
            if value is not None:
                value = self.value(value, option, (*keys, option.name), prefix + option.name)
            elif option.type == config.MAPPING:
                value = self.mapping({}, option.options, (*keys, option.name))
            values[option.name] = (
                value if value is not None and value is not _INVALID else _fallback(option)
            )
        return values

    def value(self, value: Any, option: Option, keys: tuple[str | int, ...], field: str) -> Any:
        """`value` as the model takes it (a tuple for a list, a date…), or `_INVALID`."""
        line = self.doc.line(*keys)
        kind = option.type
        if kind == config.MOMENT:
            moment, error = parse_datetime(value)
            if error:
                self.report(line, error)
            return moment if moment is not None else _INVALID
        if kind == config.LIST and isinstance(value, list):
            return tuple(
                checked
                for index, item in enumerate(value)
                if (checked := self.item(item, option, (*keys, index), field)) is not _INVALID
            )
        if kind == config.MAPPING and isinstance(value, dict):
            return self.mapping(value, option.options, keys)
        if _is(value, kind):
            if kind == config.DATE:
                return date.fromisoformat(value)
            if option.required and kind == config.TEXT and not value.strip():
                self.report(line, msg.EMPTY_VALUE.format(field=field))
                return _INVALID
            if option.slug and not SLUG.match(value):
                return self._bad_slug(line, field, value, option.example)
            return value
        expected = msg.OPTION_TYPE_NAMES[kind]
        example = f"{option.name}: {option.example}"
        self.report(
            line,
            msg.OPTION_WRONG_TYPE.format(
                option=field, expected=expected, found=_type_name(value), example=example
            ),
        )
        return _INVALID

    def item(self, item: Any, option: Option, keys: tuple[str | int, ...], field: str) -> Any:
        """One item of a list option: a mapping of its own options, or a plain value."""
        if item is UNREADABLE:
            return _INVALID
        if option.items == config.MAPPING and isinstance(item, dict):
            values = self.mapping(item, option.options, keys)
            required = [o.name for o in option.options if o.required]
            return values if all(values[name] != "" for name in required) else _INVALID
        if item is not None and _is(item, option.items):
            return item
        example = f"{option.name}: {option.example}"
        self.report(
            self.doc.line(*keys),
            msg.OPTION_WRONG_TYPE.format(
                option=field,
                expected=f"une liste dont chaque élément est {msg.TYPE_NAMES[option.items]}",
                found=f"un élément qui est {_type_name(item)}",
                example=example,
            ),
        )
        return _INVALID

    def _bad_slug(self, line: int, field: str, value: str, example: str) -> Any:
        message = msg.BAD_FORMAT.format(field=field, value=value, example=example)
        if reason := name_reason(value):
            message = msg.NAME_REASON.format(message=message, reason=reason)
        self.report(line, message)
        return _INVALID


def _is(value: Any, kind: str) -> bool:
    if kind == config.TEXT:
        return isinstance(value, str)
    if kind == config.DATE:
        return isinstance(value, str) and bool(_DAY.match(value)) and _day(value) is not None
    if kind == config.BOOLEAN:
        return isinstance(value, bool)
    if kind == config.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == config.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


def _fallback(option: Option) -> Any:
    """What stands in for an option that is missing or wrong (its problem is reported)."""
    if not option.required:
        return option.default
    return {config.LIST: (), config.MOMENT: None}.get(option.type, "")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_settings(config_file: Path, now: datetime) -> SettingsRead:
    """Every problem in `mkdocs.yml`'s site and Vigie options, and the settings they make."""
    problems: list[Problem] = []
    read = read_config_file(config_file, problems)
    if read is None:
        return SettingsRead(None, tuple(problems))
    if read.options is None:
        problem = Problem(read.site.path, read.plugins_line, msg.PLUGIN_MISSING)
        return SettingsRead(None, (*problems, problem))
    doc = read.options
    if doc.data is UNREADABLE:
        return SettingsRead(None, tuple(problems))
    if doc.data is not None and not isinstance(doc.data, dict):
        message = msg.OPTION_WRONG_TYPE.format(
            option=PLUGIN,
            expected=msg.TYPE_NAMES["object"],
            found=_type_name(doc.data),
            example=f"{PLUGIN}: {{organisation: …, contact_email: …, components: […]}}",
        )
        return SettingsRead(None, (*problems, Problem(doc.path, doc.first_line, message)))
    data = doc.data or {}
    judge = _Judge(Document(doc.path, data, doc.lines, doc.first_line, doc.text), problems)
    values = judge.mapping(data, config.OPTIONS, ())
    warnings = _meaning(judge, values, now)
    site = _site(_Judge(read.site, problems), config_file.parent)
    settings = _settings(values, site, doc.path)
    return SettingsRead(settings, tuple(sorted(set(problems))), tuple(warnings))


def _site(judge: _Judge, root: Path) -> dict[str, str]:
    """`site_url`, `site_name` and the pages folder, from MkDocs' own options."""
    site = judge.doc.data
    found = {"site_url": "", "site_name": "", "pages_dir": "docs"}
    url = site.get("site_url")
    if url is None or url == "":
        judge.report(1, msg.SITE_URL_MISSING)
    elif url is UNREADABLE:
        pass  # its tag was refused, at its line
    elif not isinstance(url, str) or not _is_site_url(url):
        judge.report(judge.doc.line("site_url"), msg.SITE_URL_BAD.format(value=url))
    else:  # as MkDocs gives it to plugins: the path ends with a slash
        parts = urlsplit(url)
        found["site_url"] = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/"))
    name = site.get("site_name")
    example = "site_name: Information incidents — Mutuelle Horizon"
    if name is None:
        judge.report(1, msg.SITE_OPTION_MISSING.format(option="site_name", example=example))
    elif isinstance(name, str):
        found["site_name"] = name
    elif name is not UNREADABLE:
        message = msg.OPTION_WRONG_TYPE.format(
            option="site_name",
            expected=msg.TYPE_NAMES["string"],
            found=_type_name(name),
            example=example,
        )
        judge.report(judge.doc.line("site_name"), message)
    docs_dir = site.get("docs_dir", "docs")
    if isinstance(docs_dir, str) and (root / docs_dir).is_dir():
        found["pages_dir"] = Path(os.path.relpath(root / docs_dir, root)).as_posix()
    elif docs_dir is not UNREADABLE:
        judge.report(judge.doc.line("docs_dir"), msg.DOCS_DIR_MISSING.format(value=docs_dir))
    return found


def _is_site_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is not a number raises)
    except ValueError:
        return False
    return (
        parts.scheme in ("https", "http")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not parts.query
        and not parts.fragment
        and url == url.strip()
    )


def _meaning(judge: _Judge, values: dict[str, Any], now: datetime) -> list[Problem]:
    """What the types cannot say: addresses, names, dates and RGAA's rules; the warnings."""
    doc = judge.doc
    for name in ("contact_email",):
        if values[name] and not _EMAIL.match(values[name]):
            example = f"{name}: {config.option(name).example}"
            judge.report(
                doc.line(name),
                msg.EMAIL_BAD.format(option=name, value=values[name], example=example),
            )
    try:
        ZoneInfo(values["timezone"])
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        judge.report(doc.line("timezone"), msg.TIMEZONE_UNKNOWN.format(value=values["timezone"]))
        values["timezone"] = config.default("timezone")
    folder = PurePosixPath(values["incidents_dir"])
    if folder.is_absolute() or ".." in folder.parts or not values["incidents_dir"].strip():
        example = f"incidents_dir: {config.default('incidents_dir')}"
        message = msg.FOLDER_BAD.format(
            option="incidents_dir", value=values["incidents_dir"], example=example
        )
        judge.report(doc.line("incidents_dir"), message)
        values["incidents_dir"] = config.default("incidents_dir")
    if values["feed_entries"] < 1:
        message = msg.OPTION_TOO_SMALL.format(
            option="feed_entries", minimum=1, value=values["feed_entries"]
        )
        judge.report(doc.line("feed_entries"), message)
        values["feed_entries"] = config.default("feed_entries")
    if not 1000 <= values["tag_year"] <= 9999:
        judge.report(doc.line("tag_year"), msg.TAG_YEAR_BAD.format(value=values["tag_year"]))
        values["tag_year"] = config.default("tag_year")
    for name in ("components", "data_categories"):
        values[name] = _unique(judge, name, values[name])
    for name in ("own_domains", "link_hosts"):
        for index, host in enumerate(_written_list(doc, name)):
            if isinstance(host, str) and not HOSTNAME.match(host.lower()):
                message = msg.LINK_HOST_BAD.format(value=host, option=name)
                judge.report(doc.line(name, index), message)
    contact = values["security_contact"]
    if contact and not _CONTACT.match(contact):
        message = msg.SECURITY_CONTACT_BAD.format(value=contact)
        judge.report(doc.line("security_contact"), message)
    _accessibility(judge, values["accessibility"])
    known = tuple(item["id"] for item in values["components"])
    notify.judge(doc, values["notify"], known, judge.report)
    return _expiry(judge, values["security_expires"], now)


def _unique(judge: _Judge, name: str, items: tuple[dict[str, Any], ...]) -> tuple:
    """The items of a list option with the first of each id; the others reported."""
    first: dict[str, int] = {}
    for index, item in enumerate(_written_list(judge.doc, name)):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str):
            continue
        line = judge.doc.line(name, index, "id")
        if item_id in first:
            message = msg.OPTION_DUPLICATE_ID.format(id=item_id, option=name, first=first[item_id])
            judge.report(line, message)
        first.setdefault(item_id, line)
    kept: dict[str, dict[str, Any]] = {}
    for item in items:
        kept.setdefault(item["id"], item)
    return tuple(kept.values())


def _written_list(doc: Document, name: str) -> list[Any]:
    """The items of a list option as written (none when it is not a list)."""
    value = doc.data.get(name)
    return value if isinstance(value, list) else []


def _accessibility(judge: _Judge, options: dict[str, Any]) -> None:
    """What RGAA forbids in the declared status, at the line of each option."""
    doc = judge.doc
    status, rate = options["status"], options["compliance_rate"]
    # A wrong audit_date is told as such: no second problem about the audit missing.
    written = doc.data.get("accessibility")
    audit_written = isinstance(written, dict) and written.get("audit_date") is not None
    status_line = doc.line("accessibility", "status")
    if status not in french.RGAA_LEVELS:
        choices = ", ".join(f"« {level} »" for level in french.RGAA_LEVELS)
        message = msg.ACCESSIBILITY_STATUS_UNKNOWN.format(value=status, choices=choices)
        judge.report(status_line, message)
    elif status != "non conforme" and options["audit_date"] is None and not audit_written:
        judge.report(status_line, msg.ACCESSIBILITY_NEEDS_AUDIT.format(value=status))
    if rate is not None:
        rate_line = doc.line("accessibility", "compliance_rate")
        expected = (
            "totalement conforme"
            if rate >= 100
            else "partiellement conforme"
            if rate >= 50
            else "non conforme"
        )
        if not 0 <= rate <= 100:
            judge.report(rate_line, msg.ACCESSIBILITY_RATE_RANGE.format(rate=f"{rate:g}"))
        elif status in french.RGAA_LEVELS and expected != status:
            message = msg.ACCESSIBILITY_RATE_MISMATCH.format(
                rate=f"{rate:g}", expected=expected, status=status
            )
            judge.report(rate_line, message)
    email = options["contact_email"]
    if email and not _EMAIL.match(email):
        example = f"contact_email: {config.option('accessibility.contact_email').example}"
        message = msg.EMAIL_BAD.format(
            option="accessibility.contact_email", value=email, example=example
        )
        judge.report(doc.line("accessibility", "contact_email"), message)


def _expiry(judge: _Judge, moment: datetime | None, now: datetime) -> list[Problem]:
    """security.txt past its `Expires`: refused; within 30 days of it: a warning."""
    if moment is None:
        return []
    line = judge.doc.line("security_expires")
    if moment <= now:
        judge.report(line, msg.SECURITY_EXPIRED.format(date=moment.isoformat()))
    elif moment - now <= timedelta(days=SECURITY_WARN_DAYS):
        days = (moment - now).days
        warning = msg.SECURITY_EXPIRES_SOON.format(date=moment.isoformat(), days=days)
        return [Problem(judge.doc.path, line, warning)]
    return []


def _settings(values: dict[str, Any], site: dict[str, str], rel: str) -> Settings:
    """The model's settings from the judged options and the site's own."""
    categories = tuple(DataCategory(**item) for item in values["data_categories"])
    return Settings(
        organisation=values["organisation"],
        site_url=site["site_url"],
        site_name=site["site_name"],
        timezone=values["timezone"],
        contact_email=values["contact_email"],
        components=tuple(Component(**item) for item in values["components"]),
        data_categories=categories or DEFAULT_DATA_CATEGORIES,
        feed_entries=values["feed_entries"],
        never_ask=tuple(values["never_ask"]),
        tag_year=values["tag_year"],
        own_domains=tuple(values["own_domains"]),
        link_hosts=tuple(values["link_hosts"]),
        security_contact=values["security_contact"],
        security_expires=values["security_expires"],
        accessibility=Accessibility(
            **{
                name: tuple(value) if isinstance(value, list | tuple) else value
                for name, value in values["accessibility"].items()
            }
        ),
        incidents_dir=values["incidents_dir"],
        pages_dir=site["pages_dir"],
        config_path=rel,
        notify=notify.settings(values["notify"]),
    )
