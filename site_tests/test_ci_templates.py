"""The CI templates in .ci/templates/: what each job runs, caches and waits for.

They are read as CI reads them (YAML) and their commands checked against the Makefile and
the `vigie` command; the GitHub job that decides whether to test is run on real commits.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from conftest import REPO, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

GITHUB = yaml.safe_load((REPO / ".ci/templates/github-actions.yml").read_text("utf-8"))
GITLAB = yaml.safe_load((REPO / ".ci/templates/gitlab-ci.yml").read_text("utf-8"))
JOBS = GITHUB["jobs"]
PUBLISH_PATH = [
    "make check",
    ".venv/bin/vigie check --since",
    "make build",
    ".venv/bin/vigie verify site",
]


def commands(script: str | list[str]) -> list[str]:
    """Each simple command of a `run:` text or a `script:` list, `&&` and `||` split."""
    lines = script.splitlines() if isinstance(script, str) else script
    return [part.strip() for line in lines for part in re.split(r"&&|\|\|", line) if part.strip()]


def github_commands(job: str) -> list[str]:
    return [c for step in JOBS[job]["steps"] if "run" in step for c in commands(step["run"])]


def gitlab_jobs() -> dict[str, dict[str, Any]]:
    return {
        name: job
        for name, job in GITLAB.items()
        if isinstance(job, dict) and ("script" in job or "extends" in job)
    }


def gitlab_script(name: str) -> list[str]:
    job = GITLAB[name]
    return commands(job.get("script") or GITLAB[job["extends"]]["script"])


def all_commands() -> list[str]:
    found = [c for job in JOBS for c in github_commands(job)]
    return found + [c for name in gitlab_jobs() for c in gitlab_script(name)]


def test_ci_templates_load_and_run_commands_that_exist() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    assert JOBS["publish"]["steps"][0]["with"]["fetch-depth"] == 0
    assert GITHUB[True]["schedule"][0]["cron"] == "*/15 * * * *"  # YAML 1.1 reads `on` as True
    assert GITLAB["variables"]["GIT_DEPTH"] == 0
    found = all_commands()
    make_targets = {c.split()[1] for c in found if c.startswith("make ")}
    assert {"check", "build", "test"} <= make_targets <= targets
    vigie_calls = [shlex.split(c)[1:] for c in found if c.startswith(".venv/bin/vigie ")]
    assert len(vigie_calls) >= 4
    for call in vigie_calls:
        words = []
        for word in call:
            if word in {">", "2>", "|", ";"}:
                break
            words.append(word)
        if words[0].startswith("-"):  # vigie --help: the command runs
            result = run_vigie(REPO, *words)
        else:
            named = [w for w in words if not w.startswith("-")]
            sub = [named[1]] if named[0] == "deploy" else []
            result = run_vigie(REPO, named[0], *sub, "--help")
        assert result.returncode == 0, (call, result.stderr)
        if "--since" in words:  # the guard, with its optional revision left out
            assert "--since [RÉVISION]" in run_vigie(REPO, "check", "--help").stdout


def in_order(wanted: list[str], found: list[str]) -> bool:
    """Whether `wanted` appears in `found` in this order (other commands between)."""
    rest = iter(found)
    return all(any(c == w for c in rest) for w in wanted)


def test_publication_path_is_check_guard_build_verify_then_deploy_on_main_only() -> None:
    deploy = ".venv/bin/vigie deploy git origin --branch gh-pages"
    assert in_order([*PUBLISH_PATH, deploy], github_commands("publish"))
    step = next(s for s in JOBS["publish"]["steps"] if "deploy" in s.get("run", ""))
    assert step["if"] == "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'"
    assert "if" not in JOBS["publish"]  # it runs on every event, the schedule included
    assert in_order([*PUBLISH_PATH, "rm -rf public", "cp -r site public"], gitlab_script("pages"))
    assert GITLAB["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert GITLAB["pages"]["artifacts"]["paths"] == ["public"]
    assert gitlab_script("check-build") == PUBLISH_PATH  # other branches: no deploy
    # No two deploys at once; a running deploy is never cancelled.
    assert JOBS["publish"]["concurrency"]["cancel-in-progress"] is False
    assert "concurrency" not in GITHUB  # a test job never holds up the next update
    assert GITLAB["pages"]["resource_group"]
    assert GITHUB["permissions"] == {"contents": "read"}
    assert JOBS["publish"]["permissions"] == {"contents": "write"}  # the gh-pages push


def test_the_publication_never_runs_or_waits_for_the_developer_suite() -> None:
    for job in JOBS:
        assert ("make test" in github_commands(job)) == (job == "test"), job
    assert "needs" not in JOBS["publish"]
    for name in gitlab_jobs():
        assert ("make test" in gitlab_script(name)) == (name == "test"), name
    stages = GITLAB["stages"]
    assert stages.index(GITLAB["test"]["stage"]) > stages.index(GITLAB[".publish"]["stage"])
    assert GITLAB["test"]["needs"] == []  # starts at once, beside the publication
    for name in ("pages", "check-build", ".publish"):
        assert "needs" not in GITLAB[name]


def cache_steps() -> dict[str, dict[str, Any]]:
    steps = [s for s in JOBS["publish"]["steps"] if s.get("uses", "").startswith("actions/cache@")]
    return {s["with"]["path"]: s for s in steps}


def test_github_caches_the_virtualenv_and_the_build_cache_before_checking() -> None:
    steps = JOBS["publish"]["steps"]
    caches = cache_steps()
    assert set(caches) == {".venv", ".vigie-cache"}
    first_check = next(i for i, s in enumerate(steps) if "make check" in s.get("run", ""))
    assert all(steps.index(s) < first_check for s in caches.values())
    venv = caches[".venv"]["with"]
    assert "steps.python.outputs.python-version" in venv["key"]
    assert "hashFiles('pyproject.toml')" in venv["key"]
    build = caches[".vigie-cache"]["with"]
    code = "hashFiles('pyproject.toml', 'scripts/vigie/**')"
    assert code in build["key"]
    (prefix,) = build["restore-keys"].splitlines()
    # A content-only change restores the last cache of the same Vigie; new code: fresh.
    assert build["key"].startswith(prefix)
    assert code in prefix
    assert "incidents/**" in build["key"]
    assert "incidents" not in prefix
    # make reinstalls a virtualenv older than pyproject.toml (always, after a checkout):
    # a restored one that runs is marked current, one that does not is dropped.
    reuse = next(s for s in steps if s.get("if") == "steps.venv.outputs.cache-hit == 'true'")
    assert "touch .venv/bin/vigie" in reuse["run"]
    assert "rm -rf .venv" in reuse["run"]
    test_python = next(s for s in JOBS["test"]["steps"] if "setup-python" in s.get("uses", ""))
    assert test_python["with"]["cache"] == "pip"


def test_gitlab_caches_downloads_and_the_build_cache_keyed_on_vigie() -> None:
    caches = {tuple(c["paths"]): c["key"] for c in GITLAB[".publish"]["cache"]}
    build = caches[(".vigie-cache/",)]
    assert "pyproject.toml" in build["files"]
    assert any(f.startswith("scripts/vigie/") for f in build["files"])
    assert len(build["files"]) <= 2  # GitLab's limit for cache:key:files
    pip = caches[(".cache/pip/",)]
    assert pip["files"] == ["pyproject.toml"]
    assert GITLAB["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    for name in ("pages", "check-build"):
        assert GITLAB[name]["extends"] == ".publish"
        assert "cache" not in GITLAB[name]  # the shared caches, not replaced


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A GitLab `changes:` glob (`**/` any folders, `*` within one) as a regular expression."""
    parts = re.split(r"(\*\*/|\*)", pattern)
    table = {"**/": "(?:.*/)?", "*": "[^/]*"}
    return re.compile("".join(table.get(p) or re.escape(p) for p in parts) + "$")


