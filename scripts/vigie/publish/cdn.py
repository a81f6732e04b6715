"""The security headers a bucket cannot send, for a CDN to add: from the built `_headers`.

`vigie cdn-headers cloudfront` prints a CloudFront response headers policy (the JSON of
`aws cloudfront create-response-headers-policy --response-headers-policy-config`);
`vigie cdn-headers cloudflare` a Cloudflare transform rule (the JSON body of the rulesets
API for the `http_response_headers_transform` phase). Both are read from the `/*` block of
the site's `_headers`, so they carry the Content-Security-Policy of that very build.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from vigie.publish import hosting

if TYPE_CHECKING:
    from pathlib import Path

CDNS = ("cloudfront", "cloudflare")
_MAX_AGE = re.compile(r"max-age=(\d+)")


def every_path_headers(site_dir: Path) -> list[tuple[str, str]]:
    """The headers `_headers` gives every path (its `/*` block), in order."""
    headers: list[tuple[str, str]] = []
    inside = False
    for line in (site_dir / hosting.HEADERS_FILE).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            inside = line.strip() == "/*"
        elif inside:
            name, _, value = line.strip().partition(": ")
            headers.append((name, value))
    return headers


def cloudfront_policy(headers: list[tuple[str, str]], name: str) -> str:
    """A CloudFront response headers policy setting `headers` on every response."""
    security: dict[str, object] = {}
    custom = []
    for header, value in headers:
        if header == "Content-Security-Policy":
            security["ContentSecurityPolicy"] = {"Override": True, "ContentSecurityPolicy": value}
        elif header == "Strict-Transport-Security":
            found = _MAX_AGE.search(value)
            security["StrictTransportSecurity"] = {
                "Override": True,
                "AccessControlMaxAgeSec": int(found.group(1)) if found else 31536000,
                "IncludeSubdomains": "includesubdomains" in value.lower(),
                "Preload": "preload" in value.lower(),
            }
        elif header == "X-Content-Type-Options":
            security["ContentTypeOptions"] = {"Override": True}
        elif header == "Referrer-Policy":
            security["ReferrerPolicy"] = {"Override": True, "ReferrerPolicy": value}
        elif header == "X-Frame-Options":
            security["FrameOptions"] = {"Override": True, "FrameOption": value.upper()}
        else:
            custom.append({"Header": header, "Value": value, "Override": True})
    policy = {
        "Name": name,
        "Comment": "Vigie : en-têtes de sécurité de site/_headers (vigie cdn-headers)",
        "SecurityHeadersConfig": security,
        "CustomHeadersConfig": {"Quantity": len(custom), "Items": custom},
    }
    return json.dumps(policy, indent=2, ensure_ascii=False) + "\n"


def cloudflare_rule(headers: list[tuple[str, str]]) -> str:
    """A Cloudflare response header transform rule setting `headers` on every response."""
    ruleset = {
        "rules": [
            {
                "description": "Vigie : en-têtes de sécurité de site/_headers (vigie cdn-headers)",
                "expression": "true",
                "action": "rewrite",
                "action_parameters": {
                    "headers": {
                        header: {"operation": "set", "value": value} for header, value in headers
                    }
                },
            }
        ]
    }
    return json.dumps(ruleset, indent=2, ensure_ascii=False) + "\n"
