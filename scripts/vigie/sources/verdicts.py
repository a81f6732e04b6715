"""Whole-incident verdicts kept from earlier checks, so that one new update re-judges one incident.

An incident's problems and warnings follow from its own texts (`IncidentSources.digest`),
the settings and the code (the scope of the table holding them); and, when one of its texts
may link to the site's incidents or questions, from their list (the link policy). An
incident with all of these unchanged keeps its verdict: its schemas, dates, placeholders,
timeline and the safety of its every text are not judged again. Its model is still made
from its sources, which the build needs. Nothing here imports MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from vigie.cache import fingerprint
from vigie.sources.kept import ProblemRecords, from_records, problem_records

if TYPE_CHECKING:
    from vigie.memo import Memo
    from vigie.messages import Problem
    from vigie.sources.load import IncidentSources


class KeptVerdict(TypedDict):
    """A verdict as the cache keeps it; `lists`: the fingerprint of the link policy it
    depends on, "" when none of the incident's texts may link."""

    lists: str
    problems: ProblemRecords
    warnings: ProblemRecords


@dataclass(frozen=True)
class Verdict:
    """What judging one incident found."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class Verdicts:
    """The verdicts of earlier checks, for the settings and the site's lists of this one."""

    kept: Memo
    settings: str  # a fingerprint of the settings
    lists: str  # a fingerprint of the link policy, lists of incidents and questions included

    def key(self, sources: IncidentSources) -> str:
        return fingerprint("incident", sources.path, sources.digest(), self.settings)

    def get(self, sources: IncidentSources) -> Verdict | None:
        """The verdict of an earlier check of the same texts, if it still stands."""
        entry = self.kept.get(self.key(sources), KeptVerdict)
        if entry is None or entry["lists"] not in ("", self.lists):
            return None
        return Verdict(
            tuple(from_records(entry["problems"])), tuple(from_records(entry["warnings"]))
        )

    def put(self, sources: IncidentSources, verdict: Verdict, *, linking: bool) -> None:
        """Keep `verdict`; `linking` when it depends on the site's lists (a text may link)."""
        self.kept.put(
            self.key(sources),
            {
                "lists": self.lists if linking else "",
                "problems": problem_records(verdict.problems),
                "warnings": problem_records(verdict.warnings),
            },
        )

    def keep(
        self,
        judged_now: list[tuple[IncidentSources, Verdict]],
        unsafe: list[Problem],
        linking: set[str],
    ) -> None:
        """Keep each verdict made now, with the safety problems of its incident's files."""
        if not judged_now:
            return
        depth = judged_now[0][0].path.count("/") + 1  # every incident folder is `<incidents>/<id>`

        def incident_of(path: str) -> str:
            return "/".join(path.split("/")[:depth])

        by_incident: dict[str, list[Problem]] = {}
        for problem in unsafe:
            by_incident.setdefault(incident_of(problem.path), []).append(problem)
        linked = {incident_of(path) for path in linking}
        for sources, found in judged_now:
            own = tuple(by_incident.get(sources.path, ()))
            verdict = Verdict(found.problems + own, found.warnings)
            self.put(sources, verdict, linking=sources.path in linked)
