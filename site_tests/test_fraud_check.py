"""`fraudulent-messages.yml` as staff write it: every mistake at its line, all at once.

And `vigie new incident --kind fraud`: the notice it writes passes `vigie check` once its
placeholders are filled.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from conftest import copy_repo, run_vigie
from vigie import pipeline
from vigie.model import FraudChannel, Kind
from vigie.sources.structure import schema

if TYPE_CHECKING:
    from pathlib import Path

FOLDER = "incidents/2026-10-faux-sms"
REGISTER = f"{FOLDER}/fraudulent-messages.yml"
INCIDENT = """\
id: 2026-10-faux-sms
title: Faux SMS au nom de Mutuelle Horizon
summary: Des SMS frauduleux circulent. Ils ne viennent pas de nous.
kind: fraud
impact: minor
started: 2026-10-20T08:00:00+02:00
recommendations:
  - Ne répondez pas.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""
UPDATE = """\
---
date: 2026-10-21T09:00:00+02:00
status: investigating
title: Premiers signalements
---
Des adhérents nous ont transmis ces SMS.
"""
GOOD = """\
- channel: sms
  first_seen: 2026-10-20
  sender: "38 123"
  subject: "Votre remboursement est bloqué : https://faux-remboursement.com/maj"
  fakes:
    - https://faux-remboursement.com/maj
  if_answered: Appelez votre banque.
"""


def fraud_repo(tmp_path: Path, register: str | None) -> Path:
    repo = copy_repo(tmp_path / "repo")
    folder = repo / FOLDER
    (folder / "updates").mkdir(parents=True)
    (folder / "incident.yml").write_text(INCIDENT, encoding="utf-8")
    (folder / "updates/2026-10-21T0900-premiers-signalements.md").write_text(UPDATE, "utf-8")
    if register is not None:
        (folder / "fraudulent-messages.yml").write_text(register, encoding="utf-8")
    return repo


def problems(repo: Path) -> list[str]:
    return [str(p) for p in pipeline.check(repo / "mkdocs.yml").problems]


def test_a_fake_address_is_no_link_of_ours_and_passes(tmp_path: Path) -> None:
    # The fake domain is on no allowlist: quoted from the fraudster, it is no link of ours.
    assert problems(fraud_repo(tmp_path, GOOD)) == []


def test_the_register_is_optional_even_for_a_fraud_notice(tmp_path: Path) -> None:
    assert problems(fraud_repo(tmp_path, None)) == []


def test_every_mistake_at_its_line(tmp_path: Path) -> None:
    register = """\
- channel: pigeon
  first_seen: 2026-10-20
  sender: "38 123"
  subject: Bloqué
  fakes: [faux.com]
  if_answered: Appelez votre banque.
- channel: sms
  first_seen: le 20 octobre
  sender: "38 124"
  subject: Bloqué
  fakes: [faux.com]
  if_answered: Appelez votre banque.
- channel: sms
  first_seen: 2026-10-22 09:30:00
  sender: "38 125"
  subject: Bloqué
  fakes: [faux.com]
  if_answered: Appelez votre banque.
- channel: email
  first_seen: 2026-10-22
  last_seen: 2026-10-21
  sender: faux@faux.com
  subject: Bloqué
  fakes: []
  if_answered: Appelez votre banque.
- channel: sms
  first_seen: 2026-10-23
  sender: "38 126"
  subject: Bloqué
  fakes:
    - https://www.mutuelle-horizon.example/connexion
  if_answered: Appelez votre banque.
- channel: sms
  first_seen: 2026-10-23T10:00:00+02:00
  sender: "38 126"
  subject: Bloqué encore
  fakes: [faux.com]
  if_answered: Appelez votre banque.
- channel: sms
  first_seen: 2026-10-24
  sender: "38 127"
  fakes: [faux.com]
  if_answered: Appelez votre banque.
"""
    assert problems(fraud_repo(tmp_path, register)) == EXPECTED


