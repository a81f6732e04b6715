"""Whole-process builds measured: wall time, CPU time and peak memory, Vigie beside Material.

`measure_size` generates one size of synthetic sources, then builds it with `vigie build` and
its plain twin with `mkdocs build`, pass after pass; `freeze_code` makes every child process
import one frozen copy of the code.
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import vigie
import vigie_bench
from vigie_bench.repository import BenchError
from vigie_bench.synth import make_repo

if TYPE_CHECKING:
    from collections.abc import Sequence

# The packages a child process imports: `vigie` (the code measured) and `vigie_bench` (which
# writes the plain Material site).
PACKAGES = (Path(vigie.__file__).parent, Path(vigie_bench.__file__).parent)


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the process: less sensitive to other load
    peak_mib: float  # maximum resident memory


class _Child:
    """A command started as its own process, measured when it ends."""

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self.output = tempfile.TemporaryFile()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.start = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, stdout=self.output, stderr=subprocess.STDOUT, env=env
        )

    def wait(self) -> Run:
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN only gives the largest child's.
        _, status, usage = os.wait4(self.process.pid, 0)
        seconds = time.perf_counter() - self.start
        self.process.returncode = os.waitstatus_to_exitcode(status)
        with self.output:
            if self.process.returncode != 0:
                self.output.seek(0)
                text = self.output.read().decode("utf-8", "replace")[-4000:]
                command = shlex.join(self.command)
                raise BenchError(f"{command} a échoué ({self.process.returncode}) :\n{text}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, cpu, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def freeze_code(target: Path) -> Path:
    """Copy the `vigie` and `vigie_bench` packages to `target`; child processes import that copy.

    Others may edit the checkout while a long measurement runs: every build of one run
    then measures the same code, the one the report's commit line names.
    """
    if target.exists():
        shutil.rmtree(target)
    for package in PACKAGES:
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(package, target / package.name, ignore=ignore)
    paths = [str(target), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    return target


def run_process(command: Sequence[str]) -> Run:
    """Wall time, CPU time and peak resident memory of `command`, run as a whole process."""
    return _Child(command).wait()


def median_run(runs: Sequence[Run]) -> Run:
    """The median of each figure over several runs."""
    return Run(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.peak_mib for r in runs),
    )


def vigie_command(repo: Path, action: str, *options: str) -> list[str]:
    """`vigie check` or `vigie build` on `repo`, as staff run it."""
    return [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), action, *options]


def copy_with_update_command(repo: Path, target: Path) -> list[str]:
    """`repo` copied to `target` with its build cache but not its site (as a CI checkout with
    its cache restored), then one update more."""
    return [sys.executable, "-m", "vigie_bench.synth", "copy-with-update", str(repo), str(target)]


def add_update_command(repo: Path) -> list[str]:
    """One update more in `repo`, its site and cache left as they are."""
    return [sys.executable, "-m", "vigie_bench.synth", "add-update", str(repo)]


def plain_command(plain: Path) -> list[str]:
    """Plain `mkdocs build` of the plain Material site."""
    return [sys.executable, "-m", "mkdocs", "build", "-f", str(plain / "mkdocs.yml")]


def write_plain_command(repo: Path, plain: Path) -> list[str]:
    """`vigie_bench.plain`, in a process of its own, writing the plain Material site for `repo`."""
    return [sys.executable, "-m", "vigie_bench.plain", str(repo), str(plain)]


def run_lanes(
    first: Sequence[Sequence[str]], second: Sequence[Sequence[str]], jobs: int
) -> tuple[list[Run], list[Run]]:
    """Run two lists of commands, each in order; with 2 jobs, the lists run side by side."""
    if jobs < 2:
        return [run_process(c) for c in first], [run_process(c) for c in second]
    beside: list[Run] = []
    failures: list[BaseException] = []

    def lane() -> None:
        try:
            beside.extend(run_process(c) for c in second)
        except BaseException as error:  # handed to the main thread, raised there
            failures.append(error)

    thread = threading.Thread(target=lane)
    thread.start()
    try:
        runs = [run_process(c) for c in first]
    finally:
        thread.join()
    if failures:
        raise failures[0]
    return runs, beside


@dataclass(frozen=True)
class Result:
    incidents: int
    vigie_pages: int
    plain_pages: int
    vigie: Run
    plain: Run
    check: Run
    runs: int
    prepare_seconds: float

    @property
    def ratio(self) -> float:
        return self.vigie.seconds / self.plain.seconds

    @property
    def cpu_ratio(self) -> float:
        return self.vigie.cpu_seconds / self.plain.cpu_seconds

    @property
    def check_share(self) -> float:
        return self.check.seconds / self.vigie.seconds


@dataclass(frozen=True)
class Rebuild:
    """One new update published with the last build's cache: the build, then the check; then
    two more updates, each built with the site the one before left in place, the second
    measured: the site before it is in place too (as on staff's machine)."""

    incidents: int
    run: Run  # the copy's site and cache are new files: nothing can be linked (as in CI)
    check: Run
    in_place: Run


def _html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def say(text: str) -> None:
    """A line of progress, on standard error."""
    print(text, file=sys.stderr, flush=True)


def measure_size(
    work: Path,
    incidents: int,
    *,
    source_repo: Path,
    seed: int,
    runs: int,
    jobs: int,
    deadline: float | None = None,
    rebuild: bool = False,
) -> tuple[Result, Rebuild | None]:
    """Generate one size from `source_repo`'s settings, build it with Vigie and with Material.

    The full build and check ignore the cache (`--clean`; the build still writes one). With
    a `deadline` (a `time.monotonic()` value), passes after the first are only run while one
    more pass still fits before it. With `rebuild`, the first pass then copies the sources
    with the site and cache just made, adds one update, and builds and checks that copy
    (the day of an incident), in Vigie's lane, while Material still builds.
    """
    start = time.monotonic()
    repo = make_repo(work / f"{incidents}" / "repo", incidents, seed=seed, source_repo=source_repo)
    plain = work / f"{incidents}" / "plain"
    updated = work / f"{incidents}" / "updated"
    prepared = time.monotonic()
    say(f"  sources générées en {prepared - start:.0f} s")
    vigie_runs: list[Run] = []
    plain_runs: list[Run] = []
    check_runs: list[Run] = []
    rebuilt: Rebuild | None = None
    for number in range(1, runs + 1):
        began = time.monotonic()
        # The plain pages come from Vigie's own page list: written beside the first build.
        writing = [write_plain_command(repo, plain)] if number == 1 else []
        rebuilding = (
            [
                copy_with_update_command(repo, updated),
                vigie_command(updated, "build"),
                vigie_command(updated, "check"),
                add_update_command(updated),
                vigie_command(updated, "build"),
                add_update_command(updated),
                vigie_command(updated, "build"),
            ]
            if rebuild and number == 1
            else []
        )
        full = [vigie_command(repo, "build", "--clean"), vigie_command(repo, "check", "--clean")]
        (vigie, check, *after_update), material = run_lanes(
            [*full, *rebuilding], [*writing, plain_command(plain)], jobs
        )
        if after_update:
            rebuilt = Rebuild(incidents, after_update[1], after_update[2], after_update[6])
            say(
                f"  une mise à jour de plus, cache chaud : build {rebuilt.run.seconds:.1f} s "
                f"({rebuilt.run.peak_mib:.0f} Mio), check {rebuilt.check.seconds:.1f} s ; "
                f"une autre, site en place : build {rebuilt.in_place.seconds:.1f} s "
                f"({rebuilt.in_place.peak_mib:.0f} Mio)"
            )
        material = material[-1]
        vigie_runs.append(vigie)
        plain_runs.append(material)
        check_runs.append(check)
        took = time.monotonic() - began
        say(
            f"  passe {number} en {took:.0f} s : Vigie {vigie.seconds:.1f} s "
            f"({vigie.peak_mib:.0f} Mio), Material {material.seconds:.1f} s "
            f"({material.peak_mib:.0f} Mio), check {check.seconds:.1f} s"
        )
        if deadline is not None and time.monotonic() + took + vigie.seconds > deadline:
            break
    result = Result(
        incidents=incidents,
        vigie_pages=_html_pages(repo / "site"),
        plain_pages=_html_pages(plain / "site"),
        vigie=median_run(vigie_runs),
        plain=median_run(plain_runs),
        check=median_run(check_runs),
        runs=len(vigie_runs),
        prepare_seconds=prepared - start,
    )
    return result, rebuilt


def profile_build(repo: Path, top: int = 25) -> list[str]:
    """Run `vigie build` on `repo` under cProfile; Vigie's own functions by cumulative time."""
    import pstats

    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "build.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "vigie.cli"]
        run_process([*command, "-f", str(repo / "mkdocs.yml"), "build"])
        stats = pstats.Stats(str(output))
    rows = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for _, _, _, cumulative, _ in rows.values())
    ours = str(PACKAGES[0])
    lines = [
        f"Profil de `vigie build` ({total:.1f} s sous cProfile, qui ralentit environ ×2)",
        "",
        "| fonction de Vigie | appels | temps cumulé (s) | part |",
        "| --- | ---: | ---: | ---: |",
    ]
    own = sorted(
        ((key, value) for key, value in rows.items() if key[0].startswith(ours)),
        key=lambda item: item[1][3],
        reverse=True,
    )
    for (filename, line, name), (_, calls, _, cumulative, _) in own[:top]:
        where = f"{Path(filename).name}:{line} {name}"
        lines.append(f"| `{where}` | {calls} | {cumulative:.1f} | {cumulative / total:.0%} |")
    lines += [
        "",
        "| fonction, toutes bibliothèques (temps propre) | appels | temps propre (s) | part |",
        "| --- | ---: | ---: | ---: |",
    ]
    by_own_time = sorted(rows.items(), key=lambda item: item[1][2], reverse=True)
    for (filename, line, name), (_, calls, own_time, _, _) in by_own_time[: top // 2]:
        where = "/".join(Path(filename).parts[-2:]) + f":{line} {name}"
        lines.append(f"| `{where}` | {calls} | {own_time:.1f} | {own_time / total:.0%} |")
    return lines
