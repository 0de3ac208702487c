"""requirements.txt pins one version of every package for each supported Python (offline; wheels: `make check-wheels`)."""

from __future__ import annotations

import sys

import pytest
from check_wheels import REQUIREMENTS, SUPPORTED, pins_for
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pinned for 3.10 in requirements.txt
    import tomli as tomllib

LINES = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
PYPROJECT = tomllib.loads((REQUIREMENTS.parent / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("lines", "version", "expected"),
    [
        (["numpy==2.4.6"], "3.10", ["numpy==2.4.6"]),
        (['numpy==2.4.6; python_version >= "3.11"', 'numpy==2.2.6; python_version < "3.11"'], "3.10", ["numpy==2.2.6"]),
        (['numpy==2.4.6; python_version >= "3.11"', 'numpy==2.2.6; python_version < "3.11"'], "3.12", ["numpy==2.4.6"]),
        (["# a comment", "", 'tomli==2.5.0; python_version < "3.11"'], "3.11", []),
    ],
)
def test_pins_for(lines: list[str], version: str, expected: list[str]) -> None:
    assert [str(pin).split(";")[0] for pin in pins_for(lines, version)] == expected


@pytest.mark.parametrize("version", SUPPORTED)
def test_each_supported_python_gets_exactly_one_pin_per_package(version: str) -> None:
    pins = pins_for(LINES, version)
    names = [canonicalize_name(pin.name) for pin in pins]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert all(str(pin.specifier).startswith("==") for pin in pins)


def test_the_supported_versions_are_the_ones_pyproject_admits() -> None:
    admitted = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert all(f"{version}.0" in admitted for version in SUPPORTED)
    assert "3.9.0" not in admitted


@pytest.mark.parametrize("version", SUPPORTED)
def test_pyproject_dependencies_accept_the_pins(version: str) -> None:
    pinned = {canonicalize_name(pin.name): next(iter(pin.specifier)).version for pin in pins_for(LINES, version)}
    for requirement in pins_for(PYPROJECT["project"]["dependencies"], version):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is a dependency but has no pin"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (requirement, pinned[name])
