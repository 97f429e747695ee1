"""The product's vocabulary, as values that travel between services."""

from enum import StrEnum

LANGUAGES = ("fr", "en")


class Tone(StrEnum):
    """How buddies should be told about a moment."""

    CELEBRATION = "celebration"
    SUPPORT = "support"
    ADVICE = "advice"


WINS = ("client_won", "first_client", "tender_won", "project_delivered", "milestone")
SETBACKS = ("client_lost", "tender_lost", "payment_late", "rough_day")
ASKS = ("urgent_advice", "client_question", "project_idea")
MOMENT_KINDS = WINS + SETBACKS + ASKS

MOMENT_NOTE_MAX = 500
REACTIONS = ("cheer", "support")  # a 🍾 for a win, a hand on the shoulder for a setback
REACTION_MESSAGE_MAX = 280
# A message between two buddies (their conversation), and the times a "call me?" proposes.
MESSAGE_TEXT_MAX = 2000
CALL_ME_TIMES_MAX = 3
DISPLAY_NAME_MAX = 80
# A member's few words about themselves, shown to other members next to their name.
BIO_MAX = 280
PASSWORD_MIN = 10
# What stands for a member who left, where others' records must keep a place for them.
FORMER_MEMBER = "former-member"
PASSWORD_MAX = 256


def tone_of(kind: str) -> Tone:
    if kind in WINS:
        return Tone.CELEBRATION
    if kind in SETBACKS:
        return Tone.SUPPORT
    if kind in ASKS:
        return Tone.ADVICE
    raise ValueError(f"unknown moment kind {kind!r}; expected one of {', '.join(MOMENT_KINDS)}")


# Who proposed a buddyship: a member (to another, or through an invitation), or matching
# itself (a round, a rematch when a slot opens, a support buddy after a setback). Matching's own
# proposals wait for both members to accept; a "project" proposal answers a member's project idea
# with someone whose skills it needs.
ORIGINS = ("member", "invitation", "round", "rematch", "support", "ask", "project")
BY_MATCHING = ("round", "rematch", "support", "project")
# A project idea may look for a partner beyond the buddies: at most this many skills wanted.
SKILLS_WANTED_MAX = 10
# What an in-app notification is about.
NOTIFICATION_KINDS = ("moment", "reaction", "buddyship_proposed", "buddyship_started",
                      "buddyship_ended", "unmatched", "buddy_quiet", "message",
                      "ask_help", "ask_update", "nobody_reachable", "check_in")
# An urgent ask nobody answered in time goes to members who offered help, if its author allowed
# it when asking (``widen``); a helper answers yes or no, and the first yes opens a conversation.
WIDENED_ASKS = ("urgent_advice",)
ASK_ANSWERS = ("yes", "no")
# What becomes of an urgent ask: waiting for a buddy, answered by one, out with helpers, taken
# by a helper, or closed (nobody could take it, or another ask of the member was already out).
ASK_STATES = ("waiting", "answered", "widened", "taken", "closed")
ASK_CLOSINGS = ("nobody_reachable", "nobody_said_yes", "another_ask_open")
# What a member may turn on or off, per channel: a buddy's win, setback or call for advice, a
# reaction to their moment, news of their buddyships, a buddy's message left unread.
PREFERENCE_KINDS = ("win", "setback", "ask", "reaction", "buddyship", "message")
CHANNELS = ("email", "push")
# Why a member reports another (a report blocks them as well).
REPORT_REASONS = ("harassment", "spam", "inappropriate", "impersonation", "other")
REPORT_DETAILS_MAX = 1000
# A buddy gone quiet: the other keeps waiting, or ends it kindly and is proposed someone new.
QUIET_CHOICES = ("wait", "someone_new")
# A buddyship starts with a trial; at its end, and then every so often, each buddy is asked
# privately how it goes: keep going, change how we work together (a mode: a commitment and a
# rhythm), or end it kindly. A mode proposed by one is accepted or declined by the other.
CHECK_IN_ANSWERS = ("keep_going", "change_mode", "end_kindly")
MODE_ANSWERS = ("accept_mode", "keep_mode")
CHECK_IN_KINDS = ("trial", "regular")
# What became of a check-in: both kept going (the buddyship is confirmed), one ended it kindly,
# or nobody answered in time (it goes on as it was).
CHECK_IN_OUTCOMES = ("confirmed", "ended", "lapsed")
# How often the two mean to catch up, as agreed in a check-in.
RHYTHMS = ("weekly", "fortnightly", "monthly")
# Why a buddy cannot be reached now (matching's reachability): support.unavailable v1 knew
# three; v2 adds a buddy who reads their news in a daily digest.
AWAY_REASONS_V1 = ("focus", "quiet_hours", "inactive")
AWAY_REASONS = (*AWAY_REASONS_V1, "digest")
# Why a round left a member without a buddy.
UNMATCHED_REASONS = ("no_compatible_member", "compatible_members_taken")


class BuddyshipState(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    EXPIRED = "expired"
    ENDED = "ended"


# --- what a member looks for (the article's questions) -------------------------------------

SUPPORT = ("celebrate_and_comfort", "urgent_advice", "client_talk", "joint_projects",
           "stimulation")
COMMITMENTS = ("momentary", "regular", "projects")
SECTOR_PREFERENCES = ("same", "adjacent", "different", "any")
FITS = ("affinity", "complementarity", "any")
BONDS = ("admiration", "conviviality", "any")
# Self-assessed, 1 (not at all) to 5 (very): enough to tell similar from complementary.
TRAITS = ("organised", "outgoing", "creative", "analytical", "steady")
DELIVERIES = ("instant", "digest")
BUDDY_CAPACITY_MAX = 5
SKILLS_MAX = 20
# How far a buddy met in person may live, in km as the crow flies: from the next street to a
# train ride away; 30 km is a metropolitan area.
MEET_WITHIN_MIN, MEET_WITHIN_DEFAULT, MEET_WITHIN_MAX = 1, 30, 500
