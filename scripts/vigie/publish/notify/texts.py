"""What `vigie notify`, `vigie deploy` and `vigie status` say about notifications, in French."""

NO_LIVE = "Aucune version en ligne dans {path} : rien à annoncer."
NOTHING_CONFIGURED = (
    "Aucun abonné à prévenir : ni hub WebSub, ni webhook, ni courriel dans mkdocs.yml "
    "(notify, voir docs/abonnes.md)."
)
NOTHING_DUE = "Abonnés : rien de nouveau à annoncer (version {release})."
BUSY = (
    "Abonnés : un autre envoi est en cours depuis {path} ; ce qui reste à envoyer partira "
    "au prochain déploiement (ou : vigie notify {path})."
)
HEADER_DRY = "À envoyer (essai : rien n'est envoyé, rien n'est noté) :"
HEADER_PENDING = "En attente d'envoi aux abonnés (vigie notify {path}) :"
HEADER_SENT = "Abonnés prévenus :"
LINE_DUE = "  {channel} : {what}"
LINE_SENT = "  envoyé — {channel} : {what}"
LINE_FAILED = "  pas envoyé — {channel} : {what} ({reason}) ; nouvel essai au prochain déploiement"
LINE_PENDING_REASON = "  {channel} : {what} (dernier essai : {reason})"
SKIPPED = (
    "Abonnés non prévenus (--no-notify) : {count} envoi(s) en attente, faits au prochain "
    "déploiement ou par vigie notify {path}."
)
SUMMARY_FAILED = (
    "{count} envoi(s) n'ont pas abouti : ils restent en attente et seront refaits au prochain "
    "déploiement (vigie status --deploy-dir {path} les liste). Le site, lui, est bien en ligne."
)
ENV_MISSING = "variable d'environnement {name} absente"
DEADLINE = "temps maximal de l'envoi dépassé ({seconds} s)"
CHANNEL_DOWN = "canal injoignable à cet essai"
FEED_CHANGED = "flux modifié {path}"
COMPONENT_CHANGED = "état du service {component} : {old} → {new} ({update})"
CHANNEL_WEBHOOK = "webhook {id}"
CHANNEL_HUB = "hub WebSub {hub}"
CHANNEL_MAIL = "courriel"
OUTBOX_COMMIT = "Vigie : historique des envois aux abonnés"
OUTBOX_COMMIT_CLAIM = "Vigie : envoi aux abonnés en cours"
OUTBOX_NOT_SAVED = (
    "l'historique des envois n'a pas pu être enregistré sur la branche {branch} (envoi "
    "refusé par le dépôt) : ce qui vient de partir pourrait repartir au prochain "
    "déploiement, avec le même identifiant d'envoi"
)
GIT_FAILED = (
    "Abonnés : impossible de lire ou d'écrire l'historique des envois dans le dépôt git "
    "({reason}) ; rien n'est envoyé, ce qui est dû partira au prochain déploiement."
)
UNRECORDED = "Abonnés : {reason}."
SKIPPED_BUCKET = (
    "Abonnés non prévenus (--no-notify) : {count} envoi(s) en attente, faits au prochain "
    "déploiement vers {path}."
)
SUMMARY_FAILED_BUCKET = (
    "{count} envoi(s) n'ont pas abouti : ils restent en attente dans {path}/.vigie/"
    "notifications.json et seront refaits au prochain déploiement. Le site, lui, est bien "
    "en ligne."
)
BUCKET_FAILED = (
    "Abonnés : impossible de lire ou d'écrire l'historique des envois dans le seau "
    "({reason}) ; ce qui n'a pas été noté partira au prochain déploiement (avec le même "
    "identifiant d'envoi). Le site, lui, est bien en ligne."
)
