"""The Vigie options in `mkdocs.yml`: one road, so `vigie check`, `vigie build` and
`mkdocs build` refuse the same option with the same `mkdocs.yml:<line>: message`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from conftest import REPO, copy_repo, run_mkdocs, run_vigie, tree_bytes
from vigie import cli
from vigie.model import Component
from vigie.sources.settings import SettingsRead, read_settings

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLE = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
VIGIE_OPTIONS = "  - vigie:\n"


def line_of(text: str, marker: str | tuple[str, int] | None) -> int:
    """The number of the line of `text` holding `marker` (its nth, given `(marker, n)`)."""
    if marker is None:
        return 1
    needle, nth = marker if isinstance(marker, tuple) else (marker, 1)
    found = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    return found[nth - 1]


def changed(old: str, new: str) -> str:
    assert EXAMPLE.count(old) == 1, old
    return EXAMPLE.replace(old, new)


# (what is wrong, the text replaced, its replacement, the line's marker, the exact message)
ROADS = [
    (
        "missing site_url",
        "site_url: https://statut.mutuelle-horizon.example/\n",
        "",
        None,
        "site_url est obligatoire : les flux et l'API donnent des adresses complètes "
        "(exemple : site_url: https://statut.example.fr/)",
    ),
    (
        "invalid site_url",  # MkDocs takes it (a scheme and a host): Vigie does not
        "site_url: https://statut.mutuelle-horizon.example/\n",
        "site_url: htps://statut.mutuelle-horizon.example/\n",
        "site_url:",
        "site_url « htps://statut.mutuelle-horizon.example/ » n'est pas l'adresse d'un site : "
        "écrivez https:// (ou http://), le nom du site et son chemin, sans identifiant, ni "
        "« ? », ni « # » (exemple : site_url: https://statut.example.fr/)",
    ),
    (
        "invalid accessibility.status",
        "status: partiellement conforme ",
        "status: conforme ",
        "status: conforme",
        "accessibility.status « conforme » inconnu ; choix : « totalement conforme », "
        "« partiellement conforme », « non conforme »",
    ),
    (
        "a component without id",
        "        - id: service-client\n          name: Service client\n",
        "        - name: Service client\n",
        "- name: Service client",
        "réglage « components.id » manquant dans les options du greffon vigie "
        "(exemple : id: espace-adherent)",
    ),
    (
        "an unknown key under vigie:",
        "      timezone: Europe/Paris\n",
        "      timezone: Europe/Paris\n      feed_entry: 20\n",
        "feed_entry:",
        "réglage inconnu « feed_entry » dans les options du greffon vigie : "
        "vouliez-vous dire « feed_entries » ?",
    ),
    (
        "malformed security_expires",
        "security_expires: 2027-10-31T23:59:59+01:00",
        "security_expires: fin octobre 2027",
        "security_expires:",
        "« fin octobre 2027 » n'est pas une date : écrivez la date et l'heure avec le décalage "
        "horaire (exemple : 2024-02-09T12:00:00+01:00)",
    ),
    (
        "expired security_expires",  # the tests' "now" is 1 November 2026 (conftest.py)
        "security_expires: 2027-10-31T23:59:59+01:00",
        "security_expires: 2026-10-31T23:59:59+01:00",
        "security_expires:",
        "security.txt a expiré le 2026-10-31T23:59:59+01:00 (security_expires) : repoussez la "
        "date (au plus un an) après avoir vérifié le contact",
    ),
    (
        "a wrong type",
        "      timezone: Europe/Paris\n",
        "      timezone: Europe/Paris\n      feed_entries: beaucoup\n",
        "feed_entries:",
        "« feed_entries » doit être un nombre entier (trouvé : un texte) ; "
        "exemple : feed_entries: 50",
    ),
    (
        "a duplicate component id",
        "        - id: service-client\n",
        "        - id: remboursements\n",
        ("- id: remboursements", 2),
        "identifiant « remboursements » en double dans components (déjà ligne {first})",
    ),
]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built once: the previous site each refusal must leave as it was."""
    repo = copy_repo(tmp_path_factory.mktemp("settings") / "repo")
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    return repo / "site"


