"""The Statuspage v2-compatible API: every document validates against the real shape
(site_tests/schemas/statuspage_v2.schema.json) and says what the example incidents say."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from vigie.outputs import api, feeds

if TYPE_CHECKING:
    from vigie.derive import SiteView

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA = json.loads((SCHEMAS / "statuspage_v2.schema.json").read_text(encoding="utf-8"))
URL = "https://statut.mutuelle-horizon.example/"
PARIS = ZoneInfo("Europe/Paris")
# Endpoint -> the $defs entry to validate it against (STATUSPAGE_NOTES.md).
ENDPOINTS = {
    "summary.json": "summary",
    "status.json": "status_doc",
    "components.json": "components_doc",
    "incidents.json": "incidents_all_doc",
    "incidents/unresolved.json": "incidents_unresolved_doc",
    "scheduled-maintenances.json": "scheduled_maintenances_all_doc",
    "scheduled-maintenances/upcoming.json": "scheduled_maintenances_upcoming_doc",
    "scheduled-maintenances/active.json": "scheduled_maintenances_active_doc",
}
EXAMPLES = {
    "summary.json": "summary.json",
    "status.json": "status.json",
    "components.json": "components.json",
    "incidents.json": "incidents.json",
    "incidents/unresolved.json": "incidents-unresolved.json",
    "scheduled-maintenances.json": "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming.json",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active.json",
}


def validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]},
        format_checker=FormatChecker(),
    )


def load(site: Path, endpoint: str) -> dict:
    return json.loads((site / "api/v2" / endpoint).read_text(encoding="utf-8"))


def incident(site: Path, incident_id: str) -> dict:
    return next(i for i in load(site, "incidents.json")["incidents"] if i["id"] == incident_id)


def update(document: dict, stem: str) -> dict:
    return next(u for u in document["incident_updates"] if u["id"] == stem)


# --- Shape ------------------------------------------------------------------------------------


# Statuspage's keys for each kind of object, written out from its API reference and found in
# every real response of site_tests/schemas/examples/. Vigie's own additions start with x_.
STATUSPAGE_KEYS = {
    "page": {"id", "name", "url", "time_zone", "updated_at"},
    "status": {"indicator", "description"},
    "component": {
        "id",
        "name",
        "status",
        "created_at",
        "updated_at",
        "position",
        "description",
        "showcase",
        "start_date",
        "group_id",
        "page_id",
        "group",
        "only_show_if_degraded",
    },
    "incident": {
        "id",
        "name",
        "status",
        "created_at",
        "updated_at",
        "monitoring_at",
        "resolved_at",
        "impact",
        "shortlink",
        "started_at",
        "page_id",
        "incident_updates",
        "components",
        "reminder_intervals",
    },
    "incident_update": {
        "id",
        "status",
        "body",
        "incident_id",
        "created_at",
        "updated_at",
        "display_at",
        "affected_components",
        "deliver_notifications",
        "custom_tweet",
        "tweet_id",
    },
    "affected_component": {"code", "name", "old_status", "new_status"},
}


def objects_by_kind(document: dict) -> dict[str, list[dict]]:
    """Every page, status, component, incident, update and affected component in `document`."""
    found: dict[str, list[dict]] = {kind: [] for kind in STATUSPAGE_KEYS}
    found["page"].append(document["page"])
    if "status" in document:
        found["status"].append(document["status"])
    found["component"].extend(document.get("components", []))
    for incident in document.get("incidents", []):
        found["incident"].append(incident)
        found["component"].extend(incident["components"])
        for update in incident["incident_updates"]:
            found["incident_update"].append(update)
            found["affected_component"].extend(update["affected_components"] or [])
    return found


def test_the_real_statuspage_responses_have_exactly_these_keys():
    for name in EXAMPLES.values():
        example = json.loads((SCHEMAS / "examples" / name).read_text(encoding="utf-8"))
        for kind, objects in objects_by_kind(example).items():
            assert [set(o) for o in objects] == [STATUSPAGE_KEYS[kind]] * len(objects), name


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if "maintenances" not in e])
def test_every_object_has_statuspage_keys_and_only_x_additions(site: Path, endpoint: str):
    found = objects_by_kind(load(site, endpoint))
    for kind, objects in found.items():
        for o in objects:
            assert {k for k in o if not k.startswith("x_")} == STATUSPAGE_KEYS[kind], (kind, o)
    if endpoint in ("summary.json", "incidents.json", "incidents/unresolved.json"):
        assert found["incident_update"]
        assert found["affected_component"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_document_validates_against_statuspage_shape(site: Path, endpoint: str):
    document = load(site, endpoint)
    validator(ENDPOINTS[endpoint]).validate(document)
    # The check has teeth: a date Statuspage could not send is refused (without
    # rfc3339-validator installed, jsonschema would skip `format: date-time` silently).
    document["page"]["updated_at"] = "2024-02-30T10:00:00.000+01:00"
    assert not validator(ENDPOINTS[endpoint]).is_valid(document)


STATUSPAGE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d")


def times(value: object, key: str = "") -> list[tuple[str, str]]:
    """(key, value) of every date in `value`: the keys ending in _at, and start_date."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in times(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in times(v, key)]
    if isinstance(value, str) and (key.endswith("_at") or key == "start_date"):
        return [(key, value)]
    return []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_time_is_in_statuspage_form_with_the_paris_offset(site: Path, endpoint: str):
    found = times(load(site, endpoint))
    assert found
    for key, value in found:
        assert STATUSPAGE_TIME.fullmatch(value), (key, value)
        # The page's time zone, as the tz database has it that day (+01:00 or +02:00).
        moment = datetime.fromisoformat(value)
        assert moment.utcoffset() == moment.astimezone(PARIS).utcoffset(), (key, value)
        assert value[-6:] in ("+01:00", "+02:00"), (key, value)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_documents_are_sorted_utf8_json(site: Path, endpoint: str):
    raw = (site / "api/v2" / endpoint).read_text(encoding="utf-8")
    document = json.loads(raw)
    assert raw == json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_schema_rejects_what_statuspage_would_not_send(site: Path):
    document = load(site, "incidents.json")
    document["incidents"][0]["unknown"] = 1
    assert not validator("incidents_all_doc").is_valid(document)
    document = load(site, "incidents/unresolved.json")
    document["incidents"][0]["status"] = "resolved"
    assert not validator("incidents_unresolved_doc").is_valid(document)


