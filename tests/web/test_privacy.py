"""Meine Daten: the download holds every kind of personal data; deletion leaves none.

`everything()` gives one account a row in every holding of app/privacy/inventory.py (a staff
member, so the staff-only holdings are filled too). The export test then fails when a holding
is added without data here, or when the export leaves a holding out.
"""

import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from app.admin import services as admin
from app.auth import second_factor
from app.extensions import db
from app.ideas import images
from app.legal import services as legal
from app.mail import queue_mail
from app.models import (
    Announcement,
    Base,
    Comment,
    Criterion,
    DataExport,
    Idea,
    IdeaImage,
    Municipality,
    NotificationSetting,
    PendingLogin,
    Project,
    ProjectFollow,
    ProjectStatusChange,
    ReportRequest,
    Score,
    Support,
    User,
    utcnow,
)
from app.models.idea import IN_PORTFOLIO
from app.moderation import services as moderation
from app.notifications import fanout
from app.participation import services as participation
from app.privacy import deletion, services
from app.privacy.export import HTML_NAME, JSON_NAME
from app.privacy.inventory import DELETE, HOLDINGS, UNLINK
from tests.factories import PASSWORD, TOTP_SECRET, create_user, make_idea, totp_now
from tests.helpers import picture

MIA = "mia.beispiel@example.com"
MARKERS = ("mia.beispiel", "Mia Beispiel", "Beispiel GmbH", "Geheimer Entwurf", "Mias Meldenotiz",
           "Grund zu Mia", "Mias Barriere")


def _taken_down_ideas(mia, other_admin):
    """An idea Mia took down for someone, one taken down for her (a claim link to her address), and
    one she claimed."""
    from app.capture import services as capture
    from app.ideas.services import IdeaCard
    from app.meetings import services as meetings
    from app.models import ActionField
    from app.urls import link_context
    from tests.factories import town_id

    def card(title):
        return IdeaCard(title=title, summary="S", benefit="B", challenges="C", action_field_ids=[db.session.scalar(select(ActionField.id).limit(1))],
                        municipality_id=db.session.scalar(select(Municipality.id).where(Municipality.slug == "duelmen")))

    with link_context():
        capture.take_down(mia, card("Von Mia für Else erfasst"), capture.OnBehalf(public_name="Else"))
        capture.take_down(other_admin, card("Für Mia erfasst, noch offen"), capture.OnBehalf(public_name="Mia", email=MIA, consent=True))
        _idea, token = capture.take_down(other_admin, card("Für Mia erfasst und übernommen"),
                                         capture.OnBehalf(public_name="M.", email="mia.privat@example.com", consent=True))
        capture.claim_idea(capture.claim_of(token), mia)
    start = utcnow() + timedelta(days=3)
    meeting = meetings.create_meeting(other_admin, meetings.MeetingInput(kind="workshop", title="Workshop", starts_at=start,
                                                                          ends_at=start + timedelta(hours=2), municipality_id=town_id("duelmen")))
    meetings.sign_up(mia, meeting)  # and an event she signed up for
    db.session.commit()


