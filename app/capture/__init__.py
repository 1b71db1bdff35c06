"""Ideas taken down on someone's behalf: staff and the Digitallotsen enter, on the same card, the
ideas of people who are not online (at a workshop wall, on the phone, in a consultation hour).
The person is named as they choose; if they give an address (with their consent), they get a link
to claim the idea into an account (decision 0027)."""

from app.cache import declare
from app.models import IdeaClaim

declare(not_cached={"capture.claim": "a person's claim link: a page for one person, never shared"}, private=(IdeaClaim,))