# --- Values -----------------------------------------------------------------------------------


def test_page_object_is_the_same_everywhere_and_never_the_build_time(site: Path):
    pages = [load(site, endpoint)["page"] for endpoint in ENDPOINTS]
    # The id is Statuspage-like (12 base-36 digits) and stable: clients keep it, so it is
    # written out here; it comes from the domain statut.mutuelle-horizon.example only.
    expected = {
        "id": "cc0filolg6l2",
        "name": "Information incidents — Mutuelle Horizon",
        "url": "https://statut.mutuelle-horizon.example",
        "time_zone": "Europe/Paris",
        "updated_at": "2024-06-11T12:00:00.000+02:00",  # the newest update
    }
    assert pages == [expected] * len(ENDPOINTS)


def test_status_rolls_up_the_open_incident(site: Path):
    status = load(site, "status.json")["status"]
    # The data breach is still open (monitoring) with a major impact.
    assert status == {
        "indicator": "major",
        "description": "Partial System Outage",
        "x_description_fr": "Un incident majeur est en cours",
    }
    assert load(site, "summary.json")["status"] == status


def test_components_in_settings_order_with_their_state(site: Path):
    components = load(site, "components.json")["components"]
    assert [(c["id"], c["name"], c["status"], c["position"]) for c in components] == [
        ("tiers-payant", "Tiers payant", "operational", 1),
        ("remboursements", "Remboursements", "operational", 2),
        ("espace-adherent", "Espace adhérent", "operational", 3),
        ("service-client", "Service client", "operational", 4),
    ]
    adherent = components[2]
    assert adherent["description"] == "Votre compte en ligne et l'application mobile"
    assert adherent["created_at"] == "2024-02-05T18:00:00.000+01:00"  # the first update
    assert adherent["updated_at"] == "2024-06-11T12:00:00.000+02:00"  # the last touching it
    assert components[0]["updated_at"] == "2024-02-20T10:00:00.000+01:00"
    assert {c["group"] for c in components} == {False}
    assert "components" not in adherent
    assert load(site, "summary.json")["components"] == components


