import pytest

from workbuddy_profiles.adapters.credentials import Passwords
from workbuddy_profiles.adapters.repository import create_indexes
from workbuddy_profiles.settings import AddressPolicy
from workbuddy_profiles.unit_of_work import ProfilesUnitOfWork
from workbuddy_profiles.use_cases import accounts

from ..support.fakes import unit_of_work

PASSWORD = "a long enough passphrase"
# Members signed up by most tests here are taken as verified (addresses: test_addresses.py).
TRUSTED = AddressPolicy(verification="trusted")


@pytest.fixture
def uow():
    return unit_of_work(ProfilesUnitOfWork, "profiles", indexes=create_indexes)


@pytest.fixture(scope="session")
def passwords():
    return Passwords()  # in place: a test has no thread pool to spare


@pytest.fixture
def sign_up(uow, passwords):
    """sign_up(name, policy=TRUSTED, **more) -> the member's view, as registration answers it."""

    def sign_up(name: str, policy: AddressPolicy = TRUSTED, **more) -> dict:
        request = {"email": f"{name.lower()}@example.org", "display_name": name,
                   "language": "en", "password": PASSWORD} | more
        return accounts.register(uow, passwords, request=request, policy=policy)["member"]

    return sign_up


@pytest.fixture
def become_buddies(uow):
    """become_buddies(a, b): matching told profiles the two became buddies now."""

    def make(a: dict, b: dict, buddyship_id: str = "b-1") -> None:
        uow.buddy_links.record({"buddyship_id": buddyship_id, "member_ids": [a["id"], b["id"]],
                                "started_at": uow.now()})

    return make
