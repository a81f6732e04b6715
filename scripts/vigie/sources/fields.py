"""Every text staff wrote, with where it is written and the pages that show it: what the
checks judge (`safety`), one field at a time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vigie import urls
from vigie.sources import fraud
from vigie.sources.load import Document

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vigie.sources.load import Sources

# Fields whose text is Markdown (rendered to HTML on the site); any other text is shown
# escaped on the site but is still checked as HTML, raw and rendered.
MARKDOWN_KEYS = frozenset(
    {
        "what_happened",
        "measures",
        "recommendations",
        "answer",
        "concerned",
        "individual_notice",
        "rights",
        "consequences",
        "planned_measures",
        "if_answered",
    }
)


@dataclass(frozen=True)
class Field:
    """One piece of staff-written text, with where it is written."""

    path: str
    line: int  # the line where the value starts
    text: str
    markdown: bool
    source: str = ""  # the lines as written in the file, from `line` to the value's end
    pages: tuple[str, ...] = ()  # the folders of the pages showing its HTML, from the root
    draft: bool = False  # written in a draft (incident or update): never published as it is
    quoted: bool = False  # a fraudster's words (fraud.py): shown defanged, never as a link


def _document_fields(
    doc: Document, pages: tuple[str, ...] = (), draft: bool = False
) -> Iterator[Field]:
    source_lines = doc.text.split("\n") if doc.text else []
    # Where each value or key starts; a block's first content line ends nothing.
    value_lines = sorted({n for k, n in doc.lines.items() if k[:1] != ("#content",)})

    def walk(value: Any, keys: tuple[str | int, ...]) -> Iterator[Field]:
        if isinstance(value, str):
            start = doc.line(*keys)
            end = next((n for n in value_lines if n > start), doc.first_line + len(source_lines))
            raw = source_lines[start - doc.first_line : end - doc.first_line]
            markdown = any(key in MARKDOWN_KEYS for key in keys if isinstance(key, str))
            quoted = doc.path.endswith(fraud.FILE) and fraud.QUOTED_KEYS & {*keys[1:2]}
            yield Field(
                doc.path, start, value, markdown, "\n".join(raw), pages, draft, bool(quoted)
            )
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*keys, index))
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*keys, key))

    yield from walk(doc.data, ())


def source_fields(sources: Sources, skip: frozenset[str] = frozenset()) -> Iterator[Field]:
    """Every text staff wrote: YAML values, update bodies, hand-written pages; none of the
    incidents whose folder is in `skip`."""
    faq_pages = (urls.FAQ_PAGE,)  # every answer is shown on /faq/ only
    documents: list[tuple[Document, tuple[str, ...], bool]] = (
        [(sources.faq, faq_pages, False)] if sources.faq else []
    )
    incidents = [i for i in sources.incidents if i.path not in skip]
    for incident in incidents:
        notice_pages, draft = _notice_pages(incident.folder), is_draft(incident.incident)
        for field in dataclasses.fields(incident):
            value = getattr(incident, field.name)
            if isinstance(value, Document):
                pages = faq_pages if value is incident.faq else notice_pages
                documents.append((value, pages, draft))
        for update in incident.updates:
            update_draft = draft or is_draft(update.front_matter)
            documents.append((update.front_matter, notice_pages, update_draft))
    for doc, pages, draft in documents:
        yield from _document_fields(doc, pages, draft)
    for incident in incidents:
        notice_pages, draft = _notice_pages(incident.folder), is_draft(incident.incident)
        for update in incident.updates:
            body, update_draft = update.body, draft or is_draft(update.front_matter)
            yield Field(update.path, update.body_line, body, True, body, notice_pages, update_draft)
    for page in sources.pages:
        body, first_line = _without_front_matter(page.text)
        yield Field(page.path, first_line, body, True, body)


def is_draft(doc: Document | None) -> bool:
    return doc is not None and isinstance(doc.data, dict) and doc.data.get("draft") is True


def _notice_pages(incident_id: str) -> tuple[str, ...]:
    """An incident's texts are shown on its page and, one level deeper, on each version."""
    return (urls.incident_url(incident_id), urls.version_url(incident_id, 1))


def _without_front_matter(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
        if closing:
            return "\n".join(lines[closing + 1 :]), closing + 2
    return text, 1