def test_incidents_newest_first_and_unresolved_only_where_asked(site: Path):
    incidents = load(site, "incidents.json")["incidents"]
    assert [i["id"] for i in incidents] == ["2024-06-espace-adherent", "2024-02-tiers-payant"]
    unresolved = load(site, "incidents/unresolved.json")["incidents"]
    assert [i["id"] for i in unresolved] == ["2024-02-tiers-payant"]
    assert load(site, "summary.json")["incidents"] == unresolved
    assert unresolved[0] == incidents[1]


def test_resolved_outage(site: Path):
    outage = incident(site, "2024-06-espace-adherent")
    assert outage["name"] == "Espace adhérent inaccessible le 11 juin 2024"
    assert outage["status"] == "resolved"
    assert outage["impact"] == "minor"
    assert outage["started_at"] == "2024-06-11T08:40:00.000+02:00"
    assert outage["created_at"] == "2024-06-11T09:15:00.000+02:00"
    assert outage["updated_at"] == "2024-06-11T12:00:00.000+02:00"
    assert outage["resolved_at"] == "2024-06-11T12:00:00.000+02:00"
    assert outage["monitoring_at"] is None
    assert outage["shortlink"] == f"{URL}incidents/2024-06-espace-adherent/"
    assert outage["x_url"] == outage["shortlink"]
    assert outage["x_kind"] == "outage"
    assert outage["x_data_exposed"] == []
    assert [u["id"] for u in outage["incident_updates"]] == [
        "2024-06-11T1200-service-retabli",
        "2024-06-11T1030-cause-identifiee",
        "2024-06-11T0915-espace-adherent-inaccessible",
    ]
    assert [u["status"] for u in outage["incident_updates"]] == [
        "resolved",
        "identified",
        "investigating",
    ]


def affected(document: dict, stem: str) -> dict[str, tuple[str, str]]:
    return {
        a["code"]: (a["old_status"], a["new_status"])
        for a in update(document, stem)["affected_components"]
    }


def test_affected_components_follow_the_notice_versions(site: Path):
    # The outage's notice lists one service, down from the first update until the last.
    outage = incident(site, "2024-06-espace-adherent")
    first = affected(outage, "2024-06-11T0915-espace-adherent-inaccessible")
    assert first == {"espace-adherent": ("operational", "major_outage")}
    middle = affected(outage, "2024-06-11T1030-cause-identifiee")
    assert middle == {"espace-adherent": ("major_outage", "major_outage")}
    last = update(outage, "2024-06-11T1200-service-retabli")["affected_components"]
    assert last == [
        {
            "code": "espace-adherent",
            "name": "Espace adhérent",
            "old_status": "major_outage",
            "new_status": "operational",
        }
    ]
    assert [c["id"] for c in outage["components"]] == ["espace-adherent"]
    # The data breach lists every service, operational all along, in the settings' order.
    breach = incident(site, "2024-02-tiers-payant")
    for u in breach["incident_updates"]:
        assert [a["code"] for a in u["affected_components"]] == [
            "tiers-payant",
            "remboursements",
            "espace-adherent",
            "service-client",
        ]
        assert {(a["old_status"], a["new_status"]) for a in u["affected_components"]} == {
            ("operational", "operational")
        }


