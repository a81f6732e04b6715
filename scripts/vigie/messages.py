"""Every message staff can read from `vigie check`, in French, kept in one place."""

from __future__ import annotations

import difflib
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
# The top-level shape of each source file, checked before anything else (load.py).
SHAPE = "ce fichier doit contenir {expected} ; trouvé : {found}"
SHAPE_EXPECTED = {
    "incident": (
        "les champs de l'avis, « clé: valeur », un par ligne (exemple : "
        "« id: 2024-02-tiers-payant », puis « title: … », « kind: outage », "
        "« started: 2024-02-06T18:00:00+01:00 » ; "
        "un brouillon ajoute « draft: true »)"
    ),
    "update": (
        "les champs de la mise à jour entre les deux lignes « --- », « clé: valeur », un par "
        "ligne (exemple : « date: 2024-02-06T18:00:00+01:00 », « status: investigating », "
        "« title: Premier point »)"
    ),
    "faq": (
        "une liste de questions, chacune commençant par « - » (exemple : "
        "« - id: suis-je-concerne », puis « question: … » et « answer: … » indentés "
        "de deux espaces)"
    ),
    "communications": (
        "une liste de messages envoyés, chacun commençant par « - » (exemple : "
        "« - date: 2024-02-12T09:00:00+01:00 », puis « channel: email », « sender: … », "
        "« subject: … » et « audience: … » indentés de deux espaces)"
    ),
    "fraudulent-messages": (
        "une liste de messages frauduleux signalés, chacun commençant par « - » (exemple : "
        "« - channel: sms », puis « first_seen: 2024-02-12 », « sender: … », « subject: … », "
        "« fakes: [faux-site.example] » et « if_answered: … » indentés de deux espaces)"
    ),
}
SHAPE_FOUND = {
    "nothing": "rien (vide ou seulement des commentaires)",
    "null": "une valeur vide (null, ~ ou « --- » seul)",
    "list": "une liste (lignes commençant par « - »)",
    "mapping": "des champs « clé: valeur » hors d'une liste",
    "text": "un texte seul",
    "number": "un nombre seul",
    "boolean": "un booléen seul",
    "documents": "plusieurs documents YAML séparés par « --- »",
}
INCIDENT_DROPPED = (
    "cet incident ne serait pas publié et aucune autre erreur ne dit pourquoi : "
    "corrigez incident.yml, ou mettez « draft: true » pour un brouillon"
)
NUMBER_TOO_LONG = (
    "nombre trop long ({digits} caractères ; au plus {limit}) : "
    "si c'est un texte, mettez-le entre guillemets"
)
ESCAPED_CHARACTER = (
    "caractère {code} interdit, écrit en séquence d'échappement « \\… » entre guillemets : "
    "retirez-le"
)
YAML_MERGE = "les clés de fusion YAML (<<) ne sont pas acceptées : écrivez les champs en entier"
LIST_ITEM = "élément {number} de la liste"
LIST_TOO_LONG = "liste trop longue ({count} éléments ; au plus {limit})"
NOT_UTF8_BUT = "le fichier est encodé en {encoding} : enregistrez-le en UTF-8"
UNEXPECTED_FILE = (
    "fichier inattendu dans un dossier d'incident : seuls incident.yml, faq.yml, "
    "communications.yml, fraudulent-messages.yml et updates/*.md sont lus"
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


def unknown_name_hint(name: str, known: list[str], choices: str) -> str:
    """« vouliez-vous dire … ? » with the closest known name, else `choices` listing them all."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return DID_YOU_MEAN.format(suggestion=close[0])
    return choices.format(allowed=", ".join(known))


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
DATE_OUT_OF_RANGE = (
    "« {value} » : l'année doit être comprise entre {first} et {last} "
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

# Names, files and limits (load.py)
NAME_REASON = "{message} ; ce nom {reason}"
NAME_REASONS = {
    "dots": "contient « .. »",
    "slash": "contient une barre oblique",
    "space": "contient une espace",
    "hidden": "commence par un point (fichier caché)",
    "non_ascii": "contient un caractère accentué ou non ASCII « {char} »",
    "capitals": "contient des majuscules",
    "other": "contient le caractère « {char} »",
}
SYMLINK_OUTSIDE = (
    "lien symbolique vers {target}, hors du dossier {folder} : remplacez-le par le fichier lui-même"
)
SYMLINK_BROKEN = "lien symbolique cassé ou en boucle : remplacez-le par le fichier lui-même"
UNREADABLE = "fichier illisible ({reason})"
CONTROL_CHARACTER = (
    "caractère de contrôle invisible {code} : retirez-le (souvent un copier-coller malheureux)"
)
TOO_MANY_UPDATES = (
    "trop de mises à jour dans cet incident ({count} ; au plus {limit}) : chaque mise à jour "
    "crée une version permanente de l'avis ; regroupez-les ou ouvrez un nouvel incident"
)

# Content safety (safety.py): what staff write cannot turn the site against its readers
ELEMENT_FORBIDDEN = "élément HTML <{tag}> interdit : {why}"
ELEMENT_WHY = {
    "script": "il exécuterait du code dans le navigateur des lecteurs",
    "frame": "il chargerait un autre site ou un programme dans la page",
    "form": "un formulaire pourrait servir à collecter des identifiants (hameçonnage)",
    "head": "il changerait le comportement de la page (redirection, adresse de base, styles)",
    "style": "il changerait l'apparence de la page (masquer ou imiter du contenu)",
}
ELEMENT_NOT_ALLOWED = (
    "élément HTML <{tag}> non permis : seule la mise en forme simple est acceptée "
    "(paragraphes, listes, liens, tableaux, gras, italique, citations)"
)
EVENT_ATTRIBUTE = (
    "attribut « {attribute} » interdit sur <{tag}> : un gestionnaire d'événement exécute du code"
)
STYLE_ATTRIBUTE = (
    "attribut « style » interdit sur <{tag}> : la politique de sécurité du site bloque les "
    "styles en ligne, et un style peut masquer ou imiter du contenu"
)
TABLE_ALIGNMENT = (
    "alignement de colonne (« :--- » ou « ---: ») non permis : il produit un attribut style, "
    "bloqué par la politique de sécurité du site ; écrivez « --- »"
)
ATTRIBUTE_NOT_ALLOWED = "attribut « {attribute} » non permis sur <{tag}>"
SCRIPT_URL = (
    "adresse « {scheme}: » interdite ({where}) : elle exécuterait du code ou afficherait un "
    "contenu caché dans le navigateur des lecteurs"
)
SCHEME_NOT_ALLOWED = (
    "adresse « {scheme}: » non permise ({where}) : seules https:, mailto:, tel: et les pages "
    "du site sont acceptées"
)
HTML_UNSAFE = (
    "HTML non permis ou mal formé autour de <{tag}> : le filtre de sécurité le retirerait ; "
    "simplifiez ce passage"
)
LINK_HTTP = "lien non chiffré « {url} » : écrivez https:// au lieu de http://"
LINK_USERINFO = (
    "lien trompeur « {url} » : le texte avant « @ » cache la vraie destination ({host}) ; "
    "écrivez l'adresse du site directement"
)
LINK_IP = "lien vers une adresse IP « {host} » : écrivez le nom du site"
LINK_NON_ASCII = (
    "lien vers « {host} » : nom de site avec des caractères accentués ou non latins, qui "
    "peuvent imiter un autre site ; écrivez le nom en lettres latines simples"
)
LINK_PUNYCODE = (
    "lien vers « {host} » : nom de site encodé (xn--) qui peut imiter un autre site "
    "par des caractères ressemblants"
)
LINK_BAD_HOST = "lien « {url} » : nom de site invalide « {host} »"
LINK_SHORTENER = (
    "lien raccourci « {url} » ({host}) : il cache sa vraie destination ; "
    "écrivez l'adresse complète du site"
)
LINK_NOT_ALLOWED = (
    "lien vers un site non autorisé « {host} » ; sites autorisés : {allowed} "
    "(liste link_hosts dans mkdocs.yml)"
)
IMAGE_EXTERNAL = (
    "image chargée depuis un autre site « {url} » : le site ne charge rien d'ailleurs ; "
    "placez l'image dans le site"
)
LINK_TEXT_MISMATCH = (
    "le texte du lien montre « {text} » mais le lien mène à « {target} » : "
    "le texte d'un lien ne doit pas montrer une autre adresse que sa destination"
)
LINK_RELATIVE = (
    "lien relatif « {url} » : il ne mène pas au même endroit sur toutes les pages où ce texte "
    "paraît ; écrivez « {absolute} »"
)
LINK_NO_INCIDENT = "lien « {url} » : aucun incident « {id} » dans le site{hint}"
KNOWN_INCIDENTS = " ; incidents : {allowed}"
LINK_DRAFT_INCIDENT = (
    "lien « {url} » : l'incident « {id} » est un brouillon, ce lien ne mènerait nulle part : "
    "publiez-le d'abord, ou écrivez ce texte en brouillon lui aussi"
)
LINK_NO_INCIDENTS_PAGE = (
    "lien « {url} » : le site n'a pas de page à cette adresse ; "
    "la liste des incidents est « /history/ »"
)
LINK_NO_QUESTION = "lien « {url} » : aucune question « {anchor} » sur la page /faq/{hint}"
KNOWN_QUESTIONS = " ; questions : {allowed}"
MARKDOWN_INDENT = (
    "ligne trop indentée ({columns} colonnes ; au plus {limit}) : imbriquez moins les listes "
    "(le rendu du Markdown deviendrait trop lent)"
)
MARKDOWN_BRACKETS = (
    "trop de crochets « [ » dans ce paragraphe ({count} ; au plus {limit}) : découpez-le "
    "(le rendu du Markdown deviendrait trop lent)"
)
MARKDOWN_BRACKETS_FILE = (
    "trop de crochets « [ » dans ce fichier ({count} ; au plus {limit}) : "
    "le rendu du Markdown deviendrait trop lent"
)
WHERE_LINK = "lien"
WHERE_IMAGE = "image"
WHERE_ATTRIBUTE = "attribut {attribute}"

# Site settings in mkdocs.yml
OPTION_MISSING = (
    "réglage « {option} » manquant dans les options du greffon vigie (exemple : {example})"
)
SECURITY_CONTACT_BAD = (
    "security_contact « {value} » : écrivez une adresse mailto: ou https:// "
    "(exemple : mailto:securite@exemple.fr)"
)
SECURITY_EXPIRED = (
    "security.txt a expiré le {date} (security_expires) : repoussez la date "
    "(au plus un an) après avoir vérifié le contact"
)
SECURITY_EXPIRES_SOON = (
    "avertissement : security.txt expire le {date}, dans {days} jour(s) (security_expires) : "
    "repoussez la date (au plus un an) après avoir vérifié le contact"
)
LINK_HOST_BAD = (
    "« {value} » dans {option} n'est pas un nom de site : écrivez seulement le nom, "
    "sans https:// ni chemin (exemple : cnil.fr)"
)
OPTION_UNKNOWN = "réglage inconnu « {option} » dans les options du greffon vigie{hint}"
OPTION_CHOICES = " ; réglages possibles : {allowed}"
OPTION_WRONG_TYPE = "« {option} » doit être {expected} (trouvé : {found}) ; exemple : {example}"
OPTION_TYPE_NAMES = {
    **TYPE_NAMES,
    "date": "une date AAAA-MM-JJ",
    "moment": "une date et une heure avec le décalage horaire",
}
OPTION_DUPLICATE_ID = "identifiant « {id} » en double dans {option} (déjà ligne {first})"
OPTION_TOO_SMALL = "« {option} » doit valoir au moins {minimum} (trouvé : {value})"
TAG_YEAR_BAD = (
    "« tag_year » doit être une année de quatre chiffres (trouvé : {value}) ; "
    "il entre dans l'identifiant de chaque entrée de flux : ne le changez plus ensuite"
)
EMAIL_BAD = "« {option} » : « {value} » n'est pas une adresse e-mail (exemple : {example})"
TIMEZONE_UNKNOWN = "fuseau horaire inconnu « {value} » (exemple : timezone: Europe/Paris)"
FOLDER_BAD = (
    "« {option} » : « {value} » n'est pas un dossier à côté de mkdocs.yml : écrivez son nom, "
    "sans « .. » ni chemin absolu (exemple : {example})"
)
PLUGIN_MISSING = (
    "le greffon vigie manque dans plugins : ajoutez « - vigie: » suivi de ses options "
    "(organisation, contact_email, components, security_expires)"
)
SITE_OPTION_MISSING = "réglage « {option} » manquant dans mkdocs.yml (exemple : {example})"
SITE_URL_MISSING = (
    "site_url est obligatoire : les flux et l'API donnent des adresses complètes "
    "(exemple : site_url: https://statut.example.fr/)"
)
SITE_URL_BAD = (
    "site_url « {value} » n'est pas l'adresse d'un site : écrivez https:// (ou http://), "
    "le nom du site et son chemin, sans identifiant, ni « ? », ni « # » "
    "(exemple : site_url: https://statut.example.fr/)"
)
DOCS_DIR_MISSING = (
    "docs_dir « {value} » : ce dossier n'existe pas à côté de mkdocs.yml (il contient les "
    "pages écrites à la main ; exemple : docs_dir: pages)"
)
ACCESSIBILITY_STATUS_UNKNOWN = "accessibility.status « {value} » inconnu ; choix : {choices}"
ACCESSIBILITY_NEEDS_AUDIT = (
    "accessibility.status « {value} » demande un audit : indiquez accessibility.audit_date "
    "(sans audit, le RGAA impose « non conforme »)"
)
ACCESSIBILITY_RATE_RANGE = "accessibility.compliance_rate {rate} : un pourcentage de 0 à 100"
ACCESSIBILITY_RATE_MISMATCH = (
    "accessibility.compliance_rate {rate} % correspond à « {expected} », pas à « {status} »"
)

# Commands
CHECK_OK = "Vérification réussie : {incidents} incident(s), {updates} mise(s) à jour publiée(s)."
CHECK_FAILED = "{count} problème(s) : rien n'a été publié."
BUILD_OK = "Site construit dans {site_dir} ({files} fichiers)."
BUILD_FAILED = "La construction a échoué : le site précédent ({site_dir}) est intact."
BUILD_NOT_WRITTEN = "{path}: le site ne peut pas y être écrit ({reason})"

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
GUARD_TO_DRAFT = (
    "mise à jour déjà publiée redevenue brouillon : elle quitterait le site en silence ; "
    "retirez « draft: true » (pour changer son texte : une entrée à corrections)"
)
GUARD_UNKNOWN_REF = "révision git inconnue « {reference} » : impossible de comparer"
GUARD_NOT_GIT = "{root} n'est pas un dépôt git : impossible de comparer avec une révision"

# The same guard against what is public (plain vigie check and vigie build): {where} is
# the record of the last build (site/published.json) or PUBLIC_UPSTREAM.
PUBLIC_UPSTREAM = "branche amont {branch}, commit {commit}"
PUBLIC_CHANGED = (
    "{what} d'une mise à jour publiée modifié sans correction (version publique : {where}) : "
    "ajoutez une entrée à corrections (date, reason) qui dit publiquement ce qui a changé"
)
PUBLIC_DELETED = (
    "mise à jour publiée supprimée (version publique : {where}) : une mise à jour publiée "
    "reste en ligne ; remettez le fichier, puis corrigez-le avec une entrée à corrections "
    "(date, reason) ou publiez une nouvelle mise à jour"
)
PUBLIC_RENAMED = (
    "mise à jour publiée renommée en {new} (version publique : {where}) : son adresse ne "
    "doit pas changer ; rendez-lui son nom"
)
PUBLIC_TO_DRAFT = (
    "mise à jour publiée redevenue brouillon (version publique : {where}) : elle quitterait le "
    "site en silence ; retirez « draft: true » (pour changer son texte : une entrée à corrections)"
)
PUBLIC_INCIDENT_GONE = (
    "incident publié supprimé, renommé ou vidé (version publique : {where}) : son dossier, "
    "son identifiant et son incident.yml restent ; pour le retirer, publiez une dernière "
    "mise à jour qui dit pourquoi (README « Versions, corrections et vérification »)"
)


# Personal-data breach notices (GDPR art. 33 and 34)
BREACH_MISSING = "avis de violation de données incomplet (RGPD art. 34) : il manque {element}"
BREACH_ELEMENTS = {
    "what_happened": "la nature de la violation, ce qui s'est passé (champ what_happened)",
    "discovered": "la date de découverte de la violation (champ breach.discovered)",
    "exposure": "la période pendant laquelle les données ont été exposées (champ breach.exposure)",
    "exposed": "les catégories de données concernées (champ data.exposed)",
    "not_exposed": "les catégories de données non concernées (champ data.not_exposed)",
    "concerned": "comment savoir si l'on est concerné (champ breach.concerned)",
    "individual_notice": (
        "comment chaque personne concernée sera informée individuellement "
        "(champ breach.individual_notice)"
    ),
    "consequences": "les conséquences possibles pour les personnes (champ breach.consequences)",
    "measures": "les mesures prises (champ measures)",
    "planned_measures": "les mesures prévues (champ breach.planned_measures)",
    "cnil": "la notification à la CNIL et sa date (champ authorities, avec type: cnil)",
    "recommendations": "ce que les personnes doivent faire (champ recommendations)",
    "controller": "le responsable du traitement (champ breach.controller)",
    "rights": (
        "le droit d'adresser une réclamation à la CNIL (champ breach.rights, qui doit nommer "
        "la CNIL)"
    ),
}
LATE_CNIL = (
    "avertissement : la CNIL a été notifiée {hours} h après la découverte de la violation "
    "(plus de 72 h) sans motif : ajoutez delay_reason à cette notification (RGPD art. 33.1)"
)
DUPLICATE_COMMUNICATION = (
    "deux messages envoyés par {channel} à la même date {date} (déjà ligne {first}) : "
    "précisez l'heure de chacun"
)


# Scaffolding (vigie new) and staff workflow
TO_COMPLETE = "à compléter : {what}"
WRONG_STATUS_FOR_KIND = "statut « {status} » impossible pour {kind} ; valeurs possibles : {allowed}"
KIND_WORDS = {"maintenance": "une maintenance planifiée", "incident": "un incident"}
PLANNED_REQUIRED = (
    "une maintenance planifiée doit donner son début et sa fin prévus "
    "(exemple : planned: {start: 2024-07-02T22:00:00+02:00, end: 2024-07-03T02:00:00+02:00})"
)
PLANNED_END_BEFORE_START = (
    "la fin prévue (planned.end) doit venir après le début (planned.start) : "
    "une fenêtre de maintenance a une durée"
)
SCHEDULED_HEADER = "Publication programmée (un build après cette date la publiera) :"
SCHEDULED_LINE = "  {date} : {path} ({title})"
