"""What deploy, rollback, releases, verify and nginx-config tell staff, in French."""

# Deploy and rollback (deploy.py), verify (manifest.py) and nginx-config
VERIFY_OK = "Copie conforme au manifeste ({count} fichiers)."
VERIFY_FAILED = "{count} différence(s) avec le manifeste."
DEPLOY_NO_SITE = (
    "rien à déployer : le dossier {site_dir} n'existe pas ; construisez d'abord le site "
    "(make build)"
)
DEPLOY_UNVERIFIED = (
    "déploiement refusé : {site_dir} ne correspond pas à son manifeste version.json "
    "(construction échouée, interrompue ou modifiée depuis) ; reconstruisez le site "
    "(make build). Différences :"
)
DEPLOY_COPY_UNVERIFIED = (
    "la copie dans {path} ne correspond pas au manifeste (disque plein ?) : elle est "
    "supprimée et rien n'a changé en ligne. Différences :"
)
DEPLOY_CURRENT_NOT_LINK = (
    "{current} existe mais n'est pas un lien symbolique : déplacez-le ; Vigie y met un lien "
    "vers la version en ligne"
)
DEPLOY_LOCKED = (
    "un autre déploiement ou retour arrière est en cours dans {path} : réessayez quand il "
    "sera terminé"
)
DEPLOY_BAD_KEEP = "--keep doit valoir au moins 1 (la version en ligne est toujours gardée)"
DEPLOY_PAUSE = "{env} : pause de {seconds} s avant la mise en ligne (réservé aux tests)"
DEPLOY_OK = (
    "Version {name} en ligne : {current} → releases/{name} ({files} fichiers, {seconds:.2f} s)."
)
DEPLOY_PREVIOUS = "Version précédente : {name} (retour arrière : vigie rollback {path})."
DEPLOY_CLEANED = "Restes d'un déploiement interrompu supprimés : {names}."
DEPLOY_PRUNED = "Anciennes versions supprimées (les {keep} plus récentes sont gardées) : {names}."
DEPLOY_POLICY_CHANGED = (
    "Attention : la politique de sécurité (Content-Security-Policy) de cette version diffère "
    "de la précédente. Si nginx sert le site, régénérez sa configuration (vigie nginx-config) "
    "et rechargez nginx, sinon les navigateurs bloqueront les scripts de la page."
)
ROLLBACK_NO_RELEASES = "aucune version déployée dans {path} : rien vers quoi revenir"
ROLLBACK_NO_LIVE = (
    "aucune version en ligne dans {path} : choisissez-en une avec --to (liste : vigie releases)"
)
ROLLBACK_NO_OLDER = "aucune version plus ancienne que la version en ligne ({name})"
ROLLBACK_UNKNOWN = "aucune version ne correspond à « {wanted} » ; versions disponibles : {names}"
ROLLBACK_AMBIGUOUS = "« {wanted} » désigne plusieurs versions : {names} ; donnez le nom complet"
ROLLBACK_UNVERIFIED = (
    "retour refusé : la version {name} ne correspond plus à son manifeste (modifiée sur le "
    "serveur ?) ; rien n'a changé en ligne. Différences :"
)
ROLLBACK_OK = "Version {name} de nouveau en ligne (avant : {previous})."
ROLLBACK_ALREADY = "La version {name} est déjà en ligne : rien n'a changé."
RELEASES_HEADER = "Versions déployées dans {path}, de la plus récente à la plus ancienne :"
RELEASES_EMPTY = "Aucune version déployée dans {path}."
RELEASE_LINE = "{mark} {name}   commit {commit}{date}{live}"
RELEASE_LIVE = "   ← en ligne"
DEPLOY_GIT_MESSAGE = "Site : version {version} du {date} (manifeste {manifest})"
DEPLOY_GIT_FAILED = "échec de git {what} : rien n'a été publié. Détail :"
DEPLOY_GIT_OK = "Publié sur la branche {branch} de {remote} : commit {commit}, « {message} »."
DEPLOY_GIT_UNCHANGED = (
    "La branche {branch} de {remote} contient déjà exactement ce site : aucun commit ajouté."
)
NGINX_NO_SITE = (
    "aucun site construit dans {site_dir} : construisez-le (make build) ou donnez son dossier "
    "avec --site-dir"
)
