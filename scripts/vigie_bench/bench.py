"""`python -m vigie_bench.bench`: Vigie's build time and memory against plain Material.

For each size, synthetic sources are generated from a seed in Vigie's own format
(`vigie_bench.synth`); the same pages (home, incidents, every version, timeline, history, FAQ)
are also written as plain Markdown for stock Material (`vigie_bench.plain`). Both are built as
whole processes, side by side, and the medians are compared (`vigie_bench.measure`), so the
ratio measures Vigie's own overhead on this machine. `vigie_bench.report` writes the document.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vigie_bench import pageweight, report, s3_deploy
from vigie_bench.measure import (
    PACKAGES,
    Rebuild,
    Result,
    freeze_code,
    measure_size,
    profile_build,
    say,
)
from vigie_bench.repository import BenchError, add_repo_option, chosen_repo
from vigie_bench.synth import SEED, make_repo

if TYPE_CHECKING:
    from collections.abc import Sequence

SIZES = (10, 100, 1000)
S3_SIZE = 100  # at 1,000 the bucket section alone takes two minutes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vigie_bench.bench", description="Mesure Vigie contre Material seul."
    )
    add_repo_option(parser)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="ex. 10,100,1000")
    parser.add_argument("--runs", type=int, default=3, help="passes par taille (médiane)")
    parser.add_argument("--quick", action="store_true", help="10 et 100 incidents, 1 passe")
    parser.add_argument(
        "--budget",
        type=float,
        default=540,
        help="secondes : la plus grande taille ne refait une passe que si elle tient dedans",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        default=2,
        help="2 : Material construit à côté de Vigie, sur l'autre cœur ; 1 : l'un après l'autre",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--work", type=Path, help="dossier de travail (par défaut : bench/ dans le dépôt)"
    )
    parser.add_argument(
        "--output", type=Path, help="document écrit (par défaut : docs/benchmarks.md du dépôt)"
    )
    parser.add_argument("--no-write", action="store_true", help="ne pas réécrire --output")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="profiler `vigie build` à N incidents, sans mesurer",
    )
    parser.add_argument(
        "--no-weight", action="store_true", help="sans la section « Poids des pages » (Chromium)"
    )
    parser.add_argument(
        "--s3-size",
        type=int,
        default=S3_SIZE,
        help="taille du site déployé dans un seau S3 (0 : sans ; 1000 : 2 min de plus)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m vigie_bench.bench`."""
    args = _parser().parse_args(argv)
    try:
        repo = chosen_repo(args.repo)
    except BenchError as error:
        print(error, file=sys.stderr)
        return 2
    work = (args.work or repo / "bench").resolve()
    output = args.output or repo / "docs" / "benchmarks.md"
    if args.profile:
        size = args.profile
        generated = make_repo(work / f"{size}" / "repo", size, seed=args.seed, source_repo=repo)
        try:
            print("\n".join(profile_build(generated)))
        except BenchError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    sizes = (10, 100) if args.quick else tuple(int(s) for s in args.sizes.split(",") if s)
    runs = 1 if args.quick else args.runs
    started = datetime.now(UTC)
    began = time.monotonic()
    deadline = began + args.budget
    machine_lines = report.machine()
    commit = report.commit(PACKAGES[0])
    freeze_code(work / "code")
    results: list[Result] = []
    rebuilds: list[Rebuild] = []
    try:
        for size in sizes:
            say(f"{report.size_text(size)} incidents :")
            result, rebuilt = measure_size(
                work,
                size,
                source_repo=repo,
                seed=args.seed,
                runs=runs,
                jobs=args.jobs,
                deadline=deadline if size == max(sizes) else None,
                rebuild=True,
            )
            results.append(result)
            rebuilds += [rebuilt] if rebuilt else []
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    weights: list[pageweight.PageWeight] | pageweight.NotMeasured | None = None
    if not args.no_weight:
        # « Poids des pages » (issue 7): incident pages of the sites just built, in Chromium.
        say("Poids des pages (Chromium)")
        try:
            weights = pageweight.measure_bench_sites(repo, work, sizes)
        except pageweight.NotMeasured as error:
            weights = error
    bucket = ""
    if args.s3_size in sizes and any(r.incidents == args.s3_size for r in rebuilds):
        say(f"vigie deploy s3 (rclone serve s3), {args.s3_size} incidents")
        size_dir = work / f"{args.s3_size}"
        try:
            bucket = s3_deploy.report(
                *s3_deploy.measure(size_dir / "repo" / "site", size_dir / "updated" / "site")
            )
        except SystemExit as error:
            bucket = f"Non mesuré : {error}\n"
        bucket = f"Site de {report.size_text(args.s3_size)} incidents.\n\n{bucket}"
    words = sys.argv[1:] if argv is None else list(argv)
    command = "make bench" if os.environ.get("MAKELEVEL") and not words else ""
    command = command or shlex.join(["python", "-m", "vigie_bench.bench", *words])
    text = report.report(
        results,
        rebuilds,
        command=command,
        started=started,
        total_seconds=time.monotonic() - began,
        jobs=args.jobs,
        machine_lines=machine_lines,
        commit=commit,
        weights=weights,
        bucket=bucket,
    )
    print(text)
    if not args.no_write:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        say(f"Résultats écrits dans {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
