"""The build cache under random sequences of edits (Hypothesis): after each, `vigie build`
with its cache makes exactly the site a build without any cache makes. A file of its own, so
that the test runner gives it a core while `test_incremental.py` takes the other."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from test_incremental import (  # the fixture: the same fixed clock and version
    EDITS,
    Repo,
    _own_clock_and_version,  # noqa: F401
    assert_same,
    bump_version,
    incremental_build,
)


class IncrementalBuilds(RuleBasedStateMachine):
    """Random sequences of the same edits, each followed by both builds."""

    def __init__(self) -> None:
        super().__init__()
        self.base = Path(os.environ["VIGIE_INCREMENTAL_TMP"]) / f"run-{id(self)}"

    @initialize()
    def start(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)
        self.repo = Repo(self.base / "repo")
        incremental_build(self.repo)

    @rule(edit=st.sampled_from(EDITS))
    def edit_sources(self, edit: str) -> None:
        getattr(self.repo, edit)()
        incremental_build(self.repo)

    @rule(how=st.integers(0, 4))
    def damage_the_cache(self, how: int) -> None:
        self.repo.damage_cache(how)
        incremental_build(self.repo)

    @rule()
    def bump_vigie_version(self) -> None:
        bump_version()
        incremental_build(self.repo)

    @invariant()
    def same_as_a_clean_build(self) -> None:
        if hasattr(self, "repo"):
            assert_same(self.repo, self.base / "reference")

    def teardown(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def test_random_sequences_of_edits_give_the_clean_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIGIE_INCREMENTAL_TMP", str(tmp_path))
    run_state_machine_as_test(
        IncrementalBuilds,
        settings=settings(
            max_examples=2,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
