"""A signed-in browser's name for the account page ("Firefox · Windows"), made from the User-Agent
at log-in. Only this label is stored, never the User-Agent string (data minimisation).

A dozen patterns cover the browsers people use; anything else is named by what is known of it
(or not at all). Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
"""

from __future__ import annotations

import re

_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Chrome|CriOS)/")),
    ("Chromium", re.compile(r"\bChromium/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)
LABEL_MAX = 60


def describe(user_agent: str) -> str:
    """"Firefox · Windows", "Safari · iPhone", "Chrome", or "" when nothing is known."""
    text = (user_agent or "")[:1000]
    browser = next((name for name, pattern in _BROWSERS if pattern.search(text)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(text)), "")
    return " · ".join(part for part in (browser, system) if part)[:LABEL_MAX]
