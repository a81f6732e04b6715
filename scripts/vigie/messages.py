"""Every message staff can read from `vigie check`, in French, kept in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one source file, at one line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class SourceError(Exception):
    """The sources hold problems: nothing may be published."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


# Loading
NOT_UTF8 = "le fichier n'est pas encodé en UTF-8 (octet invalide {byte}) : enregistrez-le en UTF-8"
NUL_BYTE = "le fichier contient un octet nul : ce n'est pas un fichier texte"
TOO_LARGE = "fichier trop volumineux ({size} Ko ; au plus {limit} Ko)"
YAML_SYNTAX = (
    "syntaxe YAML invalide à cette ligne ou juste avant (guillemets, crochets, deux-points "
    "ou indentation ?) ; détail : {problem}"
)
YAML_ALIAS = "les alias YAML (*nom) ne sont pas acceptés : écrivez la valeur en entier"
YAML_TAG = "étiquette YAML non acceptée : {tag}"
YAML_TOO_DEEP = "imbrication trop profonde (plus de {limit} niveaux)"
YAML_KEY_NOT_TEXT = "une clé doit être un texte simple"
DUPLICATE_KEY = "clé « {key} » en double (déjà définie ligne {first})"
NO_FRONT_MATTER = (
    "en-tête YAML manquant : le fichier doit commencer par une ligne « --- », "
    "les champs (date, status, title), puis une autre ligne « --- »"
)
UNCLOSED_FRONT_MATTER = "en-tête YAML non refermé : ajoutez une ligne « --- » après les champs"
EMPTY_BODY = "le texte de la mise à jour est vide : écrivez-le sous la ligne « --- »"
EMPTY_FILE = "le fichier est vide"
UNEXPECTED_FILE = (
    "fichier inattendu dans un dossier d'incident : seuls incident.yml, faq.yml "
    "et updates/*.md sont lus"
)
UNEXPECTED_TOP_FILE = (
    "fichier inattendu dans incidents/ : seuls faq.yml et un dossier par incident sont lus"
)
MISSING_INCIDENT_FILE = "incident.yml manquant dans ce dossier d'incident"
BAD_UPDATE_NAME = (
    "nom de fichier de mise à jour invalide : écrivez AAAA-MM-JJTHHMM-titre-court.md "
    "(exemple : 2024-02-06T1800-premiere-information.md)"
)
BAD_FOLDER_NAME = (
    "nom de dossier d'incident invalide « {name} » : lettres minuscules sans accent, "
    "chiffres et tirets (exemple : 2024-02-tiers-payant)"
)

# Structure (from the JSON Schemas)
REQUIRED = "champ obligatoire manquant : « {field} » (exemple : {example})"
UNKNOWN_FIELD = "champ inconnu « {field} »{hint}"
DID_YOU_MEAN = " : vouliez-vous dire « {suggestion} » ?"
ALLOWED_FIELDS = " ; champs possibles : {allowed}"
WRONG_TYPE = "« {field} » doit être {expected} (trouvé : {found})"
UNKNOWN_VALUE = "valeur inconnue « {value} » pour « {field} » ; valeurs possibles : {allowed}"
EMPTY_VALUE = "« {field} » ne doit pas être vide"
BAD_FORMAT = "« {field} » a une forme invalide « {value} » (exemple : {example})"
DUPLICATE_VALUE = "« {field} » contient une valeur en double"
TYPE_NAMES = {
    "string": "un texte",
    "boolean": "true ou false",
    "array": "une liste",
    "object": "un ensemble de champs (clé: valeur)",
    "integer": "un nombre entier",
    "number": "un nombre",
    "null": "vide",
}

# Dates
DATE_NO_OFFSET = (
    "la date « {value} » n'a pas de décalage horaire : ajoutez-le "
    "(exemple : 2024-02-09T12:00:00+01:00 en hiver, +02:00 en été)"
)
DATE_ONLY = (
    "« {value} » est une date sans heure : écrivez la date et l'heure avec le décalage "
    "horaire (exemple : 2024-02-09T12:00:00+01:00)"
)
NOT_A_DATE = (
    "« {value} » n'est pas une date : écrivez la date et l'heure avec le décalage horaire "
    "(exemple : 2024-02-09T12:00:00+01:00)"
)

