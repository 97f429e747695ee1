"""What the API answers. Request bodies are the contracts' command schemas."""

from marshmallow import Schema, fields, validate

from workbuddy_contracts import places
from workbuddy_contracts.profile import Profile
from workbuddy_contracts.values import Pattern
from workbuddy_contracts.vocabulary import (
    ASK_ANSWERS,
    ASK_CLOSINGS,
    ASK_STATES,
    CHECK_IN_ANSWERS,
    CHECK_IN_KINDS,
    CHECK_IN_OUTCOMES,
    COMMITMENTS,
    LANGUAGES,
    MODE_ANSWERS,
    MOMENT_KINDS,
    NOTIFICATION_KINDS,
    ORIGINS,
    REACTIONS,
    RHYTHMS,
    UNMATCHED_REASONS,
    BuddyshipState,
)
from workbuddy_platform import pages


class Member(Schema):
    id = fields.String(required=True)
    email = fields.Email(required=True)
    email_verified = fields.Boolean(required=True, metadata={
        "description": "Whether I opened the link mailed to my address. Until then nothing "
                       "else is mailed to it, matching proposes me to nobody, and signing in "
                       "again is refused; POST /v1/me/address/verification mails a new link."})
    display_name = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    registered_at = fields.String(required=True, metadata={"format": "date-time"})
    profile = fields.Nested(Profile, required=True)
    revision = fields.Integer(required=True, metadata={
        "description": "Grows with each change; the ETag of GET /v1/me names it."})


class PublicMember(Schema):
    """What any member may see of another: never their email."""

    id = fields.String(required=True)
    display_name = fields.String(required=True)
    bio = fields.String(required=True, allow_none=True, metadata={
        "description": "A few words the member wrote about themselves; null: none."})
    languages = fields.List(fields.String(), required=True, metadata={
        "description": "The languages they speak (ISO 639-1), to write to them in one; the "
                       "language they read the app in when they gave none."})
    demo = fields.Boolean(required=True, metadata={
        "description": "Played by the demo community (an address at demo.workbuddy.test), not "
                       "a person looking for a buddy: an app says so wherever it shows them."})


class SignedIn(Schema):
    member = fields.Nested(Member, required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    access_token = fields.String(required=True, metadata={
        "description": "Send as 'Authorization: Bearer <access_token>'."})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds."})
    refresh_token = fields.String(required=True, metadata={
        "description": "Trade it at /v1/auth/refresh before the session ends (30 days); "
                       "each one works once."})


class Refresh(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class BuddyshipMode(Schema):
    commitment = fields.String(required=True, allow_none=True,
                               validate=validate.OneOf(COMMITMENTS))
    rhythm = fields.String(required=True, allow_none=True, validate=validate.OneOf(RHYTHMS),
                           metadata={"description": "How often the two mean to catch up; null "
                                                    "until they agree on one."})


class Buddyship(Schema):
    id = fields.String(required=True)
    proposer_id = fields.String(required=True)
    invitee_id = fields.String(required=True)
    state = fields.String(required=True,
                          validate=validate.OneOf([s.value for s in BuddyshipState]))
    origin = fields.String(required=True, validate=validate.OneOf(ORIGINS), metadata={
        "description": "Who proposed it: a member, an invitation, or matching (a round, a "
                       "rematch, a support buddy after a setback). Matching's proposals start "
                       "only once both members accept."})
    awaiting = fields.List(fields.String(), required=True, metadata={
        "description": "Members whose answer the proposal still waits for."})
    reasons = fields.List(fields.String(), required=True, metadata={
        "description": "Why matching proposed this buddy, told to me, in my language."})
    proposed_at = fields.String(required=True, metadata={"format": "date-time"})
    expires_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "A proposal lapses then if not answered."})
    started_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    ends_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "A support buddy's last day."})
    mode = fields.Nested(BuddyshipMode, allow_none=True, metadata={
        "description": "How the two work together: the commitment both asked for when it was the "
                       "same, then what they agree on at a check-in; null until then."})
    trial_ends_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "The trial's end, and its first check-in (a "
                                              "buddyship for good; null for a support buddy)."})
    confirmed_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When both said keep going at a check-in."})
    next_check_in_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When we next ask each of us how it goes; null "
                                              "while a check-in is open or when it has ended."})
    check_in_id = fields.String(allow_none=True, metadata={
        "description": "The check-in open now, if any: answer it at "
                       "POST /v1/me/check-ins/{check_in_id}."})


class LeftOut(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(UNMATCHED_REASONS))
    explanation = fields.String(required=True, metadata={"description": "In my language."})
    at = fields.String(required=True, metadata={"format": "date-time"})


