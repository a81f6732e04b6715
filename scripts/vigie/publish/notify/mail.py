"""Mail: one message per new update to the configured recipients, over SMTP with TLS.

`compose` is a pure function of one released update: French plain text and HTML
(multipart/alternative), links only to the site's own address, no image (so no tracking
pixel), and the sentence that tells the reader where to check that it is genuine. Its
`Message-ID` is made from the update's stable feed id: a retry, or a deploy from another
clone, sends the same id, which list managers and mail readers use to drop a duplicate.

`send` never raises: like a webhook's `post`, its answer says whether the server took the
message, and whether the server looks down (then the rest waits for the next deploy).
"""

from __future__ import annotations

import html
import smtplib
import socket
import ssl
import time
import urllib.parse
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING

from vigie import french, urls
from vigie.publish.notify.channels import ATTEMPTS, BACKOFF, READ_MORE, Answer

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from vigie.model import Mail, Settings
    from vigie.publish.notify.released import ReleasedUpdate

SUBJECT = "{organisation} — {incident} : {title}"
PUBLISHED = "{status} — publiée le {date}."
NOTICE_LINK = "L'avis complet"
GENUINE_REGISTER = (
    "Pour vérifier que ce message vient bien de {organisation}, tapez vous-même l'adresse "
    "{host} dans votre navigateur : l'avis de l'incident y publie cette mise à jour et, sous "
    "« Messages officiels envoyés », la liste des messages que nous avons envoyés."
)
# A notice without communications shows no register: the sentence names what it does show.
GENUINE_NOTICE = (
    "Pour vérifier que ce message vient bien de {organisation}, tapez vous-même l'adresse "
    "{host} dans votre navigateur : l'avis de l'incident y publie cette mise à jour, et "
    "« Messages officiels envoyés » y liste tout message individuel que nous envoyons."
)
WHY = (
    "Vous recevez ce message comme abonné aux annonces de l'état des services de "
    "{organisation} ({site})."
)

AUTH_REFUSED = "identifiant ou mot de passe refusé par le serveur SMTP ({code})"
AUTH_UNSUPPORTED = "le serveur SMTP ne propose pas d'authentification (AUTH)"
NO_STARTTLS = (
    "le serveur SMTP ne propose pas STARTTLS : rien n'est envoyé en clair "
    "(chiffrement direct : security: tls, port 465)"
)
CERT_REFUSED = "certificat du serveur SMTP refusé ({detail})"
TLS_FAILED = "échec du chiffrement avec le serveur SMTP ({detail})"
NO_ANSWER = "pas de réponse du serveur SMTP en {timeout:g} s"
CONNECTION_REFUSED = "serveur SMTP injoignable (connexion refusée par {host}:{port})"
UNREACHABLE = "serveur SMTP injoignable ({detail})"
DISCONNECTED = "le serveur SMTP a coupé la connexion"
REFUSED = "message refusé par le serveur SMTP ({code} {text})"
RECIPIENTS_REFUSED = "destinataires refusés par le serveur SMTP : {addresses}"
ENV_MISSING = "variable d'environnement {name} absente"


def message_id(delivery: str, site_url: str) -> str:
    """`<delivery id@site host>`: the same for one update on every try and every clone.

    The id's 32 hex digits without dashes keep the header on one line for most hosts
    (folded, it is still valid, but some list managers compare it as written)."""
    return f"<{delivery.replace('-', '')}@{_host(site_url)}>"


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or "localhost"


def _own(url: str, site_url: str) -> str:
    """`url` if it is on the site's own host, else the site's home: no link leaves it."""
    return url if url and _host(url) == _host(site_url) else site_url


def subject(update: ReleasedUpdate, organisation: str) -> str:
    """The subject: the organisation, the incident, the update."""
    return SUBJECT.format(
        organisation=organisation, incident=update.incident_title, title=update.title
    )


def _texts(update: ReleasedUpdate, settings: Settings) -> dict[str, str]:
    site = settings.site_url
    permalink = _own(update.url, site)
    notice = _own(update.url.partition("#")[0], site)
    genuine = GENUINE_REGISTER if update.register else GENUINE_NOTICE
    date = french.datetime_text(datetime.fromisoformat(update.date), settings.timezone)
    return {
        "heading": f"{settings.organisation} — {update.incident_title}",
        "title": f"{update.status_label} : {update.title}" if update.status_label else update.title,
        "published": PUBLISHED.format(status=update.status_label or update.status, date=date),
        "summary": " ".join(update.summary.split()),
        "permalink": permalink,
        "notice": notice,
        "register": f"{notice}#{urls.MESSAGES_ANCHOR}" if update.register else notice,
        "genuine": genuine.format(organisation=settings.organisation, host=_host(site)),
        "why": WHY.format(organisation=settings.organisation, site=site),
    }


def plain_text(update: ReleasedUpdate, settings: Settings) -> str:
    """The plain-text part, in French."""
    t = _texts(update, settings)
    return "\n".join(
        (
            t["heading"],
            "",
            t["title"],
            t["published"],
            "",
            t["summary"],
            "",
            f"{READ_MORE} : {t['permalink']}",
            f"{NOTICE_LINK} : {t['register']}",
            "",
            "-- ",
            t["genuine"],
            t["why"],
            "",
        )
    )


