"""Judge the loaded sources and turn them into the model, reporting every problem at once.

Structure is judged by `structure` (the JSON Schemas), dates by `dates`, unsafe HTML and
links by `safety`, what scaffolding left by `placeholders`, breach notices by `breach`;
meaning (the site's components and data categories, consistency between files) here.
"""

from __future__ import annotations

from functools import reduce
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from vigie import messages as msg
from vigie.cache import fingerprint
from vigie.derive import apply_update
from vigie.markup import MarkdownRenderer
from vigie.messages import Problem, SourceError
from vigie.model import (
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    Authority,
    AuthorityType,
    Breach,
    ComponentStatus,
    Contact,
    Correction,
    FaqEntry,
    Impact,
    Incident,
    Kind,
    NoticeChanges,
    NoticeState,
    Party,
    Settings,
    Site,
    Status,
    Update,
)
from vigie.sources import breach, placeholders, registers, safety, timeline
from vigie.sources.dates import parse_datetime
from vigie.sources.structure import judged_structure
from vigie.sources.verdicts import Verdict, Verdicts

if TYPE_CHECKING:
    from datetime import datetime

    from vigie.memo import Memo
    from vigie.sources.load import Document, IncidentSources, Sources, UpdateSource


class _Checker:
    """Collects problems while it converts plain data into model values."""

    def __init__(self, settings: Settings, judged: Memo | None = None) -> None:
        self.settings = settings
        self.judged = judged  # verdicts kept from earlier checks, by text
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.authority_lines: dict[Authority, tuple[str, int]] = {}
        self.judging = True  # False: only the model is made (a kept verdict stands for it)
        self.component_ids = [c.id for c in settings.components]
        self.category_ids = [c.id for c in settings.data_categories]

    def report(self, doc: Document | UpdateSource | str, line: int, message: str) -> None:
        path = doc if isinstance(doc, str) else doc.path
        self.problems.append(Problem(path, line, message))

    def date(self, doc: Document, *keys: str | int) -> datetime | None:
        value = _get(doc.data, keys)
        if value is None:
            return None
        parsed, error = parse_datetime(value)
        if error and isinstance(value, str):  # other types were reported by the schema
            self.report(doc, doc.line(*keys), error)
        return parsed

    def components(self, doc: Document, *keys: str) -> tuple[tuple[str, ComponentStatus], ...]:
        mapping = _get(doc.data, keys)
        if not isinstance(mapping, dict):
            return ()
        states = []
        for component_id, state in mapping.items():
            if placeholders.contains(component_id):
                continue
            if component_id not in self.component_ids:
                allowed = ", ".join(self.component_ids)
                self.report(
                    doc,
                    doc.key_line(*keys, component_id),
                    msg.UNKNOWN_COMPONENT.format(value=component_id, allowed=allowed),
                )
            elif state in ComponentStatus.__members__.values():
                states.append((component_id, ComponentStatus(state)))
        return tuple(sorted(states))

    def categories(self, doc: Document, *keys: str) -> tuple[str, ...] | None:
        values = _get(doc.data, keys)
        if not isinstance(values, list):
            return None
        known = []
        for index, value in enumerate(values):
            if value in self.category_ids:
                known.append(value)
            elif isinstance(value, str) and not placeholders.contains(value):
                allowed = ", ".join(self.category_ids)
                self.report(
                    doc,
                    doc.line(*keys, index),
                    msg.UNKNOWN_DATA_CATEGORY.format(value=value, allowed=allowed),
                )
        return tuple(known)

    def data(self, doc: Document) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        exposed = self.categories(doc, "data", "exposed")
        not_exposed = self.categories(doc, "data", "not_exposed")
        for value in sorted(set(exposed or ()) & set(not_exposed or ())):
            index = list(not_exposed or ()).index(value)
            self.report(
                doc, doc.line("data", "not_exposed", index), msg.DATA_BOTH_WAYS.format(value=value)
            )
        return exposed, not_exposed

    def authorities(self, doc: Document) -> tuple[Authority, ...]:
        items = _get(doc.data, ("authorities",))
        result = []
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            date = self.date(doc, "authorities", index, "date")
            if date and isinstance(item.get("name"), str):
                kind = item.get("type", "autre")
                authority = Authority(
                    item["name"],
                    date,
                    _text(item.get("note")),
                    AuthorityType(kind) if kind in list(AuthorityType) else AuthorityType.OTHER,
                    _text(item.get("delay_reason")),
                )
                self.authority_lines[authority] = (doc.path, doc.line("authorities", index))
                result.append(authority)
        return tuple(result)

    def party(self, doc: Document, *keys: str) -> Party | None:
        value = _get(doc.data, keys)
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            return None
        return Party(value["name"], _text(value.get("role")))

    def breach(self, doc: Document) -> dict[str, Any]:
        """The art. 34 fields `doc` gives, by `Breach` field name (absent ones left out)."""
        given = _get(doc.data, ("breach",))
        if not isinstance(given, dict):
            return {}
        fields: dict[str, Any] = {}
        if "discovered" in given:
            fields["discovered"] = self.date(doc, "breach", "discovered")
        if isinstance(given.get("exposure"), dict):
            fields["exposure_start"] = self.date(doc, "breach", "exposure", "start")
            fields["exposure_end"] = self.date(doc, "breach", "exposure", "end")
        for name in ("concerned", "individual_notice", "rights"):
            if name in given:
                fields[name] = _text(given[name])
        for name in ("consequences", "planned_measures"):
            if name in given:
                values = given[name] if isinstance(given[name], list) else []
                fields[name] = tuple(v for v in values if isinstance(v, str))
        for name in ("controller", "processor"):
            if name in given:
                fields[name] = self.party(doc, "breach", name)
        return fields

    def texts(self, doc: Document, key: str) -> tuple[str, ...] | None:
        values = _get(doc.data, (key,))
        if not isinstance(values, list):
            return None
        return tuple(v for v in values if isinstance(v, str))

    def faq(self, doc: Document | None, incident_id: str | None) -> tuple[FaqEntry, ...]:
        if doc is None or doc.data is None:  # unreadable: load.py said why
            return ()
        if self.judging:
            self.problems.extend(judged_structure(doc, "faq", self.judged))
        entries: list[FaqEntry] = []
        first_lines: dict[str, int] = {}
        for index, item in enumerate(doc.data if isinstance(doc.data, list) else ()):
            if not isinstance(item, dict):
                continue
            entry_id = item.get("id")
            if isinstance(entry_id, str) and entry_id in first_lines:  # a list is unhashable
                first = first_lines[entry_id]
                self.report(
                    doc,
                    doc.line(index, "id"),
                    msg.DUPLICATE_FAQ_ID.format(id=entry_id, first=first),
                )
                continue
            if isinstance(entry_id, str):
                first_lines[entry_id] = doc.line(index, "id")
            if all(isinstance(item.get(k), str) for k in ("id", "question", "answer")):
                entries.append(FaqEntry(item["id"], item["question"], item["answer"], incident_id))
        return tuple(entries)

    def update(self, incident_id: str, source: UpdateSource) -> Update | None:
        doc = source.front_matter
        if doc.data is None:
            return None
        if self.judging:
            self.problems.extend(judged_structure(doc, "update", self.judged))
        data = doc.data if isinstance(doc.data, dict) else {}
        date = self.date(doc, "date")
        exposed, not_exposed = self.data(doc)
        impact = data.get("impact")
        changes = NoticeChanges(
            impact=Impact(impact) if impact in Impact.__members__.values() else None,
            components=self.components(doc, "components"),
            data_exposed=exposed,
            data_not_exposed=not_exposed,
            what_happened=_text(data.get("what_happened")) or None,
            measures=self.texts(doc, "measures") or (),
            authorities=self.authorities(doc),
            recommendations=self.texts(doc, "recommendations"),
            breach=tuple(sorted(self.breach(doc).items())),
        )
        corrections = []
        listed = data.get("corrections")
        for index, item in enumerate(listed if isinstance(listed, list) else []):
            correction_date = self.date(doc, "corrections", index, "date")
            if correction_date and isinstance(item, dict) and isinstance(item.get("reason"), str):
                corrections.append(Correction(correction_date, item["reason"]))
        status = data.get("status")
        title = data.get("title")
        if date is None or status not in Status.__members__.values() or not isinstance(title, str):
            return None
        return Update(
            incident_id=incident_id,
            slug=source.stem,
            source=PurePosixPath(source.path),
            date=date,
            status=Status(status),
            title=title,
            body=source.body,
            changes=changes,
            corrections=tuple(sorted(corrections, key=lambda c: c.date)),
            draft=data.get("draft") is True,
        )

    def incident(self, sources: IncidentSources) -> Incident | None:
        doc = sources.incident
        updates = [self.update(sources.folder, u) for u in sources.updates]
        faq = self.faq(sources.faq, sources.folder)
        if doc is None or doc.data is None:
            return None
        if self.judging:
            self.problems.extend(judged_structure(doc, "incident", self.judged))
        data = doc.data if isinstance(doc.data, dict) else {}
        incident_id = data.get("id")
        if isinstance(incident_id, str) and incident_id != sources.folder:
            self.report(
                doc,
                doc.line("id"),
                msg.ID_MISMATCH.format(id=incident_id, folder=sources.folder),
            )
        started = self.date(doc, "started")
        resolved = self.date(doc, "resolved")
        exposed, not_exposed = self.data(doc)
        initial = NoticeState(
            status=None,
            impact=Impact(data["impact"]) if data.get("impact") in list(Impact) else Impact.NONE,
            components=self.components(doc, "components"),
            data_exposed=exposed or (),
            data_not_exposed=not_exposed or (),
            what_happened=_text(data.get("what_happened")),
            measures=self.texts(doc, "measures") or (),
            authorities=self.authorities(doc),
            recommendations=self.texts(doc, "recommendations") or (),
            breach=Breach(**self.breach(doc)),
        )
        communications = registers.communications(
            sources.communications, self.settings, self.problems, self.judged
        )
        frauds = registers.fraudulent_messages(
            sources.fraudulent_messages, self.settings, self.problems, self.judged
        )
        if self.judging:
            self._check_placeholders(sources)
        planned_start, planned_end = self._check_kind(doc, sources, updates)
        published = sorted(
            (u for u in updates if u is not None and not u.draft), key=lambda u: u.date
        )
        if self.judging:
            self.problems.extend(timeline.problems(sources, started, resolved, published))
        if self.judging and data.get("kind") == Kind.DATA_BREACH and data.get("draft") is not True:
            self._check_breach_notice(doc, initial, published)
        contact = data.get("contact")
        if (
            started is None
            or data.get("kind") not in list(Kind)
            or not isinstance(contact, dict)
            or not all(isinstance(data.get(k), str) for k in ("title", "summary"))
            or not all(isinstance(contact.get(k), str) for k in ("name", "email"))
            or any(u is None for u in updates)
        ):
            return None
        return Incident(
            id=sources.folder,
            source=PurePosixPath(sources.path),
            sources_digest=sources.digest(),
            title=data["title"],
            summary=data["summary"],
            kind=Kind(data["kind"]),
            started=started,
            resolved=resolved,
            initial=initial,
            contact=Contact(
                contact["name"],
                contact["email"],
                _text(contact.get("url")),
                _text(contact.get("phone")),
            ),
            updates=tuple(sorted((u for u in updates if u), key=lambda u: u.date)),
            faq=faq,
            draft=data.get("draft") is True,
            communications=communications,
            fraudulent_messages=frauds,
            planned_start=planned_start,
            planned_end=planned_end,
        )

    def _check_placeholders(self, sources: IncidentSources) -> None:
        documents = (sources.incident, sources.faq, sources.communications)
        for document in (*documents, sources.fraudulent_messages):
            if document is not None:
                self.problems.extend(placeholders.in_document(document))
        for source in sources.updates:
            self.problems.extend(placeholders.in_update(source))

    def _check_kind(
        self, doc: Document, sources: IncidentSources, updates: list[Update | None]
    ) -> tuple[datetime | None, datetime | None]:
        """Planned maintenance has its own statuses and a planned window; incidents don't."""
        is_maintenance = (doc.data or {}).get("kind") == Kind.MAINTENANCE
        allowed = MAINTENANCE_STATUSES if is_maintenance else INCIDENT_STATUSES
        kind_words = msg.KIND_WORDS["maintenance" if is_maintenance else "incident"]
        for source, update in zip(sources.updates, updates, strict=True):
            if update is not None and update.status not in allowed:
                self.report(
                    source.path,
                    source.front_matter.line("status"),
                    msg.WRONG_STATUS_FOR_KIND.format(
                        status=update.status,
                        kind=kind_words,
                        allowed=", ".join(s for s in Status if s in allowed),
                    ),
                )
        if not is_maintenance:
            return None, None
        if not isinstance(_get(doc.data, ("planned",)), dict):
            self.report(doc, doc.line("kind"), msg.PLANNED_REQUIRED)
            return None, None
        start, end = self.date(doc, "planned", "start"), self.date(doc, "planned", "end")
        if start and end and end <= start:
            self.report(doc, doc.line("planned", "end"), msg.PLANNED_END_BEFORE_START)
        return start, end

    def _check_breach_notice(
        self, doc: Document, initial: NoticeState, published: list[Update]
    ) -> None:
        state = reduce(apply_update, published, initial)
        fallback = doc.key_line("breach") if "breach" in (doc.data or {}) else doc.line("kind")
        for element, field in breach.missing_elements(state):
            keys = field.split(".")
            line = doc.key_line(*keys) if _get(doc.data, tuple(keys)) is not None else fallback
            self.report(doc, line, msg.BREACH_MISSING.format(element=msg.BREACH_ELEMENTS[element]))
        if late := breach.late_cnil_notification(state):
            notification, hours = late
            path, line = self.authority_lines[notification]
            self.warnings.append(Problem(path, line, msg.LATE_CNIL.format(hours=hours)))


