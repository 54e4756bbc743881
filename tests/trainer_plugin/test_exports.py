"""pivotrl.trainer_plugin exposes its public names lazily: importing it loads no torch."""

from __future__ import annotations

import subprocess
import sys


def test_package_import_is_light_and_every_export_resolves():
    code = ("import sys, pivotrl.trainer_plugin as t\n"
            "assert 'torch' not in sys.modules and 'trl' not in sys.modules\n"
            "missing = [n for n in t.__all__ if getattr(t, n, None) is None]\n"
            "assert not missing, missing\n"
            "print(len(t.__all__))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10


def test_unknown_name_is_an_attribute_error():
    import pytest

    import pivotrl.trainer_plugin as plugin

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        plugin.nope  # noqa: B018