class MatchingStatus(Schema):
    answered = fields.Boolean(required=True, metadata={
        "description": "Matching proposes buddies once the profile questions are answered."})
    open_slots = fields.Integer(required=True, metadata={
        "description": "Buddies I still want (capacity less proposed and active buddyships)."})
    left_out = fields.Nested(LeftOut, allow_none=True, required=True, metadata={
        "description": "Why the last round found nobody for me; null if it did."})
    last_round_at = fields.String(allow_none=True, required=True, metadata={"format": "date-time"})
    next_round_at = fields.String(allow_none=True, required=True, metadata={
        "format": "date-time", "description": "Null when rounds run only on an operator's call."})
    paused_until = fields.String(allow_none=True, required=True, metadata={
        "format": "date-time", "description": "While I pause matching (matching_paused_until in "
                                              "my profile): no new buddy until then; else null."})


class HealthSide(Schema):
    member_id = fields.String(required=True)
    moments_seen = fields.Integer(required=True, metadata={
        "description": "The other's moments (older than two days) in the last 30 days."})
    reacted = fields.Integer(required=True)
    median_reaction_minutes = fields.Integer(allow_none=True, required=True)


class BuddyshipHealth(Schema):
    reciprocity = fields.Float(allow_none=True, required=True, metadata={
        "description": "1 when both show up as much as each other, 0 when one carries it."})
    sides = fields.List(fields.Nested(HealthSide), required=True)
    ratings = fields.List(fields.Integer(), required=True)
    quiet_member_id = fields.String(allow_none=True, required=True, metadata={
        "description": "A buddy who reacted to none of several recent moments of the other."})
    waiting_since = fields.String(allow_none=True, required=True, metadata={
        "format": "date-time", "description": "When I chose to keep waiting for my quiet buddy."})


class QuietChoiceResult(Schema):
    buddyship = fields.Nested(Buddyship, required=True)
    proposed = fields.List(fields.Nested(Buddyship), required=True, metadata={
        "description": "Proposals made to me at once, when I chose someone new."})


class ModeProposed(Schema):
    by_me = fields.Boolean(required=True)
    commitment = fields.String(required=True, validate=validate.OneOf(COMMITMENTS))
    rhythm = fields.String(required=True, validate=validate.OneOf(RHYTHMS))
    answer = fields.String(required=True, allow_none=True, validate=validate.OneOf(MODE_ANSWERS),
                           metadata={"description": "The other's answer; null while it waits."})


class CheckIn(Schema):
    id = fields.String(required=True)
    buddyship_id = fields.String(required=True)
    buddy_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CHECK_IN_KINDS), metadata={
        "description": "trial: at the end of the trial; regular: every so often after it."})
    state = fields.String(required=True, validate=validate.OneOf(["open", "closed"]))
    outcome = fields.String(required=True, allow_none=True,
                            validate=validate.OneOf(CHECK_IN_OUTCOMES), metadata={
        "description": "confirmed: both keep going; ended: it ended (who ended it is not told); "
                       "lapsed: it closed unanswered and the buddyship goes on as it was."})
    opened_at = fields.String(required=True, metadata={"format": "date-time"})
    closes_at = fields.String(required=True, metadata={
        "format": "date-time", "description": "Unanswered then, it closes by itself."})
    closed_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    my_answer = fields.String(required=True, allow_none=True,
                              validate=validate.OneOf(CHECK_IN_ANSWERS + MODE_ANSWERS), metadata={
        "description": "Mine only: my buddy's answer is never shown."})
    answers_allowed = fields.List(fields.String(validate=validate.OneOf(
        CHECK_IN_ANSWERS + MODE_ANSWERS)), required=True, metadata={
        "description": "What I may answer now (accept_mode and keep_mode when my buddy proposed "
                       "a mode); empty once closed."})
    mode = fields.Nested(BuddyshipMode, required=True, allow_none=True, metadata={
        "description": "Our mode now."})
    mode_proposed = fields.Nested(ModeProposed, required=True, allow_none=True)


class CheckInList(Schema):
    items = fields.List(fields.Nested(CheckIn), required=True)
    next = fields.String(required=True, allow_none=True, metadata={
        "description": "Always null: open check-ins and the latest closed come in one page."})


class CheckInAnswered(Schema):
    check_in = fields.Nested(CheckIn, required=True)
    buddyship = fields.Nested(Buddyship, required=True)
    proposed = fields.List(fields.Nested(Buddyship), required=True, metadata={
        "description": "Proposals made to me at once, when I ended it kindly."})


class Moment(Schema):
    id = fields.String(required=True)
    member_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MOMENT_KINDS))
    note = fields.String(allow_none=True)
    widen = fields.Boolean(required=True, metadata={
        "description": "An urgent ask its author let go to members who offered help."})
    seeking_partner = fields.Boolean(required=True, metadata={
        "description": "A project idea looking for a partner beyond the buddies."})
    skills_wanted = fields.List(fields.String(), required=True)
    logged_at = fields.String(required=True, metadata={"format": "date-time"})


