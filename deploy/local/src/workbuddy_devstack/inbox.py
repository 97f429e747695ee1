"""The dev mail inbox: an SMTP server that keeps every mail as a .eml file, and a small web
page to read them. Nothing leaves the machine.

    python -m workbuddy_devstack.inbox --smtp-port 1025 --http-port 8025 --dir var/mail
"""

import argparse
import email
import email.policy
import html
import json
import signal
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller


class Keep:
    """aiosmtpd handler: one file per received mail, named so that a listing sorts by time."""

    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def read_mails(folder: Path) -> list[dict]:
    mails = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        mails.append({
            "id": path.stem, "from": str(message["From"]), "to": str(message["To"]),
            "subject": str(message["Subject"]), "date": str(message["Date"] or ""),
            "body": body.get_content() if body else "",
            "has_html": message.get_body(preferencelist=("html",)) is not None,
        })
    return mails


def html_part(folder: Path, mail_id: str) -> str | None:
    """The mail's HTML part, as a mail app would show it; None when there is none."""
    path = folder / f"{mail_id}.eml"
    if "/" in mail_id or not path.is_file():
        return None
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part else None


PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Work Buddy · dev inbox</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
details{{border:1px solid #ccc;border-radius:6px;margin:.5rem 0;padding:.5rem 1rem}}
summary{{cursor:pointer}} pre{{white-space:pre-wrap}} small{{color:#555}}</style>
<h1>Dev inbox <small>({count} mails, newest first, <a href="/messages.json">JSON</a>)</small></h1>
{items}</html>"""


def render(mails: list[dict]) -> str:
    items = "".join(_item(m, opened=i < 2) for i, m in enumerate(mails)) \
        or "<p>No mail yet. Log a moment and refresh.</p>"
    return PAGE.format(count=len(mails), items=items)


def _item(mail: dict, opened: bool) -> str:
    as_html = f' · <a href="/mail/{mail["id"]}.html">as HTML</a>' if mail["has_html"] else ""
    return (f"<details{' open' if opened else ''}><summary><strong>{html.escape(mail['subject'])}"
            f"</strong><br><small>to {html.escape(mail['to'])} · from {html.escape(mail['from'])}"
            f"{as_html}</small></summary><pre>{html.escape(mail['body'])}</pre></details>")


def web_page(folder: Path):
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            mails = read_mails(folder)
            if self.path == "/messages.json":
                body, kind = json.dumps(mails, ensure_ascii=False).encode(), "application/json"
            elif self.path == "/":
                body, kind = render(mails).encode(), "text/html; charset=utf-8"
            elif self.path.startswith("/mail/") and self.path.endswith(".html") and (
                    part := html_part(folder, self.path[len("/mail/"):-len(".html")])) is not None:
                body, kind = part.encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404, "only /, /messages.json and /mail/<id>.html exist here")
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            # A mail is shown as a mail app shows it: no script runs, links open outside.
            self.send_header("Content-Security-Policy", "sandbox allow-popups allow-forms")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    smtp = Controller(Keep(args.dir), hostname=args.host, port=args.smtp_port)
    smtp.start()
    web = ThreadingHTTPServer((args.host, args.http_port), web_page(args.dir))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    print(f"inbox: SMTP on {args.host}:{args.smtp_port}, web on http://{args.host}:{args.http_port}/",
          flush=True)

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    web.shutdown()
    smtp.stop()


if __name__ == "__main__":
    main()
