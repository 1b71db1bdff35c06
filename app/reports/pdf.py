"""The report as a PDF, written by WeasyPrint (with Debian's Pango) from the same HTML as the page,
with the print stylesheet. No request leaves the machine: only the stylesheet, given as text."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "print.css"


def render(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: `make run` needs no Pango until someone asks for a PDF

    def no_fetching(url: str, *args, **kwargs):
        raise ValueError(f"the report's PDF fetches nothing: {url}")

    document = HTML(string=html, base_url=current_app.config["PUBLIC_BASE_URL"], url_fetcher=no_fetching)
    return document.write_pdf(stylesheets=[CSS(string=PRINT_CSS.read_text(encoding="utf-8"))])
