"""Mail at deploy: one message per new update, over STARTTLS with AUTH, never twice.

A real SMTP server (aiosmtpd) on 127.0.0.1 with a self-signed certificate made here and
trusted by the sender through SSL_CERT_FILE; real `vigie deploy dir` processes; what the
server received is parsed back with `email`.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import shutil
import socket
import ssl
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from bs4 import BeautifulSoup
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import REPO, TEST_NOW, parse_html, run_vigie
from notify_servers import NEW_SLUG, build_sites, wait_until
from test_notify_settings import written
from vigie import pipeline
from vigie.derive import site_view
from vigie.model import Mail
from vigie.pages.notice import notice
from vigie.publish.notify import mail, outbox, released

if TYPE_CHECKING:
    from collections.abc import Iterator
    from email.message import EmailMessage
    from pathlib import Path

    from notify_servers import Sites

SITE_HOST = "statut.mutuelle-horizon.example"
NEW_ID = f"tag:{SITE_HOST},2024:2024-06-espace-adherent/{NEW_SLUG}"
USER = "statut@mutuelle-horizon.example"
PASSWORD = "mot-de-passe-de-test"
# An update, as staff are told of it.
WHAT = (
    "Espace adhérent inaccessible le 11 juin 2024 — Retour d'expérience publié : Bilan de la panne"
)
LIST = "adherents@listes.mutuelle-horizon.example"
MAIL_BLOCK = """        mail:
          host: 127.0.0.1
          port: {port}
          username_env: VIGIE_TEST_SMTP_USER
          password_env: VIGIE_TEST_SMTP_PASSWORD
          sender: statut@mutuelle-horizon.example
          recipients: [adherents@listes.mutuelle-horizon.example]
"""


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`, STARTTLS required, AUTH required: what it took."""

    port: int
    context: ssl.SSLContext
    implicit: bool = False  # TLS from the first byte (port 465) instead of STARTTLS
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[bytes, bool]] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        self.logins.append((data.login if isinstance(data, LoginPassword) else b"", ok))
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535 itself

    def start(self) -> None:
        tls = {"ssl_context": self.context} if self.implicit else {"tls_context": self.context}
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            require_starttls=not self.implicit,
            auth_require_tls=not self.implicit,  # aiosmtpd sees only STARTTLS as TLS
            authenticator=self.authenticate,
            auth_required=True,
            server_hostname="127.0.0.1",
            **tls,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(content, policy=email.policy.default)
            for _, _, content in self.received
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1 (the file the sender trusts), the server's TLS."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)  # TLS checks validity against the real clock
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, port: int) -> Sites:
    return build_sites(tmp_path_factory.mktemp("mail"), mail=MAIL_BLOCK.format(port=port))


@pytest.fixture
def smtp(port: int, certificate: tuple[Path, ssl.SSLContext]) -> Iterator[SmtpServer]:
    server = SmtpServer(port, certificate[1])
    server.start()
    yield server
    server.stop()


def env(certificate: tuple[Path, ssl.SSLContext], password: str = PASSWORD) -> dict[str, str]:
    return {
        "VIGIE_TEST_SMTP_USER": USER,
        "VIGIE_TEST_SMTP_PASSWORD": password,
        "SSL_CERT_FILE": str(certificate[0]),
    }


def deploy(sites: Sites, target: Path, variables: dict[str, str], repo: Path | None = None):
    repo = repo or sites.repo
    return run_vigie(repo, "deploy", "dir", str(target), "-d", str(sites.b), env=variables)


def existing_site(sites: Sites, target: Path) -> None:
    """The example site deployed before anyone configured notifications."""
    plain = str(sites.repo / "plain.yml")  # the last -f is the one read
    done = run_vigie(sites.repo, "-f", plain, "deploy", "dir", str(target), "-d", str(sites.a))
    assert done.returncode == 0, done.stderr


def links(message: EmailMessage) -> list[str]:
    """Every address in both parts: the plain text's and the HTML's hrefs and sources."""
    plain = message.get_body(("plain",)).get_content()
    soup = BeautifulSoup(message.get_body(("html",)).get_content(), "lxml")
    found = re.findall(r"https?://\S+", plain)
    found += [tag.get("href") or tag.get("src") for tag in soup.find_all(["a", "img", "link"])]
    return found