def check_in_process(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`vigie check` run as staff run it, in this process: exit code and stderr lines."""
    capsys.readouterr()
    code = cli.main(["-f", str(repo / "mkdocs.yml"), "check"])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"), [case[1:] for case in ROADS], ids=[c[0] for c in ROADS]
)
def test_an_invalid_option_is_refused_the_same_way_on_every_road(
    tmp_path: Path,
    built_site: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    marker: str | tuple[str, int] | None,
    message: str,
) -> None:
    repo = copy_repo(tmp_path / "repo")
    text = changed(old, new)
    (repo / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(built_site, repo / "site")
    before = tree_bytes(repo / "site")
    first = line_of(EXAMPLE, "- id: remboursements")
    expected = f"mkdocs.yml:{line_of(text, marker)}: {message.replace('{first}', str(first))}"

    code, errors = check_in_process(repo, capsys)
    assert code == 1
    assert [e for e in errors if e.startswith("mkdocs.yml:")] == [expected]

    built = run_vigie(repo, "build")
    assert built.returncode == 1
    assert expected in built.stderr.splitlines()
    assert "Traceback" not in built.stderr
    assert tree_bytes(repo / "site") == before

    plain = run_mkdocs(repo, "build")
    assert plain.returncode == 1
    assert any(line.endswith(expected) for line in plain.stderr.splitlines()), plain.stderr
    assert "Traceback" not in plain.stderr
    assert tree_bytes(repo / "site") == before


# The other option problems, as `vigie check` reports them (the same road as above).
CHECKS = [
    (
        "missing organisation",
        "      organisation: Mutuelle Horizon\n",
        "",
        "- vigie:",
        "réglage « organisation » manquant dans les options du greffon vigie "
        "(exemple : organisation: Mutuelle Horizon)",
    ),
    (
        "an empty organisation",
        "      organisation: Mutuelle Horizon\n",
        '      organisation: ""\n',
        "organisation:",
        "« organisation » ne doit pas être vide",
    ),
    (
        "missing components",
        EXAMPLE[EXAMPLE.index("      components:\n") : EXAMPLE.index("\nmarkdown_extensions:")],
        "",
        "- vigie:",
        "réglage « components » manquant dans les options du greffon vigie "
        "(exemple : components: [{id: espace-adherent, name: Espace adhérent}])",
    ),
    (
        "a component that is not a mapping",
        "        - id: service-client\n          name: Service client\n"
        "          description: Téléphone, courriel et accueil en agence\n",
        "        - service-client\n",
        "- service-client",
        "« components » doit être une liste dont chaque élément est un ensemble de champs "
        "(clé: valeur) (trouvé : un élément qui est un texte) ; exemple : components: "
        "[{id: espace-adherent, name: Espace adhérent}]",
    ),
    (
        "a component id that is not a slug",
        "        - id: service-client\n",
        "        - id: Service client\n",
        "- id: Service client",
        "« components.id » a une forme invalide « Service client » (exemple : espace-adherent) "
        "; ce nom contient une espace",
    ),
    (
        "an unknown key in a component",
        "          name: Service client\n",
        "          name: Service client\n          colour: blue\n",
        "colour:",
        "réglage inconnu « components.colour » dans les options du greffon vigie ; réglages "
        "possibles : id, name, description",
    ),
    (
        "a data category without label",
        "      components:\n",
        "      data_categories:\n        - id: nir\n      components:\n",
        "- id: nir",
        "réglage « data_categories.label » manquant dans les options du greffon vigie "
        "(exemple : label: Numéro de sécurité sociale)",
    ),
    (
        "a data category's sensitive that is not true or false",
        "      components:\n",
        "      data_categories:\n        - id: nir\n          label: NIR\n"
        "          sensitive: oui\n      components:\n",
        "sensitive: oui",
        "« data_categories.sensitive » doit être true ou false (trouvé : un texte) ; "
        "exemple : sensitive: true",
    ),
    (
        "an unknown time zone",
        "timezone: Europe/Paris",
        "timezone: Europe/Pariss",
        "timezone:",
        "fuseau horaire inconnu « Europe/Pariss » (exemple : timezone: Europe/Paris)",
    ),
    (
        "a contact that is not an address",
        "      contact_email: contact@mutuelle-horizon.example\n",
        "      contact_email: contact(at)mutuelle-horizon.example\n",
        "contact_email: contact(at)",
        "« contact_email » : « contact(at)mutuelle-horizon.example » n'est pas une adresse "
        "e-mail (exemple : contact_email: contact@exemple.fr)",
    ),
    (
        "an incidents folder outside the repository",
        "      timezone: Europe/Paris\n",
        "      timezone: Europe/Paris\n      incidents_dir: ../incidents\n",
        "incidents_dir:",
        "« incidents_dir » : « ../incidents » n'est pas un dossier à côté de mkdocs.yml : "
        "écrivez son nom, sans « .. » ni chemin absolu (exemple : incidents_dir: incidents)",
    ),
    (
        "no feed entries",
        "      timezone: Europe/Paris\n",
        "      timezone: Europe/Paris\n      feed_entries: 0\n",
        "feed_entries:",
        "« feed_entries » doit valoir au moins 1 (trouvé : 0)",
    ),
    (
        "a list that is a text",
        "      own_domains:\n        - mutuelle-horizon.example\n",
        "      own_domains: mutuelle-horizon.example\n",
        "own_domains:",
        "« own_domains » doit être une liste (trouvé : un texte) ; "
        "exemple : own_domains: [exemple.fr]",
    ),
    (
        "a status that needs an audit",
        "        audit_date: 2024-07-01\n",
        "",
        "status: partiellement",
        "accessibility.status « partiellement conforme » demande un audit : indiquez "
        "accessibility.audit_date (sans audit, le RGAA impose « non conforme »)",
    ),
    (
        "an audit date that is not a day",
        "audit_date: 2024-07-01",
        "audit_date: juillet 2024",
        "audit_date:",
        "« accessibility.audit_date » doit être une date AAAA-MM-JJ (trouvé : un texte) ; "
        "exemple : audit_date: 2024-07-01",
    ),
    (
        "a compliance rate over 100",
        "        audit_date: 2024-07-01\n",
        "        audit_date: 2024-07-01\n        compliance_rate: 120\n",
        "compliance_rate:",
        "accessibility.compliance_rate 120 : un pourcentage de 0 à 100",
    ),
    (
        "a compliance rate of another level",
        "        audit_date: 2024-07-01\n",
        "        audit_date: 2024-07-01\n        compliance_rate: 100\n",
        "compliance_rate:",
        "accessibility.compliance_rate 100 % correspond à « totalement conforme », "
        "pas à « partiellement conforme »",
    ),
    (
        "an unknown accessibility option",
        "        audited_by: une évaluation interne\n",
        "        audited_by: une évaluation interne\n        audit_by: moi\n",
        "audit_by:",
        "réglage inconnu « accessibility.audit_by » dans les options du greffon vigie : "
        "vouliez-vous dire « audited_by » ?",
    ),
    (
        "a duplicate option",
        "      timezone: Europe/Paris\n",
        "      timezone: Europe/Paris\n      timezone: UTC\n",
        "timezone: UTC",
        "clé « timezone » en double (déjà définie ligne {first})",
    ),
    (
        "no vigie plugin",
        "  - vigie:\n",
        "  - vigilance:\n",
        "plugins:",
        "le greffon vigie manque dans plugins : ajoutez « - vigie: » suivi de ses options "
        "(organisation, contact_email, components, security_expires)",
    ),
    (
        "a docs_dir that does not exist",
        "docs_dir: pages\n",
        "docs_dir: page\n",
        "docs_dir:",
        "docs_dir « page » : ce dossier n'existe pas à côté de mkdocs.yml (il contient les pages "
        "écrites à la main ; exemple : docs_dir: pages)",
    ),
    (
        "a site_url without scheme",  # MkDocs refuses it first, in its own words
        "site_url: https://statut.mutuelle-horizon.example/\n",
        "site_url: statut.mutuelle-horizon.example\n",
        "site_url:",
        "site_url « statut.mutuelle-horizon.example » n'est pas l'adresse d'un site : "
        "écrivez https:// (ou http://), le nom du site et son chemin, sans identifiant, ni "
        "« ? », ni « # » (exemple : site_url: https://statut.example.fr/)",
    ),
    (
        "a YAML syntax error",
        "      timezone: Europe/Paris\n",
        "      timezone: [Europe/Paris\n",
        "timezone: [Europe/Paris",
        "syntaxe YAML (colonne 17) : « [ » ouvert ici et pas refermé comme attendu (ligne 48, "
        "trouvé : « ? ») : séparez les éléments par « , » et refermez par « ] » ; un élément "
        "qui contient « : », « , » ou des crochets s'écrit entre guillemets",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"), [case[1:] for case in CHECKS], ids=[c[0] for c in CHECKS]
)
def test_every_option_problem_has_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    marker: str,
    message: str,
) -> None:
    repo = copy_repo(tmp_path / "repo")
    text = changed(old, new)
    (repo / "mkdocs.yml").write_text(text, encoding="utf-8")
    code, errors = check_in_process(repo, capsys)
    assert code == 1
    expected = f"mkdocs.yml:{line_of(text, marker)}: "
    if "{first}" in message:
        message = message.replace("{first}", str(line_of(text, "timezone: Europe/Paris")))
    expected += message
    assert [e for e in errors if e.startswith("mkdocs.yml:")] == [expected]


def test_every_problem_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = copy_repo(tmp_path / "repo")
    text = EXAMPLE.replace("status: partiellement conforme ", "status: conforme ")
    text = text.replace("site_url: https://statut.mutuelle-horizon.example/\n", "")
    (repo / "mkdocs.yml").write_text(text, encoding="utf-8")
    code, errors = check_in_process(repo, capsys)
    assert code == 1
    assert errors == [
        "mkdocs.yml:1: site_url est obligatoire : les flux et l'API donnent des adresses "
        "complètes (exemple : site_url: https://statut.example.fr/)",
        f"mkdocs.yml:{line_of(text, 'status: conforme')}: accessibility.status « conforme » "
        "inconnu ; choix : « totalement conforme », « partiellement conforme », « non conforme »",
        "2 problème(s) : rien n'a été publié.",
    ]


def test_mkdocs_tags_elsewhere_are_tolerated_and_env_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = copy_repo(tmp_path / "repo")
    text = changed(
        "site_url: https://statut.mutuelle-horizon.example/\n",
        "site_url: !ENV [VIGIE_TEST_SITE_URL, https://statut.mutuelle-horizon.example/]\n",
    )
    text = text.replace(
        "  - admonition\n",
        "  - admonition\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n",
    )
    (repo / "mkdocs.yml").write_text(text, encoding="utf-8")
    monkeypatch.delenv("VIGIE_TEST_SITE_URL", raising=False)
    code, errors = check_in_process(repo, capsys)
    assert (code, errors) == (0, [])
    monkeypatch.setenv("VIGIE_TEST_SITE_URL", "htps://statut.example.fr/")
    code, errors = check_in_process(repo, capsys)
    assert code == 1
    assert errors[0] == (
        f"mkdocs.yml:{line_of(text, 'site_url:')}: site_url « htps://statut.example.fr/ » n'est "
        "pas l'adresse d'un site : écrivez https:// (ou http://), le nom du site et son chemin, "
        "sans identifiant, ni « ? », ni « # » (exemple : site_url: https://statut.example.fr/)"
    )


def test_check_does_not_need_mkdocs(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    program = (
        "import sys\n"
        "from vigie.cli import main\n"
        f"code = main(['-f', {str(repo / 'mkdocs.yml')!r}, 'check'])\n"
        "loaded = sorted(m for m in sys.modules if m == 'mkdocs' or m.startswith('mkdocs.'))\n"
        "print(code, loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
        timeout=120,
    )
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr


MINIMAL = """\
site_name: Statut
site_url: https://statut.example.fr/
docs_dir: pages
plugins:
"""
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def read(tmp_path: Path, text: str) -> SettingsRead:
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    return read_settings(tmp_path / "mkdocs.yml", NOW)


def test_the_options_may_be_written_as_mkdocs_reads_them(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        "contact: &contact {organisation: Mutuelle, contact_email: contact@exemple.fr}\n"
        + MINIMAL
        + "  search: {}\n"
        "  vigie:\n"
        "    <<: *contact\n"
        "    components: [{id: espace-adherent, name: Espace adhérent}]\n"
        "    security_expires: 2027-01-31 12:00:00+01:00\n",
    )
    assert found.problems == ()
    assert found.settings is not None
    assert found.settings.organisation == "Mutuelle"
    assert found.settings.contact_email == "contact@exemple.fr"
    assert found.settings.components == (Component("espace-adherent", "Espace adhérent"),)
    assert found.settings.security_expires == datetime(2027, 1, 31, 11, tzinfo=UTC)
    assert found.settings.site_url == "https://statut.example.fr/"


def test_a_tag_in_the_options_is_told_once(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        MINIMAL + "  - vigie:\n"
        "      organisation: !!python/name:os.getcwd\n"
        "      contact_email: contact@exemple.fr\n"
        "      components: []\n"
        "      security_expires: 2027-01-31T12:00:00+01:00\n",
    )
    assert [str(p) for p in found.problems] == [
        "mkdocs.yml:6: étiquette YAML non acceptée : tag:yaml.org,2002:python/name:os.getcwd"
    ]


def test_a_site_url_without_final_slash_is_read_as_mkdocs_gives_it(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        MINIMAL.replace("https://statut.example.fr/", "https://example.fr/statut") + "  - vigie:\n"
        "      organisation: Mutuelle\n"
        "      contact_email: contact@exemple.fr\n"
        "      components: []\n"
        "      security_expires: 2027-01-31T12:00:00+01:00\n",
    )
    assert found.problems == ()
    assert found.settings is not None
    assert found.settings.site_url == "https://example.fr/statut/"


def test_security_txt_expiring_within_30_days_is_a_warning_only(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        MINIMAL + "  - vigie:\n"
        "      organisation: Mutuelle\n"
        "      contact_email: contact@exemple.fr\n"
        "      components: []\n"
        "      security_expires: 2026-11-11T13:00:00+01:00\n",
    )
    assert found.problems == ()
    assert [str(p) for p in found.warnings] == [
        "mkdocs.yml:9: avertissement : security.txt expire le 2026-11-11T13:00:00+01:00, dans "
        "10 jour(s) (security_expires) : repoussez la date (au plus un an) après avoir vérifié "
        "le contact"
    ]
