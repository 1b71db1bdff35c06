"""Which passwords are accepted (ASVS 2.1): 12 to 128 characters, not guessable, not made of context.

Guessability is zxcvbn's estimate (its dictionaries of common passwords, names and words,
keyboard patterns, repeats and sequences): a score of at least MIN_SCORE (of 4), i.e. more
than 10^8 guesses. zxcvbn misses context words at the start of a password (demo-passwort-…),
so a password must also keep MIN_OWN_CHARACTERS letters or digits once the platform's own
words and the person's e-mail address and name are taken out.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from app.errors import InvalidInput

PASSWORD_MIN = 12
PASSWORD_MAX = 128
MIN_SCORE = 3
MIN_OWN_CHARACTERS = 6
SITE_WORDS = ("coesfeld", "ideenplattform", "ideen", "plattform", "kreis", "digital", "passwort", "password", "demo", "12.0")
_WORD = re.compile(r"[\w.]+")

TOO_GUESSABLE = _l(
    "This password is too easy to guess: it is widely used or made of your name, your e-mail address or the "
    "name of the platform. A sentence of four or five words is safe and easy to remember."
)


def context_words(email: str = "", names: tuple[str, ...] = ()) -> list[str]:
    """The platform's words and the person's own, lower case, at least three characters."""
    own = [part for text in (email.replace("@", " "), *names) for part in _WORD.findall((text or "").lower())]
    return [word for word in dict.fromkeys([*SITE_WORDS, *own]) if len(word) >= 3]


def check(password: str, *, email: str = "", names: tuple[str, ...] = ()) -> None:
    """Raise InvalidInput with a German message if the password may not be used."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(_l("The password must be between 12 and 128 characters long."))
    words = context_words(email, names)
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    if sum(ch.isalnum() for ch in rest) < MIN_OWN_CHARACTERS:
        raise InvalidInput(TOO_GUESSABLE)
    if zxcvbn(password[:PASSWORD_MAX], user_inputs=words)["score"] < MIN_SCORE:
        raise InvalidInput(TOO_GUESSABLE)
