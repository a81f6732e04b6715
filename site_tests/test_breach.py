"""Breach notices meet GDPR art. 34 and help members tell real messages from phishing."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import feedparser
import jsonschema
import pytest

from conftest import REPO, copy_repo, run_vigie
from vigie.model import Authority, AuthorityType, Breach, Impact, NoticeState, Party, Status
from vigie.sources import breach

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BREACH = "incidents/2024-02-tiers-payant"
INCIDENT = f"{BREACH}/incident.yml"
CONFIRMED = f"{BREACH}/updates/2024-02-07T1200-donnees-confirmees.md"
AUTHORITIES = f"{BREACH}/updates/2024-02-09T1200-autorites-notifiees.md"
MONITORING = f"{BREACH}/updates/2024-02-20T1000-surveillance.md"
MISSING = f"{INCIDENT}:{{line}}: avis de violation de données incomplet (RGPD art. 34) : il manque {{element}}"


def drop_key(repo: Path, rel: str, key: str) -> None:
    """Remove `key` (at any indentation) and everything nested under it from a YAML file."""
    lines = (repo / rel).read_text(encoding="utf-8").split("\n")
    kept, skipping_below = [], None
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if skipping_below is not None:
            if not line.strip() or indent > skipping_below:
                continue
            skipping_below = None
        if re.match(rf"^\s*{re.escape(key)}:", line) and skipping_below is None:
            skipping_below = indent
            continue
        kept.append(line)
    (repo / rel).write_text("\n".join(kept), encoding="utf-8")


def replace_text(repo: Path, rel: str, old: str, new: str) -> None:
    text = (repo / rel).read_text(encoding="utf-8")
    assert old in text
    (repo / rel).write_text(text.replace(old, new), encoding="utf-8")


def drop_everywhere(key: str, *files: str) -> Callable[[Path], None]:
    def mutate(repo: Path) -> None:
        for rel in files:
            drop_key(repo, rel, key)

    return mutate


ELEMENTS: dict[str, tuple[Callable[[Path], None], int, str]] = {
    "what_happened": (
        drop_everywhere("what_happened", INCIDENT),
        20,
        "la nature de la violation, ce qui s'est passé (champ what_happened)",
    ),
    "discovered": (
        drop_everywhere("discovered", INCIDENT),
        33,
        "la date de découverte de la violation (champ breach.discovered)",
    ),
    "exposure": (
        drop_everywhere("exposure", INCIDENT),
        33,
        "la période pendant laquelle les données ont été exposées (champ breach.exposure)",
    ),
    "exposed": (
        drop_everywhere("exposed", CONFIRMED),
        13,
        "les catégories de données concernées (champ data.exposed)",
    ),
    "not_exposed": (
        drop_everywhere("not_exposed", CONFIRMED),
        14,
        "les catégories de données non concernées (champ data.not_exposed)",
    ),
    "concerned": (
        drop_everywhere("concerned", INCIDENT),
        33,
        "comment savoir si l'on est concerné (champ breach.concerned)",
    ),
    "individual_notice": (
        drop_everywhere("individual_notice", MONITORING),
        33,
        "comment chaque personne concernée sera informée individuellement (champ breach.individual_notice)",
    ),
    "consequences": (
        drop_everywhere("breach", CONFIRMED),
        33,
        "les conséquences possibles pour les personnes (champ breach.consequences)",
    ),
    "measures": (
        drop_everywhere("measures", INCIDENT, AUTHORITIES, MONITORING),
        29,
        "les mesures prises (champ measures)",
    ),
    "planned_measures": (
        drop_everywhere("planned_measures", MONITORING),
        33,
        "les mesures prévues (champ breach.planned_measures)",
    ),
    "cnil": (
        lambda repo: replace_text(repo, AUTHORITIES, "type: cnil", "type: autre"),
        32,
        "la notification à la CNIL et sa date (champ authorities, avec type: cnil)",
    ),
    "recommendations": (
        drop_everywhere("recommendations", INCIDENT, CONFIRMED),
        33,
        "ce que les personnes doivent faire (champ recommendations)",
    ),
    "controller": (
        drop_everywhere("controller", INCIDENT),
        33,
        "le responsable du traitement (champ breach.controller)",
    ),
    "rights": (
        drop_everywhere("rights", INCIDENT),
        33,
        "le droit d'adresser une réclamation à la CNIL (champ breach.rights, qui doit nommer la CNIL)",
    ),
}


@pytest.mark.parametrize("element", ELEMENTS)
def test_each_missing_element_fails_check_with_its_message(tmp_path: Path, element: str) -> None:
    mutate, line, words = ELEMENTS[element]
    repo = copy_repo(tmp_path / "repo")
    mutate(repo)
    result = run_vigie(repo, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        MISSING.format(line=line, element=words),
        "1 problème(s) : rien n'a été publié.",
    ]


RIGHTS_CNIL = (
    "droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL\n"
    "    sur [cnil.fr](https://www.cnil.fr/fr/plaintes)."
)


@pytest.mark.parametrize(
    ("rights", "refused"),
    [
        # Rights are given, but not the one art. 34 names: a complaint to the CNIL.
        ("droits ne sont pas respectés, écrivez à notre médiateur.", True),
        ("droits ne sont pas respectés, vous pouvez saisir l'autorité compétente.", True),
        # The CNIL named in any case is enough.
        ("droits ne sont pas respectés, vous pouvez saisir la Cnil.", False),
        ("droits ne sont pas respectés, adressez une réclamation à la cnil.", False),
    ],
)
def test_rights_must_name_the_cnil(tmp_path: Path, rights: str, refused: bool) -> None:
    repo = copy_repo(tmp_path / "repo")
    replace_text(repo, INCIDENT, RIGHTS_CNIL, rights)
    result = run_vigie(repo, "check")
    if not refused:
        assert (result.returncode, result.stderr) == (0, "")
        return
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        MISSING.format(line=48, element=ELEMENTS["rights"][2]),  # the line of rights:
        "1 problème(s) : rien n'a été publié.",
    ]


def test_late_cnil_notification_is_a_warning_not_an_error(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    replace_text(
        repo,
        INCIDENT,
        "discovered: 2024-02-05T17:00:00+01:00",
        "discovered: 2024-02-01T10:00:00+01:00",
    )
    result = run_vigie(repo, "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{AUTHORITIES}:10: avertissement : la CNIL a été notifiée 174 h après la découverte de la violation (plus de 72 h) sans motif : ajoutez delay_reason à cette notification (RGPD art. 33.1)"
    ]
    build = run_vigie(repo, "build")
    assert build.returncode == 0
    assert "la CNIL a été notifiée 174 h après" in build.stderr
    replace_text(
        repo,
        AUTHORITIES,
        "    type: cnil\n",
        "    type: cnil\n    delay_reason: Notre opérateur ne nous a transmis la liste des données que le 7 février\n",
    )
    result = run_vigie(repo, "check")
    assert (result.returncode, result.stderr) == (0, "")


def test_incident_page_has_the_seven_sections_in_order(html_page) -> None:
    soup = html_page(f"/{BREACH}/")
    sections = [h.get_text(strip=True) for h in soup.select("article h2")]
    # What to do first, on the first screen of a phone (test_first_screen.py), then the facts.
    seven = [
        "Ce que vous devez faire",
        "Ce qui s'est passé",
        "Êtes-vous concerné ?",
        "Données concernées et non concernées",
        "Conséquences possibles",
        "Ce que nous avons fait",
        "Contact et droits",
    ]
    assert [s for s in sections if s in seven] == seven
    # A breach's « L'essentiel » (staff's own length) comes right after what to do.
    assert sections[:2] == ["Ce que vous devez faire", "L'essentiel"]
    facts = soup.select_one(".vigie-breach-facts").get_text(" ", strip=True)
    assert "Violation découverte le 5 février 2024 à 17 h 00" in facts
    assert "Données exposées du 30 janvier 2024 à 0 h 00 au 1er février 2024 à 18 h 00" in facts
    assert "Responsable du traitement : Mutuelle Horizon" in facts
    rights = soup.find("h2", id="contact").find_next_siblings("p")
    assert any("réclamation à la CNIL" in p.get_text() for p in rights)


def test_data_table_marks_the_sensitive_categories(html_page) -> None:
    soup = html_page(f"/{BREACH}/")
    rows = soup.select("table.vigie-data--exposed tbody tr")
    sensitive = [r.th.get_text(strip=True) for r in rows if r.select_one(".vigie-sensitive")]
    assert sensitive == ["Numéro de sécurité sociale"]
    spared = soup.select("table.vigie-data--not-exposed tbody tr")
    assert [r.th.get_text(strip=True) for r in spared if r.select_one(".vigie-sensitive")] == [
        "Données médicales"
    ]


def test_register_of_official_messages_and_never_ask_box(html_page) -> None:
    soup = html_page(f"/{BREACH}/")
    table = soup.select_one("table.vigie-communications")
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.tbody.find_all("tr")
    ]
    assert rows[0] == [
        "6 février 2024 à 9 h 00",
        "E-mail",
        "information@mutuelle-horizon.example",
        "Cyberattaque chez notre opérateur de tiers payant : ce que nous savons",
        "Tous les adhérents ayant donné une adresse e-mail",
    ]
    assert [r[1] for r in rows] == ["E-mail", "Courrier", "SMS"]
    box = soup.select_one("aside.vigie-never-ask")
    assert box.select_one(".admonition-title").get_text(strip=True) == (
        "Ce que nous ne vous demanderons jamais"
    )
    items = [li.get_text(strip=True) for li in box.select("li")]
    assert "un code reçu par SMS" in items
    assert any("RIB" in item for item in items)
    # A permanent version page lists only the messages sent before it was published.
    first = html_page(f"/{BREACH}/versions/1/")
    assert first.select_one("table.vigie-communications") is None
    second = html_page(f"/{BREACH}/versions/2/")
    assert len(second.select("table.vigie-communications tbody tr")) == 1


def test_notice_json_validates_and_carries_every_element(site: Path) -> None:
    schema = json.loads((REPO / "site_tests/schemas/notice.schema.json").read_text("utf-8"))
    for path in sorted(site.glob("incidents/*/notice.json")):
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            json.loads(path.read_text("utf-8"))
        )
    notice = json.loads((site / BREACH / "notice.json").read_text("utf-8"))
    assert notice["is_personal_data_breach"] is True
    assert notice["nature"]["discovered_at"] == "2024-02-05T17:00:00+01:00"
    assert notice["nature"]["exposure"] == {
        "start": "2024-01-30T00:00:00+01:00",
        "end": "2024-02-01T18:00:00+01:00",
    }
    assert [c["id"] for c in notice["data"]["exposed"] if c["sensitive"]] == [
        "numero-securite-sociale"
    ]
    assert [a["type"] for a in notice["authorities"]] == ["anssi", "cnil", "plainte"]
    assert notice["controller"]["name"] == "Mutuelle Horizon"
    assert len(notice["likely_consequences"]) == 3
    assert len(notice["measures"]["planned"]) == 2
    assert [c["id"] for c in notice["communications"]] == [
        "2024-02-06T0900-email",
        "2024-02-21T1000-courrier",
        "2024-02-21T1030-sms",
    ]
    outage = json.loads((site / "incidents/2024-06-espace-adherent/notice.json").read_text("utf-8"))
    assert outage["is_personal_data_breach"] is False


def _message_ids(site: Path) -> list[str]:
    parsed = feedparser.parse((site / BREACH / "atom.xml").read_bytes())
    assert not parsed.bozo
    return [e.id for e in parsed.entries if "/communications/" in e.id]


def test_a_new_message_sent_is_a_feed_entry_with_a_stable_id(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "build").returncode == 0
    before = _message_ids(repo / "site")
    assert before == [
        "tag:statut.mutuelle-horizon.example,2024:2024-02-tiers-payant/communications/2024-02-21T1030-sms",
        "tag:statut.mutuelle-horizon.example,2024:2024-02-tiers-payant/communications/2024-02-21T1000-courrier",
        "tag:statut.mutuelle-horizon.example,2024:2024-02-tiers-payant/communications/2024-02-06T0900-email",
    ]
    register = repo / BREACH / "communications.yml"
    register.write_text(
        register.read_text(encoding="utf-8") + "- date: 2024-03-04T09:00:00+01:00\n"
        "  channel: email\n"
        "  sender: information@mutuelle-horizon.example\n"
        "  subject: Rappel des bons réflexes contre l'hameçonnage\n"
        "  audience: Tous les adhérents\n",
        encoding="utf-8",
    )
    assert run_vigie(repo, "build").returncode == 0
    after = _message_ids(repo / "site")
    assert after[1:] == before
    assert after[0].endswith("/communications/2024-03-04T0900-email")
    entry = next(
        e
        for e in feedparser.parse((repo / "site/feeds/atom.xml").read_bytes()).entries
        if e.id == after[0]
    )
    assert entry.title == (
        "Cyberattaque chez notre opérateur de tiers payant — Message officiel envoyé : "
        "Rappel des bons réflexes contre l'hameçonnage"
    )
    assert entry.link.endswith(f"/{BREACH}/#messages-officiels")
    api = json.loads((repo / "site/api/v2/incidents.json").read_text("utf-8"))
    listed = next(i for i in api["incidents"] if i["id"] == "2024-02-tiers-payant")
    assert listed["x_communications"][-1]["id"] == "2024-03-04T0900-email"


# --- The art. 34 checks as pure functions (fast: what `make mutate` runs) ------------------

PARIS = ZoneInfo("Europe/Paris")
DISCOVERED = datetime(2024, 2, 5, 17, 0, tzinfo=PARIS)
COMPLETE_BREACH = Breach(
    discovered=DISCOVERED,
    exposure_start=datetime(2024, 1, 30, tzinfo=PARIS),
    exposure_end=datetime(2024, 2, 1, 18, 0, tzinfo=PARIS),
    concerned="Les adhérents du tiers payant.",
    individual_notice="Un courrier à chacun.",
    consequences=("Des messages frauduleux.",),
    planned_measures=("Un audit.",),
    controller=Party("Mutuelle Horizon"),
    rights="Vous pouvez adresser une réclamation à la CNIL.",
)
CNIL_NOTIFIED = Authority(
    "CNIL", datetime(2024, 2, 8, 17, 0, tzinfo=PARIS), type=AuthorityType.CNIL
)
COMPLETE = NoticeState(
    status=Status.IDENTIFIED,
    impact=Impact.MAJOR,
    components=(),
    data_exposed=("nom",),
    data_not_exposed=("iban",),
    what_happened="Une attaque chez notre opérateur.",
    measures=("Portail fermé.",),
    authorities=(CNIL_NOTIFIED,),
    recommendations=("Méfiez-vous des messages.",),
    breach=COMPLETE_BREACH,
)


def _without(**changes: object) -> NoticeState:
    notice = {k: v for k, v in changes.items() if k in NoticeState.__dataclass_fields__}
    facts = {k: v for k, v in changes.items() if k not in notice}
    return dataclasses.replace(
        COMPLETE, breach=dataclasses.replace(COMPLETE_BREACH, **facts), **notice
    )


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"what_happened": "  \n"}, [("what_happened", "what_happened")]),
        ({"discovered": None}, [("discovered", "breach.discovered")]),
        ({"exposure_start": None}, [("exposure", "breach.exposure")]),
        ({"data_exposed": ()}, [("exposed", "data.exposed")]),
        ({"data_not_exposed": ()}, [("not_exposed", "data.not_exposed")]),
        ({"concerned": " "}, [("concerned", "breach.concerned")]),
        ({"individual_notice": ""}, [("individual_notice", "breach.individual_notice")]),
        ({"consequences": ()}, [("consequences", "breach.consequences")]),
        ({"measures": ()}, [("measures", "measures")]),
        ({"planned_measures": ()}, [("planned_measures", "breach.planned_measures")]),
        (
            {"authorities": (dataclasses.replace(CNIL_NOTIFIED, type=AuthorityType.ANSSI),)},
            [("cnil", "authorities")],
        ),
        ({"recommendations": ()}, [("recommendations", "recommendations")]),
        ({"controller": None}, [("controller", "breach.controller")]),
        ({"rights": ""}, [("rights", "breach.rights")]),
        ({"rights": "Écrivez à notre délégué."}, [("rights", "breach.rights")]),
        ({"rights": "Saisissez la Cnil."}, []),
        # Several at once, in the order of the notice.
        (
            {"rights": "", "what_happened": "", "measures": ()},
            [
                ("what_happened", "what_happened"),
                ("measures", "measures"),
                ("rights", "breach.rights"),
            ],
        ),
    ],
)
def test_missing_elements_names_each_absent_element(
    changes: dict[str, object], missing: list[tuple[str, str]]
) -> None:
    assert breach.missing_elements(_without(**changes)) == missing


@pytest.mark.parametrize(
    ("notified", "reason", "late"),
    [
        (datetime(2024, 2, 8, 17, 0, tzinfo=PARIS), "", None),  # 72 h exactly: in time
        (datetime(2024, 2, 8, 17, 1, tzinfo=PARIS), "", 72),  # a minute late: 72 whole hours
        (datetime(2024, 2, 12, 23, 0, tzinfo=PARIS), "", 174),
        (datetime(2024, 2, 12, 23, 0, tzinfo=PARIS), "Liste reçue le 12", None),  # explained
    ],
)
def test_a_cnil_notification_after_72_hours_is_late_unless_explained(
    notified: datetime, reason: str, late: int | None
) -> None:
    first = Authority("CNIL", notified, type=AuthorityType.CNIL, delay_reason=reason)
    later = Authority("CNIL", datetime(2024, 3, 1, tzinfo=PARIS), type=AuthorityType.CNIL)
    state = _without(authorities=(later, first))  # the first notification counts, not the last
    assert breach.late_cnil_notification(state) == (None if late is None else (first, late))
    assert breach.late_cnil_notification(_without(authorities=())) is None
    assert breach.late_cnil_notification(_without(authorities=(first,), discovered=None)) is None