PATHS = {
    "incidents/2024-06-espace-adherent/updates/2024-06-12T0900-point.md": False,
    "incidents/faq.yml": False,
    "docs/ci.md": False,
    "README.md": False,
    "scripts/vigie/cli.py": True,
    "scripts/vigie_bench/bench.py": True,
    "overrides/partials/copyright.html": True,
    "pages/accessibilite.md": True,
    "site_tests/test_api.py": True,
    "mkdocs.yml": True,
    "pyproject.toml": True,
    "Makefile": True,
    ".ci/run": True,
}


def test_gitlab_tests_only_when_code_templates_settings_or_tests_change() -> None:
    rules = GITLAB["test"]["rules"]
    assert rules[0] == {"if": '$CI_PIPELINE_SOURCE == "schedule"', "when": "never"}
    (changes,) = [rule["changes"] for rule in rules[1:]]
    for path, code in PATHS.items():
        assert any(glob_regex(g).match(path) for g in changes) == code, path
    assert any(glob_regex(g).match(".gitlab-ci.yml") for g in changes)


def decide(repo: Path, event: str, base: str) -> str:
    """Run the `changes` job's script in `repo`: its `code` output."""
    step = next(s for s in JOBS["changes"]["steps"] if s.get("id") == "diff")
    output = repo / "output"
    output.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_EVENT_NAME": event, "GITHUB_OUTPUT": str(output), "BASE": base}
    env["CODE"] = step["env"]["CODE"]
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, check=True)
    (line,) = output.read_text(encoding="utf-8").splitlines()
    return line