class Reaction(Schema):
    id = fields.String(required=True)
    moment_id = fields.String(required=True)
    reactor_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REACTIONS))
    message = fields.String(allow_none=True)
    reacted_at = fields.String(required=True, metadata={"format": "date-time"})


class Invitation(Schema):
    code = fields.String(required=True, metadata={"example": "K3Q7Z-X9MPA"})
    link = fields.String(required=True, metadata={
        "description": "A link to share: it opens sign-up with the code filled in."})
    state = fields.String(required=True, validate=validate.OneOf(["open", "used", "expired"]))
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    expires_at = fields.String(required=True, metadata={"format": "date-time"})
    used_by = fields.String(allow_none=True, metadata={"description": "The member who joined."})


class Export(Schema):
    exported_at = fields.String(required=True, metadata={"format": "date-time"})
    member_id = fields.String(required=True)
    profiles = fields.Dict(required=True, metadata={
        "description": "Account, profile, moments, reactions given and received, invitations."})
    matching = fields.Dict(required=True, metadata={"description": "Buddyships, pool entry."})
    notifications = fields.Dict(required=True, metadata={
        "description": "Where and how the member is told, and what was sent to them."})


class Suggestion(Schema):
    member_id = fields.String(required=True)
    display_name = fields.String(required=True)
    score = fields.Float(required=True, metadata={
        "description": "Mutual compatibility, 0 to 1: both members' wishes count."})
    reasons = fields.List(fields.String(), required=True, metadata={
        "description": "Why to meet, in the member's language, most important first."})


class SuggestionsQuery(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class Notification(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_KINDS), metadata={
        "description": "moment, reaction, buddyship_proposed, buddyship_started, "
                       "buddyship_ended, unmatched (a round found nobody) or buddy_quiet."})
    subject_id = fields.String(allow_none=True, required=True, metadata={
        "description": "The other member it is about, if any."})
    text = fields.String(required=True, metadata={"description": "What happened, in my language."})
    data = fields.Dict(required=True, metadata={
        "description": "Ids to act on (moment_id, buddyship_id), reasons, and the like."})
    at = fields.String(required=True, metadata={"format": "date-time"})
    read_at = fields.String(allow_none=True, required=True, metadata={"format": "date-time"})


def cursor() -> fields.String:
    return fields.String(
        validate=[validate.Length(max=pages.CURSOR_MAX),
                  Pattern(pages.CURSOR_FORMAT, error=pages.NOT_A_CURSOR)],
        metadata={"description": "The `next` of the previous page; omit it for the first page.",
                  "example": "01733526000000:8cdeae167dd6423d90d3daff5cc0c8ce"})


class NotificationsQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = cursor()
    unread = fields.Boolean(load_default=False, metadata={"description": "Only the unread ones."})


class PageQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = cursor()


def page_of(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "next": fields.String(required=True, allow_none=True, validate=Pattern(
            pages.CURSOR_FORMAT), metadata={
            "description": "Pass as `cursor` for the following page; null on the last one."}),
    }, name=name)


class ServiceHealth(Schema):
    service = fields.String()
    status = fields.String()
    store = fields.String(allow_none=True)


class Liveness(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class GatewayReadiness(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    broker = fields.String(required=True, metadata={"example": "ok"})


class Readiness(Schema):
    status = fields.String(required=True)
    services = fields.List(fields.Nested(ServiceHealth), required=True)


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    correlation_id = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Messages per field at fault."})


class Labels(Schema):
    fr = fields.String(required=True)
    en = fields.String(required=True)


class Sector(Schema):
    code = fields.String(required=True, metadata={"example": "ux_design"})
    family = fields.String(required=True)
    labels = fields.Nested(Labels, required=True)
    adjacent = fields.List(fields.String(), required=True, metadata={
        "description": "Codes of the neighbouring trades."})


class Family(Schema):
    code = fields.String(required=True)
    labels = fields.Nested(Labels, required=True)


class Sectors(Schema):
    families = fields.List(fields.Nested(Family), required=True)
    sectors = fields.List(fields.Nested(Sector), required=True)


class CitiesQuery(Schema):
    q = fields.String(required=True, validate=validate.Length(
        min=2, max=80, error="must be the first letters of a city, {min} to {max} characters"),
        metadata={"description": "What the member typed so far, e.g. Ly; case and accents do not "
                                 "matter."})
    limit = fields.Integer(load_default=8, validate=validate.Range(min=1, max=places.SUGGESTIONS_MAX))


class City(Schema):
    name = fields.String(required=True, metadata={"example": "Geneva"})
    country = fields.String(required=True, metadata={
        "description": "ISO 3166-1 alpha-2 code.", "example": "CH"})
    name_fr = fields.String(required=True, allow_none=True, metadata={
        "description": "The French name where it differs from name; null otherwise.",
        "example": "Genève"})
    population = fields.Integer(required=True, metadata={"example": 201741})


class CallMeTimes(Schema):
    times = fields.List(fields.String(metadata={"format": "date-time"}), required=True, metadata={
        "description": "The times proposed, on the reader's own clock (their profile's time zone)."})
    time_zone = fields.String(required=True, metadata={"example": "Europe/Paris"})


class Message(Schema):
    id = fields.String(required=True)
    buddyship_id = fields.String(required=True)
    author_id = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "Empty for a bare \"call me?\"."})
    moment_id = fields.String(required=True, allow_none=True, metadata={
        "description": "The moment of either buddy this message answers."})
    call_me = fields.Nested(CallMeTimes, required=True, allow_none=True)
    sent_at = fields.String(required=True, metadata={"format": "date-time"})


