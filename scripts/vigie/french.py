"""Every public French word and sentence Python writes: dates, vocabularies, page texts."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from vigie.model import ComponentStatus, Impact, Kind, Status

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime, timedelta

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

STATUS = {
    Status.INVESTIGATING: "Enquête en cours",
    Status.IDENTIFIED: "Cause identifiée",
    Status.MONITORING: "Sous surveillance",
    Status.RESOLVED: "Résolu",
    Status.POSTMORTEM: "Retour d'expérience publié",
    Status.SCHEDULED: "Planifiée",
    Status.IN_PROGRESS: "En cours",
    Status.VERIFYING: "Vérification en cours",
    Status.COMPLETED: "Terminée",
}
COMPONENT_STATUS = {
    ComponentStatus.OPERATIONAL: "Fonctionne normalement",
    ComponentStatus.UNDER_MAINTENANCE: "En maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "Ralentissements",
    ComponentStatus.PARTIAL_OUTAGE: "Panne partielle",
    ComponentStatus.MAJOR_OUTAGE: "Panne majeure",
}
IMPACT = {
    Impact.NONE: "Aucun",
    Impact.MINOR: "Mineur",
    Impact.MAJOR: "Majeur",
    Impact.CRITICAL: "Critique",
}
# What a notice is about, as « Nature » tells a member (never « Autre »).
KIND = {
    Kind.DATA_BREACH: "Violation de données personnelles",
    Kind.OUTAGE: "Panne d'un service",
    Kind.MAINTENANCE: "Opération de maintenance planifiée",
    Kind.FRAUD: "Tentative de fraude",
    Kind.OTHER: "Information",
}
OVERALL = {
    Impact.NONE: "Tous les services fonctionnent normalement",
    Impact.MINOR: "Un incident mineur est en cours",
    Impact.MAJOR: "Un incident majeur est en cours",
    Impact.CRITICAL: "Un incident critique est en cours",
}
# The home headline says where the worst open incident stands, not only how grave it is: a
# notice « Sous surveillance » for months is not an outage going on.
INCIDENT_OF_IMPACT = {
    Impact.MINOR: "Un incident mineur",
    Impact.MAJOR: "Un incident majeur",
    Impact.CRITICAL: "Un incident critique",
}
HEADLINE_STATUS = {
    Status.INVESTIGATING: "est en cours",
    Status.IDENTIFIED: "est identifié",
    Status.MONITORING: "est sous surveillance",
}


def headline(impact: Impact, status: Status | None) -> str:
    """The home page's headline: the overall impact, said with the status of its incident."""
    if impact not in INCIDENT_OF_IMPACT or status not in HEADLINE_STATUS:
        return OVERALL[impact]
    return f"{INCIDENT_OF_IMPACT[impact]} {HEADLINE_STATUS[status]}"


def label(value: Status | ComponentStatus | Impact | Kind) -> str:
    """The French label of a status, component state, impact or kind."""
    for table in (STATUS, COMPONENT_STATUS, IMPACT, KIND):
        if value in table:
            return table[value]  # type: ignore[index]
    raise KeyError(value)


def _day(day: int) -> str:
    return "1er" if day == 1 else str(day)


def local(moment: datetime, timezone: str) -> datetime:
    """`moment` in the site's time zone."""
    return moment.astimezone(ZoneInfo(timezone))


def iso(moment: datetime, timezone: str) -> str:
    """Machine-readable form, in the site's time zone: 2024-02-09T12:00:00+01:00."""
    return local(moment, timezone).isoformat(timespec="seconds")


def date_text(day: date) -> str:
    """9 février 2024."""
    return f"{_day(day.day)} {MONTHS[day.month - 1]} {day.year}"


def weekday_date_text(day: date) -> str:
    """Vendredi 9 février 2024."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {date_text(day)}"


def datetime_text(moment: datetime, timezone: str) -> str:
    """9 février 2024 à 12 h 00, in the site's time zone."""
    there = local(moment, timezone)
    return f"{date_text(there.date())} à {there.hour} h {there.minute:02d}"


def month_text(year: int, month: int) -> str:
    """Février 2024."""
    return f"{MONTHS[month - 1].capitalize()} {year}"


