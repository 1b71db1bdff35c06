"""All models, imported here so Alembic and the app see one metadata."""

from app.models.base import Base, utcnow
from app.models.idea import Idea, IdeaClaim, IdeaImage, IdeaStateChange, idea_action_fields
from app.models.legal import BarrierReport, Consent, LegalText
from app.models.mail import OutgoingMail
from app.models.meeting import Meeting, MeetingSignup
from app.models.moderation import AuditEntry, Criterion, OfficialAnswer, Score
from app.models.notification import Announcement, Notification, NotificationEvent, NotificationSetting
from app.models.participation import Comment, Follow, ProjectFollow, Report, Support
from app.models.portfolio import BudgetLine, Counter, FundingCall, Milestone, Project, ProjectStatusChange, Trial
from app.models.privacy import DataExport
from app.models.reference import ActionField, Municipality, Raum
from app.models.report import ReportRequest
from app.models.site import ContentVersion, SiteText
from app.models.user import AuthSession, OfficerTown, PendingLogin, RecoveryCode, User, UserRole

__all__ = [
    "ActionField",
    "Announcement",
    "AuditEntry",
    "AuthSession",
    "BarrierReport",
    "Base",
    "BudgetLine",
    "Comment",
    "Consent",
    "Criterion",
    "ContentVersion",
    "Counter",
    "DataExport",
    "Follow",
    "FundingCall",
    "Idea",
    "IdeaClaim",
    "IdeaImage",
    "IdeaStateChange",
    "LegalText",
    "Meeting",
    "MeetingSignup",
    "Milestone",
    "Municipality",
    "Notification",
    "NotificationEvent",
    "NotificationSetting",
    "OfficerTown",
    "OfficialAnswer",
    "OutgoingMail",
    "PendingLogin",
    "Project",
    "ProjectFollow",
    "ProjectStatusChange",
    "Raum",
    "RecoveryCode",
    "Report",
    "ReportRequest",
    "Score",
    "SiteText",
    "Support",
    "Trial",
    "User",
    "UserRole",
    "idea_action_fields",
    "utcnow",
]
