"""Notifications for a site published on a Pages branch (`vigie deploy git`).

The outbox is `notifications.json` at the root of its own branch, `<branch>-notifications`
(`gh-pages-notifications`), in the same repository as the Pages branch: every clone and CI
run that deploys there reads it, and nothing on it is served (only the Pages branch is),
nor does writing it start a new Pages build. Each save is one commit on that branch,
pushed without force: git refuses a push that is not on top of the tip the run read, which
is the compare-and-swap that keeps two runs from both sending.

A sending run:

1. reads the live release (the Pages branch tip) and the outbox;
2. records the channels it begins and a claim, `sending.json` (run id and time), and
   pushes: refused, another run is at work, this one sends nothing (what is due stays due);
   a claim younger than `STALE` seconds, same;
3. sends, then pushes the outcomes without the claim. Refused (only when its claim was
   taken over as stale): it fetches the newer outbox, merges its outcomes in (a `sent`
   record always wins) and pushes again, a few times. A run killed between 2 and 3 leaves
   a claim that the next run takes over once stale: what it had sent may then go again,
   with the same delivery id and Message-ID, which receivers use to drop a duplicate.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vigie.publish import deploy
from vigie.publish.notify import outbox, released
from vigie.publish.notify import run as notify_run
from vigie.publish.notify import texts as say

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from vigie.model import Settings
    from vigie.publish.notify.released import Release

CLAIM = "sending.json"
STALE = 600.0  # seconds: a claim older than this was left by a killed run
SAVE_TRIES = 3
SUFFIX = "-notifications"


class GitFailed(Exception):
    """A git command failed: the reason, in git's words."""


def outbox_branch(branch: str) -> str:
    """The branch that holds the outbox of the Pages branch `branch`."""
    return f"{branch}{SUFFIX}"


@dataclass(frozen=True)
class Claim:
    run: str
    since: float  # seconds since the epoch


@dataclass(frozen=True)
class Tip:
    """The outbox branch as a run read it: its commit (None: no branch yet) and content."""

    commit: str | None
    box: outbox.Outbox
    claim: Claim | None


def _git(args: Sequence[str], env: Mapping[str, str], data: bytes | None = None) -> str:
    result = subprocess.run(
        ["git", *args], input=data, capture_output=True, env=dict(env), check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).decode(errors="replace").strip()
        raise GitFailed(detail.splitlines()[-1] if detail else f"git {args[0]}")
    return result.stdout.decode().strip()


def _heads(remote: str, refs: Sequence[str], env: Mapping[str, str]) -> dict[str, str]:
    listed = _git(["ls-remote", remote, *refs], env)
    return {ref: sha for sha, ref in (line.split("\t") for line in listed.splitlines())}


def _read_tip(remote: str, ref: str, env: Mapping[str, str]) -> Tip:
    commit = _heads(remote, [ref], env).get(ref)
    if commit is None:
        return Tip(None, outbox.Outbox(), None)
    _git(["fetch", "--quiet", "--depth", "1", remote, ref], env)
    names = _git(["ls-tree", "--name-only", commit], env).splitlines()
    box = outbox.Outbox()
    if outbox.OUTBOX in names:
        box = outbox.from_json(_git(["show", f"{commit}:{outbox.OUTBOX}"], env).encode())
    claim = None
    if CLAIM in names:
        document = json.loads(_git(["show", f"{commit}:{CLAIM}"], env))
        claim = Claim(str(document["run"]), float(document["since"]))
    return Tip(commit, box, claim)


def _push(
    remote: str, ref: str, parent: str | None, box: outbox.Outbox, claim: Claim | None, env
) -> str | None:
    """Commit `box` (and `claim`) on top of `parent` and push it: the new commit, or None
    when the remote refused it (someone pushed first)."""
    entries = [(outbox.OUTBOX, outbox.to_json(box))]
    if claim:
        document = {"run": claim.run, "since": claim.since}
        entries.append((CLAIM, json.dumps(document, sort_keys=True).encode() + b"\n"))
    lines = []
    for name, data in entries:
        blob = _git(["hash-object", "-w", "--stdin"], env, data)
        lines.append(f"100644 blob {blob}\t{name}\n")
    tree = _git(["mktree"], env, "".join(lines).encode())
    parents = ["-p", parent] if parent else []
    message = say.OUTBOX_COMMIT_CLAIM if claim else say.OUTBOX_COMMIT
    commit = _git(["commit-tree", tree, *parents, "-m", message], env)
    # No force: refused unless the branch is still at `parent` (or, new, still absent).
    lease = f"--force-with-lease={ref}:{parent or ''}"
    try:
        _git(["push", "--quiet", "--porcelain", lease, remote, f"{commit}:{ref}"], env)
    except GitFailed:
        return None
    return commit


def _extract(commit: str, folder: Path, env: Mapping[str, str]) -> Path:
    """The tree of `commit` written into `folder`."""
    folder.mkdir(parents=True)
    index = {**env, "GIT_INDEX_FILE": str(folder.parent / f"{folder.name}.index")}
    _git(["read-tree", commit], index)
    _git(["--work-tree", str(folder), "checkout-index", "--all", "--force"], index)
    return folder