def test_each_new_update_is_mailed_once_with_a_stable_message_id(
    sites: Sites, smtp: SmtpServer, certificate: tuple[Path, ssl.SSLContext], tmp_path: Path
) -> None:
    target = tmp_path / "statut"
    existing_site(sites, target)
    variables = env(certificate)
    done = deploy(sites, target, variables)
    assert done.returncode == 0, done.stderr
    assert f"envoyé — courriel : {WHAT}" in done.stdout
    assert len(smtp.received) == 1  # only the new update: no draft, nothing scheduled
    expected_id = f"<{outbox.delivery_id('mail', NEW_ID).replace('-', '')}@{SITE_HOST}>"
    sender, recipients, raw = smtp.received[0]
    assert f"\r\nMessage-ID: {expected_id}\r\n".encode() in raw  # on one line, as written
    assert (sender, recipients) == (USER, [LIST])
    assert smtp.logins == [(USER.encode(), True)]

    message = smtp.messages()[0]
    assert message["Message-ID"] == expected_id
    assert message["Subject"] == (
        "Mutuelle Horizon — Espace adhérent inaccessible le 11 juin 2024 : Bilan de la panne"
    )
    assert message["From"].addresses[0].addr_spec == USER
    assert message["From"].addresses[0].display_name == "Mutuelle Horizon"
    assert message["To"] == LIST
    assert message["Content-Language"] == "fr"
    assert abs(parsedate_to_datetime(message["Date"]) - datetime.now(UTC)) < timedelta(minutes=5)
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    assert "Retour d'expérience publié : Bilan de la panne" in plain
    assert "publiée le 12 juin 2024 à 9 h 00" in plain
    assert "le certificat expiré est remplacé" in plain
    permalink = f"https://{SITE_HOST}/incidents/2024-06-espace-adherent/#{NEW_SLUG}"
    assert f"Lire la mise à jour : {permalink}" in plain
    for part in (plain, BeautifulSoup(page, "lxml").get_text(" ")):
        text = " ".join(part.split())
        assert "Pour vérifier que ce message vient bien de Mutuelle Horizon" in text
        assert "« Messages officiels envoyés »" in text
        assert "Brouillon" not in text
    found = links(message)
    assert permalink in found
    assert {urllib.parse.urlsplit(link).hostname for link in found} == {SITE_HOST}
    assert "<img" not in page

    # Again, from another clone: nothing twice.
    clone = tmp_path / "clone"
    shutil.copytree(sites.repo, clone)
    again = deploy(sites, target, variables, repo=clone)
    assert again.returncode == 0, again.stderr
    assert len(smtp.received) == 1

    # A new target that never heard of the first (an outbox lost, say) sends everything
    # public; the new update's message carries the same id: the list manager keeps one.
    fresh = deploy(sites, tmp_path / "neuf", variables, repo=clone)
    assert fresh.returncode == 0, fresh.stderr
    ids = [m["Message-ID"] for m in smtp.messages()]
    assert len(ids) == 1 + 8  # the example's seven updates and the new one
    assert ids.count(expected_id) == 2
    assert len(set(ids)) == 8


def test_wrong_password_and_server_down_keep_it_pending_then_it_goes_once(
    sites: Sites, smtp: SmtpServer, certificate: tuple[Path, ssl.SSLContext], tmp_path: Path
) -> None:
    target = tmp_path / "statut"
    existing_site(sites, target)

    refused = deploy(sites, target, env(certificate, password="faux"))
    assert refused.returncode == 0, refused.stderr
    reason = "identifiant ou mot de passe refusé par le serveur SMTP (535)"
    assert f"pas envoyé — courriel : {WHAT} ({reason})" in refused.stderr
    assert "Le site, lui, est bien en ligne." in refused.stderr
    assert smtp.received == []
    status = run_vigie(sites.repo, "status", "--deploy-dir", str(target), env=env(certificate))
    assert "En attente d'envoi aux abonnés" in status.stdout
    assert f"courriel : {WHAT} (dernier essai : {reason})" in status.stdout
    dry = run_vigie(sites.repo, "notify", str(target), "--dry-run", env=env(certificate))
    assert "À envoyer (essai : rien n'est envoyé, rien n'est noté) :" in dry.stdout
    assert f"courriel : {WHAT} (dernier essai : {reason})" in dry.stdout
    assert smtp.received == []

    smtp.stop()
    down = deploy(sites, target, env(certificate))
    assert down.returncode == 0, down.stderr
    assert (target / "current").is_symlink()
    assert f"serveur SMTP injoignable (connexion refusée par 127.0.0.1:{smtp.port})" in down.stderr

    smtp.start()
    assert wait_until(lambda: smtp.controller is not None)
    up = deploy(sites, target, env(certificate))
    assert up.returncode == 0, up.stderr
    assert f"envoyé — courriel : {WHAT}" in up.stdout
    assert len(smtp.received) == 1
    record = outbox.load(target)
    assert record is not None
    assert list(record.channels["mail"].sent) == [NEW_ID]
    assert record.channels["mail"].failed == {}


