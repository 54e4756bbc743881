"""The one guard for optional dependencies (the extras of pyproject).

Every feature behind an extra imports its package through ``require`` so a missing package
always reads the same way and names the extra that brings it, whatever layer asked.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from pivotrl.errors import PivotRLError


def require(module: str, extra: str, purpose: str, *, package: str | None = None,
            error: type[PivotRLError] = PivotRLError, note: str = "") -> ModuleType:
    """Import ``module`` for ``purpose``, or raise ``error`` saying which extra installs it.

    ``package`` is the name users know when it differs from the import name; ``note`` adds a
    condition the extra cannot express (a platform). ``error`` lets each layer keep the error
    class its callers catch (SandboxError, VerifierError). A package that is installed but
    fails to import gets the import error appended, since reinstalling is then not the fix.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        suffix = f" ({note})" if note else ""
        message = f"{purpose} needs the {package or module} package: pip install 'pivotrl[{extra}]'{suffix}"
        top = module.split(".")[0]
        if exc.name not in (module, top):  # present, but one of its own imports failed
            message += f" (importing {module} failed: {exc})"
        raise error(message) from None

