"""Pictures on ideas: only real JPEG/PNG/WebP pass, re-encoded without anything of the upload."""

import io

import pytest
from PIL import Image

from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas import images
from app.models import IdeaImage
from tests.factories import create_user, make_idea
from tests.helpers import picture


def test_a_photo_is_re_encoded_in_three_widths_without_its_exif():
    exif = Image.Exif()
    exif[0x010E] = "GEHEIMER-ORT am Marktplatz"  # ImageDescription
    exif[0x0110] = "Kamera 3000"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° to stand upright
    files = images.renditions(picture("JPEG", exif=exif.tobytes()))
    assert [(r.width, r.height) for r in files] == [(480, 960), (960, 1920), (1000, 2000)]  # upright: 1000 × 2000
    for rendition in files:
        assert b"GEHEIMER-ORT" not in rendition.data and b"Kamera 3000" not in rendition.data
        with Image.open(io.BytesIO(rendition.data)) as out:
            assert out.format == "WEBP" and not out.getexif() and out.height == 2 * out.width


def test_widths_never_exceed_the_original_and_transparency_stays():
    [only] = images.renditions(picture("PNG", size=(300, 200), mode="RGBA"))
    assert (only.width, only.height) == (300, 200)
    with Image.open(io.BytesIO(only.data)) as out:
        assert out.mode == "RGBA"
    assert [r.width for r in images.renditions(picture("WEBP", size=(4000, 3000)))] == [480, 960, 1600]


@pytest.mark.parametrize("data, message", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "kein Bild"),
    (b"%PDF-1.4 not a picture", "kein Bild"),
    (b"GIF89a" + b"\x00" * 100, "kein Bild"),
    (picture("JPEG")[:500], "kein Bild"),  # truncated
    (picture("PNG", size=(10_000, 10_000), mode="1"), "zu viele Pixel"),  # 100 megapixels in a few KB
    (b"\xff\xd8" + b"x" * (10 * 1024 * 1024), "größer als 10 MB"),
])
def test_what_is_not_a_picture_we_take_is_refused_in_german(app, data, message):
    with app.test_request_context(), pytest.raises(InvalidInput) as refused:
        images.renditions(data)
    assert message in str(refused.value.message)


def test_a_polyglot_loses_everything_but_the_pixels():
    polyglot = picture("JPEG", size=(600, 400)) + b"<html><script>alert('xss')</script></html>"
    for rendition in images.renditions(polyglot):
        assert b"<script" not in rendition.data and b"<html" not in rendition.data


def test_only_the_author_adds_up_to_three_while_the_idea_can_be_edited(app, reference):
    author = create_user()
    idea = make_idea(author, "Eine Bank zum Mitfahren")
    for n in range(3):
        images.add_image(idea, author, picture("PNG", size=(640, 480)), f"Bild {n}")
    db.session.commit()
    with pytest.raises(InvalidInput):
        images.add_image(idea, author, picture("PNG", size=(640, 480)), "Noch eins")
    with pytest.raises(NotAllowed):
        images.add_image(idea, create_user("fremd@example.com"), picture(), "Fremd")
    with pytest.raises(InvalidInput):
        images.add_image(make_idea(author, "Zweite"), author, picture(), "   ")
    stored = db.session.query(IdeaImage).filter_by(idea_id=idea.id).all()
    assert [i.position for i in stored] == [0, 1, 2]
    assert all(images.path_of(images.file_name(i.file_key, w)) for i in stored for w in i.available_widths)


def test_files_of_removed_pictures_go_at_the_orphan_sweep(app, reference):
    author = create_user()
    idea = make_idea(author, "Eine Idee mit Bild")
    image = images.add_image(idea, author, picture("PNG", size=(640, 480)), "Ein Bild")
    db.session.commit()
    name = images.file_name(image.file_key, 640)
    images.remove_image(idea, author, image)
    db.session.commit()
    assert images.path_of(name) is not None and images.remove_orphans(older_than_seconds=3600) == 0, "a fresh file waits"
    assert images.remove_orphans(older_than_seconds=-1) == 2 and images.path_of(name) is None
    assert images.path_of("../../etc/passwd") is None and images.path_of("x" * 32 + "-1.webp") is None


def test_a_long_phone_screenshot_fits_webps_limit_in_both_sides():
    """1000 × 20,000 px: at 960 wide it would be 19,200 px tall, beyond WebP's 16,383 (a 500 before)."""
    files = images.renditions(picture("PNG", size=(1000, 20000)))
    assert [(r.width, r.height) for r in files] == [(480, 9600), (819, 16383)]
    for rendition in files:
        with Image.open(io.BytesIO(rendition.data)) as out:
            assert out.format == "WEBP" and out.size == (rendition.width, rendition.height)
