"""The embedded MongoDB stand-in (nx-27017), for machines without a MongoDB server."""

import shutil
import sys
from pathlib import Path

from pymongo import MongoClient

from .processes import Supervisor, wait_until


def mongo_uri(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"


def answers(uri: str) -> bool:
    client = MongoClient(uri, serverSelectionTimeoutMS=500)
    try:
        client.admin.command("ping")
        return True
    finally:
        client.close()


def start_embedded(supervisor: Supervisor, data_dir: Path, port: int) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("nx-27017") or str(Path(sys.executable).with_name("nx-27017"))
    supervisor.start("mongo", [
        binary, "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port),
        "--log-file", str(supervisor.log_dir / "nx-27017.log"),
        "--pid-file", str(data_dir / "nx-27017.pid"),
    ], echo=False, stop_last=True)  # it logs every command: read it in its log file when needed
    uri = mongo_uri(port)
    wait_until(lambda: answers(uri), 30, f"nx-27017 on port {port}")
    return uri
