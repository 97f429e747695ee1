"""Members: signing up, their answers (the profile), and what others may know of them.
Pure: no I/O here."""

import uuid
from collections.abc import Callable
from datetime import datetime

from workbuddy_contracts import places
from workbuddy_contracts.commands import SignUp, load_or_refuse
from workbuddy_contracts.demo import DEMO_DOMAIN, is_demo_address
from workbuddy_contracts.errors import Invalid
from workbuddy_contracts.profile import PRIVATE, Profile, ProfileChange, default_profile

from . import addresses


def normalise_email(email: str) -> str:
    # The domain part is case-insensitive by standard; the local part is in practice too.
    return email.strip().lower()


NO_DEMO_COMMUNITY = ("addresses at {domain} belong to the demo community, which this system "
                     "does not run: sign up with your own address")


def new_member(request: dict, now: datetime,
               member_id: Callable[[str], str] | None = None,
               verified: bool = False, demo_community: bool = False) -> tuple[dict, str]:
    """The member to store, and the password to hash (never stored as given).

    ``member_id`` derives the id from the normalised email (for an idempotent sign-up);
    ``verified``: the address counts as proven at once (ADDRESS_VERIFICATION=trusted);
    ``demo_community``: an address at the demo domain signs up a demo member, marked so that
    others are never misled (DEMO_COMMUNITY=on); otherwise it is refused. Refusing tells
    nothing of who has an account: it depends on the domain alone."""
    data = load_or_refuse(SignUp(), request)
    email = normalise_email(data["email"])
    demo = is_demo_address(email)
    if demo and not demo_community:
        raise Invalid(NO_DEMO_COMMUNITY, "email", domain=DEMO_DOMAIN)
    member = {
        "_id": member_id(email) if member_id else uuid.uuid4().hex,
        "email": email,
        "display_name": data["display_name"].strip(),
        "language": data["language"],
        "registered_at": now,
        "profile": default_profile(data["language"]),
        "revision": 1,
        "updated_at": now,
        "email_verified": verified,
        "demo": demo,
    }
    return member, data["password"]


def change_profile(member: dict, request: dict, now: datetime) -> dict | None:
    """The member after the change, or None when the request changes nothing.

    Lists and traits are replaced as a whole; availability changes key by key, so that
    turning focus mode on does not forget the quiet hours.
    """
    changes = load_or_refuse(ProfileChange(), request)
    if changes.get("bio") == "":
        changes["bio"] = None  # nothing said, however it is sent
    updated = {**member, "profile": dict(profile_of(member))}
    for key in ("display_name", "language"):
        if key in changes:
            updated[key] = changes.pop(key)
    if "availability" in changes:
        updated["profile"]["availability"] = {**updated["profile"]["availability"],
                                              **changes.pop("availability")}
    updated["profile"].update(changes)
    _refuse_unknown_city(updated["profile"])
    if updated == {**member, "profile": profile_of(member)}:
        return None
    return updated | {"revision": revision_of(member) + 1, "updated_at": now}


UNKNOWN_CITY = ("{city!r} is not a city we know; to meet buddies in person, pick your city among "
                "the suggestions, or the nearest town")
NO_CITY = "to meet buddies in person, give your city too, so that matching knows who lives near you"


def _refuse_unknown_city(profile: dict) -> None:
    """A member who wants to meet in person needs a city the gazetteer knows: matching measures
    distances from it. The city stays free text for the others (a village, "Lyon 7e", "on the
    road"), who need no distance: refusing their answers would gain nothing."""
    if not profile.get("meet_in_person"):
        return
    city = profile.get("city")
    if not city:
        raise Invalid(NO_CITY, "city")
    if places.resolve(city) is None:
        raise Invalid(UNKNOWN_CITY, "city", city=city)


def profile_of(member: dict) -> dict:
    # Members registered before an answer existed start from its default.
    return default_profile(member["language"]) | (member.get("profile") or {})


def revision_of(member: dict) -> int:
    return member.get("revision", 1)


def registered(member: dict, invited_by: str | None) -> tuple[str, dict]:
    """member.registered: who invited them, and where to write to them once the address is
    proven (null until then: member.address_verified carries it)."""
    verified = addresses.verified(member)
    return "member.registered", {
        "member_id": member["_id"], "email": member["email"] if verified else None,
        "email_verified": verified,
        "display_name": member["display_name"], "language": member["language"],
        "registered_at": member["registered_at"], "invited_by": invited_by}


def updated(member: dict) -> tuple[str, dict]:
    """member.updated: what other services may know (no email, no credentials)."""
    return "member.updated", {
        "member_id": member["_id"], "revision": member["revision"],
        "display_name": member["display_name"], "language": member["language"],
        "profile": {k: v for k, v in member["profile"].items() if k not in PRIVATE},
        "updated_at": member["updated_at"]}


def left(member_id: str, at: datetime) -> tuple[str, dict]:
    """member.left: every service forgets the member."""
    return "member.left", {"member_id": member_id, "left_at": at}


def public_view(doc: dict) -> dict:
    """What any member may see of another (never the email): their name, their own words, the
    languages they speak (to write to them in one), and whether the demo community plays
    them."""
    profile = profile_of(doc)
    return {"id": doc["_id"], "display_name": doc["display_name"], "bio": profile.get("bio"),
            "languages": list(profile.get("languages") or [doc["language"]]),
            "demo": bool(doc.get("demo"))}


def member_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "email": addresses.shown_email(doc),
        "email_verified": addresses.verified(doc),
        "display_name": doc["display_name"],
        "language": doc["language"],
        "registered_at": doc["registered_at"].isoformat(),
        "profile": Profile().dump(profile_of(doc)),
        "revision": revision_of(doc),
        "demo": bool(doc.get("demo")),
    }
