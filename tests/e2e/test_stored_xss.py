"""Stored script injection, in Chromium under the real CSP: 240 payloads of our own through every
field people write (idea card, comments, report notes, official answers, reasons, names, project
fields, budget lines, CSV cells), then every page that shows them, anonymous and as staff.

The test fails if any payload runs (alert/confirm/prompt are replaced by recorders), if the CSP
reports any violation (markup that got through and was blocked is a finding as well), if the
DOM holds an event-handler attribute, an inline script, a javascript: link or an embedding
element, or if a page asks for anything outside this site."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ideas.services import IdeaCard, submit_idea
from app.models import ActionField, BudgetLine, Municipality, Project
from app.moderation import services as moderation
from app.participation import services as participation
from tests.e2e.browser import log_in
from tests.factories import create_user

VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">Link</a>',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](data:text/html,<script>alert(1)</script>)",
    "[klick](&#106;avascript:alert(1))",
    "![bild](javascript:alert(1))",
    '[x](https://example.org" onmouseover="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(https://evil.example/x)}</style>",
    "{{ config }}{% print 7*7 %}",
    "${alert(1)}",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<x onclick=alert(1)>klick</x>",
    "javascript:alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "`<img src=x onerror=alert(1)>`",
    '<img src="https://evil.example/track.png">',
    "<svg><a xlink:href=javascript:alert(1)><text y=20>x</text></a></svg>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
]
CONTEXTS = ["{}", "Text {} Text", "**{}**", "\n\n{}\n\n", "- {}", "„{}“"]
PAYLOADS = [context.format(vector) for vector in VECTORS for context in CONTEXTS]
assert len(PAYLOADS) >= 200

WATCH = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__xss.push(name + '(' + args.join(',') + ')'); };
}
document.addEventListener('securitypolicyviolation', (e) => {
  window.__xss.push('csp:' + e.violatedDirective + ':' + e.blockedURI);
});
"""
DANGEROUS_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.tagName + '[' + attr.name + ']');
      if (['href', 'src', 'action', 'data', 'xlink:href', 'formaction'].includes(attr.name)
          && /^\\s*(javascript|data|vbscript):/i.test(attr.value)) found.push(el.tagName + '[' + attr.name + '=' + attr.value + ']');
    }
  }
  for (const el of document.querySelectorAll('script:not([src]), iframe, object, embed, base, meta[http-equiv], style, main svg script'))
    found.push(el.tagName);
  return found;
}"""


def _chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def _store_payloads():
    """Every payload through the services (as a form would store it), in every kind of field."""
    field_id = db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))
    town_id = db.session.scalar(select(Municipality.id).where(Municipality.slug == "coesfeld"))
    moderator = create_user("mod@example.com", roles=("moderator", "steering", "admin"))
    reporters = [create_user(f"melder{n}@example.com") for n in range(3)]
    authors = []
    for number, chunk in enumerate(_chunks(PAYLOADS[:60], 6)):
        author = create_user(f"autor{number}@example.com")
        # Names are one line without web addresses on the way in; stored ones are rendered escaped anyway.
        author.display_name = chunk[0].replace("\n", " ")[:60]
        authors.append(author)
    ideas = []
    for number, chunk in enumerate(_chunks(PAYLOADS, 5)):
        card = IdeaCard(title=chunk[0][:150], summary=chunk[1 % len(chunk)], benefit=chunk[2 % len(chunk)],
                        challenges=chunk[3 % len(chunk)], partners=chunk[4 % len(chunk)][:500],
                        municipality_id=town_id, action_field_ids=[field_id])
        ideas.append(submit_idea(authors[number % len(authors)], card, publish=True))
    db.session.flush()
    first = ideas[0]
    comments = [participation.add_comment(reporters[n % 3], first, payload) for n, payload in enumerate(PAYLOADS[:80])]
    for n, comment in enumerate(comments[:40]):
        participation.report(moderator, comment, reason="other", note=PAYLOADS[80 + n])
    for idea, payload in zip(ideas[1:20], PAYLOADS[120:], strict=False):
        moderation.publish_answer(idea, moderator, payload, payload.replace("\n", " ")[:100])
    for idea, payload in zip(ideas[20:30], PAYLOADS[140:], strict=False):
        moderation.change_status(idea, "in_review", moderator)
        moderation.change_status(idea, "declined", moderator, payload)
    for number, payload in zip(range(1, 21), PAYLOADS[150:], strict=False):
        project = db.session.scalar(select(Project).where(Project.number == number))
        project.title, project.description, project.goals = payload[:200], payload, PAYLOADS[-number]
        db.session.add(BudgetLine(project=project, label=payload[:200], year=2027, kind="investiv", amount=Decimal("100.00")))
    db.session.commit()
    return ideas, moderator


def _check(page, path: str, problems: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("load")
    ran = page.evaluate("() => window.__xss")
    dom = page.evaluate(DANGEROUS_DOM)
    if ran or dom:
        problems.append(f"{path}: ran/blocked {ran[:5]}, DOM {dom[:5]}")


def test_no_stored_payload_runs_or_breaks_the_csp_anywhere(browser, live_server, reference):
    ideas, moderator = _store_payloads()
    foreign = []
    context = browser.new_context(base_url=live_server, locale="de-DE")
    context.add_init_script(WATCH)
    context.on("request", lambda request: foreign.append(request.url) if not request.url.startswith(live_server) else None)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    public = ["/", "/ideen", "/ideen?page=2", "/ideen?q=script", "/portfolio", "/portfolio/budget"]
    public += [f"/ideen/{idea.id}" for idea in ideas] + [f"/portfolio/P{n}" for n in range(1, 21)]
    for path in public:
        _check(page, path, problems)

    log_in(page, "mod@example.com", second_factor=True)
    staff = ["/moderation", "/moderation/kandidaten", "/verwaltung/konten", "/verwaltung/protokoll", "/ideen/meine"]
    staff += [f"/moderation/ideen/{idea.id}" for idea in ideas[:30]] + [f"/verwaltung/konten/{moderator.id}"]
    for path in staff:
        _check(page, path, problems)

    # CSV cells: the import preview shows every cell of the file.
    csv = "Code;Titel;Themenfeld;Status;Beschreibung\n" + "".join(
        f";{p.replace(';', ',').replace(chr(10), ' ')[:150]};Mobilität;;{p.replace(';', ',').replace(chr(10), ' ')}\n" for p in PAYLOADS[:60]
    )
    page.goto("/portfolio/csv-import")
    page.set_input_files("input[type=file]", files=[{"name": "xss.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")}])
    page.get_by_role("button", name="Vorschau").click()
    page.wait_for_load_state("load")
    ran = page.evaluate("() => window.__xss")
    dom = page.evaluate(DANGEROUS_DOM)
    if ran or dom:
        problems.append(f"CSV preview: {ran[:5]} {dom[:5]}")
    assert "Mobilität" in page.content(), "the preview was shown"
    context.close()

    assert not problems, "\n".join(problems)
    assert not foreign, f"requests outside the site: {foreign[:5]}"
