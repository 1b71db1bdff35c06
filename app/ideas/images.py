"""Pictures on ideas: checked, re-encoded and stored outside the database.

An upload must be a JPEG, PNG or WebP of at most 10 MB and 40 megapixels. Pillow decodes it
completely (a truncated file, an image bomb, an SVG or anything else is refused with a German
message) and writes it anew as WebP in the widths of WIDTHS that are not larger than the
original. Nothing of the uploaded file survives: no EXIF (location!), no comment, no trailing
bytes of a polyglot. Files are named by a random key under UPLOAD_DIR/ideas/ and served only
for ideas the reader may see (routes.py). Functions flush and never commit.
"""

from __future__ import annotations

import io
import secrets
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.files import remove_unnamed
from app.ideas.services import IdeaCard, can_edit, submit_idea
from app.models import Idea, IdeaImage, User
from app.models.idea import IMAGE_ALT_MAX
from app.urls import public_url

MAX_IMAGES = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
WIDTHS = (480, 960, 1600)
QUALITY = 82
WEBP_MAX_SIDE = 16383  # the WebP format's limit in pixels, for width and height alike


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    data: bytes


def folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "ideas"


def file_name(key: str, width: int) -> str:
    return f"{key}-{width}.webp"


def url(image: IdeaImage, width: int | None = None) -> str:
    """The address of a stored picture in one of its widths (default: the smallest)."""
    return url_for("ideas.image_file", name=file_name(image.file_key, width or image.available_widths[0]))


def srcset(image: IdeaImage) -> str:
    """Every stored width, for <img srcset>."""
    return ", ".join(f"{url(image, width)} {width}w" for width in image.available_widths)


def public_address(image: IdeaImage) -> str:
    """The largest width's absolute address (API, exports)."""
    return public_url(url(image, image.available_widths[-1]))


def _decode(data: bytes) -> Image.Image:
    """The picture in the upload, fully decoded; InvalidInput for anything else."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(_l("The picture is larger than 10 MB. Please choose a smaller one."))
    refused = InvalidInput(_l("This file is not a picture we can take. Please choose a JPEG, PNG or WebP file."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=sorted(FORMATS)) as probe:
                if probe.format not in FORMATS:
                    raise refused
                if probe.width * probe.height > MAX_PIXELS:
                    raise InvalidInput(_l("The picture has too many pixels (at most 40 megapixels)."))
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput(_l("The picture has too many pixels (at most 40 megapixels).")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise refused from None
    return image


def renditions(data: bytes) -> list[Rendition]:
    """The upload re-encoded as WebP in every width of WIDTHS up to its own (at least one)."""
    image = ImageOps.exif_transpose(_decode(data))  # upright, as the camera meant it; EXIF is not copied
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    widths = sorted({w for w in WIDTHS if w < image.width} | {min(image.width, WIDTHS[-1])})
    result: list[Rendition] = []
    for width in widths:
        copy = image.copy()
        # Fit both sides: a long phone screenshot (1000 × 20,000 px) is as tall as WebP allows, and narrower.
        copy.thumbnail((width, min(round(width * image.height / image.width) or 1, WEBP_MAX_SIDE)))
        if result and copy.width <= result[-1].width:
            continue  # a taller picture hit WEBP_MAX_SIDE at a smaller width already
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=QUALITY, method=4)  # no exif=, no icc_profile=: nothing is carried over
        result.append(Rendition(copy.width, copy.height, out.getvalue()))
    return result


def clean_alt_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput(_l("Please describe the picture for people who cannot see it."))
    if len(text) > IMAGE_ALT_MAX:
        raise InvalidInput(_l("The description may be at most 300 characters long."))
    return text


@dataclass(frozen=True)
class Stored:
    """A picture's files, written under a random key, not yet (or no longer) on an idea."""
    key: str
    widths: str  # "480,960"
    width: int
    height: int


def _store(data: bytes) -> Stored:
    files = renditions(data)
    key = secrets.token_hex(16)
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    for rendition in files:
        (target / file_name(key, rendition.width)).write_bytes(rendition.data)
    largest = files[-1]
    return Stored(key, ",".join(str(r.width) for r in files), largest.width, largest.height)


