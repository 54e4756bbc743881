"""Run mypy on the typed packages (``pivotrl.verifiers``, ``pivotrl.sandboxes``) of this checkout.

mypy cannot follow the editable install's ``package-dir`` mapping (``pivotrl.verifiers`` lives in
``verifiers/``: setuptools maps it with an import hook, mypy reads paths only), so this lays out a
tree of symbolic links shaped like the installed package under ``build/typecheck`` and points mypy
at it; reported paths are written back as the checkout's own. The configuration is pyproject's
``[tool.mypy]``. Exit status: mypy's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck"
PACKAGES = ("pivotrl.verifiers", "pivotrl.sandboxes")


def link_tree() -> dict[str, str]:
    """Links from ``TREE/<package path>`` to each mapped folder; returns link path -> real path."""
    package_dir: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    links: dict[str, str] = {}
    # the top package first: its folder's entries are linked one by one, so the mapped
    # subpackages (verifiers/, sandboxes/, ...) can sit beside them
    for name in sorted(package_dir, key=lambda n: n.count(".")):
        target = TREE / Path(*name.split("."))
        source = ROOT / package_dir[name]
        if name.count(".") == 0:
            target.mkdir(parents=True, exist_ok=True)
            for entry in source.iterdir():
                if entry.name != "__pycache__" and entry.name not in {n.split(".")[1] for n in package_dir if "." in n}:
                    _link(target / entry.name, entry)
        else:
            _link(target, source)
        links[f"{target.relative_to(ROOT)}/"] = f"{package_dir[name]}/"
    return links


def _link(link: Path, to: Path) -> None:
    if link.is_symlink() and link.resolve() == to.resolve():
        return
    if link.is_symlink():
        link.unlink()
    link.symlink_to(to)


def main() -> int:
    links = link_tree()
    env = {**os.environ, "MYPYPATH": str(TREE)}
    args = [sys.executable, "-m", "mypy", *(a for p in PACKAGES for a in ("-p", p)), *sys.argv[1:]]
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    for stream, text in ((sys.stdout, proc.stdout), (sys.stderr, proc.stderr)):
        for link, real in sorted(links.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(link, real)
        stream.write(text)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
