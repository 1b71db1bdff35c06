"""DSGVO self-service: "Meine Daten" (download, Art. 15/20) and deleting an account (Art. 17).

inventory.py lists where the platform holds data about an account; export.py and deletion.py
follow that list; services.py runs the download requests (built by `flask worker`).
"""

from app.cache import declare
from app.models import DataExport

declare(private=(DataExport,))