def _check_can_add(idea: Idea, user: User, alt_text: str) -> tuple[str, int]:
    """(the cleaned description, the position of the next picture), or the reason it cannot be added."""
    if not can_edit(idea, user):
        raise NotAllowed(_l("Pictures can be added while you can still edit the idea."))
    alt_text = clean_alt_text(alt_text)
    count = db.session.scalar(select(func.count(IdeaImage.id)).where(IdeaImage.idea_id == idea.id)) or 0
    if count >= MAX_IMAGES:
        raise InvalidInput(_l("An idea can have at most three pictures. Remove one first."))
    return alt_text, count


def _attach(idea: Idea, stored: Stored, alt_text: str, position: int) -> IdeaImage:
    image = IdeaImage(idea_id=idea.id, position=position, alt_text=alt_text, file_key=stored.key,
                      widths=stored.widths, width=stored.width, height=stored.height)
    db.session.add(image)
    db.session.flush()
    return image


def add_image(idea: Idea, user: User, data: bytes, alt_text: str) -> IdeaImage:
    """The author adds a picture while the idea can be edited. Writes the files, then flushes the row."""
    alt_text, position = _check_can_add(idea, user, alt_text)
    return _attach(idea, _store(data), alt_text, position)


# A picture chosen in the idea form itself. A browser never sends a file again, so when the form
# comes back (the similar-ideas gate, a field with an error) the picture is kept: its files are
# written at once and a signed token in the form names them. Files no idea takes within the hour
# go with the orphans (remove_orphans, the worker's retention).
KEPT_SALT = "kept-picture"


def keep_upload(user: User, data: bytes) -> str:
    """Check and store an upload now; the token for the form's hidden field. InvalidInput for a bad file."""
    stored = _store(data)
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=KEPT_SALT).dumps(
        {"u": user.id, "k": stored.key, "w": stored.widths, "W": stored.width, "H": stored.height})


def read_kept(user: User, token: str | None) -> Stored | None:
    """The kept picture a token names, if it is this person's and its files are still there."""
    if not token:
        return None
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=KEPT_SALT).loads(token)
        stored = Stored(str(data["k"]), str(data["w"]), int(data["W"]), int(data["H"]))
        owner = int(data["u"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if owner != user.id or not all((folder() / file_name(stored.key, int(w))).is_file() for w in stored.widths.split(",")):
        return None
    return stored


def submit_with_picture(author: User, card: IdeaCard, publish: bool, picture: Stored | None, alt_text: str) -> Idea:
    """A new idea (services.submit_idea) with the picture chosen in its form, all or nothing. Flushes."""
    idea = submit_idea(author, card, publish)
    if picture is not None:
        alt_text, position = _check_can_add(idea, author, alt_text)
        _attach(idea, picture, alt_text, position)
    return idea


def remove_image(idea: Idea, user: User, image: IdeaImage) -> None:
    """The author removes a picture; its files go once the row is gone (remove_orphans)."""
    if image.idea_id != idea.id or not can_edit(idea, user):
        raise NotAllowed()
    db.session.delete(image)
    db.session.flush()


def parse_name(name: str) -> tuple[str, int] | None:
    """(key, width) of a served name like "<key>-960.webp", or None for anything else."""
    stem, _, suffix = name.rpartition(".")
    key, _, width = stem.rpartition("-")
    if suffix != "webp" or len(key) != 32 or not width.isdigit() or not all(c in "0123456789abcdef" for c in key):
        return None
    return key, int(width)


def path_of(name: str) -> Path | None:
    """The stored file for a served name like "<key>-960.webp", or None."""
    parsed = parse_name(name)
    if parsed is None:
        return None
    path = folder() / file_name(*parsed)
    return path if path.is_file() else None


def delete_files(keys: list[str]) -> None:
    """Delete every stored width of these pictures (their rows are gone or going)."""
    target = folder()
    for key in keys:
        for path in target.glob(f"{key}-*.webp"):
            path.unlink(missing_ok=True)


def remove_orphans(older_than_seconds: float = 3600) -> int:
    """Retention: files whose picture row is gone (removed, or its idea deleted). Returns how many."""
    keys = set(db.session.scalars(select(IdeaImage.file_key)))
    return remove_unnamed(folder(), lambda name: name.split("-")[0] in keys, time.time() - older_than_seconds)