def test_data_breach_lists_data_exposed_and_not_exposed(site: Path):
    breach = incident(site, "2024-02-tiers-payant")
    assert breach["status"] == "monitoring"
    assert breach["impact"] == "major"
    assert breach["resolved_at"] is None
    assert breach["monitoring_at"] == "2024-02-20T10:00:00.000+01:00"
    assert breach["x_kind"] == "data-breach"
    exposed = {d["id"]: d for d in breach["x_data_exposed"]}
    assert list(exposed) == [
        "nom",
        "prenom",
        "date-naissance",
        "rang-naissance",
        "numero-securite-sociale",
        "assureur",
        "numero-contrat",
        "reference-interne",
    ]
    assert exposed["numero-securite-sociale"] == {
        "id": "numero-securite-sociale",
        "label": "Numéro de sécurité sociale",
        "sensitive": True,
    }
    not_exposed = [d["id"] for d in breach["x_data_not_exposed"]]
    assert "coordonnees-bancaires" in not_exposed
    assert "donnees-medicales" in not_exposed


def test_update_body_is_the_text_and_html_has_absolute_links(site: Path, example_repo: Path):
    breach = incident(site, "2024-02-tiers-payant")
    authorities = update(breach, "2024-02-09T1200-autorites-notifiees")
    source = (
        example_repo
        / "incidents/2024-02-tiers-payant/updates/2024-02-09T1200-autorites-notifiees.md"
    )
    assert (
        authorities["body"].strip()
        == source.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip()
    )
    assert '<a href="https://www.cnil.fr/">' in authorities["x_body_html"]
    assert authorities["x_title"] == "Les autorités ont été informées"
    assert (
        authorities["x_url"]
        == f"{URL}incidents/2024-02-tiers-payant/#2024-02-09T1200-autorites-notifiees"
    )
    assert authorities["x_feed_id"] == (
        "tag:statut.mutuelle-horizon.example,2024:2024-02-tiers-payant/2024-02-09T1200-autorites-notifiees"
    )
    assert authorities["created_at"] == authorities["display_at"] == "2024-02-09T12:00:00.000+01:00"
    assert authorities["incident_id"] == "2024-02-tiers-payant"


def test_no_planned_maintenance_yet(site: Path):
    for endpoint in ENDPOINTS:
        if endpoint.startswith("scheduled-maintenances"):
            assert load(site, endpoint)["scheduled_maintenances"] == []
    assert load(site, "summary.json")["scheduled_maintenances"] == []


# --- Pure functions ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_view(example_repo: Path) -> SiteView:
    from vigie.derive import site_view
    from vigie.pipeline import load_site
    from vigie.sources.load import load_sources
    from vigie.sources.validate import validate

    root, settings, incidents_dir = load_site(example_repo / "mkdocs.yml")
    return site_view(validate(load_sources(root, incidents_dir), settings))


def test_page_id_depends_on_the_domain_only(example_view: SiteView):
    settings = example_view.site.settings
    same = replace(
        settings, site_url="https://statut.mutuelle-horizon.example/autre/", tag_year=2030
    )
    other = replace(settings, site_url="https://status.example.org/")
    assert api.page_id(settings) == api.page_id(same) == "cc0filolg6l2"
    assert api.page_id(other) == "bc783wjbb08o"


def test_incidents_json_keeps_the_newest_50(example_view: SiteView):
    # 60 copies of the example incidents, under other ids.
    template = example_view.site.incidents
    incidents = []
    for n in range(30):
        for original in template:
            new_id = f"{original.id}-{n:02d}"
            updates = tuple(replace(u, incident_id=new_id) for u in original.updates)
            incidents.append(replace(original, id=new_id, updates=updates))
    from vigie.derive import site_view

    view = site_view(replace(example_view.site, incidents=tuple(incidents)))
    documents = api.documents(view, str)
    listed = documents["api/v2/incidents.json"]["incidents"]
    assert len(listed) == 50
    # Newest first by start (June before February), ties by id from the highest copy number.
    assert [i["id"] for i in listed] == [
        *(f"2024-06-espace-adherent-{n:02d}" for n in range(29, -1, -1)),
        *(f"2024-02-tiers-payant-{n:02d}" for n in range(29, 9, -1)),
    ]
    validator("incidents_all_doc").validate(documents["api/v2/incidents.json"])
    assert len(documents["api/v2/incidents/unresolved.json"]["incidents"]) == 30
    site_feed = feeds.all_feeds(view, str)["feeds/"]
    assert len(site_feed.entries) == 50  # settings.feed_entries, by default
