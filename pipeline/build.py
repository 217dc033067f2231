"""Which build is installed: pure Python, or the opt-in mypyc-compiled parse path (setup.py).

Read from where each module would load, without importing it, so ``mailtls --version`` stays
cheap and says the truth for the interpreter that runs it.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.metadata import version

import click

PACKAGES = ("parsers", "pipeline")


def compiled_modules() -> list[str]:
    """Modules of ``parsers`` and ``pipeline`` that load from a C extension, sorted."""
    found: list[str] = []
    for package in PACKAGES:
        paths = importlib.import_module(package).__path__
        for info in pkgutil.walk_packages(paths, f"{package}."):
            spec = info.module_finder.find_spec(info.name, None)
            origin = spec.origin if spec is not None else None
            if origin is not None and origin.endswith(tuple(EXTENSION_SUFFIXES)):
                found.append(info.name)
    return sorted(found)


def build_label() -> str:
    """One phrase for ``--version`` and the benchmarks: which build this interpreter runs."""
    compiled = compiled_modules()
    if not compiled:
        return "pure Python"
    return f"compiled with mypyc ({len(compiled)} modules)"


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"mailtls, version {version('mailtls')} ({build_label()})")
    ctx.exit()


# ``--version`` that also names the build; the label is worked out only when asked for
version_option = click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and the build (pure Python or compiled) and exit.",
)
