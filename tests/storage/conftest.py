"""The store the storage tests run against: a fresh database per test."""

import uuid

import pytest

from workbuddy_platform.store import client_for, is_embedded


@pytest.fixture(scope="session")
def client(mongo_uri):
    return client_for(mongo_uri)  # the product's own client: tz_aware, shared per URI


@pytest.fixture(scope="session")
def on_nx(client) -> bool:
    return is_embedded(client)


@pytest.fixture
def db(client, db_prefix):
    database = client[f"{db_prefix}storage_{uuid.uuid4().hex[:12]}"]
    yield database
    client.drop_database(database.name)


@pytest.fixture
def gap_on_nx(request, on_nx):
    """Mark the test as documenting an nx-27017 gap: expected to fail there, pass on MongoDB."""

    def mark(reason: str, raises: type[BaseException] = AssertionError):
        if on_nx:
            request.applymarker(pytest.mark.xfail(strict=True, raises=raises,
                                                  reason=f"nx-27017 gap: {reason}"))

    return mark
