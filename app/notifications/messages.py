"""What a notification says and where it leads: one sentence, a link to the spot on the page, and
why the person gets it. The notification centre and the mails share these texts."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db
from app.ideas import states
from app.models import Announcement, Idea, Meeting, Notification, OfficialAnswer, Project
from app.notifications import kinds
from app.portfolio import labels as portfolio_labels
from app.templating import format_time_span
from app.urls import public_url


@dataclass
class Message:
    text: str
    path: str  # on this site, with the anchor of the spot
    reason: str  # why the person gets it
    quote: str = ""  # in a mail: the words themselves (an official answer, Markdown)
    signature: str = ""  # and who signed them

    @property
    def url(self) -> str:
        return public_url(self.path)


def _hidden_cause(cause: str | None) -> str:
    return states.hidden_cause_label(cause) if cause else ""


def describe_for_mail(n: Notification) -> Message:
    """describe(), and for an official answer the answer itself with its signature: the version the
    notification was made for (the notification centre links to the page instead)."""
    message = describe(n)
    if n.kind == kinds.IDEA_ANSWER and n.idea_id:
        version = (n.data or {}).get("version")
        stmt = select(OfficialAnswer).where(OfficialAnswer.idea_id == n.idea_id)
        stmt = stmt.where(OfficialAnswer.version == version) if isinstance(version, int) else stmt.order_by(OfficialAnswer.version.desc())
        answer = db.session.scalars(stmt.limit(1)).first()
        if answer is not None:
            message.quote, message.signature = answer.body, answer.signature
    return message


def _project_message(n: Notification, data: dict, own: bool, why: str, idea_title: str) -> Message:
    project = db.session.get(Project, n.project_id)
    names = {"code": project.code if project else "", "project": project.title if project else ""}
    path = url_for("portfolio.show", number=project.number) if project else "/portfolio"
    followed = n.setting == kinds.FOLLOWED_PROJECT
    if followed:
        why = _("You get this because you follow this project.")
    if n.kind == kinds.PROJECT_CONTRIBUTION:
        text = _("The project %(code)s “%(project)s” took up an idea as a contribution: “%(idea)s”.", idea=idea_title, **names)
        return Message(text, path + "#h-origin", why)
    if n.kind == kinds.PROJECT_MILESTONE:
        milestone = data.get("milestone", "")
        text = (_("The project %(code)s “%(project)s” reached a milestone: “%(milestone)s”.", milestone=milestone, **names) if data.get("done")
                else _("The project %(code)s “%(project)s” has a new milestone: “%(milestone)s”.", milestone=milestone, **names))
        return Message(text, path + "#h-milestones", why)
    if n.kind == kinds.PROJECT_UPDATE:
        return Message(_("What happens next with the project %(code)s “%(project)s”: the district has written an update.", **names),
                       path + "#h-next", why)
    status = str(portfolio_labels.project_status_label(data.get("to", ""))) if project else ""
    if followed:
        text = _("The project %(code)s “%(project)s”, which you follow, is now “%(status)s”.", status=status, **names)
    elif own:
        text = _("The portfolio project %(code)s “%(project)s”, which your idea is part of, is now “%(status)s”.", status=status, **names)
    else:
        text = _("The portfolio project %(code)s “%(project)s”, which an idea you follow is part of, is now “%(status)s”.", status=status, **names)
    return Message(text, path, why)


def describe(n: Notification) -> Message:
    data = n.data or {}
    own = n.setting.startswith("own.")
    idea = db.session.get(Idea, n.idea_id) if n.idea_id else None
    title = idea.title if idea else ""
    idea_path = url_for("ideas.show", idea_id=n.idea_id) if n.idea_id else "/"
    why = _("You get this because it is your idea.") if own else _("You get this because you follow this idea.")

    if n.kind == kinds.IDEA_STATE:
        state = str(states.label(data.get("to", "")))
        if data.get("to") == "shortlisted":
            text = (_("Your idea “%(title)s” is now on the shortlist.", title=title) if own
                    else _("The idea “%(title)s” is now on the shortlist.", title=title))
        else:
            text = (_("Your idea “%(title)s” is now “%(state)s”.", title=title, state=state) if own
                    else _("The idea “%(title)s” is now “%(state)s”.", title=title, state=state))
        if data.get("to") == "in_portfolio" and idea is not None and idea.project is not None:
            text += " " + _("It is part of the portfolio project %(code)s “%(project)s”.", code=idea.project.code, project=idea.project.title)
            return Message(text, url_for("portfolio.show", number=idea.project.number), why)
        if data.get("to") == "merged" and idea is not None and idea.merged_into_id:
            target = db.session.get(Idea, idea.merged_into_id)
            text += " " + _("It was merged into “%(target)s”.", target=target.title if target else "")
        if data.get("reason"):
            text += " " + _("Reason: %(reason)s", reason=data["reason"])
        return Message(text, idea_path + "#h-history", why)
    if n.kind == kinds.IDEA_ANSWER:
        text = (_("The moderation has answered your idea “%(title)s”.", title=title) if own
                else _("The moderation has answered the idea “%(title)s”.", title=title))
        return Message(text, idea_path + "#h-answer", why)
    if n.kind == kinds.COMMENT_NEW:
        text = (_("A new comment on your idea “%(title)s”.", title=title) if n.count == 1
                else _("%(count)d new comments on your idea “%(title)s”.", count=n.count, title=title))
        return Message(text, idea_path + f"#kommentar-{n.comment_id}", why)
    if n.kind in (kinds.COMMENT_REPLY, kinds.ITEM_HIDDEN, kinds.ITEM_RESTORED) and n.idea_id is None and n.project_id:
        # A comment on a portfolio project: the same sentences, naming the project.
        project = db.session.get(Project, n.project_id)
        title = f"{project.code} {project.title}" if project else ""
        idea_path = url_for("portfolio.show", number=project.number) if project else url_for("portfolio.index")
    if n.kind == kinds.COMMENT_REPLY:
        text = (_("A reply to your comment on “%(title)s”.", title=title) if n.count == 1
                else _("%(count)d replies to your comment on “%(title)s”.", count=n.count, title=title))
        return Message(text, idea_path + f"#kommentar-{n.comment_id}", _("You get this because you wrote the comment."))
    if n.kind in (kinds.ITEM_HIDDEN, kinds.ITEM_RESTORED):
        what = _("Your comment on “%(title)s”", title=title) if n.comment_id else _("Your idea “%(title)s”", title=title)
        if n.kind == kinds.ITEM_HIDDEN:
            text = _("%(what)s has been hidden (%(cause)s) until the moderation has decided.", what=what, cause=_hidden_cause(data.get("cause")))
        else:
            text = _("%(what)s is shown again.", what=what)
        anchor = f"#kommentar-{n.comment_id}" if n.comment_id else ""
        return Message(text, idea_path + anchor, _("You get this because you wrote it."))
    if n.kind in (kinds.PROJECT_STATUS, kinds.PROJECT_CONTRIBUTION, kinds.PROJECT_UPDATE, kinds.PROJECT_MILESTONE):
        return _project_message(n, data, own, why, title)
    if n.kind in (kinds.MEETING_REMINDER, kinds.MEETING_PLACE):
        meeting = db.session.get(Meeting, data.get("meeting"))
        if meeting is None:
            return Message(_("An event you signed up for has been removed."), url_for("meetings.index"), why)
        where = meeting.municipality.name if meeting.municipality else _("online")
        if n.kind == kinds.MEETING_PLACE:
            text = _("A place has become free: you are now signed up for “%(title)s”, %(when)s.", title=meeting.title,
                     when=format_time_span(meeting.starts_at, meeting.ends_at))
            return Message(text, url_for("meetings.show", meeting_id=meeting.id) + "#anmeldung", _("You get this because you signed up for the event."))
        text = _("Reminder: “%(title)s”, %(when)s, %(where)s.", title=meeting.title, when=format_time_span(meeting.starts_at, meeting.ends_at),
                 where=", ".join(part for part in (meeting.address, where) if part))
        return Message(text, url_for("meetings.show", meeting_id=meeting.id), _("You get this because you signed up for the event."))
    if n.kind == kinds.NEWS:
        news = db.session.get(Announcement, n.announcement_id)
        return Message(_("News: %(title)s", title=news.title if news else ""), url_for("notifications.news") + f"#neuigkeit-{n.announcement_id}",
                       _("You get this because you subscribed to the district's news."))
    if n.kind == kinds.STAFF_SUMMARY:
        new, reports, waiting = data.get("new_ideas", 0), data.get("open_reports", 0), data.get("waiting", 0)
        text = _(
            "Moderation queue: %(new)s, %(reports)s, %(waiting)s.",
            new=ngettext("%(num)d new idea since yesterday", "%(num)d new ideas since yesterday", new),
            reports=ngettext("%(num)d open report", "%(num)d open reports", reports),
            waiting=ngettext("%(num)d idea waiting longer than %(days)d days for an answer",
                             "%(num)d ideas waiting longer than %(days)d days for an answer", waiting, days=data.get("days", 14)),
        )
        return Message(text, url_for("moderation.dashboard"), _("You get this because you belong to the moderation."))
    return Message(title, idea_path, why)