def duration_text(duration: timedelta) -> str:
    """2 jours et 3 h, 2 h 45 min, 45 min."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        day_words = f"{days} jour{'s' if days > 1 else ''}"
        return f"{day_words} et {hours} h" if hours else day_words
    if hours:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def lower_first(text: str) -> str:
    """`text` with its first letter in lower case, for a label inside a sentence."""
    return text[:1].lower() + text[1:]


def count(number: int, singular: str, plural: str) -> str:
    """`1 mesure ajoutée`, `2 mesures ajoutées`: the number and the word that agrees with it."""
    return f"{number} {singular if number == 1 else plural}"


# The pages Vigie generates: their titles and the text search indexes for them.
HOME_TITLE = "État des services"
TIMELINE_TITLE = "Chronologie"
TIMELINE_SEARCH_TEXT = "Toutes les mises à jour publiées, de la plus récente à la plus ancienne."
HISTORY_TITLE = "Historique des incidents"
HISTORY_SEARCH_TEXT = "Tous les incidents, mois par mois, avec leur durée."
FAQ_TITLE = "Questions fréquentes"
GENERAL_QUESTIONS = "Questions générales"  # the site-wide section of /faq/
STATEMENT_TITLE = "Déclaration d'accessibilité"


def home_search_text(organisation: str) -> str:
    """What search indexes for the home page."""
    return f"État des services et incidents en cours de {organisation}."


def version_title(title: str, number: int) -> str:
    """The title of a permanent version page: « <titre> — version 3 »."""
    return f"{title} — version {number}"


def statement_search_text(status: str, standard: str) -> str:
    """What search indexes for the accessibility statement."""
    return (
        f"Déclaration d'accessibilité : ce site est {status} avec le {standard}. "
        "Signaler un défaut d'accessibilité, obtenir un contenu sous une autre forme, recours."
    )


# RGAA's three levels, with the rule each one states (criteria met / applicable criteria).
RGAA_LEVELS = {
    "totalement conforme": "tous les critères du RGAA applicables sont respectés",
    "partiellement conforme": "au moins la moitié des critères du RGAA applicables sont respectés",
    "non conforme": "moins de la moitié des critères du RGAA sont respectés, "
    "ou aucun audit n'a encore mesuré leur respect",
}
UNNAMED_AUDITOR = "une évaluation"  # « Cet état repose sur une évaluation du … »


# Marks a preview shows on what the public site does not show yet.
DRAFT_INCIDENT = "BROUILLON : incident non publié"
DRAFT_UPDATE = "BROUILLON : non publié"


def scheduled_label(moment: datetime, timezone: str) -> str:
    """PROGRAMMÉE : publiée à partir du 9 février 2024 à 12 h 00."""
    return f"PROGRAMMÉE : publiée à partir du {datetime_text(moment, timezone)}"


# Headings of the incident notice that depend on the kind of incident.
CONSEQUENCES_OF_BREACH = "Conséquences possibles"
CONSEQUENCES_ON_SERVICES = "Conséquences sur nos services"
CONTACT_AND_RIGHTS = "Contact et droits"
CONTACT = "Contact"
NO_NOTE = "—"  # an authority's empty « Précision » cell


# A message's channel (communications.yml): as the register shows it, inside a sentence.
CHANNELS = {
    "courrier": ("Courrier", "un courrier"),
    "email": ("E-mail", "un e-mail"),
    "sms": ("SMS", "un SMS"),
    "appel": ("Appel téléphonique", "un appel téléphonique"),  # fraudulent messages only
    "autre": ("Autre canal", "un message"),
}


def channel_label(channel: str) -> str:
    """Courrier, E-mail, SMS: the channel as the register of messages shows it."""
    return CHANNELS[channel][0] if channel in CHANNELS else channel


def channel_noun(channel: str) -> str:
    """Un courrier, un e-mail, un SMS: the channel inside a sentence."""
    return CHANNELS[channel][1] if channel in CHANNELS else channel


def data_summary(exposed: Iterable[tuple[str, bool]], not_exposed: Iterable[str]) -> str:
    """« Exposées : nom, numéro de sécurité sociale (donnée sensible). Non concernées : … »

    `exposed` gives each label with whether it is sensitive (flagged); `not_exposed`, labels.
    """
    exposed_words = ", ".join(
        lower_first(label) + (" (donnée sensible)" if sensitive else "")
        for label, sensitive in exposed
    )
    sentence = (
        f"Exposées : {exposed_words}."
        if exposed_words
        else "Aucune donnée exposée connue à ce jour."
    )
    spared = ", ".join(lower_first(label) for label in not_exposed)
    return f"{sentence} Non concernées : {spared}." if spared else sentence


# What a version changed in the notice (« Historique des versions »).
FIRST_PUBLICATION = "Première publication de l'avis"
STATUS_CHANGE = "Statut"
IMPACT_CHANGE = "Gravité"
WHAT_HAPPENED_UPDATED = "« Ce qui s'est passé » mis à jour"


def change(subject: str, old: str | None, new: str) -> str:
    """« Statut : enquête en cours → résolu »; « Statut : résolu » when there was none."""
    before = f"{lower_first(old)} → " if old else ""
    return f"{subject} : {before}{lower_first(new)}"


def data_change(exposed: bool, added: bool, label: str) -> str:
    """« Donnée exposée ajoutée : nom », « Donnée non exposée retirée : adresse e-mail »."""
    words = "Donnée exposée" if exposed else "Donnée non exposée"
    return f"{words} {'ajoutée' if added else 'retirée'} : {lower_first(label)}"


def authority_informed(name: str, day: date) -> str:
    """« Autorité informée : CNIL, le 8 février 2024 »."""
    return f"Autorité informée : {name}, le {date_text(day)}"


def measures_added(number: int) -> str:
    """« Ce que nous avons fait : 1 mesure ajoutée », « … : 2 mesures ajoutées »."""
    return f"Ce que nous avons fait : {count(number, 'mesure ajoutée', 'mesures ajoutées')}"


def recommendations_changed(added: int, removed: int) -> str:
    """« Recommandations : 1 ajoutée, 2 retirées »; « … : réordonnées » if none came or went."""
    parts = [
        count(added, "ajoutée", "ajoutées") if added else "",
        count(removed, "retirée", "retirées") if removed else "",
    ]
    return "Recommandations : " + (", ".join(p for p in parts if p) or "réordonnées")


def timeline_intro(shown: int, older: int) -> str:
    """The timeline's first sentence: every update, or the newest `shown` when some are left off."""
    which = (
        f"Les {shown} dernières mises à jour publiées"
        if older
        else "Toutes les mises à jour publiées"
    )
    return f"{which}, de la plus récente à la plus ancienne."


