"""Check that requirements.txt installs from wheels on every supported Python (`make check-wheels`).

It asks PyPI, so it is not part of `make test`.  pip's resolver is run once per
version with ``pip download --python-version``; pip evaluates the requirement
file's markers for the Python running it, not for the target, so the pins are
first chosen here for each target version.  Packages that ship only a
pure-Python sdist (jieba) are checked on their own: the sdist must exist and
admit the version.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

SUPPORTED = ("3.10", "3.11", "3.12")
SDIST_ONLY = frozenset({"jieba"})
# x86_64 Linux with glibc 2.17 (manylinux2014) up to 2.36 (Debian 12, the project's machines).
PLATFORMS = ("manylinux2014_x86_64", *(f"manylinux_2_{minor}_x86_64" for minor in range(17, 37)))
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def pins_for(lines: list[str], python_version: str) -> list[Requirement]:
    """The requirements that apply on ``python_version`` (their markers evaluated for it, not for this Python)."""
    environment = {"python_version": python_version, "python_full_version": f"{python_version}.0"}
    requirements = [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]
    return [r for r in requirements if r.marker is None or r.marker.evaluate(environment)]


def target_options(python_version: str) -> list[str]:
    """pip's options for "install as CPython ``python_version`` on x86_64 Linux would"."""
    nodot = python_version.replace(".", "")
    options = ["--python-version", python_version, "--implementation", "cp", "--abi", f"cp{nodot}"]
    for platform in PLATFORMS:
        options += ["--platform", platform]
    return options


def check(python_version: str, lines: list[str], folder: Path) -> bool:
    """Resolve the wheels for one version, then the sdist-only pins; print what failed."""
    pins = pins_for(lines, python_version)
    wheels = [str(pin).split(";")[0] for pin in pins if canonicalize_name(pin.name) not in SDIST_ONLY]
    sdists = [str(pin).split(";")[0] for pin in pins if canonicalize_name(pin.name) in SDIST_ONLY]
    pinned = folder / f"requirements-{python_version}.txt"
    pinned.write_text("\n".join(wheels) + "\n")
    pip = [sys.executable, "-m", "pip", "download", "-q", "-d", str(folder / python_version)]
    runs = [pip + ["-r", str(pinned), "--only-binary=:all:", *target_options(python_version)]]
    runs += [pip + ["--no-deps", "--no-binary=:all:", sdist, *target_options(python_version)] for sdist in sdists]
    ok = True
    for command in runs:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
            print(f"Python {python_version}: " + ("\n  ".join(errors[-3:]) or result.stderr[-500:]))
            ok = False
    print(
        f"Python {python_version}: {'every pin has a wheel' if ok else 'FAILED'}"
        + (f" ({', '.join(sdists)}: sdist only)" if ok and sdists else "")
    )
    return ok


def main() -> int:
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix="check-wheels-") as folder:
        results = [check(version, lines, Path(folder)) for version in SUPPORTED]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
