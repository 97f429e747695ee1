"""docs/openapi.json is the published contract: it must say what the code serves."""

from pathlib import Path

from workbuddy_gateway.openapi import spec_text

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_published_openapi_document_matches_the_code():
    assert PUBLISHED.read_text() == spec_text(), (
        "docs/openapi.json is stale: run `make openapi` and commit the result")
