"""Judge what staff wrote for what it could do to readers: the HTML it makes.

Every Markdown field is rendered as the site renders it, every other text field is read as
HTML too (feeds and API consumers may show it as HTML), and nh3, a maintained sanitiser,
decides what would have to go: whatever nh3 would remove is refused. This module explains
each refusal in staff's words, at the line where the construct is written; where a link
or an address leads is judged by `links`. Nothing is stripped: a source to clean is refused.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import nh3

from vigie import messages as msg
from vigie import urls
from vigie.cache import fingerprint
from vigie.markup import MarkdownRenderer
from vigie.messages import Problem
from vigie.model import FaqEntry
from vigie.sources import fraud
from vigie.sources.fields import Field, is_draft, source_fields
from vigie.sources.kept import ProblemRecords, from_records, problem_records
from vigie.sources.links import (
    SCRIPT_SCHEMES,
    bare_urls,
    link_policy,
    link_problems,
    link_text_problem,
    may_link_listed_pages,
    relative_link_problem,
    site_link_problem,
    url_host,
    url_scheme,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vigie.memo import Memo
    from vigie.model import Settings
    from vigie.sources.links import LinkPolicy
    from vigie.sources.load import Sources

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS)
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
ALLOWED_ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "*": set(GLOBAL_ATTRIBUTES),
}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})  # http: refused by `links`
URL_ATTRIBUTES = frozenset(
    {"href", "src", "cite", "action", "formaction", "poster", "background", "srcset"}
    | {"xlink:href", "data", "longdesc", "usemap", "manifest", "ping", "lowsrc", "dynsrc"}
)
ELEMENT_KINDS = {
    "script": "script",
    **dict.fromkeys(
        ("iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe"),
        "frame",
    ),
    **dict.fromkeys(
        ("form", "input", "button", "textarea", "select", "option", "keygen", "isindex"), "form"
    ),
    **dict.fromkeys(("meta", "base", "link"), "head"),
    "style": "style",
}
_TABLE_ALIGNMENT = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")
# Python-Markdown slows down sharply with nesting and with many "[" in one paragraph
# (a few thousand take minutes): texts past these limits are refused before rendering.
MAX_INDENT = 32
MAX_BRACKETS_PER_BLOCK = 100
MAX_BRACKETS_PER_FILE = 1000
# Without one of these, Markdown cannot make a link, an element or an attribute of a text.
MARKUP_SIGNS = ("<", "[", "{", "|", "&")


def _questions(sources: Sources) -> Iterator[str]:
    """The anchor of every question of /faq/, as far as the sources can be read."""
    faqs = [("", sources.faq)] + [(i.folder, i.faq) for i in sources.incidents]
    for incident_id, doc in faqs:
        entries = doc.data if doc is not None and isinstance(doc.data, list) else []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                yield urls.faq_anchor(FaqEntry(entry["id"], "", "", incident_id or None))


@dataclass
class _Element:
    tag: str
    attributes: list[tuple[str, str]]
    text: list[str] = dataclasses.field(default_factory=list)


class _Reader(HTMLParser):
    """Elements with their decoded attributes, link texts, and the text outside links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.texts: list[str] = []
        self._open_links: list[_Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, [(name, value or "") for name, value in attrs])
        self.elements.append(element)
        if tag == "a":
            self._open_links.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_links:
            self._open_links.pop()

    def handle_data(self, data: str) -> None:
        (self._open_links[-1].text if self._open_links else self.texts).append(data)


def _read(fragment: str) -> _Reader:
    reader = _Reader()
    if "<" not in fragment and "&" not in fragment:  # plain text: nothing for the parser to do
        reader.texts.append(fragment)
        return reader
    reader.feed(fragment)
    reader.close()
    return reader


def _element_keys(reader: _Reader) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    return Counter((e.tag, tuple(sorted(e.attributes))) for e in reader.elements)


