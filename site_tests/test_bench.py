"""The benchmark: valid sources, the same bytes for the same seed, a report with every figure."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import pytest

from conftest import REPO, run_vigie, tree_bytes
from vigie_bench import bench, synth
from vigie_bench.plain import vigie_pages, write_plain_site
from vigie_bench.repository import BenchError, find_repo

if TYPE_CHECKING:
    from pathlib import Path


def test_generated_sources_pass_vigie_check(tmp_path: Path) -> None:
    repo = synth.make_repo(tmp_path / "repo", 3, source_repo=REPO)
    result = run_vigie(repo, "check")
    assert result.returncode == 0, result.stderr
    assert "3 incident(s), 30 mise(s) à jour" in result.stdout


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = synth.make_repo(tmp_path / "first", 3, seed=7, source_repo=REPO)
    second = synth.make_repo(tmp_path / "second", 3, seed=7, source_repo=REPO)
    other = synth.make_repo(tmp_path / "other", 3, seed=8, source_repo=REPO)
    assert tree_bytes(first) == tree_bytes(second)
    assert tree_bytes(first / "incidents") != tree_bytes(other / "incidents")


def test_updates_have_the_promised_shape(tmp_path: Path) -> None:
    repo = synth.make_repo(tmp_path / "repo", 3, source_repo=REPO)
    incidents = sorted(p for p in (repo / "incidents").iterdir() if p.is_dir())
    assert len(incidents) == 3
    resolved = [p for p in incidents if "resolved:" in (p / "incident.yml").read_text("utf-8")]
    assert 1 <= len(resolved) < 3  # most resolved, at least one still open
    for incident in incidents:
        updates = sorted((incident / "updates").glob("*.md"))
        assert len(updates) == synth.UPDATES_PER_INCIDENT
        faq = (incident / "faq.yml").read_text("utf-8")
        assert faq.count("- id: ") == synth.FAQ_PER_INCIDENT
        for update in updates:
            body = update.read_text("utf-8").split("---\n", 2)[2]
            assert 150 <= len(body.split()) <= 300
            assert re.search(r"^## \S", body, re.MULTILINE)
            assert re.search(r"^- \S", body, re.MULTILINE)
            assert "](https://www.cnil.fr/)" in body


def test_plain_site_has_one_markdown_page_per_vigie_page(tmp_path: Path) -> None:
    repo = synth.make_repo(tmp_path / "repo", 3, source_repo=REPO)
    plain = tmp_path / "plain"
    write_plain_site(repo, plain)
    written = {str(p.relative_to(plain / "docs")) for p in (plain / "docs").rglob("*.md")}
    generated = {page.uri for page in vigie_pages(repo)}
    assert generated <= written
    first = min(p.name for p in (repo / "incidents").iterdir() if p.is_dir())
    assert f"incidents/{first}/versions/{synth.UPDATES_PER_INCIDENT}.md" in written
    version = (plain / f"docs/incidents/{first}/versions/3.md").read_text("utf-8")
    assert version.count("](https://www.cnil.fr/)") >= 3  # the bodies of updates 1 to 3
    assert "vigie" not in (plain / "mkdocs.yml").read_text("utf-8")


def test_a_small_run_reports_every_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The run points PYTHONPATH at its frozen copy of the code: restored after the test.
    monkeypatch.setenv("PYTHONPATH", os.environ.get("PYTHONPATH", ""))
    output = tmp_path / "benchmarks.md"
    argv = ["--repo", str(REPO), "--sizes", "2,3", "--runs", "1", "--no-weight"]
    assert bench.main([*argv, "--work", str(tmp_path / "w"), "--output", str(output)]) == 0
    report = output.read_text(encoding="utf-8")
    assert re.search(r"^\| 3 \| (\d+) / \1 \|", report, re.MULTILINE)  # same pages for both
    assert "## Publier une mise à jour" in report
    # Full build, then one update with the site in place, then one as in CI, then the check.
    row = r"^\| 3 \| [\d.]+ \| [\d.]+ \| \*\*[\d.]+\*\* \| \d+ \| [\d.]+ \| \*\*[\d.]+\*\* \|"
    assert re.search(row, report, re.MULTILINE)
    assert "## Objectifs" in report
    assert "(site en place) |" in report
    assert "(CI) |" in report
    updated = max((tmp_path / "w/3/updated/incidents").glob("*/updates"))
    assert len(list(updated.glob("*.md"))) == synth.UPDATES_PER_INCIDENT + 3  # three days' news
    # Both packages were frozen for the children: the `vigie` measured, the plain site writer.
    assert (tmp_path / "w/code/vigie/plugin.py").is_file()
    assert (tmp_path / "w/code/vigie_bench/plain.py").is_file()


def test_the_repository_is_the_nearest_folder_with_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site/mkdocs.yml").write_text("site_name: Essai\n", encoding="utf-8")
    (tmp_path / "site/pages/deep").mkdir(parents=True)
    assert find_repo(tmp_path / "site/pages/deep") == tmp_path / "site"
    assert find_repo(tmp_path / "site") == tmp_path / "site"
    with pytest.raises(BenchError) as error:
        find_repo(tmp_path)
    assert str(error.value) == f"aucun mkdocs.yml dans {tmp_path} ni au-dessus : indiquez --repo"


def test_the_report_shows_each_figure_and_why_page_weights_are_missing() -> None:
    from datetime import UTC, datetime

    from vigie_bench.measure import Result, Run
    from vigie_bench.pageweight import NotMeasured
    from vigie_bench.report import report

    result = Result(
        incidents=100,
        vigie_pages=1108,
        plain_pages=1108,
        vigie=Run(12.0, 10.0, 80.0),
        plain=Run(20.0, 20.0, 160.0),
        check=Run(1.2, 1.0, 40.0),
        runs=3,
        prepare_seconds=4.0,
    )
    common = {
        "command": "make bench",
        "started": datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        "total_seconds": 120.0,
        "jobs": 2,
        "machine_lines": ["- cœurs : 2"],
        "commit": "abc1234",
    }
    text = report([result], None, **common, weights=NotMeasured("Playwright manque."))
    assert "- commande : `make bench` (2.0 min en tout)\n" in text
    assert "- date : 2026-11-01 12:00 UTC ; code : `abc1234`, copié au départ" in text
    row = (
        "| 100 | 1\u202f108 / 1\u202f108 | 3 | 12.0 | 20.0 | **0.60** | 10.0 | 20.0 | 0.50 "
        "| 80 | 160 | 1.2 | 10% |"
    )
    assert row in text.splitlines()
    assert "| Vigie / Material ≤ 1.2 à 100 incidents | 0.60 | OK |" in text
    assert "| Vigie / Material ≤ 1.2 à 1\u202f000 incidents | non mesuré | — |" in text
    assert text.endswith(
        "| durée de la mesure complète ≤ 10 min | 2.0 min | — |\n"
        "\n## Poids des pages\n\nNon mesuré : Playwright manque.\n"
    )
    without = report([result], None, **common)
    assert without.endswith("| durée de la mesure complète ≤ 10 min | 2.0 min | — |\n")
