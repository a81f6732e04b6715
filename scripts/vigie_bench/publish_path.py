"""Push to live, replayed: the GitHub template's publication steps on a fresh clone, timed.

`replay` clones a repository and runs what the `publish` job of
`.ci/templates/github-actions.yml` runs, read from the template itself: the set-up (a new
virtualenv and `pip install -e .`; pip's own cache on this machine stands for the CI cache
of downloads), `make check`, the guard `vigie check --since`, `make build` (with a
`.vigie-cache/` from an earlier run when given, as CI restores it), `vigie verify site`,
and instead of the push to gh-pages, `vigie deploy dir` into a folder.

`python -m vigie_bench.publish_path` (from the repository root) replays two pushes: the
first one, with no build cache, then a content-only one (a new update, committed in a
copy) with the first run's build cache, and prints the seconds of each step.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

TEMPLATE = ".ci/templates/github-actions.yml"
VIGIE = ".venv/bin/vigie"
# The publication path, when the template cannot be read.
FALLBACK = ["make check", f"{VIGIE} check --since", "make build", f"{VIGIE} verify site"]
SETUP = "set-up (venv + pip install -e .)"
# The content-only change of the second push: one new update of the example's outage.
UPDATE = "incidents/2024-06-espace-adherent/updates/2024-06-12T0900-point-de-suivi.md"
UPDATE_TEXT = """---
date: 2024-06-12T09:00:00+02:00
status: resolved
title: Point de suivi
---
L’espace adhérent fonctionne normalement depuis hier midi. Aucune autre interruption n’a été
constatée depuis.
"""


def template_commands(repo: Path) -> list[str]:
    """The `make` and `vigie` commands of the template's publish job, in order."""
    try:
        data = yaml.safe_load((repo / TEMPLATE).read_text(encoding="utf-8"))
        steps = data["jobs"]["publish"]["steps"]
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return FALLBACK
    found = []
    for step in steps:
        for line in str(step.get("run", "")).splitlines():
            for part in (p.strip() for p in line.split("&&")):
                words = part.split()
                if part.startswith("make ") or (
                    part.startswith(f"{VIGIE} ") and not words[1].startswith("-")
                ):  # not `vigie --help`, the test that a restored virtualenv runs
                    found.append(part)
    return found or FALLBACK


def run(step: str, command: list[str], cwd: Path, timings: list[tuple[str, float]]) -> None:
    """Run `command` in `cwd`, adding its seconds to `timings` under `step`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    start = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    timings.append((step, time.monotonic() - start))
    if done.returncode != 0:
        raise RuntimeError(f"{step}: exit {done.returncode}\n{done.stdout}{done.stderr}")


def replay(repo: Path, workdir: Path, *, cache: Path | None = None) -> list[tuple[str, float]]:
    """Clone `repo` into `workdir` and replay the publication steps: (step, seconds) each.

    `cache`, a `.vigie-cache/` of an earlier run, is copied in before the check, as CI
    restores it. The site is deployed to `workdir/live` (`vigie deploy dir`)."""
    timings: list[tuple[str, float]] = []
    clone = workdir / "clone"
    run("git clone", ["git", "clone", "--quiet", str(repo), str(clone)], workdir, timings)
    # `touch`, as the template does for a restored virtualenv: make must not reinstall.
    setup = f"python3 -m venv .venv && .venv/bin/pip install --quiet -e . && touch {VIGIE}"
    run(SETUP, ["sh", "-c", setup], clone, timings)
    if cache is not None and cache.is_dir():
        start = time.monotonic()
        shutil.copytree(cache, clone / ".vigie-cache")
        timings.append(("restore .vigie-cache/", time.monotonic() - start))
    earlier = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD~1"], cwd=clone, capture_output=True
    )
    deploy = [VIGIE, "deploy", "dir", str(workdir / "live")]
    for command in template_commands(clone):
        words = shlex.split(command)
        if words[:2] == [VIGIE, "deploy"]:  # a push to gh-pages: a folder instead
            words = deploy
        elif words[-1] == "--since":  # the guard, against a revision that exists
            words.append("HEAD~1" if earlier.returncode == 0 else "HEAD")
        name = " ".join(words[:4] if words is not deploy else [*words[:3], "<folder>"])
        run(name.removeprefix(".venv/bin/"), words, clone, timings)
    if not any(step.startswith("vigie deploy") for step, _ in timings):
        run("vigie deploy dir <folder>", deploy, clone, timings)
    return timings


def content_push(repo: Path, target: Path) -> Path:
    """A copy of `repo` with one more commit: a new update, nothing else."""
    subprocess.run(["git", "clone", "--quiet", str(repo), str(target)], check=True)
    (target / UPDATE).write_text(UPDATE_TEXT, encoding="utf-8")
    git = ["git", "-C", str(target), "-c", "user.name=Vigie", "-c", "user.email=vigie@example.org"]
    subprocess.run([*git, "add", UPDATE], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "Point de suivi"], check=True)
    return target


def table(runs: dict[str, list[tuple[str, float]]]) -> str:
    """Step → seconds, one column per run, with the total and the set-up's share."""
    longest = max(runs.values(), key=len)  # the order of the run with every step
    steps = list(dict.fromkeys(step for t in [longest, *runs.values()] for step, _ in t))
    width = max(len(step) for step in [*steps, "total"])
    head = f"{'step':<{width}}" + "".join(f"  {name:>22}" for name in runs)
    lines = [head, "-" * len(head)]
    for step in steps:
        cells = []
        for timings in runs.values():
            seconds = dict(timings).get(step)
            cells.append(f"  {'—' if seconds is None else f'{seconds:.1f} s':>22}")
        lines.append(f"{step:<{width}}" + "".join(cells))
    totals = [sum(s for _, s in timings) for timings in runs.values()]
    lines.append(f"{'total':<{width}}" + "".join(f"  {t:>20.1f} s" for t in totals))
    shares = [
        dict(t).get(SETUP, 0.0) / total for t, total in zip(runs.values(), totals, strict=True)
    ]
    lines.append(f"{'set-up share':<{width}}" + "".join(f"  {s:>20.0%}  " for s in shares))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vigie_bench.publish_path", description=__doc__)
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="git repository (.)")
    parser.add_argument("--workdir", type=Path, help="where to clone (a temporary folder)")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory(prefix="vigie-publish-") as temporary:
        work = (args.workdir or Path(temporary)).resolve()
        first, second = work / "first", work / "content"
        first.mkdir(parents=True)
        second.mkdir()
        runs = {"first push, no cache": replay(repo, first)}
        pushed = content_push(repo, work / "pushed")
        cache = first / "clone" / ".vigie-cache"
        runs["content-only, warm"] = replay(pushed, second, cache=cache)
    print(f"Push to live, replayed from {TEMPLATE} on fresh clones of {repo}:")
    print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
