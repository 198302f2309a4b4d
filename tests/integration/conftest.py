import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database_kind(request):
    """Every integration test runs on SQLite (the default) and on PostgreSQL (production):
    SQLite's single connection serialises everything, so only PostgreSQL shows races."""
    return request.param