def everything(client, auth):
    """Mia (moderation, steering committee, administration, digital officer of Dülmen) with a row in every holding."""
    other_admin = create_user("admin2@example.com", roles=("admin",), display_name="Zweite Admin")
    bernd = create_user("bernd@example.com", display_name="Bernd K.")
    mia = create_user(MIA, roles=("moderator", "steering", "admin", "officer"), display_name="Mia Beispiel", organisation="Beispiel GmbH")
    admin.set_officer_towns(mia, [db.session.scalar(select(Municipality.id).where(Municipality.slug == "duelmen"))], other_admin)
    admin.block_user(mia, other_admin, "Grund zu Mia")  # audit entries about her account
    admin.unblock_user(mia, other_admin, "Grund zu Mia erledigt")
    db.session.commit()
    assert auth.login(MIA).status_code == 302  # a signed-in browser
    db.session.add(PendingLogin(token_hash="a" * 64, user_id=mia.id))
    second_factor.new_recovery_codes(mia)
    db.session.add(NotificationSetting(user_id=mia.id, setting="news", channel="weekly"))
    db.session.commit()

    draft = make_idea(mia, "Geheimer Entwurf von Mia", publish=False)
    own = make_idea(mia, "Mias offene Idee")
    in_portfolio = make_idea(mia, "Mias Portfolio-Idee")
    theirs = make_idea(bernd, "Bernds Idee")
    _taken_down_ideas(mia, other_admin)
    images.add_image(own, mia, picture("PNG", size=(640, 480)), "Mias Bild vom Marktplatz")
    participation.support_idea(mia, theirs)
    comment = participation.add_comment(mia, theirs, "Mias Kommentar zu Bernds Idee")  # follows it, too
    participation.add_comment(bernd, own, "Bernd antwortet Mia")  # a notification for Mia
    bernds_comment = participation.add_comment(bernd, theirs, "Bernds Kommentar")
    participation.report(mia, bernds_comment, reason="spam", note="Mias Meldenotiz")
    db.session.commit()
    fanout.fan_out_events()
    moderation.change_status(theirs, "in_review", mia)  # audit entry by Mia, state change by Mia
    moderation.publish_answer(theirs, mia, "Danke für die Idee.", "Mia vom Kreis")
    criterion = db.session.scalars(select(Criterion)).first()
    db.session.add(Score(idea_id=theirs.id, user_id=mia.id, criterion_id=criterion.id, value=4, note="gut"))
    db.session.add(Announcement(title="Workshop", body="Am Montag.", author_id=mia.id))
    legal.publish("impressum", mia, "Kreis Coesfeld, Friedrich-Ebert-Straße 7", material=False)
    legal.report_barrier(page="/ideen", description="Mias Barriere", name="Mia Beispiel", email=MIA)
    project = Project(number=99, title="P99", action_field_id=in_portfolio.action_fields[0].id)
    db.session.add(project)
    db.session.flush()
    db.session.add(ProjectStatusChange(project_id=project.id, from_status=None, to_status="planned", actor_id=mia.id))
    db.session.add(ProjectFollow(user_id=mia.id, project_id=project.id))
    in_portfolio.status, in_portfolio.project_id = IN_PORTFOLIO, project.id
    queue_mail(MIA, "Hallo Mia", "Ein Text für Mia.")
    db.session.add(ReportRequest(user_id=mia.id, starts_on=date(2025, 1, 1), ends_on=date(2026, 11, 30)))  # a report she asked for
    services.request_export(mia)
    db.session.commit()
    assert services.build_due_exports() == 1
    return {"mia": mia, "bernd": bernd, "draft": draft, "own": own, "in_portfolio": in_portfolio, "theirs": theirs,
            "comment": comment}


def _zip_of(user: User) -> zipfile.ZipFile:
    row = db.session.scalars(select(DataExport).where(DataExport.user_id == user.id, DataExport.ready_at.is_not(None))).first()
    return zipfile.ZipFile(Path(services.export_dir()) / row.file_name)


def test_the_download_holds_every_kind_of_personal_data_and_no_secret(app, client, auth, reference):
    world = everything(client, auth)
    archive = _zip_of(world["mia"])
    data = json.loads(archive.read(JSON_NAME))
    empty = [h.section for h in HOLDINGS if not data["sections"][h.section]]
    assert empty == [], "every holding has a row for Mia, so each section must have it"
    for holding in HOLDINGS:
        assert set(data["sections"][holding.section][0]) == set(holding.exported)
    assert data["sections"]["account"][0]["email"] == MIA
    assert {i["title"] for i in data["sections"]["ideas"]} == {"Geheimer Entwurf von Mia", "Mias offene Idee", "Mias Portfolio-Idee",
                                                               "Von Mia für Else erfasst", "Für Mia erfasst und übernommen"}
    assert data["sections"]["reports"][0]["note"] == "Mias Meldenotiz"
    assert MIA in {mail["to_address"] for mail in data["sections"]["mails"]}
    assert "Grund zu Mia" in {entry["reason"] for entry in data["sections"]["audit_about_you"]}
    assert [n for n in archive.namelist() if n.startswith("bilder/")] == [f"bilder/idee-{world['own'].id}-bild-{data['sections']['images'][0]['id']}.webp"]
    page = archive.read(HTML_NAME).decode()
    assert "Mias Kommentar zu Bernds Idee" in page and "Entwürfe" in page  # a section title, in German
    everything_in_the_file = b"".join(archive.read(name) for name in archive.namelist())
    mia = db.session.get(User, world["mia"].id)
    secrets = [mia.password_hash, TOTP_SECRET, "a" * 64,
               *db.session.scalars(text("SELECT token_hash FROM auth_sessions")),
               *db.session.scalars(text("SELECT code_hash FROM recovery_codes"))]
    for secret in secrets:
        assert secret.encode() not in everything_in_the_file


