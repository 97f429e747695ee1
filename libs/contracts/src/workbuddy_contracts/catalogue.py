"""Which service emits each event, which versions exist, and who listens.

The subscriptions here are the broker topology: every service declares all of them before it
publishes, so an event is queued for a consumer that has not started yet instead of being dropped.
A test checks that each service's handlers match this list exactly.
"""

from dataclasses import dataclass

from marshmallow import Schema

from . import payloads as p


@dataclass(frozen=True)
class EventType:
    name: str
    producer: str
    versions: dict[int, type[Schema]]
    # Carries a one-time secret (a link token): the outbox deletes it once published rather
    # than keeping a copy for replay.
    secret: bool = False

    @property
    def latest(self) -> int:
        return max(self.versions)


@dataclass(frozen=True)
class Subscription:
    event: str
    consumer: str
    handler: str

    @property
    def producer(self) -> str:
        return EVENT_TYPES[self.event].producer

    @property
    def queue(self) -> str:
        # nameko's own naming for a service-pool event handler queue; must stay identical.
        return f"evt-{self.producer}-{self.event}--{self.consumer}.{self.handler}"


EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType("member.registered", "profiles", {1: p.MemberRegisteredV1,
                                                    2: p.MemberRegisteredV2,
                                                    3: p.MemberRegisteredV3}),
        EventType("member.address_verified", "profiles", {1: p.MemberAddressVerifiedV1}),
        EventType("address.verification_requested", "profiles",
                  {1: p.AddressVerificationRequestedV1}, secret=True),
        EventType("address.claim_attempted", "profiles", {1: p.AddressClaimAttemptedV1}),
        EventType("password.reset_requested", "profiles", {1: p.PasswordResetRequestedV1},
                  secret=True),
        EventType("member.updated", "profiles", {1: p.MemberUpdatedV1}),
        EventType("member.left", "profiles", {1: p.MemberLeftV1}),
        EventType("moment.logged", "profiles", {1: p.MomentLoggedV1, 2: p.MomentLoggedV2,
                                                3: p.MomentLoggedV3}),
        EventType("moment.reacted", "profiles", {1: p.MomentReactedV1}),
        EventType("message.sent", "profiles", {1: p.MessageSentV1}),
        EventType("conversation.read", "profiles", {1: p.ConversationReadV1}),
        EventType("member.blocked", "matching", {1: p.MemberBlockedV1}),
        EventType("buddyship.proposed", "matching", {1: p.BuddyshipProposedV1,
                                                     2: p.BuddyshipProposedV2}),
        EventType("buddyship.started", "matching", {1: p.BuddyshipStartedV1,
                                                    2: p.BuddyshipStartedV2}),
        EventType("buddyship.declined", "matching", {1: p.BuddyshipDeclinedV1}),
        EventType("buddyship.ended", "matching", {1: p.BuddyshipEndedV1, 2: p.BuddyshipEndedV2}),
        EventType("buddyship.expired", "matching", {1: p.BuddyshipExpiredV1}),
        EventType("member.unmatched", "matching", {1: p.MemberUnmatchedV1}),
        EventType("buddyship.quiet", "matching", {1: p.BuddyshipQuietV1}),
        EventType("ask.widened", "matching", {1: p.AskWidenedV1}),
        EventType("ask.taken", "matching", {1: p.AskTakenV1}),
        EventType("ask.closed", "matching", {1: p.AskClosedV1}),
        EventType("support.unavailable", "matching", {1: p.SupportUnavailableV1,
                                                      2: p.SupportUnavailableV2}),
        EventType("check_in.opened", "matching", {1: p.CheckInOpenedV1}),
        EventType("check_in.mode_proposed", "matching", {1: p.CheckInModeProposedV1}),
        EventType("check_in.closed", "matching", {1: p.CheckInClosedV1}),
    )
}

SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription("member.registered", "matching", "on_member_registered"),
    Subscription("member.registered", "notifications", "on_member_registered"),
    # Until the address is verified, no mail goes to it and matching proposes the member to nobody.
    Subscription("member.address_verified", "matching", "on_member_address_verified"),
    Subscription("member.address_verified", "notifications", "on_member_address_verified"),
    # The account's own mails: a link to verify the address, a warning, a password reset.
    Subscription("address.verification_requested", "notifications", "on_verification_requested"),
    Subscription("address.claim_attempted", "notifications", "on_claim_attempted"),
    Subscription("password.reset_requested", "notifications", "on_password_reset_requested"),
    Subscription("member.updated", "matching", "on_member_updated"),
    Subscription("member.updated", "notifications", "on_member_updated"),
    Subscription("member.left", "profiles", "on_member_left"),
    Subscription("member.left", "matching", "on_member_left"),
    Subscription("member.left", "notifications", "on_member_left"),
    Subscription("member.blocked", "profiles", "on_member_blocked"),
    Subscription("member.blocked", "notifications", "on_member_blocked"),
    Subscription("buddyship.started", "profiles", "on_buddyship_started"),
    Subscription("buddyship.ended", "profiles", "on_buddyship_ended"),
    Subscription("buddyship.started", "notifications", "on_buddyship_started"),
    Subscription("buddyship.ended", "notifications", "on_buddyship_ended"),
    Subscription("moment.logged", "notifications", "on_moment_logged"),
    # Every notification is kept for the app's list, whether or not a mail goes too.
    Subscription("moment.reacted", "notifications", "on_moment_reacted"),
    Subscription("buddyship.proposed", "notifications", "on_buddyship_proposed"),
    Subscription("member.unmatched", "notifications", "on_member_unmatched"),
    Subscription("buddyship.quiet", "notifications", "on_buddyship_quiet"),
    # A message rings the recipient's open apps at once; a mail or push only if it stays unread.
    Subscription("message.sent", "notifications", "on_message_sent"),
    Subscription("conversation.read", "notifications", "on_conversation_read"),
    # matching learns from moments: setbacks call for a support buddy, wins top up, reactions
    # tell who shows up for their buddies; and a slot that frees up is filled again.
    Subscription("moment.logged", "matching", "on_moment_logged"),
    Subscription("moment.reacted", "matching", "on_moment_reacted"),
    Subscription("buddyship.ended", "matching", "on_buddyship_ended"),
    Subscription("buddyship.declined", "matching", "on_buddyship_declined"),
    Subscription("buddyship.expired", "matching", "on_buddyship_expired"),
    # An urgent ask is answered by a buddy's message or reaction; otherwise it goes wider.
    Subscription("message.sent", "matching", "on_message_sent"),
    Subscription("ask.widened", "notifications", "on_ask_widened"),
    Subscription("ask.taken", "notifications", "on_ask_taken"),
    Subscription("ask.closed", "notifications", "on_ask_closed"),
    # Nobody reachable after a setback or an ask: the member is told so, and what comes next.
    Subscription("support.unavailable", "notifications", "on_support_unavailable"),
    # A check-in asks each buddy privately; a mode proposed waits for the other's answer.
    Subscription("check_in.opened", "notifications", "on_check_in_opened"),
    Subscription("check_in.mode_proposed", "notifications", "on_check_in_mode_proposed"),
    Subscription("check_in.closed", "notifications", "on_check_in_closed"),
)


# Payload fields that name a member: what an event is about, so that it can be forgotten.
MEMBER_FIELDS = ("member_id", "proposer_id", "invitee_id", "author_id", "reactor_id",
                 "invited_by", "blocker_id", "blocked_id", "recipient_id", "asker_id",
                 "helper_id")
MEMBER_LISTS = ("member_ids", "helper_ids", "others")


def subjects_of(payload: dict) -> list[str]:
    named = [payload.get(f) for f in MEMBER_FIELDS] + [
        m for lst in MEMBER_LISTS for m in (payload.get(lst) or [])]
    return sorted({m for m in named if isinstance(m, str)})


def subscriptions_of(consumer: str) -> tuple[Subscription, ...]:
    return tuple(s for s in SUBSCRIPTIONS if s.consumer == consumer)


def carries_secret(event: str) -> bool:
    kind = EVENT_TYPES.get(event)
    return bool(kind and kind.secret)


def has_subscribers(event: str) -> bool:
    return any(s.event == event for s in SUBSCRIPTIONS)