def _sanitised(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


@dataclass(frozen=True)
class _Finding:
    message: str
    needles: tuple[re.Pattern[str], ...]


def _tag_needle(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<\s*{re.escape(tag)}\b", re.IGNORECASE)


def _scheme_needle(scheme: str) -> re.Pattern[str]:
    """The scheme as it may be written: any case, spread out, or as character references."""
    noise = r"(?:\s|&#0*(?:9|10|13);?|&#x0*(?:9|a|d);?|&tab;|&newline;)*"
    letters = [rf"(?:{re.escape(c)}|&#0*{ord(c)};?|&#x0*{ord(c):x};?)" for c in scheme + ":"]
    letters[-1] = r"(?::|&colon;|&#0*58;?|&#x0*3a;?)"
    return re.compile(noise.join(letters), re.IGNORECASE)


def _text_needle(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text[:60]), re.IGNORECASE)


def _element_findings(
    element: _Element, policy: LinkPolicy, pages: tuple[str, ...] = ()
) -> list[_Finding]:
    """What is wrong with one element, each with how to find it in the source."""
    tag = element.tag
    if tag in ELEMENT_KINDS:
        why = msg.ELEMENT_WHY[ELEMENT_KINDS[tag]]
        return [_Finding(msg.ELEMENT_FORBIDDEN.format(tag=tag, why=why), (_tag_needle(tag),))]
    if tag not in ALLOWED_TAGS:
        return [_Finding(msg.ELEMENT_NOT_ALLOWED.format(tag=tag), (_tag_needle(tag),))]
    findings = []
    allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GLOBAL_ATTRIBUTES
    for name, value in element.attributes:
        attribute_needles = (
            re.compile(rf"\b{re.escape(name)}\s*=", re.IGNORECASE),
            _tag_needle(tag),
        )
        if name.startswith("on"):
            message = msg.EVENT_ATTRIBUTE.format(attribute=name, tag=tag)
            findings.append(_Finding(message, attribute_needles))
        elif name == "style" and tag in ("th", "td") and _TABLE_ALIGNMENT.match(value):
            alignment = re.compile(r"^[ \t|:-]*(?::-|-:)[ \t|:-]*$", re.MULTILINE)
            findings.append(_Finding(msg.TABLE_ALIGNMENT, (alignment, *attribute_needles)))
        elif name == "style":
            findings.append(_Finding(msg.STYLE_ATTRIBUTE.format(tag=tag), attribute_needles))
        elif name in URL_ATTRIBUTES and (scheme := url_scheme(value)) in SCRIPT_SCHEMES:
            where = msg.WHERE_ATTRIBUTE.format(attribute=name)
            if (tag, name) in (("a", "href"), ("area", "href")):
                where = msg.WHERE_LINK
            elif (tag, name) == ("img", "src"):
                where = msg.WHERE_IMAGE
            message = msg.SCRIPT_URL.format(scheme=scheme, where=where)
            findings.append(_Finding(message, (_scheme_needle(scheme), *attribute_needles)))
        elif name not in allowed:
            message = msg.ATTRIBUTE_NOT_ALLOWED.format(attribute=name, tag=tag)
            findings.append(_Finding(message, attribute_needles))
        elif (tag, name) in (("a", "href"), ("area", "href"), ("img", "src")):
            needles = _url_needles(value)
            for message in link_problems(value, policy, image=tag == "img"):
                findings.append(_Finding(message, needles))
            if problem := relative_link_problem(value, pages):
                findings.append(_Finding(problem, needles))
            elif pages and (problem := site_link_problem(value, policy)):
                as_written = value.removeprefix(policy.served_path.removesuffix("/"))
                findings.append(_Finding(problem, _url_needles(as_written)))
            if tag == "a" and (problem := link_text_problem("".join(element.text), value, policy)):
                text_needles = (_text_needle(" ".join("".join(element.text).split())), *needles)
                findings.append(_Finding(problem, text_needles))
        elif name in URL_ATTRIBUTES and (scheme := url_scheme(value)) not in (None, *URL_SCHEMES):
            where = msg.WHERE_ATTRIBUTE.format(attribute=name)
            message = msg.SCHEME_NOT_ALLOWED.format(scheme=scheme, where=where)
            findings.append(_Finding(message, _url_needles(value)))
    return findings


def _url_needles(url: str) -> tuple[re.Pattern[str], ...]:
    host = url_host(url)
    needles = [_text_needle(url.strip())]
    if host:
        needles.append(_text_needle(host))
    if scheme := url_scheme(url):
        needles.append(_scheme_needle(scheme))
    return tuple(needles)


def html_findings(fragment: str, policy: LinkPolicy, pages: tuple[str, ...] = ()) -> list[_Finding]:
    """Everything in an HTML fragment that is not allowed, explained; nh3 has the last word."""
    reader = _read(fragment)
    findings: list[_Finding] = []
    explained: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for element in reader.elements:
        element_findings = _element_findings(element, policy, pages)
        if element_findings:
            explained.add((element.tag, tuple(sorted(element.attributes))))
        findings.extend(element_findings)
    for text in reader.texts:
        for url in bare_urls(text):
            findings.extend(_Finding(m, _url_needles(url)) for m in link_problems(url, policy))
    if not reader.elements:
        return findings
    # Whatever nh3 would remove and no rule above explains is refused all the same.
    sanitised = _sanitised(fragment)
    if sanitised == fragment:  # nh3 kept every byte (the usual case): it removed nothing
        return findings
    removed = _element_keys(reader) - _element_keys(_read(sanitised))
    for tag, attributes in sorted(removed):
        if (tag, attributes) not in explained:
            findings.append(_Finding(msg.HTML_UNSAFE.format(tag=tag), (_tag_needle(tag),)))
    return findings


def _locate(field: Field, findings: list[_Finding]) -> list[Problem]:
    """Each finding at the line of `field` where its construct is written (or the field's)."""
    problems = []
    searched_from: dict[str, int] = {}
    for finding in findings:
        line = field.line
        for needle in finding.needles:
            start = searched_from.get(needle.pattern, 0)
            match = needle.search(field.source, start) or needle.search(field.source)
            if match:
                searched_from[needle.pattern] = match.end()
                line = field.line + field.source.count("\n", 0, match.start())
                break
        problems.append(Problem(field.path, line, finding.message))
    return problems


def complexity_problems(field: Field) -> list[Problem]:
    """Markdown too deeply indented, or paragraphs with too many "[", to render in time."""
    problems = []
    block_start, block_brackets = 0, 0
    lines = field.text.split("\n")
    for index, line in enumerate([*lines, ""]):
        if not line.strip():
            if block_brackets > MAX_BRACKETS_PER_BLOCK:
                message = msg.MARKDOWN_BRACKETS.format(
                    count=block_brackets, limit=MAX_BRACKETS_PER_BLOCK
                )
                problems.append(Problem(field.path, _text_line(field, block_start), message))
            block_start, block_brackets = index + 1, 0
            continue
        block_brackets += line.count("[")
        columns = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if columns > MAX_INDENT:
            message = msg.MARKDOWN_INDENT.format(columns=columns, limit=MAX_INDENT)
            problems.append(Problem(field.path, _text_line(field, index), message))
            break
    return problems


def _text_line(field: Field, index: int) -> int:
    """The file line of line `index` of the field's text, when the source shows it."""
    text_lines = field.text.split("\n")
    wanted = text_lines[index].rstrip() if index < len(text_lines) else ""
    if not wanted.strip():
        return field.line
    occurrence = sum(1 for line in text_lines[:index] if line.rstrip() == wanted)
    for number, line in enumerate(field.source.split("\n")):
        if line.rstrip().endswith(wanted):
            if occurrence == 0:
                return field.line + number
            occurrence -= 1
    return field.line


def field_problems(field: Field, policy: LinkPolicy, renderer: MarkdownRenderer) -> list[Problem]:
    """Every unsafe construct or forbidden link in one field."""
    if not field.text.strip():
        return []
    too_complex = complexity_problems(field)
    if too_complex:
        findings = []
    elif field.quoted:  # judged as it is published: defanged, so no address is a link
        findings = html_findings(fraud.defang(field.text), policy)
    elif not any(sign in field.text for sign in MARKUP_SIGNS):
        findings = html_findings(field.text, policy)  # Markdown would make plain text of it
    else:
        pages = field.pages if field.markdown else ()  # other texts are shown as text
        shown = dataclasses.replace(policy, drafts=()) if field.draft else policy
        findings = html_findings(str(renderer.html(field.text)), shown, pages)
    if not field.markdown and not field.quoted:
        findings += html_findings(field.text, policy)
    return sorted(set(too_complex + _locate(field, findings)))


def _judged(field: Field, policy: LinkPolicy, renderer: MarkdownRenderer) -> list[list[Any]]:
    return problem_records(field_problems(field, policy, renderer))


def _judgement_key(field: Field, policy_keys: tuple[str, str]) -> str:
    """What a field's judgement depends on: itself, and the policy (the site's lists if used)."""
    uses_lists = may_link_listed_pages(field.text)
    parts = (
        field.path,
        str(field.line),
        field.text,
        f"{field.markdown}{field.quoted}",
        field.source,
    )
    text = "".join(f"{len(part)}:{part}" for part in parts)  # 3× quicker than the generic way
    return fingerprint(text, field.pages, field.draft, policy_keys[not uses_lists])


def site_policy(sources: Sources, settings: Settings, served_path: str) -> LinkPolicy:
    """Where the sources' links may lead: the settings' hosts, the site's own pages."""
    return dataclasses.replace(
        link_policy(settings),
        served_path=served_path,
        incidents=tuple(incident.folder for incident in sources.incidents),
        questions=tuple(_questions(sources)),
        drafts=tuple(i.folder for i in sources.incidents if is_draft(i.incident)),
    )


def source_problems(
    sources: Sources,
    settings: Settings,
    renderer: MarkdownRenderer | None = None,
    judged: Memo | None = None,
    skip: frozenset[str] = frozenset(),
    linking: set[str] | None = None,
) -> list[Problem]:
    """Every unsafe construct or forbidden link in the sources, with its line.

    `renderer` keeps the HTML made here (each text rendered once), `judged` each verdict.
    The incidents whose folder is in `skip` are not judged (an earlier verdict stands for
    them); `linking` gets the path of each file with a text that may link to the site's
    incidents or questions (its verdict depends on their list).
    """
    renderer = renderer or MarkdownRenderer()
    policy = site_policy(sources, settings, renderer.served_path)
    problems: list[Problem] = []
    brackets: Counter[str] = Counter()
    no_lists = dataclasses.replace(policy, incidents=(), questions=(), drafts=())
    policy_keys = (fingerprint(policy), fingerprint(no_lists)) if judged else ("", "")
    for field in source_fields(sources, skip):
        if linking is not None and may_link_listed_pages(field.text):
            linking.add(field.path)
        brackets[field.path] += field.text.count("[")
        if brackets[field.path] > MAX_BRACKETS_PER_FILE:
            if brackets[field.path] - field.text.count("[") <= MAX_BRACKETS_PER_FILE:
                count = sum(
                    f.text.count("[") for f in source_fields(sources, skip) if f.path == field.path
                )
                message = msg.MARKDOWN_BRACKETS_FILE.format(
                    count=count, limit=MAX_BRACKETS_PER_FILE
                )
                problems.append(Problem(field.path, field.line, message))
            continue
        judge = partial(_judged, field, policy, renderer)
        key = _judgement_key(field, policy_keys)
        found = judged.made(key, judge, ProblemRecords) if judged else judge()
        problems.extend(from_records(found))
    return problems