def test_the_readable_page_uses_german_headings_local_dates_and_names(app, client, auth, reference):
    """Before: database columns ("municipality_id"), ISO timestamps and ids ("Kommune: 9")."""
    from app.privacy.inventory import HOLDINGS
    from app.privacy.readable import LABELS

    world = everything(client, auth)
    archive = _zip_of(world["mia"])
    data = json.loads(archive.read(JSON_NAME))
    page = archive.read(HTML_NAME).decode()
    headings = set(re.findall(r'<th scope="col">([^<]*)</th>|<dt>([^<]*)</dt>', page))
    headings = {table or record for table, record in headings}
    columns = {column for holding in HOLDINGS for column in holding.exported}
    assert columns <= set(LABELS), f"no heading for {columns - set(LABELS)}"
    assert not headings & columns, f"column names as headings: {headings & columns}"
    assert {"Kommune", "Themenfeld", "Erstellt", "Kurzbeschreibung", "Idee", "Status"} <= headings
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page), "no ISO timestamps"
    assert re.search(r"<td>\d\d\.\d\d\.\d{4}, \d\d:\d\d</td>", page), "local dates"
    assert 'class="record"' in page, "a section with many columns is a list per row, not a table wider than the screen"
    town = data["reference"]["municipalities"][str(data["sections"]["ideas"][0]["municipality_id"])]
    assert f"<dd>{town}</dd>" in page
    theirs = world["theirs"]
    assert f"<td>Nr. {theirs.id} „{theirs.title}“</td>" in page, "an idea by its number and title"
    assert re.search(r"<(td|dd)>In Prüfung</", page) and "in_review<" not in page, "states by their names"
    assert "<dd>P99 P99</dd>" in page, "a project by its code and title"
    assert "<td>Nutzungsbedingungen</td>" in page and "<dd>Sie</dd>" in page


def _all_text_in_the_database() -> str:
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)


def _tables_holding(text: str) -> list[str]:
    """The tables (and rows) whose stored values contain `text`."""
    return [f"{table.name}: {row}" for table in Base.metadata.sorted_tables for row in db.session.execute(select(table))
            if any(text in str(value) for value in row)]


def _counts_are_right() -> None:
    for idea in db.session.scalars(select(Idea)):
        supports = db.session.scalar(select(func.count()).where(Support.idea_id == idea.id, Support.suspended_at.is_(None)))
        comments = db.session.scalar(select(func.count()).where(
            Comment.idea_id == idea.id, Comment.deleted_at.is_(None), Comment.is_hidden.is_(False)))
        assert (idea.support_count, idea.comment_count) == (supports, comments), idea.title


def test_deletion_leaves_no_personal_data_in_any_table_and_keeps_counts_right(app, client, auth, reference):
    world = everything(client, auth)
    mia_id, theirs = world["mia"].id, world["theirs"]
    export_file = Path(services.export_dir()) / db.session.scalar(select(DataExport.file_name).where(DataExport.user_id == mia_id))
    assert db.session.get(Idea, theirs.id).support_count == 1
    result = deletion.erase(db.session.get(User, mia_id))
    db.session.commit()
    db.session.expire_all()
    # kept: her open and portfolio ideas, the one she took down for Else and the one she claimed (the draft goes)
    assert (result.supports_removed, result.ideas_removed, result.ideas_kept, result.comments_removed) == (1, 1, 4, 0)
    assert not export_file.exists()

    everything_stored = _all_text_in_the_database()
    for marker in MARKERS:
        assert marker not in everything_stored, f"{marker!r} is still stored"
    tombstone = db.session.get(User, mia_id)
    assert tombstone.email == f"konto-{mia_id}@geloescht.invalid" and tombstone.deleted_at is not None
    assert (tombstone.display_name, tombstone.organisation_name, tombstone.municipality_id, tombstone.confirmed_at,
            tombstone.last_login_at, tombstone.totp_secret, tombstone.totp_enrolled_at, tombstone.totp_last_step,
            tombstone.locked_at, tombstone.terms_version, tombstone.failed_logins, tombstone.unread_notifications,
            tombstone.roles) == ("", None, None, None, None, None, None, None, None, None, 0, 0, [])
    assert tombstone.created_at == tombstone.deleted_at, "not even when the account was made"
    for holding in HOLDINGS:
        if holding.on_delete in (DELETE, UNLINK) and holding.where is None:
            table = Base.metadata.tables[holding.table]
            left = db.session.scalar(select(func.count()).select_from(table).where(table.c[holding.link] == mia_id))
            assert left == 0, f"{holding.section}: rows still name the account"
    _counts_are_right()
    assert db.session.get(Idea, theirs.id).support_count == 0
    # Kept: her published ideas and comments, under "gelöschtes Konto"; the district's records without her.
    assert db.session.get(Comment, world["comment"].id).body == "Mias Kommentar zu Bernds Idee"
    own = client.get(f"/ideen/{world['own'].id}")
    assert own.status_code == 200 and "gelöschtes Konto" in own.text and "Mia Beispiel" not in own.text
    bernds = client.get(f"/ideen/{theirs.id}")
    assert "gelöschtes Konto" in bernds.text and "Danke für die Idee." in bernds.text and "Mia vom Kreis" in bernds.text
    portfolio = client.get(f"/ideen/{world['in_portfolio'].id}")
    assert "hat ihr Konto gelöscht" in portfolio.text and "öffentlichen Vorgangs" in portfolio.text
    assert db.session.scalar(select(func.count()).select_from(Score).where(Score.user_id == mia_id)) == 1


