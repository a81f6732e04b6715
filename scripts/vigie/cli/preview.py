"""`vigie serve` in French: what staff read while the preview runs.

MkDocs' server speaks English through its loggers ("Serving on …", "Reloading browsers",
"An error happened during the rebuild…"). One logging handler on the `mkdocs` logger tells
each of these moments in French, passes Vigie's own lines (`path:line: message`, exactly as
`vigie check` prints them) and leaves MkDocs' chatter out; with `-v` it keeps every MkDocs
line as well.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pathlib import Path

PREPARING = "Préparation de l'aperçu…"
READY = "Aperçu : {url} ({drafts})"
WITH_DRAFTS = "brouillons visibles"
WITHOUT_DRAFTS = "sans les brouillons ni les publications programmées"
REBUILDING = "Modification enregistrée : l'aperçu se reconstruit…"
UPDATED = "Aperçu à jour ({time})"
NOT_UPDATED = (
    "Aperçu non mis à jour : corrigez les erreurs ci-dessus et enregistrez ; le navigateur "
    "garde la version précédente"
)
START_REFUSED = "Aperçu impossible : corrigez les erreurs ci-dessus, puis relancez make serve."
ADDRESS_TAKEN = (
    "Aperçu impossible à l'adresse {address} : elle est déjà prise (un autre aperçu tourne-t-il "
    "encore ?) ou interdite ; arrêtez l'autre aperçu, ou choisissez une autre adresse "
    "(exemple : vigie serve -a 127.0.0.1:8001)"
)
STOPPED = "Aperçu arrêté."

PLUGIN_LOGGER = "mkdocs.plugins.vigie"  # Vigie's own lines, in French
SERVER_LOGGER = "mkdocs.livereload"  # the server's moments, in English
SERVE_LOGGER = "mkdocs.commands.serve"  # "Building documentation…", "Shutting down…"
_CLOCK = re.compile(r"^\[\d\d:\d\d:\d\d\] ")


def address(url: str) -> str:
    """The address to open: `http://127.0.0.1:8000` when the site is served at its root."""
    return url.removesuffix("/") if urlsplit(url).path == "/" else url


def now_text() -> str:
    """The machine's clock, to tell one rebuild from the next."""
    return datetime.now(tz=UTC).astimezone().strftime("%H:%M:%S")


class PreviewHandler(logging.StreamHandler):
    """MkDocs' log while serving: the moments in French, Vigie's lines, MkDocs' if `verbose`."""

    def __init__(self, drafts: bool, verbose: bool) -> None:
        super().__init__(sys.stderr)
        self.drafts = drafts
        self.verbose = verbose
        pattern = "%(levelname)s - %(message)s" if verbose else "%(message)s"
        self.setFormatter(logging.Formatter(pattern))

    def emit(self, record: logging.LogRecord) -> None:
        if self.verbose or self._for_staff(record):
            super().emit(record)
        told = self.in_french(record)
        if told is not None:
            self.stream.write(told + "\n")
            self.flush()

    def _for_staff(self, record: logging.LogRecord) -> bool:
        if record.name == PLUGIN_LOGGER:  # the problems and warnings `vigie check` prints
            return True
        if record.name.startswith((SERVER_LOGGER, SERVE_LOGGER)):
            return False  # the server's moments are told in French instead
        return record.levelno >= logging.WARNING  # a build's error (« N problème(s) … »)

    def in_french(self, record: logging.LogRecord) -> str | None:
        """The French line for one of the server's moments, or None."""
        text = _CLOCK.sub("", record.getMessage())  # the server stamps its lines "[12:00:00] "
        if record.name == SERVER_LOGGER:
            if text.startswith("Serving on "):
                url = text.removeprefix("Serving on ").split()[0]
                drafts = WITH_DRAFTS if self.drafts else WITHOUT_DRAFTS
                return READY.format(url=address(url), drafts=drafts)
            if text == "Detected file changes":
                return REBUILDING
            if text == "Reloading browsers":
                return UPDATED.format(time=now_text())
            if text.startswith("An error happened during the rebuild") and self.verbose:
                return NOT_UPDATED  # without -v the refusal itself says it (plugin.serve_site)
        if record.name == SERVE_LOGGER and text.startswith("Shutting down"):
            return STOPPED
        return None


def serve(config_file: Path, dev_addr: str, *, drafts: bool, verbose: bool) -> int:
    """Run the live preview until interrupted; 1 when it could not start."""
    from vigie.plugin import PREVIEW_VARIABLE, serve_site

    if drafts:
        os.environ[PREVIEW_VARIABLE] = "1"
    mkdocs_log = logging.getLogger("mkdocs")
    handler = PreviewHandler(drafts, verbose)
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)  # the server's moments are INFO lines
    print(PREPARING, file=sys.stderr, flush=True)
    try:
        started = serve_site(config_file, dev_addr, None if verbose else NOT_UPDATED)
    except OSError:  # the address is taken, or not ours to listen on
        print(ADDRESS_TAKEN.format(address=dev_addr), file=sys.stderr)
        return 1
    finally:
        mkdocs_log.removeHandler(handler)
    if not started:
        print(START_REFUSED, file=sys.stderr)
        return 1
    return 0
