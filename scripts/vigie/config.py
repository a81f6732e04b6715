"""The Vigie plugin's options in `mkdocs.yml`, declared once: name, type, default, example.

`sources/settings.py` judges what staff wrote against these declarations and makes the
`Settings`; the plugin derives MkDocs' option scheme from them; the model's defaults are
these defaults. Types are named as in `messages.TYPE_NAMES`, plus `date` (a day) and
`moment` (a date and time with its UTC offset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT = "string"
INTEGER = "integer"
NUMBER = "number"
BOOLEAN = "boolean"
DATE = "date"
MOMENT = "moment"
LIST = "array"
MAPPING = "object"


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()  # the default of an option staff must write


@dataclass(frozen=True)
class Option:
    """One option: the YAML type expected, its default and a value as staff would write it."""

    name: str
    type: str
    default: Any = REQUIRED
    example: str = ""
    items: str = ""  # a list's: the type of each item (MAPPING: `options` are each item's)
    options: tuple[Option, ...] = ()  # a mapping's, or those of each mapping of a list
    slug: bool = False  # an identifier: lower-case letters, digits and dashes

    @property
    def required(self) -> bool:
        """True when staff must write it."""
        return self.default is REQUIRED


# Sites that content may link to by default, besides the organisation's own domains.
LINK_HOSTS = (
    "cnil.fr",
    "cybermalveillance.gouv.fr",
    "service-public.fr",
    "ameli.fr",
    "defenseurdesdroits.fr",
    "legifrance.gouv.fr",
)

# "Ce que nous ne vous demanderons jamais", on every breach notice.
NEVER_ASK = (
    "vos coordonnées bancaires (RIB, numéro de carte) par téléphone, courriel ou SMS",
    "votre mot de passe ou vos codes d'accès",
    "un code reçu par SMS",
    "un paiement pour débloquer un remboursement ou éviter une sanction",
    "de cliquer sur un lien pour « vérifier » ou « mettre à jour » votre compte",
    "d'installer une application ou de prendre le contrôle de votre ordinateur",
)

# The vocabulary of personal data, as `data_categories` would write it.
DATA_CATEGORIES = (
    {"id": "nom", "label": "Nom", "sensitive": False},
    {"id": "prenom", "label": "Prénom", "sensitive": False},
    {"id": "date-naissance", "label": "Date de naissance", "sensitive": False},
    {"id": "rang-naissance", "label": "Rang de naissance", "sensitive": False},
    {"id": "numero-securite-sociale", "label": "Numéro de sécurité sociale", "sensitive": True},
    {"id": "assureur", "label": "Nom de l'organisme complémentaire", "sensitive": False},
    {"id": "numero-contrat", "label": "Numéro de contrat", "sensitive": False},
    {"id": "reference-interne", "label": "Référence interne de l'opérateur", "sensitive": False},
    {"id": "adresse-postale", "label": "Adresse postale", "sensitive": False},
    {"id": "telephone", "label": "Numéro de téléphone", "sensitive": False},
    {"id": "email", "label": "Adresse e-mail", "sensitive": False},
    {"id": "coordonnees-bancaires", "label": "Coordonnées bancaires", "sensitive": False},
    {"id": "donnees-medicales", "label": "Données médicales", "sensitive": True},
)

ACCESSIBILITY = (
    Option("status", TEXT, "non conforme", "partiellement conforme"),  # french.RGAA_LEVELS
    Option("standard", TEXT, "RGAA 4.1", "RGAA 4.1"),
    Option("compliance_rate", NUMBER, None, "87"),  # share of applicable criteria met, in %
    Option("audit_date", DATE, None, "2024-07-01"),
    Option("audited_by", TEXT, "", "une évaluation interne"),
    Option("statement_date", DATE, None, "2024-07-01"),
    Option("non_compliant", LIST, (), "[Les pages d'archives…]", items=TEXT),
    Option("exemptions", LIST, (), "[Les documents PDF antérieurs à 2024…]", items=TEXT),
    Option("contact_email", TEXT, "", "accessibilite@exemple.fr"),  # else the site's contact
    Option("contact_phone", TEXT, "", "01 99 00 12 34"),
    Option("contact_url", TEXT, "", "https://www.exemple.fr/accessibilite"),
    Option("postal_address", TEXT, "", "Service accessibilité, 10 rue de l'Exemple, 75000 Paris"),
)

COMPONENT = (
    Option("id", TEXT, REQUIRED, "espace-adherent", slug=True),
    Option("name", TEXT, REQUIRED, "Espace adhérent"),
    Option("description", TEXT, "", "Votre compte en ligne et l'application mobile"),
)

DATA_CATEGORY = (
    Option("id", TEXT, REQUIRED, "numero-securite-sociale", slug=True),
    Option("label", TEXT, REQUIRED, "Numéro de sécurité sociale"),
    Option("sensitive", BOOLEAN, False, "true"),
)

# Telling subscribers at deploy (publish/notify/, docs/abonnes.md). Secrets never stand here:
# only the names of the environment variables that hold them (`*_env`). `url`, `secret` and
# `password` are declared so that one written by mistake is refused as a secret, at its line.
WEBHOOK = (
    Option("id", TEXT, REQUIRED, "equipe-support", slug=True),
    Option("format", TEXT, "statuspage", "slack"),  # statuspage | slack | teams
    Option("url_env", TEXT, "", "VIGIE_WEBHOOK_SUPPORT_URL"),
    Option("secret_env", TEXT, "", "VIGIE_WEBHOOK_SUPPORT_SECRET"),
    Option("components", LIST, (), "[espace-adherent]", items=TEXT),
    Option("kinds", LIST, (), "[outage, data-breach]", items=TEXT),
    Option("url", TEXT, "", ""),
    Option("secret", TEXT, "", ""),
)

MAIL = (
    Option("host", TEXT, "", "smtp.exemple.fr"),
    Option("port", INTEGER, 587, "587"),
    Option("security", TEXT, "starttls", "starttls"),  # starttls | tls | none
    Option("username_env", TEXT, "", "VIGIE_SMTP_USER"),
    Option("password_env", TEXT, "", "VIGIE_SMTP_PASSWORD"),
    Option("sender", TEXT, "", "statut@exemple.fr"),
    Option("recipients", LIST, (), "[adherents@listes.exemple.fr]", items=TEXT),
    Option("components", LIST, (), "[espace-adherent]", items=TEXT),
    Option("kinds", LIST, (), "[data-breach]", items=TEXT),
    Option("password", TEXT, "", ""),
)

NOTIFY = (
    Option("hubs", LIST, (), "[https://hub.exemple.fr/]", items=TEXT),
    Option(
        "webhooks",
        LIST,
        (),
        "[{id: support, format: slack, url_env: …}]",
        items=MAPPING,
        options=WEBHOOK,
    ),
    Option(
        "mail", MAPPING, None, "{host: smtp.exemple.fr, sender: …, recipients: […]}", options=MAIL
    ),
    Option("timeout", NUMBER, 5, "5"),  # seconds per request; a few tries, then next deploy
)

SECURITY_EXPIRES_EXAMPLE = "2027-10-31T23:59:59+01:00"

OPTIONS = (
    Option("organisation", TEXT, REQUIRED, "Mutuelle Horizon"),
    Option("contact_email", TEXT, REQUIRED, "contact@exemple.fr"),
    Option("timezone", TEXT, "Europe/Paris", "Europe/Paris"),
    Option("incidents_dir", TEXT, "incidents", "incidents"),
    Option("feed_entries", INTEGER, 50, "50"),
    Option("tag_year", INTEGER, 2024, "2024"),  # in every feed id: never change it
    Option(
        "components",
        LIST,
        REQUIRED,
        "[{id: espace-adherent, name: Espace adhérent}]",
        items=MAPPING,
        options=COMPONENT,
    ),
    Option(  # an empty list keeps the default vocabulary
        "data_categories",
        LIST,
        DATA_CATEGORIES,
        "[{id: numero-securite-sociale, label: Numéro de sécurité sociale, sensitive: true}]",
        items=MAPPING,
        options=DATA_CATEGORY,
    ),
    Option("never_ask", LIST, NEVER_ASK, "[votre mot de passe]", items=TEXT),
    Option("own_domains", LIST, (), "[exemple.fr]", items=TEXT),
    Option("link_hosts", LIST, LINK_HOSTS, "[cnil.fr, service-public.fr]", items=TEXT),
    Option("security_contact", TEXT, "", "mailto:securite@exemple.fr"),
    Option("security_expires", MOMENT, REQUIRED, SECURITY_EXPIRES_EXAMPLE),
    Option("accessibility", MAPPING, None, "{status: non conforme}", options=ACCESSIBILITY),
    Option("notify", MAPPING, None, "{hubs: [https://hub.exemple.fr/]}", options=NOTIFY),
)

# MkDocs' own option of every plugin, never Vigie's to judge.
MKDOCS_OPTIONS = ("enabled",)


def option(path: str) -> Option:
    """The option at a dotted `path`, e.g. `accessibility.status` or `components.id`."""
    options, found = OPTIONS, None
    for name in path.split("."):
        found = next(o for o in options if o.name == name)
        options = found.options
    assert found is not None
    return found


def default(path: str) -> Any:
    """The default of the option at `path` (see `option`)."""
    return option(path).default
