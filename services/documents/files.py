"""Uploaded files, kept on disk under their SHA-256 (content-addressed).

A name that is the checksum makes writes idempotent and lets a download prove its own
integrity. A file is written to a temporary name, flushed to disk and renamed into place,
so a crash never leaves a half-written file under a checksum's name. The database row
that points at a file is committed after the file is on disk; a failed request may leave
an unreferenced file behind, never a reference to a missing one. Replaced files are kept:
another document version may carry the same content.
"""
import hashlib
import os
import tempfile


class FileStore:
    def __init__(self, directory):
        self.directory = os.path.abspath(directory)

    def path(self, sha256):
        return os.path.join(self.directory, sha256)

    def put(self, content):
        """Store `content`; returns its SHA-256 hex digest."""
        sha256 = hashlib.sha256(content).hexdigest()
        destination = self.path(sha256)
        if os.path.exists(destination):
            return sha256
        os.makedirs(self.directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, destination)
        except BaseException:
            os.unlink(temporary)
            raise
        return sha256

    def read(self, sha256):
        """The stored bytes, or None when the file is not (or no longer) on disk."""
        try:
            with open(self.path(sha256), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None
