"""Hostile input: a careless or compromised commit gets exact `path:line` refusals, never more.

The corpus (`hostile/cases.yml`) pairs each input with the exact messages `vigie check`
gives; generated cases cover what is too big to write there (10 MB, 10,000 updates, deep
nesting, symbolic links); a Hypothesis property mutates the example incidents at random.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_repo, run_vigie, tree_bytes
from vigie import cli
from vigie.messages import SourceError
from vigie.pipeline import load_site
from vigie.sources.load import MAX_UPDATES, load_sources
from vigie.sources.validate import validate

if TYPE_CHECKING:
    from vigie.model import Settings

CORPUS = yaml.safe_load((Path(__file__).parent / "hostile/cases.yml").read_text(encoding="utf-8"))
CASES = CORPUS["cases"]
PROBLEM_LINE = re.compile(r"^[^:]+:\d+: .+")
FIXED_NOW = "1795000000"  # 2026-11-18: security.txt valid, whatever day the tests run
UPDATE = """\
---
date: {date}
status: investigating
title: Point {number}
---
Point numéro {number}.
"""


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_NOW)


# Name prefixes of corpus files written in another encoding (`@bytes:`: UTF-8 as written).
ENCODINGS = {
    "@latin1:": "latin-1",
    "@utf16:": "utf-16",
    "@utf16be:": "utf-16-be",
    "@utf32:": "utf-32",
}


def write_files(repo: Path, files: dict[str, str]) -> None:
    """Write corpus files: UTF-8, or the encoding the name's prefix says (ENCODINGS)."""
    for name, content in files.items():
        prefix = next((p for p in ENCODINGS if name.startswith(p)), None)
        if prefix:
            path, data = repo / name.removeprefix(prefix), content.encode(ENCODINGS[prefix])
        else:
            path, data = repo / name.removeprefix("@bytes:"), content.encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def check_messages(repo: Path, loaded: tuple[Settings, str] | None = None) -> list[str]:
    """What `vigie check` reports, run in-process: every problem, or nothing."""
    site_settings, incidents_dir = loaded or load_site(repo / "mkdocs.yml")[1:]
    try:
        validate(load_sources(repo, incidents_dir, site_settings.pages_dir), site_settings)
    except SourceError as error:
        return [str(problem) for problem in error.problems]
    return []


