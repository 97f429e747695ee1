"""Schemas of what clients ask for. The gateway validates requests with them and documents
them in its OpenAPI; the owning service validates again with the same schema, because it
never trusts a caller to have done so."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .errors import Invalid
from .i18n import translate
from .values import ONE_LINE, WRITING, Flag, Pattern, Trimmed, WholeNumber
from .vocabulary import (
    ASK_ANSWERS,
    CALL_ME_TIMES_MAX,
    CHECK_IN_ANSWERS,
    COMMITMENTS,
    DISPLAY_NAME_MAX,
    LANGUAGES,
    MESSAGE_TEXT_MAX,
    MODE_ANSWERS,
    MOMENT_KINDS,
    MOMENT_NOTE_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    PREFERENCE_KINDS,
    QUIET_CHOICES,
    REACTION_MESSAGE_MAX,
    REACTIONS,
    REPORT_DETAILS_MAX,
    REPORT_REASONS,
    RHYTHMS,
    SKILLS_WANTED_MAX,
    WIDENED_ASKS,
)


def password(description: str) -> fields.String:
    return fields.String(
        required=True, load_only=True,
        validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                 error="must have between {min} and {max} characters"),
        metadata={"description": description, "format": "password"},
    )


def normalise_invitation(code: str) -> str:
    """An invitation code as people type it: any case, with or without its dash or spaces."""
    return "".join(str(code).split()).replace("-", "").upper()


# As people type a code: ten letters or digits, in any case, with or without its dash or spaces.
INVITATION_AS_TYPED = r"^[ -]*(?:[A-Za-z0-9][ -]*){10}$"


class Invitation(fields.String):
    """Checked as typed (what the document states), then kept as the code itself."""

    def _deserialize(self, value, attr, data, **kwargs):
        typed = super()._deserialize(value, attr, data, **kwargs)
        self._validate(typed)
        return normalise_invitation(typed)


class SignUp(Schema):
    email = fields.Email(required=True, metadata={"example": "alice@example.org"})
    password = password(f"At least {PASSWORD_MIN} characters; a passphrase is best.")
    invitation = Invitation(load_default=None, allow_none=True,
                            validate=Pattern(INVITATION_AS_TYPED,
                                            error="must be a code such as K3Q7Z-X9MPA"),
                            metadata={"description": "The code of an invitation from a member: "
                                                     "the two are proposed to each other first.",
                                      "example": "K3Q7Z-X9MPA"})
    display_name = Trimmed(
        required=True,
        validate=[validate.Length(min=1, max=DISPLAY_NAME_MAX,
                                  error="must have between {min} and {max} characters"),
                  ONE_LINE],
        metadata={"description": "How buddies see the member.", "example": "Alice"},
    )
    language = fields.String(
        required=True,
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of the mails the member receives."},
    )


class LogIn(Schema):
    email = fields.Email(required=True, metadata={"example": "alice@example.org"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=PASSWORD_MAX),
                             metadata={"format": "password"})


class ChangePassword(Schema):
    current_password = fields.String(required=True, load_only=True,
                                     validate=validate.Length(max=PASSWORD_MAX),
                                     metadata={"format": "password"})
    new_password = password("The new password; other sessions are signed out.")


def link_token(description: str) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=20, max=200, error=(
        "must be the code from the link we mailed you, whole; open the link again or ask for a "
        "new one")), metadata={"description": description})


class VerifyAddress(Schema):
    token = link_token("The code at the end of the link in the verification mail "
                       "(…/app/#/verify/<token>). It works once, for 24 hours.")


class RequestPasswordReset(Schema):
    email = fields.Email(required=True, metadata={"example": "alice@example.org",
                                                  "description": "The address of the account."})


class ResetPassword(Schema):
    token = link_token("The code at the end of the link in the reset mail "
                       "(…/app/#/reset/<token>). It works once, for 30 minutes.")
    new_password = password("The new password; every session of the account is signed out.")


class Leave(Schema):
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(max=PASSWORD_MAX),
                             metadata={"format": "password",
                                       "description": "Confirms that the member is who leaves."})


class EndBuddyship(Schema):
    """No reason asked: ending is allowed, and kind. A rating helps find better buddies."""

    rating = WholeNumber(load_default=None, allow_none=True,
                         validate=validate.Range(min=1, max=5), metadata={
                             "description": "How the buddyship went, 1 to 5 (optional)."})


class ReportMember(Schema):
    """A report blocks the member too; operators read what was reported and why."""

    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS), metadata={
        "description": "What happened."})
    details = Trimmed(load_default=None, allow_none=True,
                      validate=[validate.Length(max=REPORT_DETAILS_MAX), WRITING], metadata={
                          "description": "Anything operators should know (optional)."})


class ChannelChoice(Schema):
    email = Flag(load_default=True)
    push = Flag(load_default=True)


class NotificationSettings(Schema):
    """Per kind, which channels may tell the member (the app's list always keeps everything)."""

    kinds = fields.Dict(keys=fields.String(validate=validate.OneOf(PREFERENCE_KINDS)),
                        values=fields.Nested(ChannelChoice), load_default=dict, metadata={
                            "description": "win, setback, ask, reaction, buddyship: "
                                           "{\"email\": bool, \"push\": bool}; unnamed kinds: both on."})
    setbacks_break_quiet_hours = Flag(load_default=False, metadata={
        "description": "A buddy's setback may reach me during my quiet hours."})


class ProposeBuddyship(Schema):
    buddy_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The member invited to become a buddy."},
    )