def test_deletion_can_remove_the_contributions_but_not_a_portfolio_idea(app, client, auth, reference):
    world = everything(client, auth)
    mia_id = world["mia"].id
    key = db.session.scalar(select(IdeaImage.file_key))
    result = deletion.erase(db.session.get(User, mia_id), remove_contributions=True)
    db.session.commit()
    db.session.expire_all()
    assert (result.ideas_removed, result.ideas_kept, result.comments_removed) == (4, 1, 1)  # all but the portfolio idea
    assert not list(images.folder().glob(f"{key}-*")), "the removed idea's picture files go at once"
    assert db.session.get(Idea, world["own"].id) is None and db.session.get(Idea, world["draft"].id) is None
    kept = db.session.get(Idea, world["in_portfolio"].id)
    assert kept.title == "Mias Portfolio-Idee" and kept.author_id == mia_id
    comment = db.session.get(Comment, world["comment"].id)
    assert comment.body == "" and comment.deleted_at is not None
    page = client.get(f"/ideen/{world['theirs'].id}")
    assert "Kommentar gelöscht" in page.text and "Mias Kommentar" not in page.text and "Bernds Kommentar" in page.text
    _counts_are_right()
    for deleted in ("Mias offene Idee", "Bernd antwortet Mia"):
        assert not _tables_holding(deleted), deleted


def test_a_deleted_account_cannot_sign_in_and_its_address_can_sign_up_again(app, client, auth, reference):
    user = create_user()
    deletion.erase(user)
    db.session.commit()
    refused = auth.login()
    assert refused.status_code == 422 and "E-Mail-Adresse oder Passwort ist falsch" in refused.text
    assert db.session.scalar(select(User.failed_logins).where(User.id == user.id)) == 0, "nothing counts against a tombstone"
    again = create_user()
    assert again.id != user.id


# Over HTTP -----------------------------------------------------------------

def test_the_first_download_comes_even_when_the_database_is_too_busy_to_note_it(app, client, auth, reference, outbox,
                                                                                another_process_commits):
    """Noting the first download (the retention clock) is bookkeeping: refused by a busy SQLite, the
    file still comes, and the next download notes it."""
    create_user()
    auth.login()
    client.post("/konto/daten/anfordern")
    from app import worker

    worker.run_once()
    row = db.session.scalars(select(DataExport)).one()
    with another_process_commits("UPDATE data_exports") as done:
        download = client.get(f"/konto/daten/{row.id}/herunterladen")
    assert done and download.status_code == 200 and download.mimetype == "application/zip"
    db.session.expire_all()
    assert db.session.get(DataExport, row.id).downloaded_at is None
    assert client.get(f"/konto/daten/{row.id}/herunterladen").status_code == 200
    db.session.expire_all()
    assert db.session.get(DataExport, row.id).downloaded_at is not None