def hostile_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """The example repository with the corpus's small incident, then `files` over it."""
    repo = copy_repo(tmp_path / "repo")
    write_files(repo, CORPUS["base"])
    write_files(repo, files)
    return repo


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_gets_its_exact_messages(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    repo = hostile_repo(tmp_path, case["files"])
    assert check_messages(repo) == case["expected"], case["about"]


def test_the_corpus_base_itself_passes(tmp_path: Path) -> None:
    assert check_messages(hostile_repo(tmp_path, {})) == []


# Generated cases: too big or too odd to write in the corpus.

U_DIR = "incidents/essai/updates"


def timed_check(repo: Path) -> tuple[list[str], float]:
    start = time.perf_counter()
    found = check_messages(repo)
    return found, time.perf_counter() - start


def test_a_10_mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    with (repo / f"{U_DIR}/2024-03-01T1000-enorme.md").open("wb") as big:
        big.write(b"---\n" + b"a" * (10 * 1024 * 1024) + b"\n")
    found, seconds = timed_check(repo)
    assert found == [
        f"{U_DIR}/2024-03-01T1000-enorme.md:1: fichier trop volumineux (10240 Ko ; au plus 1024 Ko)"
    ]
    assert seconds < 10


def test_10000_updates_in_one_incident_are_refused_in_bounded_time(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    for number in range(10_000):
        minute = f"2024-03-{2 + number // 1440:02d}T{number % 1440 // 60:02d}{number % 60:02d}"
        date = f"{minute[:13]}:{minute[13:]}:00+01:00"
        name = f"{U_DIR}/{minute}-point-{number}.md"
        (repo / name).write_text(UPDATE.format(date=date, number=number), encoding="utf-8")
    found, seconds = timed_check(repo)
    assert found == [
        f"{U_DIR}:1: trop de mises à jour dans cet incident (10001 ; au plus {MAX_UPDATES}) : "
        "chaque mise à jour crée une version permanente de l'avis ; regroupez-les ou ouvrez "
        "un nouvel incident"
    ]
    assert seconds < 10


def test_the_most_updates_allowed_are_checked_in_bounded_time(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    for number in range(1, MAX_UPDATES):
        date = f"2024-03-{2 + number // 24:02d}T{number % 24:02d}:00:00+01:00"
        name = f"{U_DIR}/{date[:10]}T{number % 24:02d}00-point-{number}.md"
        (repo / name).write_text(UPDATE.format(date=date, number=number), encoding="utf-8")
    found, seconds = timed_check(repo)
    assert found == []
    assert seconds < 30


def test_deep_nesting_is_a_clean_error(tmp_path: Path) -> None:
    incident = CORPUS["base"]["incidents/essai/incident.yml"]
    repo = hostile_repo(tmp_path, {"incidents/essai/incident.yml": incident + "x: " + "[" * 10_000})
    found, seconds = timed_check(repo)
    assert found == [
        "incidents/essai/incident.yml:12: imbrication trop profonde (plus de 20 niveaux)"
    ]
    assert seconds < 10


def test_a_very_long_line_is_checked_in_bounded_time(tmp_path: Path) -> None:
    body = "Nous enquêtons " * 60_000  # one line of 900 kB
    update = f"{CORPUS['base'][f'{U_DIR}/2024-03-01T0900-premier-point.md']}{body}\n"
    repo = hostile_repo(tmp_path, {f"{U_DIR}/2024-03-01T0900-premier-point.md": update})
    found, seconds = timed_check(repo)
    assert found == []
    assert seconds < 30


def test_a_long_line_of_brackets_is_refused_before_markdown_chokes(tmp_path: Path) -> None:
    body = "[a](<https://" + "[" * 300_000 + "<a href=" * 50_000
    update = f"{CORPUS['base'][f'{U_DIR}/2024-03-01T0900-premier-point.md']}{body}\n"
    repo = hostile_repo(tmp_path, {f"{U_DIR}/2024-03-01T0900-premier-point.md": update})
    found, seconds = timed_check(repo)
    assert found == [
        f"{U_DIR}/2024-03-01T0900-premier-point.md:6: trop de crochets « [ » dans ce fichier "
        "(300001 ; au plus 1000) : le rendu du Markdown deviendrait trop lent"
    ]
    assert seconds < 10


def test_a_list_nested_600_deep_is_refused_before_markdown_chokes(tmp_path: Path) -> None:
    body = "".join("    " * level + "- niveau\n" for level in range(600))
    update = f"{CORPUS['base'][f'{U_DIR}/2024-03-01T0900-premier-point.md']}{body}"
    repo = hostile_repo(tmp_path, {f"{U_DIR}/2024-03-01T0900-premier-point.md": update})
    found, seconds = timed_check(repo)
    assert found == [
        f"{U_DIR}/2024-03-01T0900-premier-point.md:16: ligne trop indentée (36 colonnes ; "
        "au plus 32) : imbriquez moins les listes (le rendu du Markdown deviendrait trop lent)"
    ]
    assert seconds < 10


def test_symbolic_links_out_of_incidents_are_refused(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    secret = tmp_path / "secret.yml"
    secret.write_text("mot_de_passe: 1234\n", encoding="utf-8")
    (repo / "incidents/essai/faq.yml").unlink()
    (repo / "incidents/essai/faq.yml").symlink_to(secret)
    (repo / f"{U_DIR}/2024-03-01T1000-lien.md").symlink_to("/etc/passwd")
    (repo / "incidents/ailleurs").symlink_to(tmp_path)
    (repo / "pages/lien.md").symlink_to(secret)
    found = check_messages(repo)
    assert found == [
        f"incidents/ailleurs:1: lien symbolique vers {tmp_path.resolve()}, hors du dossier incidents : "
        "remplacez-le par le fichier lui-même",
        f"incidents/essai/faq.yml:1: lien symbolique vers {secret.resolve()}, hors du dossier incidents : "
        "remplacez-le par le fichier lui-même",
        f"{U_DIR}/2024-03-01T1000-lien.md:1: lien symbolique vers /etc/passwd, hors du dossier "
        "incidents : remplacez-le par le fichier lui-même",
        f"pages/lien.md:1: lien symbolique vers {secret.resolve()}, hors du dossier pages : "
        "remplacez-le par le fichier lui-même",
    ]


def test_broken_and_looping_symbolic_links_are_refused(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    (repo / f"{U_DIR}/2024-03-01T1000-casse.md").symlink_to(repo / "nulle-part.md")
    (repo / f"{U_DIR}/2024-03-01T1100-boucle.md").symlink_to(
        repo / f"{U_DIR}/2024-03-01T1100-boucle.md"
    )
    found = check_messages(repo)
    message = "lien symbolique cassé ou en boucle : remplacez-le par le fichier lui-même"
    assert found == [
        f"{U_DIR}/2024-03-01T1000-casse.md:1: {message}",
        f"{U_DIR}/2024-03-01T1100-boucle.md:1: {message}",
    ]


def test_a_symbolic_link_inside_incidents_is_followed(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    faq = repo / "incidents/essai/faq.yml"
    shared = repo / "incidents/2024-02-tiers-payant/faq.yml"
    faq.unlink()
    faq.symlink_to(shared)
    assert check_messages(repo) == []


def test_a_named_pipe_does_not_hang_the_check(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, {})
    os.mkfifo(repo / f"{U_DIR}/2024-03-01T1000-tube.md")
    found, seconds = timed_check(repo)
    assert found == [
        f"{U_DIR}/2024-03-01T1000-tube.md:1: nom de fichier de mise à jour invalide : écrivez "
        "AAAA-MM-JJTHHMM-titre-court.md (exemple : 2024-02-06T1800-premiere-information.md)"
    ]
    assert seconds < 10


# Limits and shapes too big or too repetitive for the corpus.

SHAPE_INCIDENT = (
    "ce fichier doit contenir les champs de l'avis, « clé: valeur », un par ligne (exemple : "
    "« id: 2024-02-tiers-payant », puis « title: … », « kind: outage », "
    "« started: 2024-02-06T18:00:00+01:00 » ; un brouillon ajoute « draft: true ») ; trouvé : "
)
LONG_NUMBER = "nombre trop long (5000 caractères ; au plus 30) : si c'est un texte, mettez-le entre guillemets"
FAQ = "incidents/essai/faq.yml"
I_FILE = "incidents/essai/incident.yml"
U_FILE = f"{U_DIR}/2024-03-01T0900-premier-point.md"
COMMUNICATION = (
    "- date: 2024-03-01T10:00:00+01:00\n  channel: email\n  sender: info@mutuelle-horizon.example\n"
    "  subject: Information\n  audience: {audience}\n"
)


BIG = "9" * 5000  # Python refuses to turn an integer of over 4300 digits into text
BASE = CORPUS["base"]


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        (I_FILE, BASE[I_FILE].replace("Panne d'essai", BIG), 2),
        (U_FILE, BASE[U_FILE].replace("Premier point", BIG), 4),
        (FAQ, BASE[FAQ].replace("Suis-je concerné ?", BIG), 2),
        ("incidents/essai/communications.yml", COMMUNICATION.format(audience=BIG), 5),
        ("incidents/faq.yml", f"- id: question\n  question: Qui ?\n  answer: {BIG}\n", 3),
    ],
    ids=["incident", "update", "faq", "communications", "site-faq"],
)
def test_an_integer_of_5000_digits_is_refused_in_every_source(
    tmp_path: Path, rel: str, text: str, line: int
) -> None:
    repo = hostile_repo(tmp_path, {rel: text})
    assert check_messages(repo) == [f"{rel}:{line}: {LONG_NUMBER}"]


def test_a_list_of_1001_items_is_refused_once(tmp_path: Path) -> None:
    incident = CORPUS["base"]["incidents/essai/incident.yml"]
    measures = "measures:\n" + "".join(f"  - Mesure {n}.\n" for n in range(1001))
    repo = hostile_repo(tmp_path, {"incidents/essai/incident.yml": incident + measures})
    assert check_messages(repo) == [
        "incidents/essai/incident.yml:13: liste trop longue (1001 éléments ; au plus 1000)"
    ]


def test_a_faq_of_1001_questions_is_refused_once(tmp_path: Path) -> None:
    entry = "- id: question-{n}\n  question: Question {n} ?\n  answer: Réponse.\n"
    repo = hostile_repo(tmp_path, {FAQ: "".join(entry.format(n=n) for n in range(1001))})
    found, seconds = timed_check(repo)
    assert found == [f"{FAQ}:1: liste trop longue (1001 éléments ; au plus 1000)"]
    assert seconds < 10


def test_too_many_updates_of_a_breach_notice_give_the_cause_alone(tmp_path: Path) -> None:
    # Unread updates would make every art. 34 element look missing: only the cause is told.
    incident = CORPUS["base"]["incidents/essai/incident.yml"].replace(
        "kind: outage", "kind: data-breach"
    )
    repo = hostile_repo(tmp_path, {"incidents/essai/incident.yml": incident})
    for number in range(1, MAX_UPDATES + 1):
        date = f"2024-03-{2 + number // 24:02d}T{number % 24:02d}:00:00+01:00"
        name = f"{U_DIR}/{date[:10]}T{number % 24:02d}00-point-{number}.md"
        (repo / name).write_text(UPDATE.format(date=date, number=number), encoding="utf-8")
    assert check_messages(repo) == [
        f"{U_DIR}:1: trop de mises à jour dans cet incident (501 ; au plus {MAX_UPDATES}) : "
        "chaque mise à jour crée une version permanente de l'avis ; regroupez-les ou ouvrez "
        "un nouvel incident"
    ]


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_incident_emptied_to_comments_stops_check_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # Today's worst failure: the notice vanished from the site while check and build passed.
    repo = copy_repo(tmp_path / "repo")
    rel = "incidents/2024-02-tiers-payant/incident.yml"
    text = (repo / rel).read_text(encoding="utf-8")
    (repo / rel).write_text("".join(f"# {line}\n" for line in text.splitlines()), encoding="utf-8")
    capsys.readouterr()
    code = cli.main(["-f", str(repo / "mkdocs.yml"), command])
    errors = capsys.readouterr().err.splitlines()
    assert code == 1
    assert errors[0] == f"{rel}:1: {SHAPE_INCIDENT}rien (vide ou seulement des commentaires)"
    assert not any("Traceback" in line for line in errors)
    assert not (repo / "site").exists()


def test_an_incident_dropped_without_a_problem_is_an_error(tmp_path: Path) -> None:
    # The safety net: should a reader ever return no data and no problem, the folder is
    # still an error, never a notice missing from the site.
    repo = hostile_repo(tmp_path, {})
    _, site_settings, incidents_dir = load_site(repo / "mkdocs.yml")
    sources = load_sources(repo, incidents_dir, site_settings.pages_dir)
    essai = next(s for s in sources.incidents if s.folder == "essai")
    empty = dataclasses.replace(essai.incident, data=None)
    others = tuple(s for s in sources.incidents if s is not essai)
    hollow = dataclasses.replace(
        sources, incidents=(*others, dataclasses.replace(essai, incident=empty))
    )
    with pytest.raises(SourceError) as error:
        validate(hollow, site_settings)
    assert [str(problem) for problem in error.value.problems] == [
        "incidents/essai/incident.yml:1: cet incident ne serait pas publié et aucune autre "
        "erreur ne dit pourquoi : corrigez incident.yml, ou mettez « draft: true » pour un "
        "brouillon"
    ]


# Whole YAML documents of any shape, for every source kind: pass or `path:line` problems,
# never a traceback, and a check that passes leaves no incident folder out of the site.

FIELDS = [
    "id", "title", "summary", "kind", "impact", "started", "resolved", "components", "data",
    "exposed", "not_exposed", "what_happened", "measures", "recommendations", "authorities",
    "breach", "contact", "name", "email", "planned", "start", "end", "draft", "date", "status",
    "corrections", "reason", "question", "answer", "channel", "sender", "subject", "audience",
    "first_seen", "last_seen", "fakes", "if_answered",
]  # fmt: skip
WORDS = [
    "2024-03-01T09:00:00+01:00", "0000-01-01T00:00:00Z", "99999-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+01:00", "1969-12-31T23:00:00+01:00",
    "2024-02-30", "investigating", "resolved", "outage", "data-breach", "maintenance", "minor",
    "essai", "[[à compléter : x]]", "<script>alert(1)</script>", "https://bit.ly/x", "\x07",
    "\ud800", "", " ", "---", "...", "#", "*a", "&a", "!!binary", "yes", "~",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=6)), inner, max_size=6),
    ),
    max_leaves=20,
)
# Text around or instead of a document: what YAML allows and no data type gives.
FRAMES = [
    "{doc}", "{doc}", "{doc}# fin\n", "# début\n{doc}", "{doc}...\n", "---\n{doc}", "{doc}---\n{doc}", "# {doc}", "", "# rien\n", "null\n", "---\n",
    "%YAML 1.1\n---\n{doc}", "!!set\n{doc}", "!x\n{doc}", "{doc}x: " + "1" * 5000 + "\n",
    "{doc}a: &a [1]\nb: *a\n", "{doc}<<: {{x: 1}}\n", "{doc}? [a]\n: b\n", "[{doc}]",
]  # fmt: skip
KINDS = {
    "incident": "incidents/2024-06-espace-adherent/incident.yml",
    "update": "incidents/2024-06-espace-adherent/updates/2024-06-11T1030-cause-identifiee.md",
    "faq": "incidents/2024-06-espace-adherent/faq.yml",
    "communications": "incidents/2024-02-tiers-payant/communications.yml",
    "fraudulent-messages": "incidents/2024-02-tiers-payant/fraudulent-messages.yml",
    "site-faq": "incidents/faq.yml",
}
# The example has no register of fraudulent messages: the fuzz starts from the fixture's.
ORIGINALS = {
    KINDS["fraudulent-messages"]: Path(__file__).parent
    / "sites/every-kind/incidents/2026-10-faux-sms/fraudulent-messages.yml"
}


