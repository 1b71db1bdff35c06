"""Pictures on ideas through HTTP: upload, refusal in German with the text kept, serving, API."""

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import IdeaImage
from app.moderation import services as moderation
from tests.factories import create_user, make_idea
from tests.helpers import picture


def _upload(client, idea_id, data: bytes, alt: str = "Eine Bank an der Bushaltestelle", name: str = "foto.jpg"):
    return client.post(f"/ideen/{idea_id}/bilder", data={"picture": (io.BytesIO(data), name), "alt_text": alt},
                       content_type="multipart/form-data")


def test_the_author_adds_a_picture_and_everyone_sees_it_with_its_description(app, client, auth, reference):
    idea = make_idea(create_user(), "Mitfahrbank in Billerbeck")
    auth.login()
    assert client.get(f"/ideen/{idea.id}").text.count(f'href="/ideen/{idea.id}/bilder"') == 1
    assert _upload(client, idea.id, picture("JPEG", size=(1200, 800))).status_code == 303
    image = db.session.scalar(select(IdeaImage))
    auth.logout()
    page = client.get(f"/ideen/{idea.id}").text
    assert 'alt="Eine Bank an der Bushaltestelle"' in page and "480w" in page and "960w" in page and 'width="1200"' in page
    served = client.get(f"/ideen/bilder/{image.file_key}-960.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.headers["Cache-Control"] == "public, no-cache", "kept, but asked about every time"
    again = client.get(f"/ideen/bilder/{image.file_key}-960.webp", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    api = client.get(f"/api/v1/ideas/{idea.id}").json
    assert api["images"] == [{"url": f"http://localhost/ideen/bilder/{image.file_key}-1200.webp",
                              "alt": "Eine Bank an der Bushaltestelle", "width": 1200, "height": 800}]


def test_a_refused_file_comes_back_in_german_with_the_description_kept(app, client, auth, reference):
    idea = make_idea(create_user(), "Mitfahrbank")
    auth.login()
    svg = _upload(client, idea.id, b"<svg xmlns='http://www.w3.org/2000/svg'/>", alt="Mein Text bleibt", name="bild.svg")
    assert svg.status_code == 422 and "kein Bild, das wir annehmen können" in svg.text and 'value="Mein Text bleibt"' in svg.text
    no_alt = _upload(client, idea.id, picture(), alt="")
    assert no_alt.status_code == 422 and "Bitte beschreiben Sie das Bild" in no_alt.text
    assert "Bild?:" not in no_alt.text and ">Was zeigt das Bild? Bitte beschreiben" in no_alt.text, "the summary keeps the question mark"
    large = _upload(client, idea.id, b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10))
    assert large.status_code == 422 and "größer als 10 MB" in large.text
    assert db.session.scalar(select(IdeaImage.id)) is None


def test_other_people_cannot_add_and_a_hidden_ideas_pictures_are_not_served(app, client, auth, reference):
    author = create_user()
    idea = make_idea(author, "Mitfahrbank")
    create_user("fremd@example.com")
    auth.login("fremd@example.com")
    assert client.get(f"/ideen/{idea.id}/bilder").status_code == 403
    assert _upload(client, idea.id, picture()).status_code == 403
    auth.logout()
    auth.login()
    _upload(client, idea.id, picture("PNG", size=(640, 480)))
    key = db.session.scalar(select(IdeaImage.file_key))
    moderation.hide_item(idea, create_user("mod@example.com", roles=("moderator",)), "Prüfung")
    db.session.commit()
    own = client.get(f"/ideen/bilder/{key}-640.webp")
    assert own.status_code == 200 and "no-store" in own.headers["Cache-Control"], "the author still sees it, privately"
    auth.logout()
    assert client.get(f"/ideen/bilder/{key}-640.webp").status_code == 404
    cached = client.get(f"/ideen/bilder/{key}-640.webp", headers={"If-None-Match": own.headers["ETag"]})
    assert cached.status_code == 404, "a copy a browser kept is not confirmed once the idea is hidden"
    assert client.get("/ideen/bilder/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_the_author_removes_a_picture_and_other_requests_keep_the_one_mib_limit(app, client, auth, reference):
    idea = make_idea(create_user(), "Mitfahrbank")
    auth.login()
    _upload(client, idea.id, picture("PNG", size=(640, 480)))
    image = db.session.scalar(select(IdeaImage))
    assert client.post(f"/ideen/{idea.id}/bilder/{image.id}/entfernen").status_code == 303
    assert db.session.scalar(select(IdeaImage.id)) is None
    assert client.post("/ideen/neu", data={"title": "x" * (2 * 1024 * 1024)}).status_code == 413


def test_a_long_phone_screenshot_is_taken(app, client, auth, reference):
    idea = make_idea(create_user(), "Mitfahrbank")
    auth.login()
    assert _upload(client, idea.id, picture("PNG", size=(1000, 20000)), name="screenshot.png").status_code == 303
    image = db.session.scalar(select(IdeaImage))
    assert (image.width, image.height, image.widths) == (819, 16383, "480,819")


def _new_idea(client, **changes):
    from tests.helpers import idea_form

    data = {**idea_form(), **changes}
    return client.post("/ideen/neu", data=data, content_type="multipart/form-data")


def test_a_picture_can_be_added_in_the_idea_form_itself(app, client, auth, reference):
    create_user()
    auth.login()
    form = client.get("/ideen/neu").text
    assert 'enctype="multipart/form-data"' in form and 'id="picture"' in form and 'id="picture_alt"' in form
    done = _new_idea(client, picture=(io.BytesIO(picture("JPEG", size=(1200, 800))), "bank.jpg"), picture_alt="Bank am Bahnhof")
    assert done.status_code == 302
    image = db.session.scalar(select(IdeaImage))
    assert image.alt_text == "Bank am Bahnhof" and image.width == 1200
    assert 'alt="Bank am Bahnhof"' in client.get(done.location).text
    assert _new_idea(client, title="Ohne Bild, nur Entwurf", publish="", save_draft="1").status_code == 302, "still optional"


def test_a_picture_chosen_in_the_form_survives_the_similar_ideas_gate_and_errors(app, client, auth, reference):
    make_idea(create_user("other@example.com"), "Bürgerbus Position live anzeigen", summary="Wo ist der Bürgerbus gerade?")
    create_user()
    auth.login()
    no_alt = _new_idea(client, picture=(io.BytesIO(picture("PNG")), "bank.png"), picture_alt="")
    assert no_alt.status_code == 422 and "Bitte beschreiben Sie das Bild" in no_alt.text
    assert "Ihr Bild ist angehängt" in no_alt.text, "a browser sends no file twice: the picture is kept"
    token = re.search(r'name="picture_token" type="hidden" value="([^"]+)"', no_alt.text).group(1)
    gate = _new_idea(client, picture_token=token, picture_alt="Bus an der Haltestelle")
    assert gate.status_code == 200 and "Es gibt schon ähnliche Ideen" in gate.text and f'value="{token}"' in gate.text
    assert db.session.scalar(select(IdeaImage.id)) is None
    done = _new_idea(client, picture_token=token, picture_alt="Bus an der Haltestelle", similar_checked="1")
    assert done.status_code == 302
    assert db.session.scalar(select(IdeaImage.alt_text)) == "Bus an der Haltestelle"


def test_a_bad_picture_in_the_idea_form_keeps_the_card_and_a_token_is_personal(app, client, auth, reference):
    create_user()
    create_user("fremd@example.com")
    auth.login()
    svg = _new_idea(client, picture=(io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "bild.svg"), picture_alt="Ein Bild")
    assert svg.status_code == 422 and "kein Bild, das wir annehmen können" in svg.text
    assert "Wartende wissen, wann der Bus kommt." in svg.text and 'value="Ein Bild"' in svg.text, "what was typed comes back"
    kept = _new_idea(client, picture=(io.BytesIO(picture()), "bank.jpg"), picture_alt="", publish="", check_similar="1")
    token = re.search(r'name="picture_token" type="hidden" value="([^"]+)"', kept.text).group(1)
    auth.logout()
    auth.login("fremd@example.com")
    other = _new_idea(client, picture_token=token, picture_alt="Fremdes Bild")
    assert other.status_code == 302
    assert db.session.scalar(select(IdeaImage.id)) is None, "someone else's token names nothing"
    forged = _new_idea(client, picture_token=token[:-2] + "xx", picture_alt="Gefälscht", similar_checked="1")
    assert forged.status_code == 302 and db.session.scalar(select(IdeaImage.id)) is None
