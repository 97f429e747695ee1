"""A thin HTTP client for the gateway, the way a client app would call it."""

import uuid

import requests


class Gateway:
    def __init__(self, base_url: str):
        self.base = base_url
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base}{path}", timeout=20, **kwargs)

    def register(self, name: str, language: str) -> dict:
        email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.org"
        response = self.request("POST", "/v1/members", json={
            "email": email, "display_name": name, "language": language})
        assert response.status_code == 201, response.text
        return response.json()

    def become_buddies(self, proposer: dict, invitee: dict) -> dict:
        proposed = self.request("POST", f"/v1/members/{proposer['id']}/buddyships",
                                json={"buddy_id": invitee["id"]})
        assert proposed.status_code == 201, proposed.text
        accepted = self.request(
            "POST", f"/v1/members/{invitee['id']}/buddyships/{proposed.json()['id']}/accept")
        assert accepted.status_code == 200, accepted.text
        return accepted.json()

    def log_moment(self, member: dict, kind: str, note: str | None = None, **kwargs) -> dict:
        response = self.request("POST", f"/v1/members/{member['id']}/moments",
                                json={"kind": kind, "note": note}, **kwargs)
        assert response.status_code == 201, response.text
        return response.json()
