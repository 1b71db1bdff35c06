import re

import pytest

from app.security import is_safe_redirect, render_markdown


def test_markdown_subset_renders_paragraphs_lists_and_links():
    html = str(render_markdown("Erster Absatz\n\nZweiter mit **fett**\n\n- eins\n- zwei\n\n[Kreis](https://www.kreis-coesfeld.de)"))
    assert "<p>Erster Absatz</p>" in html
    assert "<strong>fett</strong>" in html
    assert "<ul>" in html and "<li>eins</li>" in html
    assert '<a href="https://www.kreis-coesfeld.de" rel="nofollow ugc noopener">Kreis</a>' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klick](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_markdown_output_has_no_script_vectors(source):
    html = str(render_markdown(source)).lower()
    tags = re.findall(r"<[^>]*>", html)
    assert {re.match(r"</?([a-z]+)", t).group(1) for t in tags} <= {"p", "a", "br", "em", "strong", "ul", "ol", "li"}
    assert not any("onerror" in t or "javascript:" in t or "data:" in t for t in tags)


def test_raw_html_is_shown_as_text_not_markup():
    assert "&lt;b&gt;" in str(render_markdown("<b>fett</b>"))


def test_mailto_links_are_kept():
    assert 'href="mailto:info@example.com"' in str(render_markdown("[Mail](mailto:info@example.com)"))


def test_empty_markdown():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""


@pytest.mark.parametrize("target", ["/ideen", "/ideen/3?x=1", "/"])
def test_safe_redirects(target):
    assert is_safe_redirect(target)


@pytest.mark.parametrize(
    "target", [None, "", "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "ideen"]
)
def test_unsafe_redirects(target):
    assert not is_safe_redirect(target)


def test_wtforms_messages_come_in_the_readers_language_read_once_per_process(app):
    from flask import request
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    from app.i18n import wtforms_translations

    class Sent(FlaskForm):
        n = IntegerField()

    with app.test_request_context("/"):
        first = request.wtforms_translations
        assert first.gettext("This field is required.") == "Dieses Feld wird benötigt."
    with app.test_request_context("/", method="POST", data={"n": "zwölf"}):
        assert request.wtforms_translations is first, "the same catalogue, not read from disk again"
        form = Sent(meta={"csrf": False})
        form.validate()
        assert form.n.errors == ["Keine gültige, ganze Zahl."], "Flask-WTF takes them from the request"
    assert wtforms_translations("en").gettext("This field is required.") == "This field is required."