@st.composite
def whole_documents(draw: st.DrawFn, rel: str) -> str:
    """A whole YAML document for `rel`: any tree, or the example's own with a subtree grafted."""
    original = ORIGINALS.get(rel, EXAMPLE / rel).read_text(encoding="utf-8")
    body = ""
    if rel.endswith(".md"):
        _, head, body = original.split("---\n", 2)
        original = head
    tree = draw(TREES)
    # Or the example's own document, a subtree grafted or a key dropped: close to valid, so
    # that some examples pass and the property "no incident left out" is put to the test.
    way = draw(st.sampled_from(["tree", "graft", "drop", "same"]))
    if way != "tree":
        data = yaml.safe_load(original)
        items = sorted(data) if isinstance(data, dict) else list(range(len(data)))
        key = draw(st.sampled_from(items)) if items else None
        if way == "graft" and isinstance(data, dict):
            data[draw(st.sampled_from([*items, *FIELDS]))] = tree
        elif way == "graft" and key is not None:
            data[key] = tree
        elif way == "drop" and key is not None:
            del data[key]
        tree = data
    doc = yaml.safe_dump(tree, allow_unicode=draw(st.booleans()), default_flow_style=None)
    frame = draw(st.sampled_from(FRAMES))
    text = frame.replace("{doc}", doc).replace("{{", "{").replace("}}", "}")
    return f"---\n{text}---\n{body}" if rel.endswith(".md") else text


