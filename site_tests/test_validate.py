"""Every kind of mistake staff can make gets its exact `path:line: message`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conftest import copy_repo
from vigie.messages import SourceError
from vigie.pipeline import load_site
from vigie.sources.load import load_sources
from vigie.sources.structure import check_schemas_match_model
from vigie.sources.validate import validate

if TYPE_CHECKING:
    from pathlib import Path

INCIDENT = """\
id: panne-test
title: Panne de test
summary: Un résumé.
kind: outage
impact: minor
started: 2024-03-01T08:00:00+01:00
components:
  espace-adherent: major_outage
contact:
  name: Service client
  email: service@exemple.fr
"""
UPDATE = """\
---
date: 2024-03-01T09:00:00+01:00
status: investigating
title: Premier point
---
Nous enquêtons.
"""
I = "incidents/panne-test/incident.yml"  # noqa: E741
U = "incidents/panne-test/updates/2024-03-01T0900-premier-point.md"


def problems_for(repo: Path, files: dict[str, str | bytes]) -> list[str]:
    """Add a small valid incident to a copy of the example, apply `files`, check it."""
    base = repo / "incidents/panne-test"
    (base / "updates").mkdir(parents=True)
    (base / "incident.yml").write_text(INCIDENT, encoding="utf-8")
    (base / "updates/2024-03-01T0900-premier-point.md").write_text(UPDATE, encoding="utf-8")
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    root, settings, incidents_dir = load_site(repo / "mkdocs.yml")
    try:
        validate(load_sources(root, incidents_dir), settings)
    except SourceError as error:
        return [str(p) for p in error.problems]
    return []


CASES = {
    "ok": (
        {},
        [],
    ),
    "syntax": (
        {I: INCIDENT.replace("summary: Un résumé.", "summary: [Un résumé.")},
        [
            "incidents/panne-test/incident.yml:3: syntaxe YAML (colonne 10) : « [ » ouvert ici et pas refermé comme attendu (ligne 4, trouvé : « : ») : séparez les éléments par « , » et refermez par « ] » ; un élément qui contient « : », « , » ou des crochets s'écrit entre guillemets"
        ],
    ),
    "missing": (
        {I: INCIDENT.replace("title: Panne de test\n", "")},
        [
            "incidents/panne-test/incident.yml:1: champ obligatoire manquant : « title » (exemple : title: Cyberattaque chez notre opérateur de tiers payant)"
        ],
    ),
    "unknown": (
        {I: INCIDENT.replace("summary:", "sumary:")},
        [
            "incidents/panne-test/incident.yml:1: champ obligatoire manquant : « summary » (exemple : summary: Des données d'adhérents ont été consultées…)",
            "incidents/panne-test/incident.yml:3: champ inconnu « sumary » : vouliez-vous dire « summary » ?",
        ],
    ),
    "unknown2": (
        {I: INCIDENT + "couleur: rouge\n"},
        [
            "incidents/panne-test/incident.yml:12: champ inconnu « couleur » ; champs possibles : authorities, breach, components, contact, data, draft, id, impact, kind, measures, planned, recommendations, resolved, started, summary, title, what_happened"
        ],
    ),
    "type": (
        {I: INCIDENT.replace("title: Panne de test", "title: [a, b]")},
        ["incidents/panne-test/incident.yml:2: « title » doit être un texte (trouvé : une liste)"],
    ),
    "nooffset": (
        {U: UPDATE.replace("2024-03-01T09:00:00+01:00", "2024-03-01 09:00:00")},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:2: la date « 2024-03-01 09:00:00 » n'a pas de décalage horaire : ajoutez-le (exemple : 2024-02-09T12:00:00+01:00 en hiver, +02:00 en été)"
        ],
    ),
    "dateonly": (
        {U: UPDATE.replace("2024-03-01T09:00:00+01:00", "2024-03-01")},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:2: « 2024-03-01 » est une date sans heure : écrivez la date et l'heure avec le décalage horaire (exemple : 2024-02-09T12:00:00+01:00)"
        ],
    ),
    "notadate": (
        {U: UPDATE.replace("2024-03-01T09:00:00+01:00", "demain matin")},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:2: « demain matin » n'est pas une date : écrivez la date et l'heure avec le décalage horaire (exemple : 2024-02-09T12:00:00+01:00)"
        ],
    ),
    "before": (
        {U: UPDATE.replace("2024-03-01T09:00:00+01:00", "2024-02-28T09:00:00+01:00")},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:2: mise à jour datée du 2024-02-28T09:00:00+01:00, avant le début de l'incident (2024-03-01T08:00:00+01:00, champ started de incident.yml)"
        ],
    ),
    "samedate": (
        {
            "incidents/panne-test/updates/2024-03-01T0900-bis.md": UPDATE.replace(
                "Premier point", "Bis"
            )
        },
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:2: deux mises à jour ont la même date 2024-03-01T09:00:00+01:00 : 2024-03-01T0900-bis.md a la même ; décalez l'une d'elles"
        ],
    ),
    "status": (
        {U: UPDATE.replace("status: investigating", "status: enquete")},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:3: valeur inconnue « enquete » pour « status » ; valeurs possibles : investigating, identified, monitoring, resolved, postmortem (incident) ; scheduled, in_progress, verifying, completed (maintenance planifiée)"
        ],
    ),
    "impact": (
        {I: INCIDENT.replace("impact: minor", "impact: moyen")},
        [
            "incidents/panne-test/incident.yml:5: valeur inconnue « moyen » pour « impact » ; valeurs possibles : none, minor, major, critical"
        ],
    ),
    "component": (
        {I: INCIDENT.replace("espace-adherent: major", "espace-adherant: major")},
        [
            "incidents/panne-test/incident.yml:8: service inconnu « espace-adherant » ; services possibles : tiers-payant, remboursements, espace-adherent, service-client"
        ],
    ),
    "category": (
        {I: INCIDENT + "data:\n  exposed: [nom, iban]\n"},
        [
            "incidents/panne-test/incident.yml:13: catégorie de données inconnue « iban » ; catégories possibles : nom, prenom, date-naissance, rang-naissance, numero-securite-sociale, assureur, numero-contrat, reference-interne, adresse-postale, telephone, email, coordonnees-bancaires, donnees-medicales"
        ],
    ),
    "dupid": (
        {
            "incidents/panne-test-2/incident.yml": INCIDENT,
            "incidents/panne-test-2/updates/2024-03-01T0900-premier-point.md": UPDATE,
        },
        [
            "incidents/panne-test-2/incident.yml:1: identifiant d'incident « panne-test » déjà utilisé par incidents/panne-test/incident.yml",
            "incidents/panne-test-2/incident.yml:1: l'identifiant « panne-test » diffère du nom du dossier « panne-test-2 » : ils doivent être égaux",
        ],
    ),
    "folder": (
        {I: INCIDENT.replace("id: panne-test", "id: panne-autre")},
        [
            "incidents/panne-test/incident.yml:1: l'identifiant « panne-autre » diffère du nom du dossier « panne-test » : ils doivent être égaux"
        ],
    ),
    "nofm": (
        {U: "Nous enquêtons.\n"},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:1: en-tête YAML manquant : le fichier doit commencer par une ligne « --- », les champs (date, status, title), puis une autre ligne « --- »"
        ],
    ),
    "emptybody": (
        {U: UPDATE.replace("Nous enquêtons.\n", "\n")},
        [
            "incidents/panne-test/updates/2024-03-01T0900-premier-point.md:5: le texte de la mise à jour est vide : écrivez-le sous la ligne « --- »"
        ],
    ),
    "utf8": (
        {I: INCIDENT.replace("Un résumé.", "Un r\xe9sum\xe9.").encode("latin-1")},
        [
            "incidents/panne-test/incident.yml:3: le fichier n'est pas encodé en UTF-8 (octet invalide 0xe9) : enregistrez-le en UTF-8"
        ],
    ),
    "resolved_open": (
        {I: INCIDENT + "resolved: 2024-03-01T10:00:00+01:00\n"},
        [
            "incidents/panne-test/incident.yml:12: l'incident est marqué résolu (resolved) mais sa dernière mise à jour (2024-03-01T0900-premier-point.md) a le statut « investigating » : ajoutez une mise à jour au statut resolved, ou retirez resolved"
        ],
    ),
    "closed_noresolved": (
        {U: UPDATE.replace("investigating", "resolved")},
        [
            "incidents/panne-test/incident.yml:6: la dernière mise à jour a le statut « resolved » mais incident.yml n'a pas de champ resolved : ajoutez resolved avec la date de fin (exemple : resolved: 2024-03-01T09:00:00+01:00)"
        ],
    ),
    "dupkey": (
        {I: INCIDENT + "title: Encore\n"},
        ["incidents/panne-test/incident.yml:12: clé « title » en double (déjà définie ligne 2)"],
    ),
    "alias": (
        {I: INCIDENT + "extra: &a x\nautre: *a\n"},
        [
            "incidents/panne-test/incident.yml:13: les alias YAML (*nom) ne sont pas acceptés : écrivez la valeur en entier"
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_mistake_has_its_exact_message(tmp_path: Path, case: str) -> None:
    files, expected = CASES[case]
    assert problems_for(copy_repo(tmp_path / "repo"), files) == expected


def _line_order(problem: str) -> tuple[str, int, str]:
    path, line, message = problem.split(":", 2)
    return path, int(line), message


def test_all_problems_of_all_files_come_at_once(tmp_path: Path) -> None:
    """Every case at once, each in its own incident folder `cas-<case>`: no problem lost."""
    files: dict[str, str | bytes] = {}
    expected: list[str] = []
    for case, (case_files, messages) in CASES.items():
        folder = f"cas-{case.replace('_', '-')}"
        for rel, content in {I: INCIDENT, U: UPDATE, **case_files}.items():
            if isinstance(content, bytes):
                content = content.replace(b"panne-test", folder.encode())
            else:
                content = content.replace("panne-test", folder)
            files[rel.replace("panne-test", folder)] = content
        expected += [m.replace("panne-test", folder) for m in messages]
    assert len(files) == sum(2 + len(f.keys() - {I, U}) for f, _ in CASES.values())
    found = problems_for(copy_repo(tmp_path / "repo"), files)
    assert (
        "incidents/cas-utf8/incident.yml:3: le fichier n'est pas encodé en UTF-8 "
        "(octet invalide 0xe9) : enregistrez-le en UTF-8"
    ) in found
    assert found == sorted(expected, key=_line_order)


def test_schemas_and_model_share_their_vocabularies() -> None:
    assert check_schemas_match_model() == []


def test_libyaml_reads_every_source_as_pyyaml_does(example_repo: Path) -> None:
    from vigie.sources import yamldoc as load

    files = sorted(example_repo.rglob("*.yml")) + sorted(example_repo.rglob("*.md"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            if not text.startswith("---\n"):
                continue
            text = text.split("---\n")[1]
        fast_problems: list = []
        slow_problems: list = []
        fast = load.parse_yaml(text, "f", fast_problems, first_line=2)
        slow = load._parse_yaml_slowly(text, "f", slow_problems, first_line=2)
        assert fast == slow, path
        assert fast_problems == slow_problems, path


def test_control_characters_are_what_yaml_cannot_print_and_the_bidi_controls() -> None:
    import re

    import yaml

    from vigie.sources.yamldoc import CONTROL_CHARACTER

    every = "".join(map(chr, range(0x110000)))
    yaml_refuses = set(yaml.reader.Reader.NON_PRINTABLE.findall(every))
    bidi = set(re.findall("[\u202a-\u202e\u2066-\u2069]", every))
    assert len(bidi) == 9
    assert {"\x00", "\x7f", "\ud800"} <= yaml_refuses
    assert set(CONTROL_CHARACTER.findall(every)) == yaml_refuses | bidi
