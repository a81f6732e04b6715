"""The `notify` options of `mkdocs.yml`: hubs, webhooks, mail, judged at their lines.

The types are judged with every other option (settings.py, against config.NOTIFY); here is
what types cannot say: a secret written in the file (refused: `mkdocs.yml` is public, in
git), an environment variable's name that is not one, a format, service or kind unknown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vigie import messages as msg
from vigie.model import Kind, Mail, Notify, Webhook

if TYPE_CHECKING:
    from collections.abc import Callable

    from vigie.sources.yamldoc import Document

FORMATS = ("statuspage", "slack", "teams")
SECURITIES = ("starttls", "tls", "none")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
# A secret written where only its variable's name belongs: which option names it instead.
SECRETS = {"url": "url_env", "secret": "secret_env", "password": "password_env"}
MAX_TIMEOUT = 60

SECRET_WRITTEN = (
    "« {option} » est un secret : il ne s'écrit jamais dans mkdocs.yml (ce fichier est "
    "public, dans git). Mettez-le dans une variable d'environnement (secret de la CI) et "
    "écrivez ici son nom, par ex. {instead}: {example}"
)
ENV_NAME_BAD = (
    "« {option} » doit être le nom d'une variable d'environnement (majuscules, chiffres et _, "
    "par ex. {example}), jamais le secret lui-même : « {value} » n'en est pas un"
)
URL_ENV_MISSING = (
    "le webhook « {id} » n'a pas de « url_env » : le nom de la variable d'environnement qui "
    "contient son adresse, par ex. url_env: VIGIE_WEBHOOK_{upper}_URL"
)
HUB_BAD = "« notify.hubs » : « {value} » n'est pas une adresse https://… de hub WebSub"
COMPONENT_UNKNOWN = (
    "« {option} » : « {value} » n'est pas un service des réglages (components) ; "
    "services : {allowed}"
)
MAIL_MISSING = "« notify.mail.{option} » manque : {what}, par ex. {option}: {example}"
MAIL_WHAT = {
    "host": "le serveur SMTP",
    "sender": "l'adresse d'expédition",
    "recipients": "les destinataires (en général l'adresse de la liste de diffusion)",
}
PASSWORD_IN_CLEAR = (
    "« notify.mail.password_env » avec « security: none » : le mot de passe passerait en "
    "clair sur le réseau ; choisissez security: starttls (port 587) ou security: tls (port 465)"
)
TIMEOUT_BAD = "« notify.timeout » doit être entre 0 et {most} secondes (ici {value})"
WEBHOOK_DUPLICATE = "le webhook « {id} » est déjà déclaré ligne {first} : donnez-lui un autre id"
_EXAMPLES = {
    "url_env": "VIGIE_WEBHOOK_SUPPORT_URL",
    "secret_env": "VIGIE_WEBHOOK_SUPPORT_SECRET",
    "username_env": "VIGIE_SMTP_USER",
    "password_env": "VIGIE_SMTP_PASSWORD",
    "host": "smtp.exemple.fr",
    "sender": "statut@exemple.fr",
    "recipients": "[adherents@listes.exemple.fr]",
}


def _written(doc: Document, *keys: str) -> Any:
    value: Any = doc.data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def judge(
    doc: Document,
    values: dict[str, Any],
    components: tuple[str, ...],
    report: Callable[[int, str], None],
) -> None:
    """Report every mistake of meaning in the `notify` options, at its line in `doc`."""
    written = _written(doc, "notify")
    if not isinstance(written, dict):
        return
    for index, hub in enumerate(_list(written.get("hubs"))):
        if isinstance(hub, str) and not re.match(r"^https?://[^\s/]+", hub):
            report(doc.line("notify", "hubs", index), HUB_BAD.format(value=hub))
    timeout = values["timeout"]
    if not 0 < timeout <= MAX_TIMEOUT:
        report(doc.line("notify", "timeout"), TIMEOUT_BAD.format(most=MAX_TIMEOUT, value=timeout))
    first: dict[str, int] = {}
    for index, hook in enumerate(_list(written.get("webhooks"))):
        if not isinstance(hook, dict):
            continue
        keys = ("notify", "webhooks", index)
        _channel(doc, hook, keys, components, report)
        hook_id = hook.get("id")
        if isinstance(hook_id, str):
            line = doc.line(*keys, "id")
            if hook_id in first:
                report(line, WEBHOOK_DUPLICATE.format(id=hook_id, first=first[hook_id]))
            first.setdefault(hook_id, line)
            if not hook.get("url_env") and not hook.get("url"):
                upper = re.sub(r"[^A-Z0-9]", "_", hook_id.upper())
                report(line, URL_ENV_MISSING.format(id=hook_id, upper=upper))
        choice = hook.get("format")
        if isinstance(choice, str) and choice not in FORMATS:
            field = "notify.webhooks.format"
            allowed = ", ".join(FORMATS)
            report(
                doc.line(*keys, "format"),
                msg.UNKNOWN_VALUE.format(value=choice, field=field, allowed=allowed),
            )
    mail = written.get("mail")
    if isinstance(mail, dict):
        _mail(doc, mail, components, report)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _channel(
    doc: Document,
    written: dict[str, Any],
    keys: tuple[str | int, ...],
    components: tuple[str, ...],
    report: Callable[[int, str], None],
) -> None:
    """What a webhook and the mail share: secrets by name, and their filters."""
    prefix = ".".join(k for k in keys if isinstance(k, str))
    for name, value in written.items():
        line = doc.line(*keys, name)
        if name in SECRETS and value:
            instead = SECRETS[name]
            example = _EXAMPLES[instead]
            option = f"{prefix}.{name}"
            report(line, SECRET_WRITTEN.format(option=option, instead=instead, example=example))
        elif name.endswith("_env") and isinstance(value, str) and value:
            if not ENV_NAME.match(value):
                shown = value if len(value) <= 12 else f"{value[:6]}…"  # never the whole secret
                example = _EXAMPLES.get(name, "VIGIE_SECRET")
                option = f"{prefix}.{name}"
                report(line, ENV_NAME_BAD.format(option=option, example=example, value=shown))
    for index, component in enumerate(_list(written.get("components"))):
        if isinstance(component, str) and component not in components:
            report(
                doc.line(*keys, "components", index),
                COMPONENT_UNKNOWN.format(
                    option=f"{prefix}.components", value=component, allowed=", ".join(components)
                ),
            )
    kinds = [kind.value for kind in Kind]
    for index, kind in enumerate(_list(written.get("kinds"))):
        if isinstance(kind, str) and kind not in kinds:
            report(
                doc.line(*keys, "kinds", index),
                msg.UNKNOWN_VALUE.format(
                    value=kind, field=f"{prefix}.kinds", allowed=", ".join(kinds)
                ),
            )


def _mail(
    doc: Document,
    mail: dict[str, Any],
    components: tuple[str, ...],
    report: Callable[[int, str], None],
) -> None:
    keys = ("notify", "mail")
    _channel(doc, mail, keys, components, report)
    for option in ("host", "sender", "recipients"):
        if not mail.get(option):
            what = MAIL_WHAT[option]
            example = _EXAMPLES[option]
            report(
                doc.key_line(*keys),
                MAIL_MISSING.format(option=option, what=what, example=example),
            )
    security = mail.get("security")
    if isinstance(security, str) and security not in SECURITIES:
        field = "notify.mail.security"
        report(
            doc.line(*keys, "security"),
            msg.UNKNOWN_VALUE.format(value=security, field=field, allowed=", ".join(SECURITIES)),
        )
    if security == "none" and mail.get("password_env"):
        report(doc.line(*keys, "password_env"), PASSWORD_IN_CLEAR)
    addresses = [("sender", None, mail.get("sender"))]
    addresses += [("recipients", i, r) for i, r in enumerate(_list(mail.get("recipients")))]
    for name, index, address in addresses:
        if isinstance(address, str) and address and not _EMAIL.match(address):
            line = doc.line(*keys, name, *(() if index is None else (index,)))
            example = _EXAMPLES["sender"]
            option = f"notify.mail.{name}"
            report(line, msg.EMAIL_BAD.format(option=option, value=address, example=example))


def settings(values: dict[str, Any]) -> Notify:
    """The model's `Notify` from the judged `notify` options (mistakes already reported)."""
    hooks = tuple(
        Webhook(
            id=hook["id"],
            format=hook["format"] if hook["format"] in FORMATS else FORMATS[0],
            url_env=hook["url_env"],
            secret_env=hook["secret_env"],
            components=tuple(hook["components"]),
            kinds=tuple(hook["kinds"]),
        )
        for hook in values["webhooks"]
    )
    mail = values["mail"]
    chosen = None
    if mail["host"] and mail["sender"] and mail["recipients"]:
        chosen = Mail(
            host=mail["host"],
            port=mail["port"],
            security=mail["security"] if mail["security"] in SECURITIES else SECURITIES[0],
            sender=mail["sender"],
            recipients=tuple(mail["recipients"]),
            username_env=mail["username_env"],
            password_env=mail["password_env"],
            components=tuple(mail["components"]),
            kinds=tuple(mail["kinds"]),
        )
    timeout = values["timeout"] if 0 < values["timeout"] <= MAX_TIMEOUT else 5.0
    return Notify(tuple(values["hubs"]), hooks, chosen, float(timeout))
