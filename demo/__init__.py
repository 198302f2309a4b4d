"""`make demo`: stories played against a running system through the Python client."""
