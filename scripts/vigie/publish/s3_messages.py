"""What `vigie deploy s3`, `releases`, `rollback` and `verify` on a bucket tell staff, in French."""

S3_BAD_LOCATION = (
    "« {location} » n'est pas une adresse de seau : écrivez s3://<seau>[/<préfixe>], "
    "par exemple s3://statut-mutuelle/site"
)
S3_NO_CREDENTIALS = (
    "aucun identifiant pour le stockage objet : donnez AWS_ACCESS_KEY_ID et "
    "AWS_SECRET_ACCESS_KEY (ou AWS_PROFILE) dans l'environnement, jamais dans mkdocs.yml ; "
    "rien n'a changé dans {location}"
)
S3_UNREACHABLE = (
    "le stockage objet ne répond pas ({endpoint}) : vérifiez --endpoint-url et le réseau, "
    "puis relancez ({location}). Détail :"
)
S3_REFUSED = "le stockage objet refuse « {what} » sur {location} ({code}) : {hint} Détail :"
S3_HINTS = {
    "NoSuchBucket": "le seau n'existe pas (créez-le, ou corrigez son nom).",
    "AccessDenied": "ces identifiants n'ont pas ce droit sur le seau.",
    "InvalidAccessKeyId": "la clé AWS_ACCESS_KEY_ID est inconnue de ce fournisseur.",
    "SignatureDoesNotMatch": "AWS_SECRET_ACCESS_KEY ne va pas avec la clé donnée.",
}
S3_HINT_OTHER = "voir le détail du fournisseur."
S3_NOTHING_CHANGED = "Rien n'a changé dans {location}."
S3_INTERRUPTED = (
    "envoi interrompu : la version en ligne reste la précédente (version.json n'a pas "
    "changé) ; chaque fichier déjà envoyé est entier. Relancez la même commande : elle "
    "reprend là où elle s'est arrêtée."
)
S3_PAUSE = "{env} : pause de {seconds} s après {count} envois (réservé aux tests)"
S3_DEPLOY_OK = (
    "Version {name} en ligne dans {location} : {sent} fichier(s) envoyé(s) sur {files}, "
    "{removed} retiré(s), {seconds:.2f} s."
)
S3_DEPLOY_UNCHANGED = (
    "Le seau {location} contient déjà exactement cette version ({name}) : rien envoyé."
)
S3_PREVIOUS = "Version précédente : {name} (retour arrière : vigie rollback {location})."
S3_KEPT_ASSETS = (
    "{count} ancien(s) fichier(s) de assets/ gardé(s) : des pages encore en cache peuvent y "
    "renvoyer."
)
S3_PRUNED = (
    "Anciennes versions retirées de l'historique (les {keep} plus récentes sont gardées) : {names}."
)
S3_NO_RELEASES = (
    "aucune version enregistrée dans {location} (.vigie/releases/) : rien vers quoi revenir"
)
S3_NO_OLDER = (
    "aucune version plus ancienne que la version en ligne ({name}) dans l'historique du seau"
)
S3_NO_LIVE = (
    "la version en ligne de {location} n'est pas dans l'historique du seau : choisissez-en "
    "une avec --to (liste : vigie releases {location})"
)
S3_MISSING_OBJECTS = (
    "retour refusé : {count} fichier(s) de la version {name} manquent dans "
    ".vigie/objects/ (historique élagué ?) ; rien n'a changé en ligne. Manquants :"
)
S3_RELEASES_HEADER = (
    "Versions enregistrées dans {location}, de la plus récente à la plus ancienne :"
)
S3_RELEASES_EMPTY = "Aucune version enregistrée dans {location}."
S3_VERIFY_NO_MANIFEST = "manquant : version.json (aucun manifeste : impossible de vérifier)"
S3_VERIFY_MISSING = "manquant : {path}"
S3_VERIFY_CHANGED = "modifié : {path}"
S3_VERIFY_EXTRA = "en trop : {path}"
S3_VERIFY_HEADER = "en-tête {header} de {path} : « {found} » au lieu de « {wanted} »"
CDN_NO_SITE = (
    "aucun site construit dans {site_dir} (pas de _headers) : construisez-le (make build) ou "
    "donnez son dossier avec --site-dir"
)
S3_VERIFY_ABSENT = "(absent)"
