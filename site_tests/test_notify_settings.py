"""The `notify` options: a secret written in mkdocs.yml is refused at its line, in French."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import REPO
from vigie import pipeline
from vigie.model import Mail, Webhook

if TYPE_CHECKING:
    from pathlib import Path

BAD = """      notify:
        hubs: [https://hub.example/, "pas-une-url"]
        timeout: 0
        webhooks:
          - id: support
            format: slak
            url: https://hooks.slack.com/services/T0/B0/XXXX
            components: [espace-adherent, inconnu]
            kinds: [panne]
          - id: support
            url_env: https://hooks.slack.com/services/T0/B0/XXXX
          - id: sans-url
        mail:
          host: smtp.example
          security: ssl
          password: hunter2
          recipients: [pas-une-adresse]
"""
GOOD = """      notify:
        hubs: [https://hub.exemple.fr/]
        webhooks:
          - id: support
            format: slack
            url_env: VIGIE_WEBHOOK_SUPPORT_URL
            secret_env: VIGIE_WEBHOOK_SUPPORT_SECRET
            kinds: [outage]
        mail:
          host: smtp.exemple.fr
          port: 465
          security: tls
          username_env: VIGIE_SMTP_USER
          password_env: VIGIE_SMTP_PASSWORD
          sender: statut@mutuelle-horizon.example
          recipients: [adherents@listes.mutuelle-horizon.example]
"""


def written(tmp_path: Path, block: str) -> tuple[Path, int]:
    """mkdocs.yml with `block` before the services; the line where the block starts."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    before, marker, after = text.partition("      components:\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(before + block + marker + after, encoding="utf-8")
    (tmp_path / "pages").mkdir()
    return config, before.count("\n") + 1


def test_each_mistake_and_each_secret_is_told_at_its_line(tmp_path: Path) -> None:
    config, first = written(tmp_path, BAD)
    problems = [str(p) for p in pipeline.settings(config).problems]
    at = lambda n: f"mkdocs.yml:{first + n}: "  # noqa: E731 (line n of the block)
    assert problems == [
        at(1) + "« notify.hubs » : « pas-une-url » n'est pas une adresse https://… de hub WebSub",
        at(2) + "« notify.timeout » doit être entre 0 et 60 secondes (ici 0)",
        at(5)
        + "valeur inconnue « slak » pour « notify.webhooks.format » ; valeurs possibles : statuspage, slack, teams",
        at(6)
        + "« notify.webhooks.url » est un secret : il ne s'écrit jamais dans mkdocs.yml (ce fichier est public, dans git). Mettez-le dans une variable d'environnement (secret de la CI) et écrivez ici son nom, par ex. url_env: VIGIE_WEBHOOK_SUPPORT_URL",
        at(7)
        + "« notify.webhooks.components » : « inconnu » n'est pas un service des réglages (components) ; services : tiers-payant, remboursements, espace-adherent, service-client",
        at(8)
        + "valeur inconnue « panne » pour « notify.webhooks.kinds » ; valeurs possibles : data-breach, outage, maintenance, fraud, other",
        at(9)
        + "le webhook « support » est déjà déclaré ligne "
        + str(first + 4)
        + " : donnez-lui un autre id",
        at(10)
        + "« notify.webhooks.url_env » doit être le nom d'une variable d'environnement (majuscules, chiffres et _, par ex. VIGIE_WEBHOOK_SUPPORT_URL), jamais le secret lui-même : « https:… » n'en est pas un",
        at(11)
        + "le webhook « sans-url » n'a pas de « url_env » : le nom de la variable d'environnement qui contient son adresse, par ex. url_env: VIGIE_WEBHOOK_SANS_URL_URL",
        at(12)
        + "« notify.mail.sender » manque : l'adresse d'expédition, par ex. sender: statut@exemple.fr",
        at(14)
        + "valeur inconnue « ssl » pour « notify.mail.security » ; valeurs possibles : starttls, tls, none",
        at(15)
        + "« notify.mail.password » est un secret : il ne s'écrit jamais dans mkdocs.yml (ce fichier est public, dans git). Mettez-le dans une variable d'environnement (secret de la CI) et écrivez ici son nom, par ex. password_env: VIGIE_SMTP_PASSWORD",
        at(16)
        + "« notify.mail.recipients » : « pas-une-adresse » n'est pas une adresse e-mail (exemple : statut@exemple.fr)",
    ]
    assert not any("hunter2" in p or "XXXX" in p for p in problems)  # never the secret


def test_good_settings_name_only_environment_variables(tmp_path: Path) -> None:
    config, _ = written(tmp_path, GOOD)
    read = pipeline.settings(config)
    assert read.problems == ()
    notify = read.settings.notify
    assert notify.hubs == ("https://hub.exemple.fr/",)
    assert notify.webhooks == (
        Webhook(
            "support",
            "slack",
            "VIGIE_WEBHOOK_SUPPORT_URL",
            "VIGIE_WEBHOOK_SUPPORT_SECRET",
            (),
            ("outage",),
        ),
    )
    assert notify.mail == Mail(
        "smtp.exemple.fr",
        465,
        "tls",
        "statut@mutuelle-horizon.example",
        ("adherents@listes.mutuelle-horizon.example",),
        "VIGIE_SMTP_USER",
        "VIGIE_SMTP_PASSWORD",
    )
