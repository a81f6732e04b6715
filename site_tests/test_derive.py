"""Golden tests of `derive`: small hand-written models in, hand-written values out.

No build: what the notice says after each update, the state of each service, the site's
indicator, what is published at a given "now", and the grouping of the timeline and the
history by local day and month in Europe/Paris (winter and summer time, several years,
the nights a UTC date is already the next day in Paris).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import PurePosixPath

import pytest

from vigie import derive
from vigie.derive import Version
from vigie.model import (
    Authority,
    AuthorityType,
    Breach,
    Component,
    ComponentStatus,
    Contact,
    Impact,
    Incident,
    Kind,
    NoticeChanges,
    NoticeState,
    Settings,
    Site,
    Status,
    Update,
)

WINTER = timezone(timedelta(hours=1))  # Europe/Paris in winter
SUMMER = timezone(timedelta(hours=2))  # and in summer

API, WEB, MAIL, SMS, BATCH = (
    Component("api", "API"),
    Component("web", "Site web"),
    Component("mail", "Courriel"),
    Component("sms", "SMS"),
    Component("batch", "Traitements de nuit"),
)
SETTINGS = Settings(
    organisation="Mutuelle Horizon",
    site_url="https://statut.example.fr/",
    site_name="Information incidents",
    timezone="Europe/Paris",
    contact_email="contact@example.fr",
    components=(API, WEB, MAIL, SMS, BATCH),
    data_categories=(),
)

CNIL = Authority("CNIL", datetime(2024, 3, 2, 10, 0, tzinfo=WINTER), type=AuthorityType.CNIL)
ANSSI = Authority("ANSSI", datetime(2024, 3, 3, 10, 0, tzinfo=WINTER), type=AuthorityType.ANSSI)

STATE = NoticeState(
    status=None,
    impact=Impact.MINOR,
    components=(("web", ComponentStatus.DEGRADED_PERFORMANCE),),
    data_exposed=("nom",),
    data_not_exposed=("email",),
    what_happened="Avant.",
    measures=("Serveur isolé.",),
    authorities=(CNIL,),
    recommendations=("Méfiez-vous des appels.",),
    breach=Breach(concerned="Les adhérents de 2023.", consequences=("Hameçonnage",)),
)


def _update(
    incident_id: str,
    slug: str,
    when: datetime,
    status: Status = Status.INVESTIGATING,
    changes: NoticeChanges | None = None,
    draft: bool = False,
) -> Update:
    source = PurePosixPath(f"incidents/{incident_id}/updates/{slug}.md")
    return Update(
        incident_id,
        slug,
        source,
        when,
        status,
        f"Titre {slug}",
        f"Texte {slug}.",
        changes or NoticeChanges(),
        draft=draft,
    )


def _incident(
    incident_id: str,
    updates: tuple[Update, ...],
    *,
    started: datetime | None = None,
    kind: Kind = Kind.OUTAGE,
    impact: Impact = Impact.MINOR,
    components: tuple[tuple[str, ComponentStatus], ...] = (),
    draft: bool = False,
    planned_start: datetime | None = None,
) -> Incident:
    initial = NoticeState(
        status=None,
        impact=impact,
        components=components,
        data_exposed=(),
        data_not_exposed=(),
        what_happened="",
        measures=(),
        authorities=(),
        recommendations=(),
    )
    return Incident(
        id=incident_id,
        source=PurePosixPath(f"incidents/{incident_id}/incident.yml"),
        title=f"Incident {incident_id}",
        summary="Résumé.",
        kind=kind,
        started=started or updates[0].date,
        resolved=None,
        initial=initial,
        contact=Contact("Service client", "service@example.fr"),
        updates=updates,
        draft=draft,
        planned_start=planned_start,
    )


def _site(*incidents: Incident) -> Site:
    return Site(SETTINGS, incidents, ())


# --- apply_update ---------------------------------------------------------------------------

MONDAY = datetime(2024, 3, 4, 9, 0, tzinfo=WINTER)


def test_an_update_without_changes_changes_only_the_status() -> None:
    update = _update("fuite", "point", MONDAY, Status.IDENTIFIED)
    assert derive.apply_update(STATE, update) == NoticeState(
        status=Status.IDENTIFIED,
        impact=Impact.MINOR,
        components=(("web", ComponentStatus.DEGRADED_PERFORMANCE),),
        data_exposed=("nom",),
        data_not_exposed=("email",),
        what_happened="Avant.",
        measures=("Serveur isolé.",),
        authorities=(CNIL,),
        recommendations=("Méfiez-vous des appels.",),
        breach=Breach(concerned="Les adhérents de 2023.", consequences=("Hameçonnage",)),
    )


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        (NoticeChanges(impact=Impact.MAJOR), "impact", Impact.MAJOR),
        (NoticeChanges(impact=Impact.NONE), "impact", Impact.NONE),
        # Services: the update's states replace those it names, the others stay; by id.
        (
            NoticeChanges(
                components=(
                    ("web", ComponentStatus.MAJOR_OUTAGE),
                    ("api", ComponentStatus.PARTIAL_OUTAGE),
                )
            ),
            "components",
            (("api", ComponentStatus.PARTIAL_OUTAGE), ("web", ComponentStatus.MAJOR_OUTAGE)),
        ),
        (
            NoticeChanges(components=(("api", ComponentStatus.OPERATIONAL),)),
            "components",
            (("api", ComponentStatus.OPERATIONAL), ("web", ComponentStatus.DEGRADED_PERFORMANCE)),
        ),
        (NoticeChanges(data_exposed=("nom", "prenom")), "data_exposed", ("nom", "prenom")),
        (NoticeChanges(data_exposed=()), "data_exposed", ()),  # empty is not "unchanged"
        (NoticeChanges(data_not_exposed=()), "data_not_exposed", ()),
        (NoticeChanges(data_not_exposed=("iban",)), "data_not_exposed", ("iban",)),
        (NoticeChanges(what_happened="Après."), "what_happened", "Après."),
        (NoticeChanges(what_happened=""), "what_happened", ""),
        # Measures and authorities are events: the list grows.
        (
            NoticeChanges(measures=("Mots de passe changés.",)),
            "measures",
            ("Serveur isolé.", "Mots de passe changés."),
        ),
        (NoticeChanges(authorities=(ANSSI,)), "authorities", (CNIL, ANSSI)),
        (
            NoticeChanges(recommendations=("Changez de mot de passe.",)),
            "recommendations",
            ("Changez de mot de passe.",),
        ),
        (NoticeChanges(recommendations=()), "recommendations", ()),
        # The breach fields it names are replaced, the others kept.
        (
            NoticeChanges(breach=(("concerned", "Tous les adhérents."),)),
            "breach",
            Breach(concerned="Tous les adhérents.", consequences=("Hameçonnage",)),
        ),
        (
            NoticeChanges(breach=(("consequences", ()), ("rights", "Vos droits."))),
            "breach",
            Breach(concerned="Les adhérents de 2023.", rights="Vos droits."),
        ),
    ],
)
def test_each_field_an_update_may_change(
    changes: NoticeChanges, field: str, expected: object
) -> None:
    after = derive.apply_update(STATE, _update("fuite", "point", MONDAY, changes=changes))
    assert getattr(after, field) == expected
    unchanged = {
        "impact": Impact.MINOR,
        "components": (("web", ComponentStatus.DEGRADED_PERFORMANCE),),
        "data_exposed": ("nom",),
        "data_not_exposed": ("email",),
        "what_happened": "Avant.",
        "measures": ("Serveur isolé.",),
        "authorities": (CNIL,),
        "recommendations": ("Méfiez-vous des appels.",),
        "breach": Breach(concerned="Les adhérents de 2023.", consequences=("Hameçonnage",)),
    }
    del unchanged[field]
    assert {name: getattr(after, name) for name in unchanged} == unchanged
    assert after.status == Status.INVESTIGATING


# --- notice_versions --------------------------------------------------------------------------

U1 = _update("panne", "u1", MONDAY, Status.INVESTIGATING)
U2 = _update(
    "panne",
    "u2",
    MONDAY + timedelta(hours=1),
    Status.IDENTIFIED,
    NoticeChanges(
        impact=Impact.MAJOR,
        components=(("web", ComponentStatus.MAJOR_OUTAGE),),
        what_happened="Une base de données est tombée.",
        measures=("Bascule sur le secours.",),
    ),
)
U3 = _update(
    "panne",
    "u3",
    MONDAY + timedelta(hours=3),
    Status.RESOLVED,
    NoticeChanges(
        components=(("web", ComponentStatus.OPERATIONAL),),
        measures=("Base réparée.",),
    ),
)
PANNE = _incident(
    "panne",
    (U1, U2, U3),
    components=(("web", ComponentStatus.PARTIAL_OUTAGE),),
)


def _panne_state(
    status: Status,
    impact: Impact,
    web: ComponentStatus,
    what_happened: str,
    measures: tuple[str, ...],
) -> NoticeState:
    return NoticeState(
        status=status,
        impact=impact,
        components=(("web", web),),
        data_exposed=(),
        data_not_exposed=(),
        what_happened=what_happened,
        measures=measures,
        authorities=(),
        recommendations=(),
    )


def test_version_n_is_the_notice_after_updates_1_to_n() -> None:
    cause = "Une base de données est tombée."
    assert derive.notice_versions(PANNE, (U1, U2, U3)) == (
        Version(
            1,
            U1,
            _panne_state(
                Status.INVESTIGATING, Impact.MINOR, ComponentStatus.PARTIAL_OUTAGE, "", ()
            ),
        ),
        Version(
            2,
            U2,
            _panne_state(
                Status.IDENTIFIED,
                Impact.MAJOR,
                ComponentStatus.MAJOR_OUTAGE,
                cause,
                ("Bascule sur le secours.",),
            ),
        ),
        Version(
            3,
            U3,
            _panne_state(
                Status.RESOLVED,
                Impact.MAJOR,
                ComponentStatus.OPERATIONAL,
                cause,
                ("Bascule sur le secours.", "Base réparée."),
            ),
        ),
    )


def test_versions_follow_only_the_updates_given() -> None:
    assert derive.notice_versions(PANNE, ()) == ()
    assert derive.notice_versions(PANNE, (U1,)) == (
        Version(
            1,
            U1,
            _panne_state(
                Status.INVESTIGATING, Impact.MINOR, ComponentStatus.PARTIAL_OUTAGE, "", ()
            ),
        ),
    )


# --- The state of each service and the site's indicator ---------------------------------------


def _open(
    incident_id: str,
    *components: tuple[str, ComponentStatus],
    impact: Impact = Impact.MINOR,
    status: Status = Status.INVESTIGATING,
    kind: Kind = Kind.OUTAGE,
) -> Incident:
    update = _update(incident_id, "point", MONDAY, status)
    return _incident(incident_id, (update,), kind=kind, impact=impact, components=components)


def _works(
    incident_id: str,
    *components: tuple[str, ComponentStatus],
    impact: Impact = Impact.MINOR,
    status: Status = Status.IN_PROGRESS,
) -> Incident:
    """Planned maintenance, under way unless `status` says otherwise."""
    return _open(incident_id, *components, impact=impact, status=status, kind=Kind.MAINTENANCE)


def _states(site: Site) -> list[tuple[str, ComponentStatus]]:
    return [(c.id, s) for c, s in derive.site_view(site).component_states]


OP, MAINT, DEGRADED, PARTIAL, MAJOR = (
    ComponentStatus.OPERATIONAL,
    ComponentStatus.UNDER_MAINTENANCE,
    ComponentStatus.DEGRADED_PERFORMANCE,
    ComponentStatus.PARTIAL_OUTAGE,
    ComponentStatus.MAJOR_OUTAGE,
)


def test_without_incidents_every_service_is_operational() -> None:
    assert _states(_site()) == [
        ("api", OP),
        ("web", OP),
        ("mail", OP),
        ("sms", OP),
        ("batch", OP),
    ]


@pytest.mark.parametrize("state", [OP, MAINT, DEGRADED, PARTIAL, MAJOR])
def test_an_open_incident_gives_its_services_their_state(state: ComponentStatus) -> None:
    site = _site(_works("a", ("mail", state)) if state == MAINT else _open("a", ("mail", state)))
    assert _states(site) == [("api", OP), ("web", OP), ("mail", state), ("sms", OP), ("batch", OP)]


def test_two_incidents_on_one_service_the_worst_wins() -> None:
    site = _site(
        _open("a", ("api", DEGRADED), ("web", MAJOR), ("batch", DEGRADED)),
        _open("b", ("api", PARTIAL), ("web", DEGRADED)),
        _works("c", ("batch", MAINT)),
    )
    assert _states(site) == [
        ("api", PARTIAL),
        ("web", MAJOR),
        ("mail", OP),
        ("sms", OP),
        ("batch", DEGRADED),
    ]


def test_a_resolved_incident_or_a_maintenance_still_to_come_frees_its_services() -> None:
    site = _site(
        _open("fini", ("api", MAJOR), status=Status.RESOLVED),
        _open("postmortem", ("web", MAJOR), status=Status.POSTMORTEM),
        _works("termine", ("mail", MAINT), status=Status.COMPLETED),
        _works("prevue", ("sms", MAINT), status=Status.SCHEDULED),
        _works("verif", ("batch", MAINT), status=Status.VERIFYING),
    )
    assert _states(site) == [
        ("api", OP),
        ("web", OP),
        ("mail", OP),
        ("sms", OP),
        ("batch", MAINT),
    ]


def test_the_state_is_the_latest_update_s_not_the_first() -> None:
    site = _site(_incident("panne", (U1, U2)))  # U2: web in major outage
    assert _states(site)[1] == ("web", MAJOR)
    site = _site(PANNE)  # U3: resolved, web operational again
    assert _states(site)[1] == ("web", OP)


@pytest.mark.parametrize(
    ("incidents", "indicator"),
    [
        ((), Impact.NONE),
        ((_open("a", impact=Impact.MINOR),), Impact.MINOR),
        ((_open("a", impact=Impact.CRITICAL),), Impact.CRITICAL),
        ((_open("a", impact=Impact.NONE),), Impact.NONE),
        # A service's state weighs too: a major outage is a major impact...
        ((_open("a", ("web", MAJOR), impact=Impact.NONE),), Impact.MAJOR),
        # ... partial outage and degraded performance a minor one, whatever the incident says.
        ((_open("a", ("web", PARTIAL), impact=Impact.NONE),), Impact.MINOR),
        ((_open("a", ("web", DEGRADED), impact=Impact.NONE),), Impact.MINOR),
        ((_open("a", ("web", MAJOR), impact=Impact.CRITICAL),), Impact.CRITICAL),
        # The worst of several open incidents.
        ((_open("a", impact=Impact.MINOR), _open("b", impact=Impact.MAJOR)), Impact.MAJOR),
        # Closed incidents weigh nothing.
        (
            (_open("a", ("web", MAJOR), impact=Impact.CRITICAL, status=Status.RESOLVED),),
            Impact.NONE,
        ),
        # Maintenance: neither its impact nor "under maintenance" raises the indicator.
        ((_works("m", ("batch", MAINT), impact=Impact.MAJOR),), Impact.NONE),
        # But a maintenance that takes a service down does.
        ((_works("m", ("batch", PARTIAL), impact=Impact.NONE),), Impact.MINOR),
    ],
)
def test_the_site_indicator(incidents: tuple[Incident, ...], indicator: Impact) -> None:
    assert derive.site_view(_site(*incidents)).indicator == indicator


# --- What is published at a given "now" -------------------------------------------------------

# Incident "x": u1 published, u2 a draft, u3 scheduled for the next day.
X1 = _update("x", "u1", datetime(2024, 3, 1, 9, 0, tzinfo=WINTER))
X2 = _update("x", "u2", datetime(2024, 3, 1, 10, 0, tzinfo=WINTER), Status.IDENTIFIED, draft=True)
X3 = _update("x", "u3", datetime(2024, 3, 2, 9, 0, tzinfo=WINTER), Status.MONITORING)
X = _incident("x", (X1, X2, X3))
# Incident "y": its only update is scheduled for the 5th: the incident appears then.
Y1 = _update("y", "u1", datetime(2024, 3, 5, 8, 0, tzinfo=WINTER))
Y = _incident("y", (Y1,))
# Incident "d": a draft, whatever the dates of its updates.
D1 = _update("d", "u1", datetime(2024, 3, 1, 8, 0, tzinfo=WINTER))
D = _incident("d", (D1,), draft=True)
SITE = _site(X, Y, D)

FIRST_EVENING = datetime(2024, 3, 1, 12, 0, tzinfo=WINTER)
THIRD_DAY = datetime(2024, 3, 3, 12, 0, tzinfo=WINTER)
LATER = datetime(2024, 3, 6, tzinfo=UTC)


def _shown(view: derive.SiteView) -> list[tuple[str, list[str]]]:
    return [(i.incident.id, [u.slug for u in i.updates]) for i in view.incidents]


def test_is_published() -> None:
    assert derive.is_published(X1, FIRST_EVENING)
    assert not derive.is_published(X3, FIRST_EVENING)  # scheduled
    assert derive.is_published(X3, THIRD_DAY)
    assert derive.is_published(X3, datetime(2024, 3, 2, 8, 0, tzinfo=UTC))  # at its very time
    assert not derive.is_published(X3, datetime(2024, 3, 2, 7, 59, 59, tzinfo=UTC))
    assert derive.is_published(X3, None)  # no "now": every update that is not a draft
    for now in (FIRST_EVENING, LATER, None):
        assert not derive.is_published(X2, now)  # a draft, never


def test_scheduled_updates_at_two_moments() -> None:
    # Drafts aside, a draft incident's updates too; soonest first.
    dawn = datetime(2024, 3, 1, 7, 0, tzinfo=WINTER)
    assert derive.scheduled_updates(SITE, dawn) == (X1, X3, Y1)
    assert derive.scheduled_updates(SITE, FIRST_EVENING) == (X3, Y1)
    assert derive.scheduled_updates(SITE, THIRD_DAY) == (Y1,)
    assert derive.scheduled_updates(SITE, LATER) == ()


def test_scheduled_updates_by_date_then_incident_then_name() -> None:
    tenth, ninth = datetime(2024, 3, 10, tzinfo=WINTER), datetime(2024, 3, 9, tzinfo=WINTER)
    a1, a2, b1 = _update("a", "u1", tenth), _update("a", "u2", tenth), _update("b", "u1", ninth)
    c1 = _update("c", "u1", tenth)
    site = _site(_incident("c", (c1,)), _incident("a", (a2, a1)), _incident("b", (b1,)))
    assert derive.scheduled_updates(site, FIRST_EVENING) == (b1, a1, a2, c1)


def test_site_view_at_two_moments() -> None:
    first = derive.site_view(SITE, FIRST_EVENING)
    assert _shown(first) == [("x", ["u1"])]
    assert first.now == FIRST_EVENING
    assert not first.preview
    assert first.updated_at == X1.date
    third = derive.site_view(SITE, THIRD_DAY)
    assert _shown(third) == [("x", ["u1", "u3"])]
    assert third.updated_at == X3.date
    # Newest start first: "y" started on the 5th.
    assert _shown(derive.site_view(SITE, LATER)) == [("y", ["u1"]), ("x", ["u1", "u3"])]


def test_the_published_count_is_what_the_view_shows() -> None:
    # Drafts (the draft incident "d", the draft update u2) and scheduled updates not counted.
    assert derive.published_count(SITE, FIRST_EVENING) == (1, 1)
    assert derive.published_count(SITE, THIRD_DAY) == (1, 2)
    for now in (FIRST_EVENING, THIRD_DAY, LATER):
        view = derive.site_view(SITE, now)
        updates = sum(len(i.updates) for i in view.incidents)
        assert derive.published_count(SITE, now) == (len(view.incidents), updates)


def test_the_site_was_updated_at_its_latest_update_whichever_incident() -> None:
    latest = datetime(2024, 3, 10, 9, 0, tzinfo=WINTER)
    old = _incident(
        "ancien",
        (
            _update("ancien", "u1", datetime(2024, 1, 2, tzinfo=WINTER)),
            _update("ancien", "u2", latest),
        ),
    )
    recent = _incident("recent", (_update("recent", "u1", datetime(2024, 3, 1, tzinfo=WINTER)),))
    assert derive.site_view(_site(old, recent)).updated_at == latest
    assert derive.site_view(_site()).updated_at is None


def test_the_preview_shows_drafts_and_scheduled_updates() -> None:
    preview = derive.site_view(SITE, FIRST_EVENING, preview=True)
    assert _shown(preview) == [("y", ["u1"]), ("x", ["u1", "u2", "u3"]), ("d", ["u1"])]
    assert preview.preview
    x = preview.incidents[1]
    assert [x.is_scheduled(u) for u in x.updates] == [False, False, True]
    # Its versions follow every update shown.
    assert [v.state.status for v in x.versions] == [
        Status.INVESTIGATING,
        Status.IDENTIFIED,
        Status.MONITORING,
    ]


def test_drafts_stay_out_without_a_now() -> None:
    assert _shown(derive.site_view(SITE)) == [("y", ["u1"]), ("x", ["u1", "u3"])]


def test_maintenances_come_soonest_first_and_apart() -> None:
    def planned(incident_id: str, announced: int, start: datetime, status: Status) -> Incident:
        update = _update(
            incident_id, "annonce", datetime(2024, 2, announced, tzinfo=WINTER), status
        )
        return _incident(incident_id, (update,), kind=Kind.MAINTENANCE, planned_start=start)

    # By planned start, not by announcement: "urgente", announced last, comes first.
    site = _site(
        planned("urgente", 25, datetime(2024, 3, 5, tzinfo=WINTER), Status.SCHEDULED),
        planned("tard", 20, datetime(2024, 4, 1, tzinfo=SUMMER), Status.SCHEDULED),
        planned("tot", 1, datetime(2024, 3, 10, tzinfo=WINTER), Status.SCHEDULED),
        planned("faite", 2, datetime(2024, 2, 10, tzinfo=WINTER), Status.COMPLETED),
        _open("ouvert"),
        _open("clos", status=Status.RESOLVED),
    )
    view = derive.site_view(site)
    assert [i.incident.id for i in view.maintenances] == ["urgente", "tot", "tard"]
    assert [i.incident.id for i in view.unresolved] == ["ouvert"]
    assert [i.incident.id for i in view.resolved] == ["clos"]


# --- publication_time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (" 1700000000\n", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("0", datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_publication_time_from_source_date_epoch(epoch: str, expected: datetime) -> None:
    now = derive.publication_time({"SOURCE_DATE_EPOCH": epoch, "TZ": "Pacific/Auckland"})
    assert now == expected
    assert now.utcoffset() == timedelta(0)


@pytest.mark.parametrize("environ", [{}, {"SOURCE_DATE_EPOCH": ""}, {"SOURCE_DATE_EPOCH": "hier"}])
def test_publication_time_from_the_clock(environ: dict[str, str]) -> None:
    now = derive.publication_time(environ)
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


# --- timeline and history: local days and months in Europe/Paris -------------------------------


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_timeline_groups_updates_by_local_day_newest_first() -> None:
    site = _site(
        _incident(
            "ete",
            (
                _update("ete", "a", _utc(2024, 7, 14, 21, 30)),  # 23:30 in Paris: the 14th
                _update("ete", "b", _utc(2024, 7, 14, 23, 30)),  # 01:30 in Paris: the 15th
                _update("ete", "c", _utc(2024, 7, 15, 6, 0)),  # 08:00: the 15th
            ),
        ),
        _incident(
            "hiver",
            (
                _update("hiver", "a", _utc(2023, 12, 31, 22, 30)),  # 23:30 in Paris, 2023
                _update("hiver", "b", _utc(2023, 12, 31, 23, 30)),  # 00:30 on New Year's Day
                _update("hiver", "c", _utc(2024, 1, 1, 22, 59)),  # 23:59, still the 1st
            ),
        ),
        _incident(
            "heure",
            (
                # Clocks go forward at 01:00 UTC on 31 March 2024, back at 01:00 on 27 October.
                _update("heure", "a", _utc(2024, 3, 30, 23, 30)),  # 00:30 CET: the 31st
                _update("heure", "b", _utc(2024, 3, 31, 22, 30)),  # 00:30 CEST: 1 April
                _update("heure", "c", _utc(2024, 10, 26, 21, 30)),  # 23:30 CEST: the 26th
                _update("heure", "d", _utc(2024, 10, 26, 22, 30)),  # 00:30 CEST: the 27th
                _update("heure", "e", _utc(2024, 10, 27, 22, 30)),  # 23:30 CET: the 27th
            ),
        ),
    )
    days = derive.timeline(derive.site_view(site))
    assert [
        (day, [(e.incident.incident.id, e.update.slug) for e in entries]) for day, entries in days
    ] == [
        (date(2024, 10, 27), [("heure", "e"), ("heure", "d")]),
        (date(2024, 10, 26), [("heure", "c")]),
        (date(2024, 7, 15), [("ete", "c"), ("ete", "b")]),
        (date(2024, 7, 14), [("ete", "a")]),
        (date(2024, 4, 1), [("heure", "b")]),
        (date(2024, 3, 31), [("heure", "a")]),
        (date(2024, 1, 1), [("hiver", "c"), ("hiver", "b")]),
        (date(2023, 12, 31), [("hiver", "a")]),
    ]


def test_the_timeline_orders_updates_at_the_same_moment_by_incident_then_slug() -> None:
    moment = datetime(2024, 5, 2, 10, 0, tzinfo=SUMMER)
    site = _site(
        _incident("alpha", (_update("alpha", "x", moment),)),
        _incident("beta", (_update("beta", "x", moment),)),
    )
    days = derive.timeline(derive.site_view(site))
    assert [(d, [e.incident.incident.id for e in entries]) for d, entries in days] == [
        (date(2024, 5, 2), ["beta", "alpha"])
    ]


def test_the_history_groups_incidents_by_local_month_newest_first() -> None:
    def started(incident_id: str, moment: datetime) -> Incident:
        return _incident(incident_id, (_update(incident_id, "point", moment),), started=moment)

    site = _site(
        started("nouvel-an", _utc(2023, 12, 31, 23, 30)),  # 00:30 in Paris: January 2024
        started("saint-sylvestre", _utc(2023, 12, 31, 22, 30)),  # 23:30: December 2023
        started("juillet", _utc(2024, 6, 30, 22, 30)),  # 00:30 CEST: July 2024
        started("juin", _utc(2024, 6, 30, 21, 30)),  # 23:30 CEST: June 2024
        started("juin-debut", _utc(2024, 6, 1, 8, 0)),
        started("ancien", datetime(2022, 11, 15, 9, 0, tzinfo=WINTER)),
    )
    months = derive.history(derive.site_view(site))
    assert [(month, [i.incident.id for i in items]) for month, items in months] == [
        ((2024, 7), ["juillet"]),
        ((2024, 6), ["juin", "juin-debut"]),
        ((2024, 1), ["nouvel-an"]),
        ((2023, 12), ["saint-sylvestre"]),
        ((2022, 11), ["ancien"]),
    ]
