"""Every ``fedgate`` subcommand and option says what it is for in ``--help``."""

from __future__ import annotations

import argparse

from gateway.cli import build_parser


def _missing(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    out: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                if not helps.get(name):
                    out.append(f"{prefix} {name}".strip())
                out += _missing(sub, f"{prefix} {name}".strip())
        elif not action.help:
            out.append(f"{prefix} {'/'.join(action.option_strings) or action.dest}")
    return out


def test_every_subcommand_and_option_has_help() -> None:
    assert _missing(build_parser(), "") == []
