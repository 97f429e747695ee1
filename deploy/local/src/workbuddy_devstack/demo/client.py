"""One demo member's session with the gateway, as a client app holds it: signed in with a
password, the access token refreshed when it runs out, and a request the system asks to send
later (429, 503, 504 with Retry-After) sent again with the same Idempotency-Key."""

import logging
import threading
import time
import uuid

import requests

log = logging.getLogger("workbuddy.demo")

# The answers that mean "not now": the request is sent again after Retry-After.
LATER = {429, 502, 503, 504}


class Refused(Exception):
    """The gateway said no for good (a 4xx other than "later"): what it said is kept."""

    def __init__(self, response: requests.Response):
        self.status = response.status_code
        try:
            self.problem = response.json()
        except ValueError:
            self.problem = {"detail": response.text[:200]}
        super().__init__(f"{response.request.method} {response.request.path_url} → "
                         f"{self.status}: {self.problem.get('detail') or self.problem}")


class Gone(Exception):
    """The member cannot be signed in any more: they left (or are leaving)."""


class Session:
    """``email`` and ``password``: the member's; ``sign_in`` or ``sign_up`` opens the session."""

    def __init__(self, gateway_url: str, email: str, password: str, *, patience: float = 120):
        self.base = gateway_url.rstrip("/")
        self.email, self.password = email, password
        self.patience = patience  # how long to keep sending a request the system answers "later"
        self.http = requests.Session()
        self.tokens: dict | None = None
        self.member: dict | None = None
        self._lock = threading.Lock()

    @property
    def member_id(self) -> str:
        return self.member["id"]

    # -- signing in ------------------------------------------------------------------------

    def sign_up(self, display_name: str, language: str) -> dict:
        body = self._send("POST", "/v1/auth/signup", json={
            "email": self.email, "display_name": display_name, "language": language,
            "password": self.password}, signed=False).json()
        return self._signed_in(body)

    def sign_in(self) -> dict | None:
        """The member, signed in; None when the gateway refuses the address and password (no
        such member, or an address not proven yet: it says the same for both)."""
        try:
            body = self._send("POST", "/v1/auth/login", json={
                "email": self.email, "password": self.password}, signed=False).json()
        except Refused as refused:
            if refused.status in (401, 403):
                return None
            raise
        return self._signed_in(body)

    def verify(self, token: str) -> dict:
        body = self._send("POST", "/v1/auth/verify", json={"token": token}, signed=False).json()
        return self._signed_in(body)

    def _signed_in(self, body: dict) -> dict:
        self.tokens = {"access": body["access_token"], "refresh": body["refresh_token"]}
        self.member = body["member"]
        return self.member

    def _renew(self) -> None:
        """A new access token: by the refresh token, or by signing in again."""
        with self._lock:
            answer = self.http.post(f"{self.base}/v1/auth/refresh", timeout=20,
                                    json={"refresh_token": self.tokens["refresh"]})
            if answer.status_code == 200:
                body = answer.json()
                self.tokens = {"access": body["access_token"], "refresh": body["refresh_token"]}
                return
            try:
                signed_in = self.sign_in()
            except Refused as refused:
                if refused.status == 409:  # the account is being erased
                    raise Gone(self.email) from None
                raise
            if signed_in is None:
                raise Gone(self.email)

    # -- the API ---------------------------------------------------------------------------

    def get(self, path: str, **params) -> dict:
        return self._send("GET", path, params=params or None).json()

    def post(self, path: str, json: dict | None = None) -> dict | None:
        answer = self._send("POST", path, json=json)
        return answer.json() if answer.content else None

    def patch(self, path: str, json: dict) -> dict:
        return self._send("PATCH", path, json=json).json()

    def put(self, path: str, json: dict) -> dict:
        return self._send("PUT", path, json=json).json()

    def delete(self, path: str, json: dict | None = None) -> None:
        self._send("DELETE", path, json=json)

    def _send(self, method: str, path: str, *, signed: bool = True, **kwargs) -> requests.Response:
        headers = {"Idempotency-Key": uuid.uuid4().hex} if method == "POST" else {}
        deadline = time.monotonic() + self.patience
        renewed = False
        while True:
            if signed:
                headers["Authorization"] = f"Bearer {self.tokens['access']}"
            try:
                answer = self.http.request(method, f"{self.base}{path}", headers=headers,
                                           timeout=30, **kwargs)
            except requests.ConnectionError:
                answer = None
            if answer is not None and answer.status_code < 400:
                return answer
            if answer is not None and answer.status_code == 401 and signed and not renewed:
                self._renew()
                renewed = True
                continue
            if answer is not None and answer.status_code not in LATER:
                raise Refused(answer)
            wait = _retry_after(answer)
            if time.monotonic() + wait > deadline:
                if answer is None:
                    raise ConnectionError(f"{method} {path}: the gateway at {self.base} does "
                                          "not answer")
                raise Refused(answer)
            log.info("%s: %s %s answered %s; again in %.0f s", self.email.split("@")[0], method,
                     path, answer.status_code if answer is not None else "nothing", wait)
            time.sleep(wait)


def _retry_after(answer: requests.Response | None) -> float:
    if answer is None:
        return 2.0
    try:
        return min(max(float(answer.headers.get("Retry-After", 2)), 0.5), 60.0)
    except ValueError:
        return 2.0
