"""The site repository the benchmark starts from: found, read, and copied in parts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable


class BenchError(Exception):
    """A build or check failed, or the repository or work folder is unusable."""


def find_repo(start: Path | None = None) -> Path:
    """The nearest folder holding `mkdocs.yml`, from `start` (the current folder) upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise BenchError(f"aucun mkdocs.yml dans {here} ni au-dessus : indiquez --repo")


def add_repo_option(parser: argparse.ArgumentParser) -> None:
    """The `--repo` option both command lines share."""
    parser.add_argument(
        "--repo",
        type=Path,
        help="dépôt du site (dossier de mkdocs.yml ; par défaut, trouvé depuis le dossier courant)",
    )


def chosen_repo(option: Path | None) -> Path:
    """The repository named by `--repo`, or found from the current folder."""
    if option is None:
        return find_repo()
    repo = option.resolve()
    if not (repo / "mkdocs.yml").is_file():
        raise BenchError(f"{repo} : pas de mkdocs.yml")
    return repo


def copy_parts(source: Path, target: Path, parts: Iterable[str]) -> Path:
    """Copy the named files and folders of `source` into a fresh `target`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in parts:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        elif path.is_file():
            shutil.copy2(path, target / part)
    return target


def read_config(config_file: Path) -> dict[str, Any]:
    """`mkdocs.yml` as MkDocs reads it (its `!ENV` and `!relative` tags included)."""
    from mkdocs.utils.yaml import yaml_load

    with config_file.open(encoding="utf-8") as file:
        return yaml_load(file)


def vigie_options(config: dict[str, Any]) -> dict[str, Any]:
    """The options under the `vigie` plugin of a read `mkdocs.yml`."""
    for plugin in config.get("plugins") or ():
        if isinstance(plugin, dict) and "vigie" in plugin:
            return plugin["vigie"] or {}
    raise BenchError("mkdocs.yml n'active pas le plugin vigie")
