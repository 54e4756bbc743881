"""The README's ```python examples run as written (```py blocks are illustrations)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert len(blocks) >= 2
    script = tmp_path / "readme_examples.py"
    script.write_text("\n\n".join(blocks))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1.0 same call after schema canonicalisation" in result.stdout
    assert "0.0 call to unknown tool 'nope'" in result.stdout


def test_readme_starts_with_the_two_setup_commands():
    lines = [line for line in README.read_text().splitlines() if line.strip()]
    assert lines[1] == "```bash"
    assert lines[2].startswith("make demo") and lines[3].startswith("make test")
    ci = (README.parent / ".ci" / "run").read_text()
    assert "make test" in ci
