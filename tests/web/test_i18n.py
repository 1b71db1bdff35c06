"""German by default, English selectable, and the German catalog is complete."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo

ROOT = Path(__file__).resolve().parents[2]
METHOD_MAP = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
SAME_ORIGIN = {"Origin": "http://localhost"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_msgids() -> set:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), METHOD_MAP, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_german_catalog_translates_every_message_in_the_source():
    with open(ROOT / "app/translations/de/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    translated = {}
    for message in catalog:
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if key and all(strings):
            translated[key] = strings
    missing = sorted(_source_msgids() - set(translated))
    assert missing == [], f"untranslated (run `make translations-extract` and translate): {missing}"


def test_german_is_the_default(client, reference):
    page = client.get("/").text
    assert 'lang="de"' in page and "Idee einreichen" in page


def test_english_is_selectable(client, reference):
    client.post("/sprache", data={"lang": "en", "next": "/ideen"}, headers=SAME_ORIGIN)
    page = client.get("/ideen").text
    assert 'lang="en"' in page and "Submit an idea" in page
    client.post("/sprache", data={"lang": "klingonisch"}, headers=SAME_ORIGIN)
    assert 'lang="en"' in client.get("/").text


def test_language_switch_refuses_foreign_redirects(client, reference):
    response = client.post("/sprache", data={"lang": "de", "next": "https://evil.example"}, headers=SAME_ORIGIN)
    assert response.location == "/"


def test_dates_in_german_format(client, reference):
    import re

    from tests.factories import create_user, make_idea

    idea = make_idea(create_user())
    page = client.get(f"/ideen/{idea.id}").text
    assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}", page)
