"""The documents service's configurable parts, as nameko extensions.

Each setting comes from the nameko config, else the environment, else its default:

    DOCUMENTS_FILE_DIR                where uploaded files are kept
                                      (default <COORD_VAR_DIR>/documents-files)
    DOCUMENTS_MAX_FILE_BYTES          largest accepted upload (default 20 MB)
    DOCUMENTS_LATE_CHECK_INTERVAL     seconds between checks for late documents (default 3600)
    DOCUMENTS_TODAY                   YYYY-MM-DD: fixes "today" for deadlines (tests, drills);
                                      by default today's date in UTC
"""
import os
from datetime import date, datetime, timezone

from nameko.extensions import DependencyProvider

from coord import settings
from coord.configured import setting
from services.documents.domain import DEFAULT_MAX_FILE_BYTES
from services.documents.files import FileStore


class Clock(DependencyProvider):
    """Today's date, the one deadlines are measured against."""

    def setup(self):
        fixed = setting(self.container.config, "DOCUMENTS_TODAY", None)
        self.fixed = date.fromisoformat(str(fixed)) if fixed else None

    def get_dependency(self, worker_ctx):
        return self

    def today(self):
        return self.fixed or datetime.now(timezone.utc).date()


class Files(DependencyProvider):
    """The file store, and the largest upload it accepts."""

    def setup(self):
        config = self.container.config
        self.store = FileStore(setting(
            config, "DOCUMENTS_FILE_DIR", os.path.join(settings.var_dir(), "documents-files")))
        self.max_bytes = int(setting(config, "DOCUMENTS_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))

    def get_dependency(self, worker_ctx):
        return self