def _parent(commit: str, env: Mapping[str, str]) -> str | None:
    try:
        return _git(["rev-parse", "--verify", "--quiet", f"{commit}^"], env) or None
    except GitFailed:
        return None


def notify(
    remote: str,
    branch: str,
    settings: Settings,
    environ: Mapping[str, str],
    *,
    dry_run: bool = False,
    send: bool = True,
    previous: str | None = None,
    senders: notify_run.Senders | None = None,
    identity_root: Path | None = None,
    now: Callable[[], float] = time.time,
) -> notify_run.Report:
    """Send what is due from the release live on `branch` of `remote`; record it in the
    outbox branch. `previous`: the commit the deploy replaced (default: the tip's parent)."""
    senders = senders or notify_run.Senders()
    configured = notify_run.routes(settings)
    if not configured:  # no git work at all for a site that tells nobody
        return notify_run.Report("", configured=False)
    remote = deploy.checkout_remote(identity_root or Path.cwd(), remote)
    with tempfile.TemporaryDirectory(prefix="vigie-notify-") as temporary:
        work = Path(temporary)
        env = deploy._git_env(work, work / "tree", identity_root or Path.cwd())
        del env["GIT_WORK_TREE"]
        try:
            _git(["init", "--quiet", "--bare", env["GIT_DIR"]], env)
            ref = f"refs/heads/{branch}"
            live_commit = _heads(remote, [ref], env).get(ref)
            if live_commit is None:
                return notify_run.Report(None)
            live = live_commit[:12]
            _git(["fetch", "--quiet", "--depth", "2", remote, ref], env)
            release = released.read(_extract(live_commit, work / "live", env))
            box_ref = f"refs/heads/{outbox_branch(branch)}"
            tip = _read_tip(remote, box_ref, env)
            return _run(
                remote,
                box_ref,
                tip,
                settings,
                environ,
                configured,
                live,
                release,
                lambda: _baseline(live_commit, previous, work, env),
                dry_run=dry_run,
                send=send,
                senders=senders,
                env=env,
                now=now,
            )
        except GitFailed as error:
            return notify_run.Report(None, unrecorded=str(error))


def _baseline(
    live: str, previous: str | None, work: Path, env: Mapping[str, str]
) -> Release | None:
    """What was public before `live`: `previous` (the tip a deploy found: `live` itself
    when it changed nothing, else its parent), by default the parent; None at the first."""
    parent = _parent(live, env)
    before = previous if previous in (live, parent) else parent
    if before is None:
        return None  # the branch's first commit: everything on it is new
    return released.read(_extract(before, work / "before", env))


def _run(
    remote: str,
    box_ref: str,
    tip: Tip,
    settings: Settings,
    environ: Mapping[str, str],
    configured: tuple[notify_run.Route, ...],
    live: str,
    release: Release,
    baseline: Callable[[], Release | None],
    *,
    dry_run: bool,
    send: bool,
    senders: notify_run.Senders,
    env: Mapping[str, str],
    now: Callable[[], float],
) -> notify_run.Report:
    box = notify_run.start(tip.box, configured, live, baseline)

    def keep(_: outbox.Outbox) -> None:  # saved once, after sending: one push per run
        pass

    def deliver(box: outbox.Outbox) -> tuple[outbox.Outbox, tuple[notify_run.Delivery, ...]]:
        return notify_run.deliver(
            box,
            configured,
            live,
            release,
            settings,
            environ,
            dry_run=dry_run,
            send=send,
            senders=senders,
            save=keep,
        )

    if dry_run:
        return notify_run.Report(live, deliver(box)[1])
    if tip.claim and now() - tip.claim.since < STALE:
        return notify_run.Report(live, busy=True)
    if not send:  # --no-notify: the channels begin here, nothing is claimed or sent
        if box != tip.box:
            _push(remote, box_ref, tip.commit, box, None, env)
        return notify_run.Report(live, deliver(box)[1])
    claim = Claim(str(uuid.uuid4()), now())
    claimed = _push(remote, box_ref, tip.commit, box, claim, env)
    if claimed is None:
        return notify_run.Report(live, busy=True)
    box, deliveries = deliver(box)
    parent, saved = claimed, box
    for _ in range(SAVE_TRIES):
        if _push(remote, box_ref, parent, saved, None, env):
            return notify_run.Report(live, deliveries)
        newer = _read_tip(remote, box_ref, env)
        parent, saved = newer.commit, outbox.merge(newer.box, box)
        if newer.claim and newer.claim.run != claim.run:  # taken over: keep its claim
            if _push(remote, box_ref, parent, saved, newer.claim, env):
                return notify_run.Report(live, deliveries)
    reason = say.OUTBOX_NOT_SAVED.format(branch=box_ref.removeprefix("refs/heads/"))
    return notify_run.Report(live, deliveries, unrecorded=reason)
