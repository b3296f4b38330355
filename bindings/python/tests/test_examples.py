"""The README's Python code is the example files, verbatim, and the examples run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import PYTHON_DIR

README = PYTHON_DIR / "README.md"
EXAMPLES = PYTHON_DIR / "examples"


def test_every_python_block_of_the_readme_is_an_example_file_verbatim() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    files = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.py")}
    assert blocks, "the README shows no Python code"
    for block in blocks:
        assert block in files.values(), f"this README block is no file of {EXAMPLES}:\n{block}"
    assert "quickstart.py" in files and files["quickstart.py"] in blocks


def test_the_readme_example_runs_against_the_sandbox(config_path: Path) -> None:
    environment = dict(os.environ, WXPRESIGN_CONFIG=str(config_path))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, token = result.stdout.split()
    assert status == "200" and token
