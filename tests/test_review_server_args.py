"""The admin user's ``doccano createuser`` command reads back whatever password was generated."""

from __future__ import annotations

import argparse

from hypothesis import given
from hypothesis import strategies as st

from pipeline.review.server import createuser_args

URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _doccano_cli() -> argparse.ArgumentParser:
    """The options doccano 1.8's ``backend/cli.py`` gives ``createuser`` (argparse, as there)."""
    parser = argparse.ArgumentParser(prog="doccano")
    commands = parser.add_subparsers()
    create = commands.add_parser("createuser")
    create.add_argument("--username", type=str, default="admin")
    create.add_argument("--password", type=str, default="password")
    create.add_argument("--email", type=str, default="example@example.com")
    return parser


# What ``secrets.token_urlsafe(18)`` makes: 24 URL-safe characters. (argparse reads a value of exactly ``--`` as
# the end of the options even after ``=``; no generated password is that short.)
GENERATED = st.text(alphabet=URLSAFE, min_size=24, max_size=24)


@given(GENERATED, st.sampled_from(["admin", "-x", "corpusprep"]))
def test_createuser_reads_back_any_generated_password(password: str, username: str) -> None:
    parsed = _doccano_cli().parse_args(createuser_args("doccano", username, password)[1:])
    assert (parsed.username, parsed.password) == (username, password)


def test_a_password_beginning_with_a_dash_is_read_as_a_value() -> None:
    # the failure CI met once: "--password -Kx…" made argparse stop with "expected one argument"
    parsed = _doccano_cli().parse_args(createuser_args("doccano", "admin", "-Kx3_q")[1:])
    assert parsed.password == "-Kx3_q"