class Conversation(Schema):
    buddyship_id = fields.String(required=True)
    buddy_id = fields.String(required=True)
    buddy_name = fields.String(required=True, allow_none=True)
    open = fields.Boolean(required=True, metadata={
        "description": "False once the buddyship ended: still readable, no new message."})
    started_at = fields.String(required=True, metadata={"format": "date-time"})
    ended_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    last_message = fields.Nested(Message, required=True, allow_none=True)
    unread = fields.Integer(required=True, metadata={
        "description": "My buddy's messages after the last one I read."})
    last_activity_at = fields.String(required=True, metadata={"format": "date-time"})


class ReadState(Schema):
    buddyship_id = fields.String(required=True)
    read_up_to = fields.String(required=True)
    unread = fields.Integer(required=True)


MomentPage = page_of(Moment, "MomentPage")
MessagePage = page_of(Message, "MessagePage")
ConversationList = page_of(Conversation, "ConversationList")
BuddyshipPage = page_of(Buddyship, "BuddyshipPage")
ReactionPage = page_of(Reaction, "ReactionPage")
InvitationPage = page_of(Invitation, "InvitationPage")
NotificationPage = page_of(Notification, "NotificationPage")
SuggestionPage = page_of(Suggestion, "SuggestionPage")


def problem_doc(description: str) -> dict:
    """alt_response arguments for a refusal: a problem document."""
    return {"description": description, "schema": Problem,
            "content_type": "application/problem+json"}


def too_many(what: str) -> dict:
    """alt_response arguments for a rate limit's 429, with its Retry-After header."""
    return problem_doc(f"Too many {what}; see Retry-After.") | {"headers": {"Retry-After": {
        "description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}}


class AskMember(Schema):
    id = fields.String(required=True)
    display_name = fields.String(required=True, allow_none=True)


class Ask(Schema):
    """An urgent ask, as the member who asked sees it (``role: asker``) or as a helper asked to
    answer it sees it (``role: helper``)."""

    id = fields.String(required=True, metadata={"description": "The ask moment's id."})
    role = fields.String(required=True, validate=validate.OneOf(("asker", "helper")))
    kind = fields.String(required=True, validate=validate.OneOf(MOMENT_KINDS))
    note = fields.String(required=True, allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf(ASK_STATES), metadata={
        "description": "waiting for a buddy; answered by one; widened: out with helpers; "
                       "taken by a helper; closed (see closed_reason)."})
    asker = fields.Nested(AskMember, required=True)
    logged_at = fields.String(required=True, metadata={"format": "date-time"})
    closes_at = fields.String(required=True, allow_none=True, metadata={
        "format": "date-time", "description": "Until when helpers may take it."})
    closed_reason = fields.String(required=True, allow_none=True,
                                  validate=validate.OneOf(ASK_CLOSINGS))
    buddyship_id = fields.String(required=True, allow_none=True, metadata={
        "description": "The conversation with the helper who took it (asker, and that helper)."})
    # The asker's view
    widen_at = fields.String(metadata={"format": "date-time", "description":
                                       "When it goes to helpers if no buddy has answered."})
    widened_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    helpers_asked = fields.Integer()
    helpers_declined = fields.Integer()
    taken_by = fields.Nested(AskMember, allow_none=True)
    # A helper's view
    my_answer = fields.String(allow_none=True, validate=validate.OneOf(ASK_ANSWERS))
    skills = fields.List(fields.String(), metadata={
        "description": "My skills the ask's note mentions: why I was asked."})
    taken = fields.Boolean(metadata={"description": "Another helper said yes first."})


class AskList(Schema):
    items = fields.List(fields.Nested(Ask), required=True)
    next = fields.String(required=True, allow_none=True, metadata={
        "description": "Always null: the latest asks come in one page."})
