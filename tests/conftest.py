"""Shared fixtures: paths to optional external inputs, which skip locally and fail in CI."""

import os
import shutil
from pathlib import Path

import pytest

from etl import settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str) -> None:
    """Skip when an optional input is missing on a developer machine; fail loudly in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs {what}, and it is missing", pytrace=False)
    pytest.skip(f"{what} is not available here")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    require(settings.CORPUS_DIR.is_dir(), f"the real corpus at {settings.CORPUS_DIR}")
    return settings.CORPUS_DIR


@pytest.fixture(scope="session")
def eval_labels() -> Path:
    require(settings.EVAL_LABELS.is_file(), f"the eval labels at {settings.EVAL_LABELS}")
    return settings.EVAL_LABELS


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    require(path is not None, "Debian chromium (make system-deps)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return settings.RAW_DIR
