"""Test options: ``--fuzz-long`` (or CPLAW_FUZZ_LONG=1) runs the fuzz suite at ≥ 100,000 examples."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run the fuzz suite long (≥ 100,000 examples in all; same as CPLAW_FUZZ_LONG=1)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes tens of seconds (builds a wheel, runs processes)")
    if config.getoption("--fuzz-long"):
        os.environ["CPLAW_FUZZ_LONG"] = "1"