@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_whole_documents_of_any_shape_pass_or_give_path_line_problems(
    fuzz_repo: tuple[Path, Settings, str], kind: str, data: st.DataObject
) -> None:
    repo, site_settings, incidents_dir = fuzz_repo
    rel = KINDS[kind]
    text = data.draw(whole_documents(rel))
    original = (repo / rel).read_bytes() if (repo / rel).exists() else None
    (repo / rel).write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        sources = load_sources(repo, incidents_dir, site_settings.pages_dir)
        try:
            site = validate(sources, site_settings)
        except SourceError as error:
            assert_clean_outcome([str(problem) for problem in error.problems])
            return
    finally:
        if original is None:
            (repo / rel).unlink()
        else:
            (repo / rel).write_bytes(original)
    folders = sorted(p.name for p in (repo / incidents_dir).iterdir() if p.is_dir())
    assert sorted(incident.id for incident in site.incidents) == folders


# Random mutations of the example: pass, or `path:line` problems; never a traceback.

EXAMPLE = Path(__file__).resolve().parents[1]
EXAMPLE_FILES = sorted(
    p.relative_to(EXAMPLE).as_posix() for p in (EXAMPLE / "incidents").rglob("*") if p.is_file()
)
KEYS = ["id", "title", "status", "date", "data", "exposed", "answer", "contact", "url", "x"]
VALUES = ["", "[", "{a: 1}", "*a", "&a b", "<script>", "https://bit.ly/x", "2024-13-45", "~"]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    """One example source file, mutated in one of the ways staff (or an attacker) might."""
    rel = draw(st.sampled_from(EXAMPLE_FILES))
    data = (EXAMPLE / rel).read_bytes()
    lines = data.split(b"\n")
    kind = draw(
        st.sampled_from(["flip", "delete", "duplicate", "rename", "swap", "truncate", "insert"])
    )
    index = draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "flip":
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1 :]
    elif kind == "delete":
        data = b"\n".join(lines[:index] + lines[index + 1 :])
    elif kind == "duplicate":
        data = b"\n".join(lines[: index + 1] + lines[index:])
    elif kind == "rename":
        key = draw(st.sampled_from(KEYS)).encode()
        lines[index] = re.sub(rb"^(\s*-?\s*)[\w-]+:", rb"\1" + key + b":", lines[index])
        data = b"\n".join(lines)
    elif kind == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        first, second = (lines[index].split(b": ", 1) + [b""])[:2]
        third, fourth = (lines[other].split(b": ", 1) + [b""])[:2]
        if fourth and second:
            lines[index], lines[other] = first + b": " + fourth, third + b": " + second
        data = b"\n".join(lines)
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    else:
        value = draw(st.sampled_from(VALUES)).encode()
        lines.insert(index, draw(st.sampled_from(KEYS)).encode() + b": " + value)
        data = b"\n".join(lines)
    return rel, data