def older_updates(older: int) -> str:
    """« 1 mise à jour plus ancienne », « 3 mises à jour plus anciennes »; "" for none."""
    if not older:
        return ""
    return count(older, "mise à jour plus ancienne", "mises à jour plus anciennes")


# Feeds (outputs/feeds.py, urls.py) and the maintenance calendar (outputs/ical.py).
FEED_LABELS = {"RSS": "Flux RSS", "Atom": "Flux Atom", "JSON Feed": "JSON Feed"}
COMMUNICATION_LABEL = "Message officiel envoyé"
COMMUNICATION_NOT_LISTED = "Un message qui ne figure pas dans ce registre ne vient pas de nous."


def site_feeds_title(site_name: str) -> str:
    """The `<link title>` of the site-wide feeds, before the format."""
    return f"{site_name}, toutes les mises à jour"


def site_feed_description(organisation: str) -> str:
    """The site-wide feed's description."""
    return f"Toutes les mises à jour publiées par {organisation} sur ses incidents."


def component_feed_description(name: str) -> str:
    """A service's feed description."""
    return f"Les mises à jour des incidents qui touchent le service « {name} »."


def communication_sent(when: str, organisation: str, channel: str, audience: str) -> str:
    """« Le 9 février 2024 à 12 h 00, Mutuelle a envoyé un courrier à : … »."""
    return f"Le {when}, {organisation} a envoyé {channel} à : {audience}."


def alerts_note(organisation: str, sender: str) -> str:
    """Beside the register: the automatic mails sent at each update are ours too."""
    return (
        f"Les abonnés aux alertes de {organisation} reçoivent aussi, à chaque mise à jour de "
        f"cet avis, un courriel automatique envoyé par {sender} : il ne demande rien et ne "
        "renvoie qu'à ce site. Ces courriels ne sont pas listés ici un par un."
    )


def communication_from(sender: str, subject: str) -> str:
    """« Expéditeur : … Objet : « … » »."""
    return f"Expéditeur : {sender}. Objet : « {subject} »."


# Reported fraudulent messages (fraudulent-messages.yml): never to be read as ours.
FRAUD_LABEL = "Message frauduleux signalé"
FRAUD_HEADING = "Messages frauduleux signalés"
FRAUD_NONE = "Aucun message frauduleux ne nous a été signalé à propos de cet incident."
FRAUD_IF_ANSWERED = "Si vous avez répondu ou cliqué"
FRAUD_FAKES = "Fausses adresses, numéros et liens"
FRAUD_DEFANGED = (
    "Les adresses sont écrites désarmées, par exemple exemple-faux[.]com : "
    "ne les recopiez pas dans votre navigateur."
)
FRAUD_CURRENT_NONE = "Aucun message frauduleux en cours ne nous a été signalé."


def not_from_us(organisation: str) -> str:
    """« Message frauduleux signalé : ce message ne vient pas de Mutuelle Horizon »."""
    return f"{FRAUD_LABEL} : ce message ne vient pas de {organisation}"


def fraud_caption(organisation: str) -> str:
    """The caption of the table of fraudulent messages."""
    return f"{FRAUD_HEADING} : aucun de ces messages ne vient de {organisation}"


def fraud_not_ours(organisation: str) -> str:
    """« L'essentiel » of a fraud notice: is this message from us?"""
    return (
        f"Non. {organisation} n'a envoyé aucun des messages décrits sur cette page. "
        "Ne répondez pas, ne cliquez sur aucun lien, n'appelez aucun numéro qu'ils donnent."
    )


def fraud_seen(first: str, last: str) -> str:
    """« Signalé depuis le 12 février 2024 », « Signalé du 12 au … »."""
    return f"Signalé du {first} au {last}" if last else f"Signalé depuis le {first}"


def fraud_entry_text(channel: str, sender: str, subject: str) -> str:
    """A feed entry's first sentence (`sender` and `subject` already defanged)."""
    return f"{channel} reçu de « {sender} », objet ou début : « {subject} »."


def calendar_name(organisation: str) -> str:
    """The maintenance calendar's name in calendar apps."""
    return f"{organisation} : opérations planifiées"


def calendar_description(summary: str, url: str) -> str:
    """A maintenance event's description: its summary, then where to follow it."""
    return f"{summary}\n\nSuivi : {url}"