def settings_and_update(sites: Sites, slug: str) -> tuple[Any, released.ReleasedUpdate]:
    settings = pipeline.settings(sites.repo / "mkdocs.yml").settings
    update = next(u for u in released.read(sites.b).updates if u.slug == slug)
    return settings, update


def test_implicit_tls_and_a_breach_notice_pointing_at_its_register(
    sites: Sites,
    certificate: tuple[Path, ssl.SSLContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, update = settings_and_update(sites, "2024-02-05T1800-premiere-information")
    assert update.register  # a data breach: its notice shows the register
    server = SmtpServer(free_port(), certificate[1], implicit=True)
    server.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        box = Mail("127.0.0.1", server.port, "tls", USER, (LIST,), "", "PASSWORD_VAR")
        answer = mail.send(box, update, settings, {"PASSWORD_VAR": PASSWORD}, "id-1")
    finally:
        server.stop()
    assert answer.ok, answer.reason
    message = server.messages()[0]
    assert message["Message-ID"] == f"<id1@{SITE_HOST}>"
    register = f"https://{SITE_HOST}/incidents/2024-02-tiers-payant/#messages-officiels"
    assert register in links(message)
    assert {urllib.parse.urlsplit(link).hostname for link in links(message)} == {SITE_HOST}


def test_a_server_that_never_answers_is_given_up_within_the_timeout(sites: Sites) -> None:
    settings, update = settings_and_update(sites, NEW_SLUG)
    settings = replace(settings, notify=replace(settings.notify, timeout=0.2))
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        box = Mail("127.0.0.1", silent.getsockname()[1], "starttls", USER, (LIST,))
        waits: list[float] = []
        started = datetime.now(UTC)
        answer = mail.send(box, update, settings, {}, "id-2", sleep=waits.append)
        seconds = (datetime.now(UTC) - started).total_seconds()
    assert not answer.ok
    assert answer.down
    assert answer.reason == "pas de réponse du serveur SMTP en 0.2 s"
    assert len(waits) == 2  # three tries, with back-off between them
    assert seconds < 2


def test_a_password_sent_in_clear_is_refused_at_its_line(tmp_path: Path) -> None:
    block = MAIL_BLOCK.format(port=25).replace("port: 25\n", "port: 25\n          security: none\n")
    config, first = written(tmp_path, "      notify:\n" + block)
    problems = [str(p) for p in pipeline.settings(config).problems]
    assert problems == [
        f"mkdocs.yml:{first + 6}: « notify.mail.password_env » avec « security: none » : le mot "
        "de passe passerait en clair sur le réseau ; choisissez security: starttls (port 587) ou "
        "security: tls (port 465)"
    ]


def test_every_notice_mailed_says_in_its_register_that_the_alerts_are_ours(sites: Sites) -> None:
    """« A message absent from this list is not from us », says the register: the alerts
    mailed at each update are ours, so every notice they are sent for says so, by sender."""
    for slug in ("2024-06-espace-adherent", "2024-02-tiers-payant"):
        page = parse_html(sites.b / "incidents" / slug / "index.html")
        register = page.find(id="messages-officiels")
        assert register is not None, slug
        note = page.select_one(".vigie-alerts-note")
        assert note is not None, slug
        assert USER in note.get_text(), slug
        assert note.find_previous(id="messages-officiels") is register


def test_a_notice_the_mail_is_not_sent_for_says_nothing_of_it() -> None:
    settings = pipeline.load_site(REPO / "mkdocs.yml")[1]
    mail_settings = Mail("127.0.0.1", 25, "starttls", USER, (LIST,), kinds=("data-breach",))
    limited = dataclasses.replace(
        settings, notify=dataclasses.replace(settings.notify, mail=mail_settings)
    )
    site = pipeline.check(REPO / "mkdocs.yml").checked.site
    view = site_view(dataclasses.replace(site, settings=limited), TEST_NOW)
    notices = {i.incident.id: notice(i, limited) for i in view.incidents}
    assert USER in notices["2024-02-tiers-payant"].alerts_note
    assert notices["2024-06-espace-adherent"].alerts_note == ""
    assert not notices["2024-06-espace-adherent"].show_communications
