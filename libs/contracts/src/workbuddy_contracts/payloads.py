"""Versioned payload schemas, one class per (event type, version).

A payload changes only by adding a new version; consumers keep accepting the versions they know.
"""

from marshmallow import Schema, fields, validate

from .profile import PRIVATE, Profile
from .vocabulary import (
    ASK_CLOSINGS,
    AWAY_REASONS,
    AWAY_REASONS_V1,
    CHECK_IN_KINDS,
    CHECK_IN_OUTCOMES,
    COMMITMENTS,
    DISPLAY_NAME_MAX,
    LANGUAGES,
    MESSAGE_TEXT_MAX,
    MOMENT_KINDS,
    MOMENT_NOTE_MAX,
    ORIGINS,
    REACTION_MESSAGE_MAX,
    REACTIONS,
    RHYTHMS,
    UNMATCHED_REASONS,
)

member_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class MemberRegisteredV1(Schema):
    member_id = member_id
    email = fields.Email(required=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=DISPLAY_NAME_MAX))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    registered_at = fields.AwareDateTime(required=True)


class MemberRegisteredV2(MemberRegisteredV1):
    """v2 adds who invited the member, so that matching proposes the two to each other first."""

    invited_by = fields.String(load_default=None, allow_none=True,
                               validate=validate.Length(min=1, max=64))


class MemberRegisteredV3(MemberRegisteredV2):
    """v3 says whether the member proved the address is theirs. Until they have, ``email`` is
    null: no service may write to an address nobody proved (the verification mail itself goes
    through address.verification_requested). Earlier versions: the address counts as verified."""

    email = fields.Email(required=True, allow_none=True)
    # Left out: verified, as every address was before v3 (profiles always says it).
    email_verified = fields.Boolean(load_default=True)


class MemberAddressVerifiedV1(Schema):
    """The member opened a link mailed to the address: from now on it may be written to, and
    matching may propose them to others."""

    member_id = member_id
    email = fields.Email(required=True)
    verified_at = fields.AwareDateTime(required=True)


# A one-time secret that goes in a link of a mail (a verification or a password reset): the
# outbox forgets the event once published (catalogue: secret=True), profiles keeps only its hash.
link_token = fields.String(required=True, validate=validate.Length(min=20, max=200))


class AccountMailV1(Schema):
    """Where and how to write to one member about their account, whatever they asked to be told:
    these mails are the account's own, not notifications."""

    member_id = member_id
    email = fields.Email(required=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=DISPLAY_NAME_MAX))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class AddressVerificationRequestedV1(AccountMailV1):
    """Mail the member a link proving the address is theirs (on sign-up, on a resend, or when
    someone signs up again with an address whose account is not verified yet)."""

    token = link_token
    expires_at = fields.AwareDateTime(required=True)


class AddressClaimAttemptedV1(AccountMailV1):
    """Someone signed up with the address of this member's account: they are told, and no
    second account got the address."""

    attempted_at = fields.AwareDateTime(required=True)


class PasswordResetRequestedV1(AccountMailV1):
    """Mail the member a single-use link to choose a new password."""

    token = link_token
    expires_at = fields.AwareDateTime(required=True)


class MemberUpdatedV1(Schema):
    """What other services may know of a member: never the email, never credentials, never
    the bio (profile.PRIVATE: profiles alone shows it)."""

    member_id = member_id
    revision = fields.Integer(required=True, strict=True, metadata={
        "description": "Grows with each change: a consumer ignores an older one."})
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=DISPLAY_NAME_MAX))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    profile = fields.Nested(Profile, required=True, exclude=PRIVATE)
    updated_at = fields.AwareDateTime(required=True)


class MemberLeftV1(Schema):
    """The member asked to be erased: every service forgets what it holds of them."""

    member_id = member_id
    left_at = fields.AwareDateTime(required=True)


class MemberBlockedV1(Schema):
    """From now on nothing goes between the two members, in either direction."""

    blocker_id = member_id
    blocked_id = member_id
    blocked_at = fields.AwareDateTime(required=True)


class BuddyshipProposedV1(Schema):
    buddyship_id = fields.String(required=True)
    proposer_id = member_id
    invitee_id = member_id
    proposed_at = fields.AwareDateTime(required=True)