def html_text(update: ReleasedUpdate, settings: Settings) -> str:
    """The HTML part: the same words, no image, no style sheet from elsewhere."""
    t = {k: html.escape(v) for k, v in _texts(update, settings).items()}
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8">'
        f"<title>{t['title']}</title></head>\n<body>\n"
        f"<p><strong>{t['heading']}</strong></p>\n"
        f"<h1>{t['title']}</h1>\n<p>{t['published']}</p>\n<p>{t['summary']}</p>\n"
        f'<p><a href="{t["permalink"]}">{html.escape(READ_MORE)}</a> · '
        f'<a href="{t["register"]}">{html.escape(NOTICE_LINK)}</a></p>\n'
        f"<hr>\n<p>{t['genuine']}</p>\n<p>{t['why']}</p>\n</body>\n</html>\n"
    )


def compose(
    mail: Mail, update: ReleasedUpdate, settings: Settings, delivery: str, now: datetime
) -> EmailMessage:
    """The message for `update`: headers, then French plain text and HTML alternatives."""
    message = EmailMessage()
    message["Subject"] = subject(update, settings.organisation)
    message["From"] = formataddr((settings.organisation, mail.sender))
    message["To"] = ", ".join(mail.recipients)
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = message_id(delivery, settings.site_url)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies
    message.set_content(plain_text(update, settings), cte="quoted-printable")
    message.add_alternative(html_text(update, settings), subtype="html", cte="quoted-printable")
    message["Content-Language"] = "fr"  # after: setting the content drops Content-* headers
    return message


def _connect(mail: Mail, timeout: float) -> smtplib.SMTP:
    # The system's trusted certificates (SSL_CERT_FILE adds a private authority's); the
    # local name given once, not looked up in DNS by smtplib (an unbounded wait).
    context = ssl.create_default_context()
    name = socket.gethostname() or "localhost"
    if mail.security == "tls":
        return smtplib.SMTP_SSL(
            mail.host, mail.port, local_hostname=name, timeout=timeout, context=context
        )
    smtp = smtplib.SMTP(mail.host, mail.port, local_hostname=name, timeout=timeout)
    try:
        if mail.security == "starttls":
            smtp.starttls(context=context)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _deliver(mail: Mail, message: EmailMessage, environ: Mapping[str, str], timeout: float):
    """Connect, log in, send: the recipients refused (the others took it)."""
    smtp = _connect(mail, timeout)
    try:
        if mail.password_env:
            user = environ.get(mail.username_env, "") or mail.sender
            smtp.login(user, environ[mail.password_env])
        refused = smtp.send_message(message, mail.sender, list(mail.recipients))
    except BaseException:
        smtp.close()
        raise
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()  # the message is already taken: a failed goodbye changes nothing
    return refused


def _once(
    mail: Mail, message: EmailMessage, environ: Mapping[str, str], timeout: float
) -> tuple[Answer, bool]:
    """One connection: the answer, and whether another try now is worth it."""
    try:
        refused = _deliver(mail, message, environ, timeout)
    except smtplib.SMTPAuthenticationError as error:
        return Answer(False, AUTH_REFUSED.format(code=error.smtp_code), down=True), False
    except smtplib.SMTPNotSupportedError as error:
        reason = NO_STARTTLS if "STARTTLS" in str(error) else AUTH_UNSUPPORTED
        return Answer(False, reason, down=True), False
    except smtplib.SMTPRecipientsRefused as error:
        addresses = ", ".join(sorted(error.recipients))
        return Answer(False, RECIPIENTS_REFUSED.format(addresses=addresses), down=True), False
    except smtplib.SMTPServerDisconnected as error:
        # smtplib reports a read that timed out as a disconnection; the timeout is its cause
        silent = isinstance(error.__context__, TimeoutError)
        reason = NO_ANSWER.format(timeout=timeout) if silent else DISCONNECTED
        return Answer(False, reason, down=True), True
    except smtplib.SMTPResponseException as error:
        said = error.smtp_error
        text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
        reason = REFUSED.format(code=error.smtp_code, text=" ".join(text.split())[:120])
        return Answer(False, reason, down=True), 400 <= error.smtp_code < 500
    except ssl.SSLCertVerificationError as error:
        detail = error.verify_message or error.reason or "inconnu"
        return Answer(False, CERT_REFUSED.format(detail=detail), down=True), False
    except ssl.SSLError as error:
        return Answer(False, TLS_FAILED.format(detail=error.reason or error), down=True), False
    except TimeoutError:
        return Answer(False, NO_ANSWER.format(timeout=timeout), down=True), True
    except ConnectionRefusedError:
        reason = CONNECTION_REFUSED.format(host=mail.host, port=mail.port)
        return Answer(False, reason, down=True), True
    except (OSError, smtplib.SMTPException) as error:
        return Answer(False, UNREACHABLE.format(detail=error), down=True), True
    if refused:  # the others took it: it went out, and is not sent again
        return Answer(True, RECIPIENTS_REFUSED.format(addresses=", ".join(sorted(refused)))), False
    return Answer(True), False


def send(
    mail: Mail,
    update: ReleasedUpdate,
    settings: Settings,
    environ: Mapping[str, str],
    delivery: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """Send the message of `update` to `mail`'s recipients: a few tries when it passes."""
    if mail.password_env and not environ.get(mail.password_env):
        return Answer(False, ENV_MISSING.format(name=mail.password_env), down=True)
    timeout = settings.notify.timeout
    message = compose(mail, update, settings, delivery, datetime.now(UTC))
    answer = Answer(False, "jamais essayé")
    for attempt in range(ATTEMPTS):
        if attempt:
            sleep(min(BACKOFF, timeout / 4) * 2 ** (attempt - 1))
        answer, again = _once(mail, message, environ, timeout)
        if answer.ok or not again:
            return answer
    return answer