def assert_clean_outcome(found: list[str]) -> None:
    for line in found:
        assert PROBLEM_LINE.match(line), line


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings, str]:
    """One copy of the example, mutated and restored by each example; its settings, once."""
    repo = copy_repo(tmp_path_factory.mktemp("fuzz") / "repo")
    _, site_settings, incidents_dir = load_site(repo / "mkdocs.yml")
    return repo, site_settings, incidents_dir


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutation=mutations())
def test_random_mutations_pass_or_give_path_line_problems(
    fuzz_repo: tuple[Path, Settings, str], mutation: tuple[str, bytes]
) -> None:
    repo, site_settings, incidents_dir = fuzz_repo
    rel, data = mutation
    original = (repo / rel).read_bytes()
    (repo / rel).write_bytes(data)
    try:
        found = check_messages(repo, (site_settings, incidents_dir))
    finally:
        (repo / rel).write_bytes(original)
    assert_clean_outcome(found)


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Path:
    """A copy of the example with its built site, to mutate and rebuild."""
    repo = copy_repo(tmp_path_factory.mktemp("fuzz") / "repo")
    shutil.copytree(site, repo / "site")
    return repo


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutation=mutations())
def test_random_mutations_build_fully_or_leave_the_site_unchanged(
    built_example: Path, mutation: tuple[str, bytes]
) -> None:
    rel, data = mutation
    with tempfile.TemporaryDirectory() as folder:
        repo = copy_repo(Path(folder) / "repo")
        shutil.copytree(built_example / "site", repo / "site")
        before = tree_bytes(repo / "site")
        (repo / rel).write_bytes(data)
        result = run_vigie(repo, "build", env={"SOURCE_DATE_EPOCH": FIXED_NOW})
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            assert (repo / "site/index.html").is_file()
            return
        assert result.returncode == 1
        *problems, summary, _failed = result.stderr.strip().split("\n")
        assert_clean_outcome(problems)
        assert "problème(s)" in summary
        assert tree_bytes(repo / "site") == before
        assert [p.name for p in repo.iterdir() if p.name.startswith(".site")] == []
