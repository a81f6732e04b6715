"""Real servers on 127.0.0.1 for the notification tests: an HTTP receiver of webhooks, and
the two example builds (before and after a new update) they are told about."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from conftest import copy_repo, run_vigie

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NEW_SLUG = "2024-06-12T0900-bilan"
NEW_UPDATE = """---
date: 2024-06-12T09:00:00+02:00
status: postmortem
title: Bilan de la panne
---
Voici le bilan de la panne du 11 juin : le certificat expiré est remplacé, et une alerte
prévient désormais nos équipes un mois avant chaque échéance. Aucune donnée n'a été exposée.
"""
DRAFT = """---
date: 2024-06-12T10:00:00+02:00
status: postmortem
title: Brouillon jamais publié
draft: true
---
Ce brouillon ne doit jamais partir chez un abonné.
"""
SCHEDULED = """---
date: 2031-01-15T09:00:00+01:00
status: postmortem
title: Bilan annuel programmé
---
Cette mise à jour est programmée bien après « maintenant ».
"""
NOTIFY = """      notify:
        timeout: 0.5
{hubs}        webhooks:
          - id: supervision
            url_env: VIGIE_TEST_STATUSPAGE_URL
            secret_env: VIGIE_TEST_STATUSPAGE_SECRET
          - id: equipe
            format: slack
            url_env: VIGIE_TEST_SLACK_URL
            components: [espace-adherent]
          - id: direction
            format: teams
            url_env: VIGIE_TEST_TEAMS_URL
            kinds: [data-breach]
{mail}"""
SECRET = "clé-de-signature-de-test"


@dataclass(frozen=True)
class Sites:
    repo: Path  # mkdocs.yml with notify; plain.yml without
    a: Path  # the example site
    b: Path  # plus one new update, a draft and a scheduled one


def with_notify(config: str, hubs: str = "", mail: str = "") -> str:
    """The example mkdocs.yml with the `notify` options of these tests."""
    block = NOTIFY.format(hubs=hubs, mail=mail)
    return config.replace("      components:\n", block + "      components:\n", 1)


def build_sites(base: Path, hubs: str = "", mail: str = "") -> Sites:
    """Build the example (a), then with one new update (b): two real builds."""
    repo = copy_repo(base / "repo")
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    (repo / "plain.yml").write_text(config, encoding="utf-8")
    (repo / "mkdocs.yml").write_text(with_notify(config, hubs, mail), encoding="utf-8")
    built = run_vigie(repo, "build", "-d", str(base / "site-a"))
    assert built.returncode == 0, built.stderr
    updates = repo / "incidents" / "2024-06-espace-adherent" / "updates"
    (updates / f"{NEW_SLUG}.md").write_text(NEW_UPDATE, encoding="utf-8")
    (updates / "2024-06-12T1000-brouillon.md").write_text(DRAFT, encoding="utf-8")
    (updates / "2031-01-15T0900-bilan-annuel.md").write_text(SCHEDULED, encoding="utf-8")
    built = run_vigie(repo, "build", "-d", str(base / "site-b"))
    assert built.returncode == 0, built.stderr
    return Sites(repo, base / "site-a", base / "site-b")


@dataclass
class Receiver:
    """An HTTP endpoint that records what it is sent; `mode`: ok, error (500) or slow."""

    server: ThreadingHTTPServer
    mode: str = "ok"
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def start_receiver() -> Receiver:
    """A receiver on 127.0.0.1, port chosen by the system, in its own thread."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            record = {
                "body": body,
                "json": json.loads(body)
                if "json" in self.headers.get("Content-Type", "")
                else None,
                "headers": dict(self.headers),
                "signed": hmac.compare_digest(self.headers.get("X-Vigie-Signature", ""), expected),
            }
            mode = receiver.mode
            if mode == "slow":  # answers long after the sender's timeout
                receiver.released.wait(10)
            with receiver.lock:
                (receiver.accepted if mode == "ok" else receiver.refused).append(record)
            self.send_response(500 if mode == "error" else 204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> bool:
    """Wait for `condition` without sleeping blindly: checked on a short event wait."""
    event = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return True
        event.wait(0.02)
    return condition()