class BuddyshipProposedV2(BuddyshipProposedV1):
    """v2 says who made the proposal and why: matching's own proposals (a round, a rematch, a
    support buddy) wait for both members to accept, and carry each member's reasons in their
    own language. v1 consumers read proposer_id/invitee_id as before."""

    origin = fields.String(load_default="member", validate=validate.OneOf(ORIGINS))
    awaiting = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                           load_default=None, metadata={
                               "description": "The members whose answer is awaited."})
    reasons = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                          load_default=dict, metadata={
                              "description": "Per member id: why, told to that member."})
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True)


class MemberUnmatchedV1(Schema):
    """A matching round found no buddy for the member: why, and when the next round is."""

    member_id = member_id
    round_id = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(UNMATCHED_REASONS))
    next_round_at = fields.AwareDateTime(load_default=None, allow_none=True)
    at = fields.AwareDateTime(required=True)


class _PairV1(Schema):
    buddyship_id = fields.String(required=True)
    member_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(equal=2),
    )


class BuddyshipStartedV1(_PairV1):
    started_at = fields.AwareDateTime(required=True)


class BuddyshipStartedV2(BuddyshipStartedV1):
    """v2 says how the buddyship came about: an "ask" buddyship (a helper said yes to an urgent
    ask) is told by ask.taken, not as a new buddy."""

    origin = fields.String(load_default="member", validate=validate.OneOf(ORIGINS))


class BuddyshipDeclinedV1(_PairV1):
    declined_at = fields.AwareDateTime(required=True)


class BuddyshipEndedV1(_PairV1):
    ended_at = fields.AwareDateTime(required=True)


class BuddyshipEndedV2(BuddyshipEndedV1):
    """v2 says whether it ended kindly, after a check-in: the other member reads a warm word
    and is proposed someone new; who ended it is never said."""

    kindly = fields.Boolean(load_default=False)


class BuddyshipExpiredV1(_PairV1):
    expired_at = fields.AwareDateTime(required=True)


class BuddyshipQuietV1(_PairV1):
    """One buddy has not reacted to any of the other's recent moments: the other is offered a
    rematch (they may end the buddyship, no fault, and a free slot is filled again)."""

    quiet_member_id = member_id
    unanswered = fields.Integer(required=True, metadata={"description": "Moments left unanswered."})
    at = fields.AwareDateTime(required=True)


class MomentLoggedV1(Schema):
    moment_id = fields.String(required=True)
    member_id = member_id
    kind = fields.String(required=True, validate=validate.OneOf(MOMENT_KINDS))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MOMENT_NOTE_MAX))
    logged_at = fields.AwareDateTime(required=True)


class MomentLoggedV2(MomentLoggedV1):
    """v2 adds whether the author let an urgent ask go to members who offered help when no
    buddy answers in time."""

    widen = fields.Boolean(load_default=False)


class MomentLoggedV3(MomentLoggedV2):
    """v3 adds whether a project idea looks for a partner beyond the buddies, and the skills
    it needs."""

    seeking_partner = fields.Boolean(load_default=False)
    skills_wanted = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                                load_default=list)


class MomentReactedV1(Schema):
    reaction_id = fields.String(required=True)
    moment_id = fields.String(required=True)
    author_id = member_id
    reactor_id = member_id
    kind = fields.String(required=True, validate=validate.OneOf(REACTIONS))
    message = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=REACTION_MESSAGE_MAX))
    reacted_at = fields.AwareDateTime(required=True)


class MessageSentV1(Schema):
    message_id = fields.String(required=True)
    buddyship_id = fields.String(required=True)
    author_id = member_id
    recipient_id = member_id
    text = fields.String(required=True, validate=validate.Length(max=MESSAGE_TEXT_MAX))
    moment_id = fields.String(load_default=None, allow_none=True)
    call_me_times = fields.List(fields.AwareDateTime(), load_default=list)
    sent_at = fields.AwareDateTime(required=True)


class ConversationReadV1(Schema):
    buddyship_id = fields.String(required=True)
    member_id = member_id
    up_to = fields.String(required=True)
    up_to_sent_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(required=True)


