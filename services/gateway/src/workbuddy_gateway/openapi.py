"""The API's OpenAPI document, as a file in the repository: `make openapi` writes it, and a
test fails when it no longer matches the code, so the published contract never drifts."""

import json
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from .app import create_app  # noqa: E402
from .settings import GatewaySettings  # noqa: E402

DEFAULT_PATH = Path("docs/openapi.json")


class _NoSessions:
    def is_open(self, sid: str, *looked) -> bool:
        return False


def spec_text() -> str:
    # No broker or store is touched to describe the API.
    app = create_app(GatewaySettings(jwt_secret="x" * 32), services=object(),
                     sessions=_NoSessions())
    with app.app_context():
        spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    path.write_text(spec_text())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
