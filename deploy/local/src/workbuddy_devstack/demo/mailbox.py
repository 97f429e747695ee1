"""Demo members read their mail in the dev inbox, as anyone signing up with `make run` does:
the link that proves their address is in the mail Work Buddy sends them."""

import re
import time

import requests

VERIFY_LINK = re.compile(r"/app/#/verify/([A-Za-z0-9_-]+)")


def verification_tokens(inbox_url: str, emails: list[str], *,
                        timeout: float = 120) -> dict[str, str]:
    """The token of the newest verification link mailed to each of ``emails``, waiting for
    them to arrive (a mail leaves once profiles' event reaches notifications). The inbox is
    read whole each time, so the members' mails are looked for together."""
    wanted = {email.lower() for email in emails}
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, str] = {}
        mails = requests.get(f"{inbox_url.rstrip('/')}/messages.json", timeout=30).json()
        for mail in mails:  # newest first: the first link found for an address is its newest
            to = mail["to"].lower()
            for email in wanted - found.keys():
                if email in to and (link := VERIFY_LINK.search(mail["body"])):
                    found[email] = link.group(1)
        if len(found) == len(wanted):
            return found
        if time.monotonic() > deadline:
            missing = ", ".join(sorted(wanted - found.keys()))
            raise TimeoutError(f"no verification mail reached {missing} in the dev inbox at "
                               f"{inbox_url} within {timeout:.0f} s")
        time.sleep(1)