_helper_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list)


class AskWidenedV1(Schema):
    """No buddy answered an urgent ask in time: members who offered help and can be reached now
    are asked (none found: the ask is closed instead, see ask.closed)."""

    ask_id = fields.String(required=True, metadata={"description": "The ask moment's id."})
    asker_id = member_id
    helper_ids = _helper_ids
    kind = fields.String(required=True, validate=validate.OneOf(MOMENT_KINDS))
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=MOMENT_NOTE_MAX))
    # Per helper: their skills the ask's note mentions (why they were asked).
    skills = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         load_default=dict)
    widened_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)


class AskTakenV1(Schema):
    """A helper said yes first: the two have a conversation (buddyship ``buddyship_id``, origin
    "ask"); the other helpers are told it is taken."""

    ask_id = fields.String(required=True)
    asker_id = member_id
    helper_id = member_id
    buddyship_id = fields.String(required=True)
    others = _helper_ids
    taken_at = fields.AwareDateTime(required=True)


class AskClosedV1(Schema):
    """The ask goes to nobody more: why, and the helpers still asked (they may stop looking)."""

    ask_id = fields.String(required=True)
    asker_id = member_id
    reason = fields.String(required=True, validate=validate.OneOf(ASK_CLOSINGS))
    helper_ids = _helper_ids
    closed_at = fields.AwareDateTime(required=True)


class CheckInOpenedV1(_PairV1):
    """The trial is over, or a check-in is due: each buddy is asked privately how it goes."""

    check_in_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CHECK_IN_KINDS))
    opened_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)


class _ModeV1(Schema):
    commitment = fields.String(required=True, validate=validate.OneOf(COMMITMENTS))
    # Null in a buddyship's starting mode (the commitment both asked for, no rhythm yet); a
    # mode proposed always has one.
    rhythm = fields.String(required=True, allow_none=True, validate=validate.OneOf(RHYTHMS))


class CheckInModeProposedV1(_PairV1):
    """One buddy proposes another way of working together; the other accepts it or keeps the
    current one."""

    check_in_id = fields.String(required=True)
    proposer_id = member_id
    mode = fields.Nested(_ModeV1, required=True)
    at = fields.AwareDateTime(required=True)


class CheckInClosedV1(_PairV1):
    check_in_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(CHECK_IN_OUTCOMES))
    mode = fields.Nested(_ModeV1, load_default=None, allow_none=True, metadata={
        "description": "The mode the two now share (null: none agreed yet)."})
    mode_changed = fields.Boolean(load_default=False)
    next_check_in_at = fields.AwareDateTime(load_default=None, allow_none=True)
    at = fields.AwareDateTime(required=True)


class SupportUnavailableV1(Schema):
    """After a setback or an urgent ask, nobody can be reached now: none of the member's
    buddies (why, and when the first is back), and for a setback no member offering support
    either (when matching looks again). The member is told so, honestly."""

    moment_id = fields.String(required=True)
    member_id = member_id
    kind = fields.String(required=True, validate=validate.OneOf(MOMENT_KINDS))
    buddies = fields.Integer(required=True, metadata={"description": "Active buddies."})
    away = fields.Dict(keys=fields.String(validate=validate.OneOf(AWAY_REASONS_V1)),
                       values=fields.Integer(), load_default=dict)
    reachable_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "When the first buddy can be reached (null: none soon)."})
    retry_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "When matching looks for a support buddy again (null: it does not)."})
    at = fields.AwareDateTime(required=True)


class SupportUnavailableV2(SupportUnavailableV1):
    """v2 counts a buddy who reads their news in a daily digest as away (``digest``: they would
    read it hours later), and says when that digest leaves on their clock. v1 consumers read
    the rest as before."""

    away = fields.Dict(keys=fields.String(validate=validate.OneOf(AWAY_REASONS)),
                       values=fields.Integer(), load_default=dict)
    digest_at = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^([01][0-9]|2[0-3]):[0-5][0-9]$"), metadata={
        "description": "When buddies on a daily digest read it (HH:MM on their own clock; "
                       "null: no buddy is away for a digest)."})
