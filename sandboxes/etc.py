"""The few /etc files a sandbox sees instead of the host's: its own hostname and hosts, and a
resolver configuration that names no server (a sandbox has no network; the host's DNS server
is nobody's business inside it). debootstrap copies the host's into the root file system."""

from __future__ import annotations

import os
from pathlib import Path

HOSTNAME = "sandbox"
FILES = {
    "hostname": f"{HOSTNAME}\n",
    "hosts": f"127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t{HOSTNAME}\n",
    "resolv.conf": "# no network in a pivotrl sandbox\n",
}


def etc_dir(cache: Path) -> Path:
    """A cache folder holding FILES, world-readable (bubblewrap binds them as its own uid)."""
    folder = cache / "sandbox-etc"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        path = folder / name
        if not path.exists() or path.read_text() != text:
            staging = folder / f".{name}.{os.getpid()}"
            staging.write_text(text)
            staging.chmod(0o644)
            staging.replace(path)
    folder.chmod(0o755)
    return folder