class LogMoment(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(MOMENT_KINDS))
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=MOMENT_NOTE_MAX), WRITING],
        metadata={"description": f"A few words for the buddies, at most {MOMENT_NOTE_MAX} characters."},
    )
    widen = Flag(load_default=False, metadata={
        "description": "For an urgent ask (urgent_advice) only: if no buddy answers in time, "
                       "members who offered help and can be reached may see it (kind and note) "
                       "and offer to talk. Off unless asked."})

    seeking_partner = Flag(load_default=False, metadata={
        "description": "For a project idea only: look for a partner beyond my buddies, among "
                       "members open to projects who have the skills wanted."})
    skills_wanted = fields.List(Trimmed(validate=[validate.Length(min=1, max=40), ONE_LINE]),
                                load_default=list, validate=validate.Length(max=SKILLS_WANTED_MAX),
                                metadata={"description": "The skills the project needs (with "
                                                         "seeking_partner, at least one)."})

    # The two validators below, as the API's document states them.
    JSON_SCHEMA = {"allOf": [
        {"if": {"properties": {"kind": {"const": "project_idea"}}, "required": ["kind"]},
         "else": {"properties": {"seeking_partner": {"const": False},
                                 "skills_wanted": {"maxItems": 0}}}},
        {"if": {"properties": {"seeking_partner": {"const": True}}, "required": ["seeking_partner"]},
         "then": {"properties": {"skills_wanted": {"minItems": 1}}, "required": ["skills_wanted"]}},
        {"if": {"properties": {"widen": {"const": True}}, "required": ["widen"]},
         "then": {"properties": {"kind": {"enum": list(WIDENED_ASKS)}}}},
    ]}

    @validates_schema
    def _partner_only_for_a_project(self, data, **kwargs):
        if data.get("kind") != "project_idea" and (data.get("seeking_partner")
                                                   or data.get("skills_wanted")):
            raise ValidationError("only a project idea (project_idea) looks for a partner; leave "
                                  "seeking_partner and skills_wanted out for this kind",
                                  "seeking_partner")
        if data.get("seeking_partner") and not data.get("skills_wanted"):
            raise ValidationError("name at least one skill the project needs, so that a partner "
                                  "who has it can be found", "skills_wanted")

    @validates_schema
    def _widen_only_urgent(self, data, **kwargs):
        if data.get("widen") and data.get("kind") not in WIDENED_ASKS:
            raise ValidationError("only an urgent ask (urgent_advice) can go to members who "
                                  "offered help; leave widen out for this kind", "widen")


class React(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(REACTIONS), metadata={
        "description": "cheer (🍾) or support (a hand on the shoulder)."})
    message = Trimmed(load_default=None, allow_none=True,
                      validate=[validate.Length(max=REACTION_MESSAGE_MAX), WRITING], metadata={
                          "description": f"A few words, at most {REACTION_MESSAGE_MAX} characters, "
                                         "e.g. \"call me?\""})


class CallMe(Schema):
    times = fields.List(fields.AwareDateTime(), required=True,
                        validate=validate.Length(min=1, max=CALL_ME_TIMES_MAX,
                                                 error="must propose between {min} and {max} times"),
                        metadata={"description": f"1 to {CALL_ME_TIMES_MAX} times to call, in the "
                                                 "future, with their offset (ISO 8601); each "
                                                 "buddy reads them on their own clock."})


