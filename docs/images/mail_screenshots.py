"""Renders the sample mails shown in the README (docs/images/mail-*.png) with the product's own
templates, through Debian's headless Chromium:

    .venv/bin/python docs/images/mail_screenshots.py
"""

import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.domain import messages

HERE = Path(__file__).resolve().parent
AT = datetime(2026, 11, 26, 14, 41, tzinfo=UTC)
LINKS = MailLinks(LinkSettings(secret="sample-" * 8, public_url="https://app.workbuddy.example"))
ALICE = {"display_name": "Alice"}


def moment(kind: str) -> dict:
    return {"_id": f"ev-{kind}:r", "event_id": f"ev-{kind}", "recipient_id": "r", "kind": "moment",
            "subject_id": "a", "data": {"moment_id": f"mo-{kind}", "kind": kind}, "at": AT}


def reader(name: str, language: str, zone: str) -> dict:
    return {"_id": "r", "display_name": name, "email": "reader@example.org", "language": language,
            "time_zone": zone}


def samples() -> dict[str, str]:
    chloe, bob = reader("Chloé", "fr", "Europe/Paris"), reader("Bob", "en", "America/Montreal")
    return {
        "mail-win-fr": messages.mail_for(moment("client_won"), recipient=chloe, subject=ALICE,
                                         moment={"note": "Signé avec Acme pour six mois !"},
                                         links=LINKS).html,
        "mail-setback-en": messages.mail_for(moment("client_lost"), recipient=bob, subject=ALICE,
                                             moment={"note": "They chose an agency."},
                                             links=LINKS).html,
        "mail-digest-en": messages.digest_mail(
            [(moment(kind) | {"at": AT + timedelta(minutes=40 * n)}, ALICE)
             for n, kind in enumerate(("client_won", "payment_late", "project_idea"))],
            recipient=bob, links=LINKS).html,
    }


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("install Debian's chromium first (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        for name, html in samples().items():
            page = Path(folder) / f"{name}.html"
            page.write_text(html)
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--window-size=600,520", f"--screenshot={HERE / name}.png", page.as_uri()],
                           check=True, capture_output=True, timeout=60)
            print(f"wrote {HERE / name}.png")


if __name__ == "__main__":
    main()
