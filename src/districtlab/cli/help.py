"""The commands' ``--help`` texts in the chosen language.

Typer reads a command's help from its docstring and an option's from its
``help=``, once, when it builds the click command tree; Babel's Python
extractor sees neither (a docstring is no ``_()`` call, and wrapping every
``help=`` would not reach the docstrings). So the texts are taken from the
built tree itself: :func:`help_texts` lists them for the catalogues
(``make catalogues`` adds them to the template with :func:`add_to_template`;
the catalogue test checks each is translated), and :func:`translate_help`
rewrites them in the tree, before the command line is parsed, in the language
that ``--lang`` (anywhere on the line) or ``$DISTRICTLAB_LANG`` names.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


# The tree is Typer's (its own vendored click in recent releases): commands are read by duck typing.
def _nodes(command: Any) -> Iterator[Any]:
    yield command
    children = getattr(command, "commands", None) or {}
    for name in sorted(children):
        yield from _nodes(children[name])


def _parameters(command: Any) -> Iterator[Any]:
    for parameter in command.params:
        if getattr(parameter, "help", None):
            yield parameter


def help_texts(command: Any) -> list[str]:
    """Every help text of ``command`` and its sub-commands (commands' help and short help, parameters')."""
    texts: list[str] = []
    for node in _nodes(command):
        texts += [text for text in (node.help, node.short_help) if text]
        texts += [str(parameter.help) for parameter in _parameters(node)]
    return list(dict.fromkeys(texts))


_ENGLISH = "_districtlab_english_help"  # where a node keeps its English texts, to translate again later


def translate_help(command: Any, gettext: Callable[[str], str]) -> None:
    """Set every help text of the tree under ``command`` to ``gettext`` of its English text (in place).

    The English texts are kept on the tree, so that a tree invoked again (a test runner, a notebook)
    is translated from English into the new language, or back to English with the identity.
    """
    for node in _nodes(command):
        if not hasattr(node, _ENGLISH):
            setattr(node, _ENGLISH, (node.help, node.short_help))
        help_text, short_help = getattr(node, _ENGLISH)
        node.help = gettext(help_text) if help_text else help_text
        node.short_help = gettext(short_help) if short_help else short_help
        for parameter in _parameters(node):
            if not hasattr(parameter, _ENGLISH):
                setattr(parameter, _ENGLISH, parameter.help)
            parameter.help = gettext(getattr(parameter, _ENGLISH))


def language_of(args: list[str], environment: str | None) -> str:
    """The language a command line asks for before it is parsed: ``--lang X`` or ``--lang=X`` anywhere
    (the last one), else ``environment`` ($DISTRICTLAB_LANG); English when neither names a language
    districtlab speaks (the ``--lang`` option itself then refuses it in one line)."""
    from districtlab.i18n import DEFAULT_LANGUAGE, LANGUAGES

    chosen = environment
    for index, token in enumerate(args):
        if token == "--":
            break
        if token == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif token.startswith("--lang="):
            chosen = token.removeprefix("--lang=")
    language = (chosen or "").strip().lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def add_to_template(template: Path) -> int:
    """Add the command line's help texts to the ``.pot`` template; the number of texts it holds."""
    import typer
    from babel.messages.pofile import read_po, write_po

    from districtlab.cli.main import app

    with template.open("rb") as file:
        catalogue = read_po(file)
    texts = help_texts(typer.main.get_command(app))
    for text in texts:
        if text not in catalogue:
            catalogue.add(text)
    with template.open("wb") as file:
        write_po(file, catalogue, width=100, omit_header=True, sort_output=True, no_location=True)
    return len(texts)


if __name__ == "__main__":  # make catalogues: python -m districtlab.cli.help <template.pot>
    print(f"{add_to_template(Path(sys.argv[1]))} help texts in {sys.argv[1]}")