def test_download_my_data_from_request_to_expiry(app, client, auth, reference, outbox):
    create_user()
    create_user("fremd@example.com")
    auth.login()
    assert "Meine Daten" in client.get("/konto").text
    assert client.post("/konto/daten/anfordern").status_code == 303
    again = client.post("/konto/daten/anfordern", follow_redirects=True)
    assert "werden gerade vorbereitet" in again.text
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1
    from app import worker

    worker.run_once()
    assert "Ihre Daten stehen zum Herunterladen bereit" in [m["Subject"] for m in outbox.messages()]
    row = db.session.scalars(select(DataExport)).one()
    page = client.get("/konto/daten")
    assert f"/konto/daten/{row.id}/herunterladen" in page.text
    download = client.get(f"/konto/daten/{row.id}/herunterladen")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "no-store" and "attachment" in download.headers["Content-Disposition"]
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read(JSON_NAME))
    assert data["sections"]["account"][0]["email"] == "erika@example.com"

    stranger = app.test_client()
    stranger.post("/anmelden", data={"email": "fremd@example.com", "password": PASSWORD})
    assert stranger.get(f"/konto/daten/{row.id}/herunterladen").status_code == 404
    assert stranger.post(f"/konto/daten/{row.id}/loeschen").status_code == 404
    assert app.test_client().get(f"/konto/daten/{row.id}/herunterladen").status_code == 302, "sign in first"

    db.session.execute(update(DataExport).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(f"/konto/daten/{row.id}/herunterladen").status_code == 404
    file = Path(services.export_dir()) / row.file_name
    assert file.exists()
    worker.run_once()  # retention
    assert not file.exists() and db.session.scalar(select(func.count()).select_from(DataExport)) == 0


def test_the_owner_deletes_the_download_early(app, client, auth, reference):
    create_user()
    auth.login()
    client.post("/konto/daten/anfordern")
    services.build_due_exports()
    row = db.session.scalars(select(DataExport)).one()
    file, export_id = Path(services.export_dir()) / row.file_name, row.id
    assert client.post(f"/konto/daten/{export_id}/loeschen").status_code == 303
    assert not file.exists() and client.get(f"/konto/daten/{export_id}/herunterladen").status_code == 404


def test_a_failing_export_is_retried_and_then_given_up(app, client, auth, reference, tmp_path):
    user = create_user()
    services.request_export(user)
    db.session.commit()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["EXPORT_DIR"] = str(blocker)  # the worker cannot write there
    for _ in range(services.MAX_ATTEMPTS):
        db.session.execute(update(DataExport).values(claimed_until=None))
        db.session.commit()
        assert services.build_due_exports() == 0
    row = db.session.scalars(select(DataExport)).one()
    assert row.failed_at is not None and row.attempts == services.MAX_ATTEMPTS
    auth.login()
    assert "nicht geklappt" in client.get("/konto/daten").text


def test_delete_my_account_asks_for_the_password_and_keeps_the_choice(app, client, auth, reference):
    erika = create_user()
    idea = make_idea(erika, "Erikas Idee")
    auth.login()
    page = client.get("/konto/loeschen")
    assert page.status_code == 200 and "Was passiert" in page.text
    wrong = client.post("/konto/loeschen", data={"contributions": "entfernen", "password": "falsch", "confirm": "y"})
    assert wrong.status_code == 422 and "Das aktuelle Passwort stimmt nicht." in wrong.text
    assert re.search(r'<input checked[^>]*value="entfernen"', wrong.text), "the choice is kept"
    unconfirmed = client.post("/konto/loeschen", data={"contributions": "behalten", "password": PASSWORD})
    assert unconfirmed.status_code == 422 and "Bitte bestätigen Sie" in unconfirmed.text
    done = client.post("/konto/loeschen", data={"contributions": "behalten", "password": PASSWORD, "confirm": "y"}, follow_redirects=True)
    assert "Ihr Konto ist gelöscht" in done.text
    assert client.get("/konto").status_code == 302, "logged out"
    assert auth.login().status_code == 422
    assert "gelöschtes Konto" in client.get(f"/ideen/{idea.id}").text


@pytest.mark.parametrize("second_admin", [False, True])
def test_staff_delete_with_the_second_factor_and_never_the_last_administrator(app, client, auth, reference, second_admin):
    create_user("admin@example.com", roles=("admin",))
    if second_admin:
        create_user("admin2@example.com", roles=("admin",))
    auth.login("admin@example.com")
    form = {"contributions": "behalten", "password": PASSWORD, "confirm": "y"}
    no_code = client.post("/konto/loeschen", data=form)
    assert no_code.status_code == 422 and "Der Code stimmt nicht" in no_code.text
    db.session.execute(update(User).values(totp_last_step=None))
    db.session.commit()
    answer = client.post("/konto/loeschen", data={**form, "code": totp_now()})
    if second_admin:
        assert answer.status_code == 303
    else:
        assert answer.status_code == 422 and "einzige Person mit der Rolle Administration" in answer.text

