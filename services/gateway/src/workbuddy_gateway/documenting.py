"""What the schemas check that apispec does not write into the OpenAPI document by itself,
written there too, so that the document states every rule a request is held to:

- the keys a mapping may have (`propertyNames`: traits, notification kinds);
- lists that name each value once (`uniqueItems`, from the Distinct validator);
- text that must say something once trimmed (a pattern: not only spaces);
- rules across fields (a mode only with change_mode), which a contracts schema states as
  JSON Schema keywords in its `JSON_SCHEMA` beside the validator that enforces them.
"""

from apispec import BasePlugin
from marshmallow import fields

from workbuddy_contracts.values import Distinct, Trimmed


def mapping_keys(converter, field, **kwargs) -> dict:
    if isinstance(field, fields.Dict) and field.key_field is not None:
        return {"propertyNames": converter.field2property(field.key_field)}
    return {}


def distinct_items(converter, field, **kwargs) -> dict:
    if isinstance(field, fields.List) and any(isinstance(v, Distinct) for v in field.validators):
        return {"uniqueItems": True}
    return {}


def not_blank(converter, field, ret, **kwargs) -> dict:
    if isinstance(field, Trimmed) and field.says_something:
        return {"allOf": [*ret.get("allOf", []), {"pattern": r"\S"}]}
    return {}


class CrossFieldRules(BasePlugin):
    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        return getattr(schema, "JSON_SCHEMA", None)


def init(api) -> None:
    """Before any blueprint is registered: the schemas are written as they are first met."""
    for attribute in (mapping_keys, distinct_items, not_blank):
        api.ma_plugin.converter.add_attribute_function(attribute)
