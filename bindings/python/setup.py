"""The build's configuration is pyproject.toml; this only creates the directory it names for
setuptools' scratch files (../../target/python), which a fresh checkout does not have yet."""

from pathlib import Path

from setuptools import setup

(Path(__file__).resolve().parent.parent.parent / "target" / "python").mkdir(
    parents=True, exist_ok=True
)
setup()
