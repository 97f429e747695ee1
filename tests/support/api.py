"""A thin HTTP client for the gateway, the way a client app would call it."""

import time
import uuid

import requests

PASSWORD = "correct horse battery staple"


class Gateway:
    def __init__(self, base_url: str):
        self.base = base_url
        self.http = requests.Session()

    def request(self, method: str, path: str, member: dict | None = None,
                **kwargs) -> requests.Response:
        """``member`` (as returned by sign_up) makes the call as that signed-in member."""
        if member is not None:
            kwargs["headers"] = {"Authorization": f"Bearer {member['access_token']}",
                                 **kwargs.get("headers", {})}
        return self.http.request(method, f"{self.base}{path}", timeout=20, **kwargs)

    def sign_up(self, name: str, language: str, password: str = PASSWORD) -> dict:
        """A new signed-in member: their profile plus 'access_token' and 'refresh_token'."""
        email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.org"
        response = self.request("POST", "/v1/auth/signup", json={
            "email": email, "display_name": name, "language": language, "password": password})
        assert response.status_code == 201, response.text
        body = response.json()
        return {**body["member"], "access_token": body["access_token"],
                "refresh_token": body["refresh_token"]}

    def make_room(self, member: dict, buddies: int) -> None:
        """Room for ``buddies`` buddies (capacity holds on every proposal), once matching knows."""
        changed = self.request("PATCH", "/v1/me", member, json={"buddy_capacity": buddies})
        assert changed.status_code == 200, changed.text
        deadline = time.monotonic() + 15
        while self.request("GET", "/v1/me/matching", member).json()["open_slots"] < buddies:
            assert time.monotonic() < deadline, "matching never learnt the new capacity"
            time.sleep(0.1)

    def propose(self, proposer: dict, invitee: dict) -> requests.Response:
        return self.request("POST", "/v1/me/buddyships", proposer, json={"buddy_id": invitee["id"]})

    def become_buddies(self, proposer: dict, invitee: dict) -> dict:
        proposed = self.propose(proposer, invitee)
        assert proposed.status_code == 201, proposed.text
        accepted = self.request("POST", f"/v1/me/buddyships/{proposed.json()['id']}/accept", invitee)
        assert accepted.status_code == 200, accepted.text
        return accepted.json()

    def log_moment(self, member: dict, kind: str, note: str | None = None, **kwargs) -> dict:
        response = self.request("POST", "/v1/me/moments", member,
                                json={"kind": kind, "note": note}, **kwargs)
        assert response.status_code == 201, response.text
        return response.json()