def commit(repo: Path, path: str) -> str:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(path, encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", path], check=True)
    subprocess.run([*git, "commit", "-qm", path], check=True)
    done = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.parametrize(("path", "code"), PATHS.items())
def test_github_tests_only_when_code_templates_settings_or_tests_change(
    tmp_path: Path, path: str, code: bool
) -> None:
    assert JOBS["changes"]["if"] == "github.event_name != 'schedule'"
    assert JOBS["test"]["needs"] == "changes"
    assert JOBS["test"]["if"] == "needs.changes.outputs.code == 'true'"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    base = commit(tmp_path, "incidents/a/incident.yml")
    commit(tmp_path, path)
    assert decide(tmp_path, "push", base) == f"code={str(code).lower()}"
    assert decide(tmp_path, "pull_request", base) == f"code={str(code).lower()}"
    # A new branch (no commit before), a lost one, a run by hand: the suite runs.
    assert decide(tmp_path, "push", "0" * 40) == "code=true"
    assert decide(tmp_path, "push", "") == "code=true"
    assert decide(tmp_path, "workflow_dispatch", base) == "code=true"


def test_docs_ci_names_what_the_templates_cache_and_test_on() -> None:
    text = (REPO / "docs/ci.md").read_text(encoding="utf-8")
    for glob in GITLAB["test"]["rules"][1]["changes"]:
        assert f"`{glob.removesuffix('**/*')}`" in text, glob
    for words in (".vigie-cache/", ".cache/pip/", "restore-keys", "gh cache delete"):
        assert words in text, words
    assert "Clear runner caches" in text


def documented_secrets() -> list[str]:
    """The variable names docs/abonnes.md's settings example gives to url_env, secret_env,
    username_env and password_env: the secrets the CI passes to the deploy."""
    text = (REPO / "docs/abonnes.md").read_text(encoding="utf-8")
    return re.findall(r"^\s+(?:url|secret|username|password)_env: (VIGIE_[A-Z_]+)", text, re.M)


def test_the_deploy_step_gets_the_notification_secrets_the_docs_name() -> None:
    names = documented_secrets()
    assert len(names) == 6
    step = next(s for s in JOBS["publish"]["steps"] if "deploy git" in s.get("run", ""))
    assert step["env"] == {name: f"${{{{ secrets.{name} }}}}" for name in names}
    assert not any("env" in s for s in JOBS["publish"]["steps"] if s is not step)  # deploy only
    notify = GITLAB["notify"]
    assert notify["needs"] == ["pages"]
    assert notify["resource_group"] == GITLAB["pages"]["resource_group"]
    assert notify["rules"][0]["if"].startswith("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    assert '.venv/bin/vigie deploy git "$VIGIE_PAGES_REMOTE" --branch vigie-pages -d public' in (
        gitlab_script("notify")
    )
    gitlab_text = (REPO / ".ci/templates/gitlab-ci.yml").read_text(encoding="utf-8")
    ci_doc = (REPO / "docs/ci.md").read_text(encoding="utf-8")
    for name in [*names, "VIGIE_PAGES_REMOTE"]:
        assert name in gitlab_text, name
        assert name in ci_doc, name
