"""The kinds of values members send, each checked exactly as the API's document states it.

Free text ends up in mails, pushes and other members' screens: a control character there is
never writing (a NUL, an escape sequence, a backspace), so free text refuses them, and the
field that holds one is named. Line breaks and tabs are writing, where a field has lines.
"""

from marshmallow import fields, validate


class Pattern(validate.Regexp):
    """A regular expression the whole value matches, as the document's `pattern` reads it:
    with re.match, a `$` would let a final line break through."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise validate.ValidationError(self._format_error(value))
        return value


# C0 and C1 control characters (Unicode category Cc) but tab and line feed; a carriage
# return only before a line feed, as Windows writes a line break.
WRITING = Pattern(
    r"^(?:[^\x00-\x08\x0b-\x1f\x7f-\x9f]|\r\n)*$",
    error="must not contain control characters (line breaks and tabs are fine)")

# A name or a city ends up in mail headers and titles: a line break there would forge headers.
ONE_LINE = Pattern(r"^[^\x00-\x1f\x7f-\x9f]*$",
                           error="must be on one line, without control characters")


class Trimmed(fields.String):
    """A string whose surrounding spaces are dropped. Its checks hold for it as sent (the
    document's bounds are on what is sent) and once trimmed: a minimum length then means
    something other than spaces (the document says it with a pattern: not only spaces)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        self._validate(text)
        return text.strip()

    @property
    def says_something(self) -> bool:
        return any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in self.validators)


class WholeNumber(fields.Integer):
    """An integer as JSON counts them: 4, and 4.0 (a number without a fraction), but neither
    "4" nor true."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


class Flag(fields.Boolean):
    """true or false, as JSON writes them: neither 1 nor "yes"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Distinct(validate.Validator):
    """A list that names each value once; the document says so (uniqueItems)."""

    error = "must not repeat a value"

    def __call__(self, value):
        if len(set(value)) != len(value):
            raise validate.ValidationError(self.error)
        return value