class SendMessage(Schema):
    text = Trimmed(load_default="", validate=[validate.Length(max=MESSAGE_TEXT_MAX), WRITING],
                   metadata={"description": f"1 to {MESSAGE_TEXT_MAX} characters; may be left "
                                            "out when `call_me` proposes times."})
    moment_id = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(min=1, max=64), metadata={
                                  "description": "A moment of either buddy this message answers."})
    call_me = fields.Nested(CallMe, load_default=None, allow_none=True, metadata={
        "description": "\"Call me?\" with the times that suit the sender."})

    # As the API's document states _says_something: a text that is not only spaces, or times.
    JSON_SCHEMA = {"anyOf": [
        {"properties": {"text": {"pattern": r"\S"}}, "required": ["text"]},
        {"properties": {"call_me": {"type": "object"}}, "required": ["call_me"]},
    ]}

    @validates_schema
    def _says_something(self, data, **kwargs):
        if not data.get("text") and not data.get("call_me"):
            raise ValidationError("must be a message of 1 to 2,000 characters, or come with "
                                  "times to call (call_me)", "text")


class QuietChoice(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(QUIET_CHOICES), metadata={
        "description": "wait: keep the buddyship and wait for my buddy; someone_new: end it "
                       "kindly (no blame shown) and be proposed someone new at once."})


class Mode(Schema):
    """How two buddies work together: what they commit to, and how often they catch up."""

    commitment = fields.String(required=True, validate=validate.OneOf(COMMITMENTS), metadata={
        "description": "momentary: now and then; regular: a steady bond; projects: working on "
                       "projects together."})
    rhythm = fields.String(required=True, validate=validate.OneOf(RHYTHMS), metadata={
        "description": "How often the two mean to catch up."})


MODE_MISSING = ("say which mode you propose: mode.commitment (momentary, regular or projects) "
                "and mode.rhythm (weekly, fortnightly or monthly)")
MODE_UNASKED = "a mode goes only with the answer change_mode; leave it out or answer change_mode"


class AnswerCheckIn(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(CHECK_IN_ANSWERS + MODE_ANSWERS),
                           metadata={"description": (
                               "keep_going: all is well; change_mode: propose another mode "
                               "(with `mode`); end_kindly: end the buddyship, the other reads only "
                               "a warm, neutral word; accept_mode / keep_mode: answer the mode "
                               "your buddy proposed.")})
    mode = fields.Nested(Mode, load_default=None, allow_none=True, metadata={
        "description": "The mode proposed, with change_mode only."})

    # As the API's document states _mode_goes_with_change.
    JSON_SCHEMA = {
        "if": {"properties": {"answer": {"const": "change_mode"}}, "required": ["answer"]},
        "then": {"properties": {"mode": {"type": "object"}}, "required": ["mode"]},
        "else": {"properties": {"mode": {"type": "null"}}},
    }

    @validates_schema
    def _mode_goes_with_change(self, data, **kwargs):
        if data.get("answer") == "change_mode" and not data.get("mode"):
            raise ValidationError(MODE_MISSING, "mode")
        if data.get("mode") and data.get("answer") != "change_mode":
            raise ValidationError(MODE_UNASKED, "mode")


class AnswerAsk(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(ASK_ANSWERS), metadata={
        "description": "yes: I can talk now (the first yes gets a conversation with the member "
                       "who asked); no: not this time."})


class ReadUpTo(Schema):
    up_to = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The id of the last message read: it and every earlier one are read."})


def load_or_refuse(schema: Schema, data: Any) -> dict:
    """Validate input; a refusal names the first field at fault and keeps all messages."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        field, problems = next(iter(messages.items()))
        nested = schema.fields.get(field)
        while isinstance(nested, fields.Nested) and isinstance(problems, dict) and problems:
            # A field of a nested schema: named by its path, e.g. keys.auth.
            inner, problems = next(iter(problems.items()))
            nested = nested.schema.fields.get(inner)
            field = f"{field}.{inner}"
        while isinstance(problems, dict) and problems and isinstance(next(iter(problems)), int):
            # An item of a list: the list is named, the item's own messages are said.
            problems = next(iter(problems.values()))
        detail = "; ".join(translate(str(p)) for p in problems) if isinstance(problems, list) \
            else translate(str(problems))
        raise Invalid("{name}: {detail}", field, name=field, detail=detail) from exc