EXPECTED = [
    f"{REGISTER}:1: valeur inconnue « pigeon » pour « channel » ; valeurs possibles : "
    "sms, email, courrier, appel, autre",
    f"{REGISTER}:8: date invalide « le 20 octobre » : écrivez une date (2024-02-12) ou une date "
    "et heure avec décalage horaire (2024-02-12T09:30:00+01:00)",
    f"{REGISTER}:14: la date « 2026-10-22 09:30:00 » n'a pas de décalage horaire : ajoutez-le "
    "(exemple : 2024-02-09T12:00:00+01:00 en hiver, +02:00 en été)",
    f"{REGISTER}:21: last_seen (2026-10-21) est avant first_seen (2026-10-22) : inversez-les "
    "ou corrigez",
    f"{REGISTER}:24: « fakes » est vide : donnez au moins une fausse adresse, un faux numéro ou "
    "un faux site du message, tel quel (exemple : fakes: [faux-remboursement.example])",
    f"{REGISTER}:31: « https://www.mutuelle-horizon.example/connexion » est une adresse de "
    "Mutuelle Horizon (own_domains, site_url) : un message frauduleux n'utilise pas nos "
    "adresses ; s'il vient vraiment de nous, mettez-le dans communications.yml",
    f"{REGISTER}:34: ce message frauduleux est déjà dans le registre (ligne 27 : même canal, "
    "même expéditeur, même premier signalement) : gardez-en une seule entrée et mettez à jour "
    "last_seen",
    f"{REGISTER}:39: champ obligatoire manquant : « subject » (exemple : subject: Votre "
    "mutuelle : mettez à jour vos coordonnées bancaires)",
]


def test_a_register_that_is_not_a_list(tmp_path: Path) -> None:
    register = "channel: sms\nfirst_seen: 2026-10-20\n"
    assert problems(fraud_repo(tmp_path, register)) == [
        f"{REGISTER}:1: ce fichier doit contenir une liste de messages frauduleux signalés, "
        "chacun commençant par « - » (exemple : « - channel: sms », puis « first_seen: "
        "2024-02-12 », « sender: … », « subject: … », « fakes: [faux-site.example] » et "
        "« if_answered: … » indentés de deux espaces) ; trouvé : des champs « clé: valeur » "
        "hors d'une liste"
    ]


def test_if_answered_is_ours_its_links_are_judged(tmp_path: Path) -> None:
    register = GOOD.replace(
        "if_answered: Appelez votre banque.",
        "if_answered: Voyez [ce site](https://faux-remboursement.com/aide).",
    )
    found = problems(fraud_repo(tmp_path, register))
    assert len(found) == 1
    assert found[0].startswith(f"{REGISTER}:7: ")
    assert "faux-remboursement.com" in found[0]


def test_schema_and_model_share_the_channels() -> None:
    channels = schema("fraudulent-messages")["items"]["properties"]["channel"]["enum"]
    assert channels == [c.value for c in FraudChannel]
    assert "fraud" in schema("incident")["properties"]["kind"]["enum"]


def test_new_fraud_incident_passes_check_once_filled(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    folder = "incidents/2026-11-faux-appels"
    created = run_vigie(
        repo, "new", "incident", "2026-11-faux-appels", "--kind", "fraud",
        "--date", "2026-10-30T09:00:00+01:00",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert f"Créé : {folder}/fraudulent-messages.yml" in created.stdout.splitlines()
    check = run_vigie(repo, "check")
    assert check.returncode == 1
    left = [line for line in check.stderr.splitlines() if "à compléter" in line]
    assert any(line.startswith(f"{folder}/fraudulent-messages.yml:") for line in left)
    for path in sorted((repo / folder).rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"\[\[à compléter : ([^\]]*)\]\]", r"Texte du service : \1", text)
            path.write_text(text, encoding="utf-8")
    filled = run_vigie(repo, "check")
    assert (filled.returncode, filled.stderr) == (0, "")
    build = run_vigie(repo, "build")
    assert build.returncode == 0, build.stderr
    notice = json.loads((repo / "site" / folder / "notice.json").read_text("utf-8"))
    assert notice["kind"] == Kind.FRAUD
    assert len(notice["fraudulent_messages"]) == 1
