"""Where the package finds libwxpresign, and what it says when it cannot."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import wxpresign
from conftest import PYTHON_DIR

PROBE = (
    "import wxpresign, wxpresign._library as l; print(wxpresign.version()); print(l.load().path)"
)


def run(
    code: str, env: Dict[str, Optional[str]], cwd: Optional[Path] = None
) -> "subprocess.CompletedProcess[str]":
    environment = dict(os.environ)
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_package(to: Path) -> None:
    """The package sources alone, without a library a developer may have put next to them."""
    ignore = shutil.ignore_patterns("*.so", "*.dylib", "*.dll", "__pycache__")
    shutil.copytree(PYTHON_DIR / "src" / "wxpresign", to, ignore=ignore)


def test_wxpresign_library_names_the_library_to_load() -> None:
    result = run(PROBE, {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == os.environ["WXPRESIGN_LIBRARY"]


def test_a_wrong_wxpresign_library_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "libnothing.so"
    result = run(PROBE, {"WXPRESIGN_LIBRARY": str(missing)})
    assert result.returncode != 0
    assert "LibraryError" in result.stderr and str(missing) in result.stderr
    assert "$WXPRESIGN_LIBRARY" in result.stderr


def test_a_missing_library_is_caught_by_except_error_and_by_except_oserror(
    tmp_path: Path,
) -> None:
    script = (
        "import wxpresign\n"
        "for catch in (wxpresign.Error, OSError):\n"
        "    try:\n"
        "        wxpresign.Client({})\n"
        "    except catch as e:\n"
        "        print(type(e).__name__, e.kind, e.may_have_reached_server)\n"
    )
    result = run(script, {"WXPRESIGN_LIBRARY": str(tmp_path / "libnothing.so")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["LibraryError library False"] * 2


def test_a_library_next_to_the_package_is_found(tmp_path: Path) -> None:
    package = tmp_path / "wxpresign"
    copy_package(package)
    shutil.copy(os.environ["WXPRESIGN_LIBRARY"], package / "libwxpresign.so")
    result = run(PROBE, {"WXPRESIGN_LIBRARY": None, "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == str(package / "libwxpresign.so")


def test_without_a_library_the_error_says_where_it_looked(tmp_path: Path) -> None:
    package = tmp_path / "wxpresign"
    copy_package(package)
    code = "import wxpresign; wxpresign.Client({})"
    result = run(
        code, {"WXPRESIGN_LIBRARY": None, "PYTHONPATH": str(tmp_path), "LD_LIBRARY_PATH": None}
    )
    if result.returncode == 0 or "find_library" not in result.stderr:
        # libwxpresign is installed system-wide here: the last place succeeded.
        assert "ConfigError" in result.stderr
        return
    assert "$WXPRESIGN_LIBRARY: not set" in result.stderr
    assert str(package / "libwxpresign.so") in result.stderr
    assert "find_library" in result.stderr


def test_the_system_loader_finds_a_library_installed_as_make_install_lays_it_out(
    tmp_path: Path,
) -> None:
    copy_package(tmp_path / "wxpresign")
    lib = tmp_path / "lib"
    lib.mkdir()
    version = wxpresign.version()
    major = version.split(".")[0]
    shutil.copy(os.environ["WXPRESIGN_LIBRARY"], lib / f"libwxpresign.so.{version}")
    (lib / f"libwxpresign.so.{major}").symlink_to(f"libwxpresign.so.{version}")
    (lib / "libwxpresign.so").symlink_to(f"libwxpresign.so.{major}")
    result = run(
        PROBE,
        {"WXPRESIGN_LIBRARY": None, "PYTHONPATH": str(tmp_path), "LD_LIBRARY_PATH": str(lib)},
    )
    assert result.returncode == 0, result.stderr
    assert "libwxpresign.so" in result.stdout.split()[1]


def test_importing_the_package_needs_no_library(tmp_path: Path) -> None:
    result = run(
        "import wxpresign; print(wxpresign.__version__)",
        {"WXPRESIGN_LIBRARY": str(tmp_path / "none.so")},
    )
    assert result.returncode == 0, result.stderr
