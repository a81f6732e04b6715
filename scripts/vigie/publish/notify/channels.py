"""Webhook bodies and HTTP delivery: Statuspage, Slack and Teams shapes, signed, bounded.

Each body is a pure function of one released update. `post` sends bytes with a bounded
timeout and a few tries with back-off; it never raises: the answer says whether the
channel took it, and whether it looks down (then the rest waits for the next deploy).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vigie import __version__
from vigie.model import limits_cover

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from vigie.model import Webhook
    from vigie.publish.notify.released import ComponentChange, ReleasedUpdate

SIGNATURE_HEADER = "X-Vigie-Signature"
DELIVERY_HEADER = "X-Vigie-Delivery"
EVENT_HEADER = "X-Vigie-Event"
EVENT = "incident.update"
COMPONENT_EVENT = "component.update"
COMPONENT_KEY = "{feed_id}#component:{component_id}"
ATTEMPTS = 3
BACKOFF = 1.0  # at most, seconds before the second try; doubled before each next one
SUMMARY_LENGTH = 200  # about two lines in a chat window
STATUSPAGE_DOCS = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"

READ_MORE = "Lire la mise à jour"


@dataclass(frozen=True)
class Answer:
    """How a channel answered: taken, or why not; `down`: no point trying more this run."""

    ok: bool
    reason: str = ""
    down: bool = False


def short_summary(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """`text` cut at a word to about two lines, with an ellipsis when cut."""
    text = " ".join(text.split()).removesuffix("…")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return f"{cut.rstrip(' ,;:.')}…"


def wanted(update: ReleasedUpdate, components: tuple[str, ...], kinds: tuple[str, ...]) -> bool:
    """Whether a channel limited to `components` and `kinds` (empty: all) wants `update`."""
    return limits_cover(components, kinds, update.kind, update.components)


def statuspage_body(update: ReleasedUpdate, page: Mapping[str, Any]) -> dict[str, Any]:
    """An incident webhook as Atlassian Statuspage sends it: meta, page, the incident."""
    incident = dict(update.incident) or {
        "id": update.incident_id,
        "name": update.incident_title,
        "status": update.status,
        "shortlink": update.url.partition("#")[0],
        "incident_updates": [],
    }
    status = page.get("status", {})
    return {
        "meta": {"unsubscribe": None, "documentation": STATUSPAGE_DOCS},
        "page": {
            "id": page.get("page", {}).get("id", ""),
            "status_indicator": status.get("indicator", ""),
            "status_description": status.get("description", ""),
        },
        "incident": incident,
        "x_update_id": update.slug,
        "x_feed_id": update.feed_id,
    }


def component_key(update: ReleasedUpdate, change: ComponentChange) -> str:
    """The outbox key of the component update `change` of `update`: stable, never reused."""
    return COMPONENT_KEY.format(feed_id=update.feed_id, component_id=change.component_id)


def component_update_body(
    update: ReleasedUpdate,
    change: ComponentChange,
    component: Mapping[str, Any],
    page: Mapping[str, Any],
) -> dict[str, Any]:
    """A component webhook as Atlassian Statuspage sends it: meta, page, `component_update`
    (old and new status) and `component` as it is after the change."""
    document = statuspage_body(update, page)
    del document["incident"]
    after = dict(component) or {"id": change.component_id, "name": change.component_id}
    after |= {"status": change.new_status, "updated_at": change.created_at}
    document["component_update"] = {
        "created_at": change.created_at,
        "new_status": change.new_status,
        "old_status": change.old_status,
        "id": f"{update.incident_id}/{update.slug}/{change.component_id}",
        "component_id": change.component_id,
    }
    document["component"] = after
    return document


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(update: ReleasedUpdate, organisation: str) -> dict[str, Any]:
    """A Slack incoming-webhook message (Mattermost and Rocket.Chat read it too), in French."""
    lines = (
        f"*{_slack_escape(organisation)} — {_slack_escape(update.incident_title)}*",
        f"{_slack_escape(update.status_label)} : {_slack_escape(update.title)}",
        _slack_escape(short_summary(update.summary)),
        f"<{update.url}|{READ_MORE}>",
    )
    return {"text": "\n".join(lines), "unfurl_links": False, "unfurl_media": False}


def teams_body(update: ReleasedUpdate, organisation: str) -> dict[str, Any]:
    """A Microsoft Teams workflow message: one Adaptive Card, in French."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "lang": "fr",
        "body": [
            {
                "type": "TextBlock",
                "text": f"{organisation} — {update.incident_title}",
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {
                "type": "TextBlock",
                "text": f"{update.status_label} : {update.title}",
                "wrap": True,
            },
            {"type": "TextBlock", "text": short_summary(update.summary), "wrap": True},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": READ_MORE, "url": update.url}],
    }
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "attachments": [attachment]}


def webhook_body(
    hook: Webhook, update: ReleasedUpdate, page: Mapping[str, Any], organisation: str
) -> bytes:
    """The bytes POSTed to `hook` for `update`, in its format."""
    if hook.format == "slack":
        document = slack_body(update, organisation)
    elif hook.format == "teams":
        document = teams_body(update, organisation)
    else:
        document = statuspage_body(update, page)
    return json_bytes(document)


def json_bytes(document: Mapping[str, Any]) -> bytes:
    """The bytes of a webhook body."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: the HMAC-SHA256 of `body` with the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_headers(body: bytes, delivery: str, secret: str, event: str = EVENT) -> dict[str, str]:
    """The headers of a webhook delivery (signed when the endpoint has a secret)."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"Vigie/{__version__}",
        DELIVERY_HEADER: delivery,
        EVENT_HEADER: event,
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    return headers


def _once(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured)
            response.read(65536)
            return Answer(True)
    except urllib.error.HTTPError as error:
        retry = error.code >= 500 or error.code in (408, 429)
        return Answer(False, f"HTTP {error.code}", down=retry)
    except TimeoutError:
        return Answer(False, f"pas de réponse en {timeout:g} s", down=True)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return Answer(False, f"pas de réponse en {timeout:g} s", down=True)
        return Answer(False, f"injoignable ({reason})", down=True)


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """POST `body` to `url`: a few tries with back-off when it fails for a passing reason."""
    answer = Answer(False, "jamais essayé")
    for attempt in range(attempts):
        if attempt:  # a short wait, shorter still with a short timeout
            sleep(min(BACKOFF, timeout / 4) * 2 ** (attempt - 1))
        answer = _once(url, body, headers, timeout)
        if answer.ok or not answer.down:
            return answer
    return answer


def websub_form(feed_url: str) -> dict[str, str]:
    """The publish ping: WebSub leaves its form to each hub. PubSubHubbub 0.4 hubs read
    `hub.url`, others (flask-websub, websub.rocks) `hub.topic`: both name the feed."""
    return {"hub.mode": "publish", "hub.url": feed_url, "hub.topic": feed_url}


def websub_ping(hub: str, feed_url: str, timeout: float) -> Answer:
    """Tell a WebSub hub that the feed at `feed_url` changed (`hub.mode=publish`)."""
    body = urllib.parse.urlencode(websub_form(feed_url)).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": f"Vigie/{__version__}",
    }
    return post(hub, body, headers, timeout)
