"""Rate limits as configured for production (the suite relaxes only the per-address ones,
since every test calls from 127.0.0.1)."""

from .test_bad_input import assert_problem


def test_moments_are_limited_per_member(gateway):
    busy, calm = gateway.sign_up("Busy", "en"), gateway.sign_up("Calm", "en")
    codes = [gateway.request("POST", "/v1/me/moments", busy, json={"kind": "milestone"}).status_code
             for _ in range(31)]
    assert codes == [201] * 30 + [429]
    refused = gateway.request("POST", "/v1/me/moments", busy, json={"kind": "milestone"})
    assert_problem(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Someone else is not slowed down by it.
    assert gateway.request("POST", "/v1/me/moments", calm, json={"kind": "milestone"}).status_code == 201
