"""Golden tests of the view models: small hand-written models in, hand-written values out.

No build: `pages.notice` and `pages.lists` are pure functions of the model. The dates cross
two years, the winter and summer offsets of Europe/Paris, the night a UTC date is already
the next day in Paris, and the night clocks go forward (30 March 2025).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import PurePosixPath

import pytest

from vigie import derive
from vigie.derive import IncidentView, SiteView
from vigie.model import (
    Authority,
    Breach,
    Communication,
    Component,
    ComponentStatus,
    Contact,
    Correction,
    DataCategory,
    FaqEntry,
    Impact,
    Incident,
    Kind,
    NoticeChanges,
    NoticeState,
    Party,
    Settings,
    Site,
    Status,
    Update,
)
from vigie.pages.lists import FaqSection, HistoryMonth, TimelineDay, faq, history, home, timeline
from vigie.pages.notice import (
    AuthorityRow,
    BreachSections,
    CommunicationRow,
    EarlierUpdateRow,
    Notice,
    PartyRow,
    VersionRow,
    data_summary,
    describe_changes,
    notice,
)
from vigie.pages.rows import (
    Badge,
    ComponentRow,
    CorrectionRow,
    DataRow,
    FaqRow,
    IncidentRow,
    UpdateRow,
    When,
    update_row,
)
from vigie.urls import FeedLink

WINTER = timezone(timedelta(hours=1))  # Europe/Paris in winter
SUMMER = timezone(timedelta(hours=2))  # and in summer

SETTINGS = Settings(
    organisation="Mutuelle Horizon",
    site_url="https://statut.example.fr/",
    site_name="Information incidents",
    timezone="Europe/Paris",
    contact_email="contact@example.fr",
    components=(
        Component("portail", "Portail adhérents", "Espace en ligne"),
        Component("remboursements", "Remboursements"),
    ),
    data_categories=(
        DataCategory("nom", "Nom"),
        DataCategory("nir", "Numéro de sécurité sociale", sensitive=True),
        DataCategory("email", "Adresse e-mail"),
    ),
    never_ask=("votre mot de passe",),
)

OK = Badge("Résolu", "ok", "material/check-circle")
INVESTIGATING = Badge("Enquête en cours", "major", "material/alert")
IDENTIFIED = Badge("Cause identifiée", "major", "material/alert")

# --- A personal-data breach: three updates, from New Year's night to July. ---

BREACH_ID = "2025-01-fuite"


def _update(
    incident_id: str,
    slug: str,
    date: datetime,
    status: Status,
    title: str,
    changes: NoticeChanges | None = None,
    corrections: tuple[Correction, ...] = (),
) -> Update:
    source = PurePosixPath(f"incidents/{incident_id}/updates/{slug}.md")
    body = f"Texte : {title}."
    return Update(
        incident_id,
        slug,
        source,
        date,
        status,
        title,
        body,
        changes or NoticeChanges(),
        corrections,
    )


BREACH_UPDATES = (
    _update(
        BREACH_ID,
        "2025-01-01T0900-premiere-information",
        datetime(2025, 1, 1, 9, 0, tzinfo=WINTER),
        Status.INVESTIGATING,
        "Première information",
    ),
    _update(
        BREACH_ID,
        "2025-01-03T1800-point",
        datetime(2025, 1, 3, 17, 0, tzinfo=UTC),  # 18 h 00 in Paris
        Status.IDENTIFIED,
        "Point de situation",
        changes=NoticeChanges(
            data_exposed=("nom", "nir"),
            data_not_exposed=("email",),
            measures=("Mots de passe réinitialisés.", "Surveillance renforcée."),
            # 23 h 30 UTC on 2 January: already 3 January in Paris.
            authorities=(Authority("CNIL", datetime(2025, 1, 2, 23, 30, tzinfo=UTC)),),
            recommendations=("Changez votre mot de passe.", "Méfiez-vous des appels."),
        ),
        corrections=(
            Correction(datetime(2025, 1, 4, 10, 0, tzinfo=WINTER), "Date de découverte corrigée."),
        ),
    ),
    _update(
        BREACH_ID,
        "2025-07-15T1405-resolution",
        datetime(2025, 7, 15, 12, 5, tzinfo=UTC),  # 14 h 05 in Paris, summer time
        Status.RESOLVED,
        "Résolution",
        changes=NoticeChanges(
            impact=Impact.MINOR,
            components=(("portail", ComponentStatus.OPERATIONAL),),
            what_happened="Un accès frauduleux, par des comptes volés.",
        ),
    ),
)

BREACH = Incident(
    id=BREACH_ID,
    source=PurePosixPath(f"incidents/{BREACH_ID}"),
    title="Fuite de données du portail",
    summary="Des données d'adhérents ont été consultées.",
    kind=Kind.DATA_BREACH,
    started=datetime(2024, 12, 31, 23, 30, tzinfo=UTC),  # 0 h 30 on 1 January in Paris
    resolved=datetime(2025, 7, 15, 12, 0, tzinfo=UTC),
    initial=NoticeState(
        status=None,
        impact=Impact.MAJOR,
        components=(("portail", ComponentStatus.PARTIAL_OUTAGE),),
        data_exposed=("nom",),
        data_not_exposed=(),
        what_happened="Un accès frauduleux.",
        measures=("Portail fermé.",),
        authorities=(),
        recommendations=("Méfiez-vous des appels.",),
        breach=Breach(
            discovered=datetime(2025, 1, 1, 8, 0, tzinfo=WINTER),
            exposure_start=datetime(2024, 12, 20, 0, 0, tzinfo=WINTER),
            concerned="Les adhérents inscrits au portail.",
            consequences=("Hameçonnage.",),
            planned_measures=("Audit du portail.",),
            controller=Party("Mutuelle Horizon", "responsable du traitement"),
            rights="Vous pouvez saisir la CNIL.",
        ),
    ),
    contact=Contact(
        "Délégué à la protection des données", "dpo@example.fr", phone="01 23 45 67 89"
    ),
    updates=BREACH_UPDATES,
    faq=(FaqEntry("mot-de-passe", "Dois-je changer mon mot de passe ?", "Oui.", BREACH_ID),),
    communications=(
        Communication(
            "2025-01-02T1000-courrier",
            datetime(2025, 1, 2, 10, 0, tzinfo=WINTER),
            "courrier",
            "Mutuelle Horizon",
            "Information sur vos données",
            "Adhérents concernés",
        ),
        Communication(
            "2025-07-16T0900-email",
            datetime(2025, 7, 16, 9, 0, tzinfo=SUMMER),
            "email",
            "dpo@example.fr",
            "Fin de l'incident",
            "Tous les adhérents",
        ),
    ),
)

# --- An outage across the night clocks go forward, then its post-incident review. ---

OUTAGE_ID = "2025-03-panne"

OUTAGE = Incident(
    id=OUTAGE_ID,
    source=PurePosixPath(f"incidents/{OUTAGE_ID}"),
    title="Panne des remboursements",
    summary="Les remboursements sont retardés.",
    kind=Kind.OUTAGE,
    started=datetime(2025, 3, 30, 1, 0, tzinfo=WINTER),
    resolved=datetime(2025, 3, 30, 3, 30, tzinfo=SUMMER),  # 1 h 30 later, not 2 h 30
    initial=NoticeState(
        status=None,
        impact=Impact.MINOR,
        components=(),
        data_exposed=(),
        data_not_exposed=(),
        what_happened="",
        measures=(),
        authorities=(),
        recommendations=(),
    ),
    contact=Contact("Service adhérents", "contact@example.fr", url="https://example.fr/contact"),
    updates=(
        _update(
            OUTAGE_ID,
            "2025-03-30T0130-enquete",
            datetime(2025, 3, 30, 1, 30, tzinfo=WINTER),
            Status.INVESTIGATING,
            "Enquête",
        ),
        _update(
            OUTAGE_ID,
            "2025-03-30T0330-retablissement",
            datetime(2025, 3, 30, 3, 30, tzinfo=SUMMER),
            Status.RESOLVED,
            "Rétablissement",
            changes=NoticeChanges(
                components=(("remboursements", ComponentStatus.DEGRADED_PERFORMANCE),)
            ),
        ),
        _update(
            OUTAGE_ID,
            "2025-04-02T1000-retour",
            datetime(2025, 4, 2, 10, 0, tzinfo=SUMMER),
            Status.POSTMORTEM,
            "Retour d'expérience",
        ),
    ),
)


def _view(incident: Incident, now: datetime | None = None) -> IncidentView:
    updates = incident.updates
    return IncidentView(incident, updates, derive.notice_versions(incident, updates), now)


BREACH_FEEDS = (
    FeedLink(
        "Flux RSS",
        "Fuite de données du portail (RSS)",
        "application/rss+xml",
        "https://statut.example.fr/incidents/2025-01-fuite/rss.xml",
        "incidents/2025-01-fuite/rss.xml",
        "RSS",
    ),
    FeedLink(
        "Flux Atom",
        "Fuite de données du portail (Atom)",
        "application/atom+xml",
        "https://statut.example.fr/incidents/2025-01-fuite/atom.xml",
        "incidents/2025-01-fuite/atom.xml",
        "Atom",
    ),
)

V1_WHEN = When("2025-01-01T09:00:00+01:00", "1er janvier 2025 à 9 h 00")
V2_WHEN = When("2025-01-03T18:00:00+01:00", "3 janvier 2025 à 18 h 00")
V3_WHEN = When("2025-07-15T14:05:00+02:00", "15 juillet 2025 à 14 h 05")
V2_CORRECTIONS = (
    CorrectionRow(
        When("2025-01-04T10:00:00+01:00", "4 janvier 2025 à 10 h 00"),
        "Date de découverte corrigée.",
    ),
)

V1_ROW = UpdateRow(
    anchor="2025-01-01T0900-premiere-information",
    title="Première information",
    badge=INVESTIGATING,
    when=V1_WHEN,
    body="Texte : Première information.",
    corrections=(),
    url="incidents/2025-01-fuite/#2025-01-01T0900-premiere-information",
    incident_title="Fuite de données du portail",
)
V2_ROW = UpdateRow(
    anchor="2025-01-03T1800-point",
    title="Point de situation",
    badge=IDENTIFIED,
    when=V2_WHEN,
    body="Texte : Point de situation.",
    corrections=V2_CORRECTIONS,
    url="incidents/2025-01-fuite/#2025-01-03T1800-point",
    incident_title="Fuite de données du portail",
)
V3_ROW = UpdateRow(
    anchor="2025-07-15T1405-resolution",
    title="Résolution",
    badge=OK,
    when=V3_WHEN,
    body="Texte : Résolution.",
    corrections=(),
    url="incidents/2025-01-fuite/#2025-07-15T1405-resolution",
    incident_title="Fuite de données du portail",
)

V1_CHANGES = ("Première publication de l'avis", "Statut : enquête en cours")
V2_CHANGES = (
    "Statut : enquête en cours → cause identifiée",
    "Donnée exposée ajoutée : numéro de sécurité sociale",
    "Donnée non exposée ajoutée : adresse e-mail",
    "Autorité informée : CNIL, le 3 janvier 2025",
    "Ce que nous avons fait : 2 mesures ajoutées",
    "Recommandations : 1 ajoutée",
)
V3_CHANGES = (
    "Statut : cause identifiée → résolu",
    "Gravité : majeur → mineur",
    "Portail adhérents : panne partielle → fonctionne normalement",
    "« Ce qui s'est passé » mis à jour",
)


def _version_row(number: int, shown: int) -> VersionRow:
    when, badge, title, changes, corrections = {
        1: (V1_WHEN, INVESTIGATING, "Première information", V1_CHANGES, ()),
        2: (V2_WHEN, IDENTIFIED, "Point de situation", V2_CHANGES, V2_CORRECTIONS),
        3: (V3_WHEN, OK, "Résolution", V3_CHANGES, ()),
    }[number]
    return VersionRow(
        number=number,
        url=f"incidents/2025-01-fuite/versions/{number}/",
        when=when,
        badge=badge,
        title=title,
        changes=changes,
        corrections=corrections,
        is_shown=number == shown,
        show_changes=True,
    )


LETTER = CommunicationRow(
    When("2025-01-02T10:00:00+01:00", "2 janvier 2025 à 10 h 00"),
    "Courrier",
    "Mutuelle Horizon",
    "Information sur vos données",
    "Adhérents concernés",
)
EMAIL = CommunicationRow(
    When("2025-07-16T09:00:00+02:00", "16 juillet 2025 à 9 h 00"),
    "E-mail",
    "dpo@example.fr",
    "Fin de l'incident",
    "Tous les adhérents",
)


def test_current_breach_notice_field_by_field() -> None:
    expected = Notice(
        title="Fuite de données du portail",
        summary="Des données d'adhérents ont été consultées.",
        kind="Violation de données personnelles",
        badge=OK,
        impact="Mineur",
        started=When("2025-01-01T00:30:00+01:00", "1er janvier 2025 à 0 h 30"),
        resolved=When("2025-07-15T14:00:00+02:00", "15 juillet 2025 à 14 h 00"),
        what_happened="Un accès frauduleux, par des comptes volés.",
        data_exposed=(DataRow("Nom", False), DataRow("Numéro de sécurité sociale", True)),
        data_not_exposed=(DataRow("Adresse e-mail", False),),
        components=(
            ComponentRow(
                "Portail adhérents",
                "Espace en ligne",
                Badge("Fonctionne normalement", "ok", "material/check-circle"),
            ),
        ),
        measures=("Portail fermé.", "Mots de passe réinitialisés.", "Surveillance renforcée."),
        authorities=(
            AuthorityRow("CNIL", When("2025-01-03T00:30:00+01:00", "3 janvier 2025 à 0 h 30"), "—"),
        ),
        recommendations=("Changez votre mot de passe.", "Méfiez-vous des appels."),
        contact_name="Délégué à la protection des données",
        contact_email="dpo@example.fr",
        contact_url="",
        contact_phone="01 23 45 67 89",
        updates=(V3_ROW, V2_ROW, V1_ROW),
        faq=(
            FaqRow(
                "faq-mot-de-passe",
                "Dois-je changer mon mot de passe ?",
                "Oui.",
                "faq/#2025-01-fuite-mot-de-passe",
            ),
        ),
        versions=(_version_row(3, 3), _version_row(2, 3), _version_row(1, 3)),
        in_full=(V3_ROW,),
        earlier=(
            EarlierUpdateRow(
                anchor="2025-01-03T1800-point",
                title="Point de situation",
                badge=IDENTIFIED,
                when=V2_WHEN,
                version=2,
                url="incidents/2025-01-fuite/versions/2/#2025-01-03T1800-point",
                corrections=V2_CORRECTIONS,
            ),
            EarlierUpdateRow(
                anchor="2025-01-01T0900-premiere-information",
                title="Première information",
                badge=INVESTIGATING,
                when=V1_WHEN,
                version=1,
                url="incidents/2025-01-fuite/versions/1/#2025-01-01T0900-premiere-information",
                corrections=(),
            ),
        ),
        is_version_page=False,
        history_url="incidents/2025-01-fuite/versions/3/#versions",
        version=3,
        version_when=V3_WHEN,
        version_count=3,
        current_url="incidents/2025-01-fuite/",
        show_archive_banner=False,
        show_what_happened=True,
        show_data=True,
        show_consequences=True,
        consequences_heading="Conséquences possibles",
        consequences=("Hameçonnage.",),
        show_measures=True,
        planned_measures=("Audit du portail.",),
        first_recommendation="Changez votre mot de passe.",
        contact_heading="Contact et droits",
        rights="Vous pouvez saisir la CNIL.",
        feeds=BREACH_FEEDS,
        breach=BreachSections(
            discovered=When("2025-01-01T08:00:00+01:00", "1er janvier 2025 à 8 h 00"),
            exposure_start=When("2024-12-20T00:00:00+01:00", "20 décembre 2024 à 0 h 00"),
            exposure_end=None,
            concerned="Les adhérents inscrits au portail.",
            individual_notice="",
            controller=PartyRow("Mutuelle Horizon", "responsable du traitement"),
            processor=None,
            communications=(LETTER, EMAIL),  # the current notice lists every message
            never_ask=("votre mot de passe",),
            data_summary="Exposées : nom, numéro de sécurité sociale (donnée sensible). "
            "Non concernées : adresse e-mail.",
        ),
        draft_label="",
        postmortem="",
        planned_start=None,
        planned_end=None,
        communications=(LETTER, EMAIL),  # the register, shown on every kind that has one
        show_communications=True,
        never_ask=("votre mot de passe",),
        facts_first=False,  # « L'essentiel » and the advice come first
        organisation="Mutuelle Horizon",
        fraud_label="Message frauduleux signalé : ce message ne vient pas de Mutuelle Horizon",
    )
    assert notice(_view(BREACH), SETTINGS) == expected


def test_first_version_page_is_the_archive_as_it_stood() -> None:
    page = notice(_view(BREACH), SETTINGS, 1)
    assert page.show_archive_banner is True
    assert page.is_version_page is True
    assert (page.version, page.version_count, page.version_when) == (1, 3, V1_WHEN)
    assert page.current_url == "incidents/2025-01-fuite/"
    assert page.history_url == "incidents/2025-01-fuite/versions/3/#versions"
    assert page.badge == INVESTIGATING
    assert page.impact == "Majeur"
    assert page.resolved is None  # resolved later: not on this version
    assert page.what_happened == "Un accès frauduleux."
    assert page.data_exposed == (DataRow("Nom", False),)
    assert page.data_not_exposed == ()
    assert page.components == (
        ComponentRow(
            "Portail adhérents",
            "Espace en ligne",
            Badge("Panne partielle", "major", "material/alert"),
        ),
    )
    assert page.authorities == ()
    assert page.show_measures is True  # « Portail fermé. », from incident.yml
    assert page.first_recommendation == "Méfiez-vous des appels."
    assert page.updates == page.in_full == (V1_ROW,)
    assert page.earlier == ()
    assert page.versions == (_version_row(1, 1),)
    assert page.breach is not None
    assert page.breach.communications == ()  # the letter was sent the next day
    assert page.breach.data_summary == "Exposées : nom."


def test_second_version_page_shows_every_update_in_full_and_the_messages_sent_by_then() -> None:
    page = notice(_view(BREACH), SETTINGS, 2)
    assert page.show_archive_banner is True
    assert page.in_full == (V2_ROW, V1_ROW)
    assert page.earlier == ()
    assert page.versions == (_version_row(2, 2), _version_row(1, 2))
    assert page.resolved is None
    assert page.breach is not None
    assert page.breach.communications == (LETTER,)
    assert page.authorities == (
        AuthorityRow("CNIL", When("2025-01-03T00:30:00+01:00", "3 janvier 2025 à 0 h 30"), "—"),
    )


def test_newest_version_page_is_current_so_no_archive_banner() -> None:
    page = notice(_view(BREACH), SETTINGS, 3)
    assert page.show_archive_banner is False
    assert page.is_version_page is True
    assert page.in_full == (V3_ROW, V2_ROW, V1_ROW)
    assert page.earlier == ()
    assert page.versions == (_version_row(3, 3), _version_row(2, 3), _version_row(1, 3))
    assert page.resolved == When("2025-07-15T14:00:00+02:00", "15 juillet 2025 à 14 h 00")
    assert page.breach is not None
    assert page.breach.communications == (LETTER, EMAIL)


RESOLVED_AT = When("2025-03-30T03:30:00+02:00", "30 mars 2025 à 3 h 30")


@pytest.mark.parametrize(
    ("number", "resolved", "postmortem"),
    [
        (1, None, ""),  # still under investigation
        (2, RESOLVED_AT, ""),  # the version that resolved it
        (3, RESOLVED_AT, "Texte : Retour d'expérience."),
        (None, RESOLVED_AT, "Texte : Retour d'expérience."),  # the incident page
    ],
)
def test_resolved_shown_from_the_version_that_closed_it(
    number: int | None, resolved: When | None, postmortem: str
) -> None:
    page = notice(_view(OUTAGE), SETTINGS, number)
    assert page.resolved == resolved
    assert page.postmortem == postmortem


def test_an_open_incident_shows_no_end() -> None:
    still_open = replace(OUTAGE, resolved=None, updates=OUTAGE.updates[:1])
    assert notice(_view(still_open), SETTINGS).resolved is None


def test_outage_has_no_breach_sections_and_its_own_headings() -> None:
    first = notice(_view(OUTAGE), SETTINGS, 1)
    assert first.breach is None
    assert first.kind == "Panne d'un service"
    assert first.consequences_heading == "Conséquences sur nos services"
    assert first.contact_heading == "Contact"
    assert (first.consequences, first.planned_measures, first.rights) == ((), (), "")
    assert first.show_what_happened is False
    assert first.show_data is False
    assert first.show_measures is False
    assert first.show_consequences is False  # no service named yet
    assert first.first_recommendation == ""
    assert first.contact_url == "https://example.fr/contact"
    later = notice(_view(OUTAGE), SETTINGS)
    assert later.show_consequences is True
    assert later.components == (
        ComponentRow(
            "Remboursements", "", Badge("Ralentissements", "minor", "material/alert-circle")
        ),
    )
    assert later.in_full == (
        UpdateRow(
            anchor="2025-04-02T1000-retour",
            title="Retour d'expérience",
            badge=Badge("Retour d'expérience publié", "ok", "material/check-circle"),
            when=When("2025-04-02T10:00:00+02:00", "2 avril 2025 à 10 h 00"),
            body="Texte : Retour d'expérience.",
            corrections=(),
            url="incidents/2025-03-panne/#2025-04-02T1000-retour",
            incident_title="Panne des remboursements",
        ),
    )
    # A version that changed nothing worth a line, and has no correction, lists nothing.
    assert [(v.number, v.changes, v.show_changes) for v in later.versions] == [
        (3, ("Statut : résolu → retour d'expérience publié",), True),
        (2, ("Statut : enquête en cours → résolu", "Remboursements : ralentissements"), True),
        (1, ("Première publication de l'avis", "Statut : enquête en cours"), True),
    ]


def test_a_version_row_without_changes_or_corrections_lists_nothing() -> None:
    # The same status twice: the second update changes nothing in the notice.
    again = _update(
        OUTAGE_ID,
        "2025-03-30T0145-suite",
        datetime(2025, 3, 30, 1, 45, tzinfo=WINTER),
        Status.INVESTIGATING,
        "Suite",
    )
    quiet = replace(OUTAGE, updates=(OUTAGE.updates[0], again))
    newest = notice(_view(quiet), SETTINGS).versions[0]
    assert (newest.changes, newest.corrections, newest.show_changes) == ((), (), False)


def test_preview_marks_drafts_and_scheduled_updates() -> None:
    draft = replace(BREACH_UPDATES[1], draft=True)
    incident = replace(BREACH, draft=True, updates=(BREACH_UPDATES[0], draft, BREACH_UPDATES[2]))
    view = _view(incident, now=datetime(2025, 7, 1, tzinfo=UTC))
    assert notice(view, SETTINGS).draft_label == "BROUILLON : incident non publié"
    labels = [update_row(view, u, SETTINGS, OK).draft_label for u in incident.updates]
    assert labels == [
        "",
        "BROUILLON : non publié",
        "PROGRAMMÉE : publiée à partir du 15 juillet 2025 à 14 h 05",
    ]


# --- describe_changes: every kind of change, in the order the history lists them. ---

BASE = NoticeState(
    status=Status.INVESTIGATING,
    impact=Impact.MINOR,
    components=(),
    data_exposed=(),
    data_not_exposed=(),
    what_happened="",
    measures=(),
    authorities=(),
    recommendations=(),
)


def _state(**fields: object) -> NoticeState:
    return replace(BASE, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(BASE, BASE, (), id="nothing"),
        pytest.param(
            _state(status=None),
            BASE,
            ("Première publication de l'avis", "Statut : enquête en cours"),
            id="first-publication",
        ),
        pytest.param(
            BASE,
            _state(status=Status.MONITORING),
            ("Statut : enquête en cours → sous surveillance",),
            id="status",
        ),
        pytest.param(
            BASE, _state(impact=Impact.CRITICAL), ("Gravité : mineur → critique",), id="impact"
        ),
        pytest.param(
            _state(components=(("remboursements", ComponentStatus.DEGRADED_PERFORMANCE),)),
            _state(
                components=(
                    ("portail", ComponentStatus.MAJOR_OUTAGE),
                    ("remboursements", ComponentStatus.OPERATIONAL),
                )
            ),
            (
                "Portail adhérents : panne majeure",
                "Remboursements : ralentissements → fonctionne normalement",
            ),
            id="component-states-in-page-order",
        ),
        pytest.param(
            _state(data_exposed=("nom",), data_not_exposed=("email",)),
            _state(data_exposed=("nir",)),
            (
                "Donnée exposée retirée : nom",
                "Donnée exposée ajoutée : numéro de sécurité sociale",
                "Donnée non exposée retirée : adresse e-mail",
            ),
            id="data-added-and-removed",
        ),
        pytest.param(
            BASE,
            _state(data_not_exposed=("nir",)),
            ("Donnée non exposée ajoutée : numéro de sécurité sociale",),
            id="data-spared-added",
        ),
        pytest.param(
            _state(authorities=(Authority("CNIL", datetime(2024, 12, 1, tzinfo=UTC)),)),
            _state(
                authorities=(
                    Authority("CNIL", datetime(2024, 12, 1, tzinfo=UTC)),
                    # Late on 31 December in UTC, 1 January in Paris; the same for July.
                    Authority("ANSSI", datetime(2024, 12, 31, 23, 30, tzinfo=UTC)),
                    Authority("Procureur", datetime(2025, 6, 30, 22, 30, tzinfo=UTC)),
                )
            ),
            (
                "Autorité informée : ANSSI, le 1er janvier 2025",
                "Autorité informée : Procureur, le 1er juillet 2025",
            ),
            id="authorities-informed",
        ),
        pytest.param(
            BASE,
            _state(measures=("Portail fermé.",)),
            ("Ce que nous avons fait : 1 mesure ajoutée",),
            id="one-measure",
        ),
        pytest.param(
            _state(measures=("Portail fermé.",)),
            _state(measures=("Portail fermé.", "Audit.", "Plainte.")),
            ("Ce que nous avons fait : 2 mesures ajoutées",),
            id="two-measures",
        ),
        pytest.param(
            _state(recommendations=("A",)),
            _state(recommendations=("A", "B", "C")),
            ("Recommandations : 2 ajoutées",),
            id="recommendations-added",
        ),
        pytest.param(
            _state(recommendations=("A", "B")),
            _state(recommendations=("A",)),
            ("Recommandations : 1 retirée",),
            id="recommendation-removed",
        ),
        pytest.param(
            _state(recommendations=("A", "B", "C")),
            _state(recommendations=("D", "A")),
            ("Recommandations : 1 ajoutée, 2 retirées",),
            id="recommendations-added-and-removed",
        ),
        pytest.param(
            _state(recommendations=("A", "B")),
            _state(recommendations=("B", "A")),
            ("Recommandations : réordonnées",),
            id="recommendations-reordered",
        ),
        pytest.param(
            BASE, _state(what_happened="Une panne."), (), id="what-happened-first-written"
        ),
        pytest.param(
            _state(what_happened="Une panne."),
            _state(what_happened="Une panne du serveur."),
            ("« Ce qui s'est passé » mis à jour",),
            id="what-happened-rewritten",
        ),
        pytest.param(
            _state(what_happened="Une panne.", recommendations=("A",)),
            _state(
                status=Status.RESOLVED,
                impact=Impact.NONE,
                components=(("portail", ComponentStatus.OPERATIONAL),),
                data_exposed=("email",),
                measures=("Serveur remplacé.",),
                authorities=(Authority("CNIL", datetime(2025, 2, 3, 10, 0, tzinfo=WINTER)),),
                recommendations=(),
                what_happened="Une panne de disque.",
            ),
            (
                "Statut : enquête en cours → résolu",
                "Gravité : mineur → aucun",
                "Portail adhérents : fonctionne normalement",
                "Donnée exposée ajoutée : adresse e-mail",
                "Autorité informée : CNIL, le 3 février 2025",
                "Ce que nous avons fait : 1 mesure ajoutée",
                "Recommandations : 1 retirée",
                "« Ce qui s'est passé » mis à jour",
            ),
            id="everything-in-order",
        ),
    ],
)
def test_describe_changes(
    before: NoticeState, after: NoticeState, expected: tuple[str, ...]
) -> None:
    assert describe_changes(before, after, SETTINGS) == expected


@pytest.mark.parametrize(
    ("exposed", "spared", "sentence"),
    [
        (
            ("nom", "nir"),
            ("email",),
            "Exposées : nom, numéro de sécurité sociale (donnée sensible). "
            "Non concernées : adresse e-mail.",
        ),
        (("email",), (), "Exposées : adresse e-mail."),
        ((), (), "Aucune donnée exposée connue à ce jour."),
        # Sensitive data that was spared is not flagged.
        (
            (),
            ("nir", "nom"),
            "Aucune donnée exposée connue à ce jour. "
            "Non concernées : numéro de sécurité sociale, nom.",
        ),
    ],
)
def test_data_summary(exposed: tuple[str, ...], spared: tuple[str, ...], sentence: str) -> None:
    state = _state(data_exposed=exposed, data_not_exposed=spared)
    assert data_summary(state, SETTINGS) == sentence


# --- The lists: home, timeline, history, FAQ. ---


@pytest.mark.parametrize(
    ("indicator", "overall"),
    [
        (
            Impact.NONE,
            Badge("Tous les services fonctionnent normalement", "ok", "material/check-circle"),
        ),
        (Impact.MINOR, Badge("Un incident mineur est en cours", "minor", "material/alert-circle")),
        (Impact.MAJOR, Badge("Un incident majeur est en cours", "major", "material/alert")),
        (
            Impact.CRITICAL,
            Badge("Un incident critique est en cours", "critical", "material/close-octagon"),
        ),
    ],
)
def test_home_overall_badge_per_indicator(indicator: Impact, overall: Badge) -> None:
    site = Site(SETTINGS, (), ())
    states = tuple((c, ComponentStatus.OPERATIONAL) for c in SETTINGS.components)
    page = home(SiteView(site, (), states, indicator))
    assert page.overall == overall
    assert page.updated is None
    assert (page.banners, page.unresolved, page.recent, page.maintenances) == ((), (), (), ())
    operational = Badge("Fonctionne normalement", "ok", "material/check-circle")
    assert page.components == (
        ComponentRow("Portail adhérents", "Espace en ligne", operational),
        ComponentRow("Remboursements", "", operational),
    )
    assert [(c.name, [f.url for f in c.links]) for c in page.follow_components] == [
        (
            "Portail adhérents",
            [
                "https://statut.example.fr/components/portail/rss.xml",
                "https://statut.example.fr/components/portail/atom.xml",
            ],
        ),
        (
            "Remboursements",
            [
                "https://statut.example.fr/components/remboursements/rss.xml",
                "https://statut.example.fr/components/remboursements/atom.xml",
            ],
        ),
    ]


SITE_FAQ = (FaqEntry("flux", "Qu'est-ce qu'un flux ?", "Une adresse à suivre."),)
SITE = derive.site_view(Site(SETTINGS, (BREACH, OUTAGE), SITE_FAQ))


def test_timeline_limit_cuts_a_day_and_counts_the_older_updates() -> None:
    page = timeline(SITE, limit=3)
    assert (page.shown, page.older) == (3, 3)
    assert (
        page.intro
        == "Les 3 dernières mises à jour publiées, de la plus récente à la plus ancienne."
    )
    assert page.older_text == "3 mises à jour plus anciennes"
    days = [(d.when, [(r.url, r.badge.text) for r in d.entries]) for d in page.days]
    assert days == [
        (
            When("2025-07-15", "Mardi 15 juillet 2025"),
            [("incidents/2025-01-fuite/#2025-07-15T1405-resolution", "Résolu")],
        ),
        (
            When("2025-04-02", "Mercredi 2 avril 2025"),
            [("incidents/2025-03-panne/#2025-04-02T1000-retour", "Retour d'expérience publié")],
        ),
        # The night clocks go forward: 3 h 30 summer time is the same day as 1 h 30 winter
        # time; the limit keeps the newest of the two.
        (
            When("2025-03-30", "Dimanche 30 mars 2025"),
            [("incidents/2025-03-panne/#2025-03-30T0330-retablissement", "Résolu")],
        ),
    ]


def test_timeline_one_older_update_is_singular() -> None:
    page = timeline(SITE, limit=5)
    assert (page.shown, page.older) == (5, 1)
    assert page.older_text == "1 mise à jour plus ancienne"
    assert [d.when.iso for d in page.days] == [
        "2025-07-15",
        "2025-04-02",
        "2025-03-30",
        "2025-01-03",
    ]
    assert [len(d.entries) for d in page.days] == [1, 1, 2, 1]


def test_timeline_without_limit_shows_everything() -> None:
    page = timeline(SITE)
    assert (page.shown, page.older, page.older_text) == (6, 0, "")
    assert page.intro == "Toutes les mises à jour publiées, de la plus récente à la plus ancienne."
    assert page.days[-1] == TimelineDay(When("2025-01-01", "Mercredi 1er janvier 2025"), (V1_ROW,))


def test_history_months_in_paris_time() -> None:
    assert history(SITE) == (
        HistoryMonth(
            "Mars 2025",
            "2025-03",
            (
                IncidentRow(
                    title="Panne des remboursements",
                    url="incidents/2025-03-panne/",
                    summary="Les remboursements sont retardés.",
                    badge=Badge("Retour d'expérience publié", "ok", "material/check-circle"),
                    started=When("2025-03-30T01:00:00+01:00", "30 mars 2025 à 1 h 00"),
                    last_update=When("2025-04-02T10:00:00+02:00", "2 avril 2025 à 10 h 00"),
                    resolved=RESOLVED_AT,
                    duration="1 h 30 min",  # not 2 h 30: the clocks went forward
                ),
            ),
        ),
        # Started at 23 h 30 UTC on 31 December: January in Paris.
        HistoryMonth(
            "Janvier 2025",
            "2025-01",
            (
                IncidentRow(
                    title="Fuite de données du portail",
                    url="incidents/2025-01-fuite/",
                    summary="Des données d'adhérents ont été consultées.",
                    badge=OK,
                    started=When("2025-01-01T00:30:00+01:00", "1er janvier 2025 à 0 h 30"),
                    last_update=V3_WHEN,
                    resolved=When("2025-07-15T14:00:00+02:00", "15 juillet 2025 à 14 h 00"),
                    duration="195 jours et 12 h",
                ),
            ),
        ),
    )


def test_faq_sections_general_first_then_each_incident_with_questions() -> None:
    assert faq(SITE) == (
        FaqSection(
            "Questions générales",
            "",
            (FaqRow("flux", "Qu'est-ce qu'un flux ?", "Une adresse à suivre."),),
        ),
        FaqSection(
            "Fuite de données du portail",
            "incidents/2025-01-fuite/",
            (FaqRow("2025-01-fuite-mot-de-passe", "Dois-je changer mon mot de passe ?", "Oui."),),
        ),
    )


def test_faq_without_general_questions_has_no_empty_section() -> None:
    view = derive.site_view(Site(SETTINGS, (OUTAGE,), ()))
    assert faq(view) == ()
