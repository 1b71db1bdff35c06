"""The report for the decision bodies (/berichte): for a chosen period, the way from idea to
project, where ideas come from, how people take part, how quickly the district answers, and the
supporters beside the Steuerungsgremium's choices; as a page (with a print stylesheet) and a PDF."""

from app.cache import declare
from app.models import ReportRequest

declare(not_cached={"reports.report": "staff only, a chosen period", "reports.report_pdf": "a download, built on request",
                    "reports.download": "a download for the one who asked for it"},
        private=(ReportRequest,))
