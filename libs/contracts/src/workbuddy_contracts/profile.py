"""The member's profile: who they are at work and what kind of buddy they look for.

One schema serves the API (validation and documentation), profiles (validation again) and the
`member.updated` event, so the three can never disagree.
"""

from datetime import UTC
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate

from . import sectors
from .values import ONE_LINE, WRITING, Distinct, Flag, Pattern, Trimmed, WholeNumber
from .vocabulary import (
    BIO_MAX,
    BONDS,
    BUDDY_CAPACITY_MAX,
    COMMITMENTS,
    DELIVERIES,
    DISPLAY_NAME_MAX,
    FITS,
    LANGUAGES,
    MEET_WITHIN_DEFAULT,
    MEET_WITHIN_MAX,
    MEET_WITHIN_MIN,
    SECTOR_PREFERENCES,
    SKILLS_MAX,
    SUPPORT,
    TRAITS,
)

_ZONES = frozenset(available_timezones())
_CLOCK = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="must be a time such as 22:30")


def _time_zone(value: str) -> None:
    if value not in _ZONES:
        raise ValidationError("must be an IANA time zone such as Europe/Paris or America/Montreal")


class _DateTime(fields.AwareDateTime):
    """Loads any offset as UTC to the millisecond (what the store keeps); dumps a datetime, or
    passes through one already written as ISO 8601 (as it arrives over RPC), so one schema
    serves both sides of the wire."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


def _one_of(choices, **metadata):
    return fields.String(validate=validate.OneOf(choices), **metadata)


class QuietHours(Schema):
    start = fields.String(required=True, validate=_CLOCK, metadata={"example": "21:00"})
    end = fields.String(required=True, validate=_CLOCK, metadata={"example": "08:00"})


class Availability(Schema):
    """In a change, only the keys given are changed (send null to clear one)."""

    focus_until = _DateTime(allow_none=True, metadata={
        "description": "Do not disturb until then (deep focus)."})
    quiet_hours = fields.Nested(QuietHours, allow_none=True, metadata={
        "description": "Every day, in the member's time zone; may wrap past midnight."})
    delivery = _one_of(DELIVERIES, metadata={
        "description": "Told at once, or gathered in a digest."})


class Profile(Schema):
    bio = Trimmed(allow_none=True, validate=[validate.Length(max=BIO_MAX), WRITING], metadata={
        "description": f"A few words about me, at most {BIO_MAX} characters (line breaks are "
                       "fine), shown to other members next to my name; null: none. Profiles "
                       "keeps it: it never travels in events."})
    sector = fields.String(allow_none=True, validate=validate.OneOf(sectors.CODES), metadata={
        "description": "A code from GET /v1/sectors."})
    skills = fields.List(Trimmed(validate=[validate.Length(min=1, max=40), ONE_LINE]),
                         validate=[validate.Length(max=SKILLS_MAX), Distinct()])
    city = Trimmed(allow_none=True, validate=[validate.Length(max=80), ONE_LINE])
    time_zone = fields.String(validate=_time_zone, metadata={"example": "Europe/Paris"})
    languages = fields.List(fields.String(validate=Pattern(
        r"^[a-z]{2}$", error="must be a two-letter ISO 639-1 code such as fr")),
        validate=[validate.Length(min=1, max=10), Distinct()],
        metadata={"description": "Languages spoken."})
    support = fields.List(fields.String(validate=validate.OneOf(SUPPORT)), validate=Distinct(),
                          metadata={"description": "What support the member looks for."})
    commitment = _one_of(COMMITMENTS, allow_none=True)
    sector_preference = _one_of(SECTOR_PREFERENCES)
    fit = _one_of(FITS, metadata={"description": "Similar characters, or complementary ones."})
    bond = _one_of(BONDS, metadata={"description": "Be stretched, or be well together."})
    traits = fields.Dict(keys=fields.String(validate=validate.OneOf(TRAITS)),
                         values=WholeNumber(validate=validate.Range(min=1, max=5)),
                         metadata={"description": "Self-assessed, from 1 to 5."})
    buddy_capacity = WholeNumber(validate=validate.Range(min=1, max=BUDDY_CAPACITY_MAX),
                                 metadata={"description": "How many buddies at most."})
    availability = fields.Nested(Availability)
    matching_paused_until = _DateTime(allow_none=True, metadata={
        "description": "A pause: no new buddy is proposed to or for the member until then "
                       "(their buddies stay); null: matching as usual."})
    open_to_projects = Flag(metadata={
        "description": "May be proposed as a partner for another member's project idea that "
                       "needs my skills."})
    meet_in_person = Flag(metadata={
        "description": "Would like to meet buddies in person: matching then proposes only "
                       "members within meet_within_km of the city (which must be one GET "
                       "/v1/cities knows)."})
    meet_within_km = WholeNumber(validate=validate.Range(min=MEET_WITHIN_MIN, max=MEET_WITHIN_MAX),
                                 metadata={"description": "How far, in km as the crow flies, a "
                                                          "buddy met in person may live."})
    offers_support = Flag(metadata={
        "description": "Willing to be a temporary support buddy for a member going through a "
                       "setback while their own buddies are away."})


# What profiles keeps to itself: the other services have no use for a member's own words.
PRIVATE = ("bio",)


def default_profile(language: str) -> dict:
    """What a member starts with: nothing answered yet, open to anyone."""
    return {
        "bio": None, "sector": None, "skills": [], "city": None,
        "time_zone": "Europe/Paris" if language == "fr" else "UTC",
        "languages": [language], "support": [], "commitment": None,
        "sector_preference": "any", "fit": "any", "bond": "any", "traits": {},
        "buddy_capacity": 2,
        "availability": {"focus_until": None, "quiet_hours": None, "delivery": "instant"},
        "offers_support": False, "matching_paused_until": None, "open_to_projects": False,
        "meet_in_person": False, "meet_within_km": MEET_WITHIN_DEFAULT,
    }


class ProfileChange(Profile):
    """PATCH /v1/me: any of the profile's answers, and the name and language."""

    display_name = Trimmed(validate=[validate.Length(min=1, max=DISPLAY_NAME_MAX), ONE_LINE])
    language = _one_of(LANGUAGES, metadata={"description": "Language of what the member reads."})