# Meaning and consistency
UNKNOWN_COMPONENT = "service inconnu « {value} » ; services possibles : {allowed}"
UNKNOWN_DATA_CATEGORY = (
    "catégorie de données inconnue « {value} » ; catégories possibles : {allowed}"
)
DATA_BOTH_WAYS = "la catégorie « {value} » est à la fois dans exposed et dans not_exposed"
ID_MISMATCH = (
    "l'identifiant « {id} » diffère du nom du dossier « {folder} » : ils doivent être égaux"
)
DUPLICATE_INCIDENT_ID = "identifiant d'incident « {id} » déjà utilisé par {other}"
UPDATE_BEFORE_START = (
    "mise à jour datée du {date}, avant le début de l'incident ({started}, "
    "champ started de incident.yml)"
)
SAME_DATE_UPDATES = (
    "deux mises à jour ont la même date {date} : {other} a la même ; décalez l'une d'elles"
)
RESOLVED_BUT_OPEN = (
    "l'incident est marqué résolu (resolved) mais sa dernière mise à jour ({last}) a le "
    "statut « {status} » : ajoutez une mise à jour au statut resolved, ou retirez resolved"
)
CLOSED_BUT_NOT_RESOLVED = (
    "la dernière mise à jour a le statut « {status} » mais incident.yml n'a pas de champ "
    "resolved : ajoutez resolved avec la date de fin (exemple : resolved: {example})"
)
RESOLVED_BEFORE_START = "la fin (resolved) est antérieure au début (started)"
NO_UPDATES = "aucune mise à jour : ajoutez au moins un fichier dans updates/ (vigie new update)"
DUPLICATE_FAQ_ID = "identifiant de question « {id} » en double (déjà ligne {first})"

# Commands
CHECK_OK = "Vérification réussie : {incidents} incident(s), {updates} mise(s) à jour publiée(s)."
CHECK_FAILED = "{count} problème(s) : rien n'a été publié."
BUILD_OK = "Site construit dans {site_dir} ({files} fichiers)."
BUILD_FAILED = "La construction a échoué : le site précédent ({site_dir}) est intact."

# The append-only guard (vigie check --since)
GUARD_CHANGED = (
    "{what} d'une mise à jour déjà publiée modifié sans correction : ajoutez une entrée à "
    "corrections (date, reason) pour dire publiquement ce qui a changé"
)
GUARD_DELETED = (
    "mise à jour déjà publiée supprimée : une mise à jour publiée reste en ligne ; "
    "publiez plutôt une correction ou une nouvelle mise à jour"
)
GUARD_RENAMED = (
    "mise à jour déjà publiée renommée en {new} : son adresse ne doit pas changer ; "
    "rendez-lui son nom"
)
GUARD_INCIDENT_GONE = (
    "incident déjà publié supprimé ou renommé : son dossier et son identifiant ne doivent "
    "pas changer"
)
GUARD_SHALLOW = (
    "historique git insuffisant : la révision « {reference} » est absente de ce clone "
    "superficiel ; récupérez l'historique (git fetch --unshallow, ou fetch-depth: 0 dans "
    "GitHub Actions, GIT_DEPTH: 0 dans GitLab CI) pour vérifier les mises à jour publiées"
)
GUARD_UNKNOWN_REF = "révision git inconnue « {reference} » : impossible de comparer"
GUARD_NOT_GIT = "{root} n'est pas un dépôt git : impossible de comparer avec une révision"
GUARD_OK = "Mises à jour publiées depuis {reference} : aucune modification sans correction."

# Verify
VERIFY_OK = "Copie conforme au manifeste ({count} fichiers)."
VERIFY_FAILED = "{count} différence(s) avec le manifeste."