def _get(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def validate(
    sources: Sources,
    settings: Settings,
    warnings: list[Problem] | None = None,
    renderer: MarkdownRenderer | None = None,
    judged: Memo | None = None,
) -> Site:
    """The model of the site, or `SourceError` listing every problem in every file.

    Problems that do not stop publication (e.g. a late CNIL notification) go to `warnings`.
    `renderer` keeps the HTML made to vet it, `judged` each text's and incident's verdict
    (`safety.py`, `verdicts.py`): an incident judged by an earlier check is not judged again.
    """
    renderer = renderer or MarkdownRenderer()
    checker = _Checker(settings, judged)
    checker.problems.extend(sources.problems)
    verdicts = None
    if judged is not None:
        policy = safety.site_policy(sources, settings, renderer.served_path)
        verdicts = Verdicts(judged, fingerprint(settings), fingerprint(policy))
    incidents: list[Incident] = []
    claimed: dict[str, str] = {}
    judged_now: list[tuple[IncidentSources, Verdict]] = []
    for incident_sources in sources.incidents:
        incident = _incident(checker, incident_sources, verdicts, judged_now)
        doc = incident_sources.incident
        declared = doc.data.get("id") if doc and isinstance(doc.data, dict) else None
        if isinstance(declared, str):
            if declared in claimed:
                checker.report(
                    doc,
                    doc.line("id"),
                    msg.DUPLICATE_INCIDENT_ID.format(id=declared, other=claimed[declared]),
                )
            claimed.setdefault(declared, f"{incident_sources.path}/incident.yml")
        if incident is not None:
            incidents.append(incident)
        elif not any(
            f"{p.path}/".startswith(f"{incident_sources.path}/") for p in checker.problems
        ):
            checker.report(f"{incident_sources.path}/incident.yml", 1, msg.INCIDENT_DROPPED)
    faq = checker.faq(sources.faq, None)
    if sources.faq is not None:
        checker.problems.extend(placeholders.in_document(sources.faq))
    kept = frozenset(s.path for s in sources.incidents) - {s.path for s, _ in judged_now}
    linking: set[str] = set()
    unsafe = safety.source_problems(sources, settings, renderer, judged, kept, linking)
    checker.problems.extend(unsafe)
    if verdicts is not None:
        verdicts.keep(judged_now, unsafe, linking)
    if warnings is not None:
        warnings.extend(sorted(set(checker.warnings)))
    if checker.problems:
        raise SourceError(checker.problems)
    return Site(settings, tuple(sorted(incidents, key=lambda i: i.id)), faq)


def _incident(
    checker: _Checker,
    sources: IncidentSources,
    verdicts: Verdicts | None,
    judged_now: list[tuple[IncidentSources, Verdict]],
) -> Incident | None:
    """The incident's model, its problems and warnings: kept ones, or judged now (listed in
    `judged_now`, to be completed by the safety of its texts)."""
    verdict = verdicts.get(sources) if verdicts is not None else None
    problems, warnings = len(checker.problems), len(checker.warnings)
    checker.judging = verdict is None
    try:
        incident = checker.incident(sources)
    finally:
        checker.judging = True
    if verdict is None:
        found = Verdict(tuple(checker.problems[problems:]), tuple(checker.warnings[warnings:]))
        judged_now.append((sources, found))
    else:  # what the model-only pass reported is what the verdict holds, and more: dropped
        del checker.problems[problems:], checker.warnings[warnings:]
        checker.problems.extend(verdict.problems)
        checker.warnings.extend(verdict.warnings)
    return incident
