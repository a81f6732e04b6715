"""What the disk can do to a build and its cache: never a traceback, never a half site.

A cache folder that cannot be read or written, removed while builds run, or a disk that
fills up: the build goes on without the cache and says so once, its site the clean build's.
A folder where the site cannot be written: the build fails with one line saying where and
why, the site and the cache as they were. Permissions are real ones, taken away from a
process of its own (`setpriv`: these tests run as root, whom no mode stops).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, TEST_EPOCH, tree_bytes
from test_incremental import (  # the fixture: the same fixed clock and version
    OTHER_INCIDENT,
    Repo,
    _own_clock_and_version,  # noqa: F401
    assert_same,
    incremental_build,
)
from vigie import cache as cache_module
from vigie import cli, wholefiles
from vigie import messages as msg
from vigie.cache import (
    CACHE_DAMAGED,
    CACHE_DIR,
    CACHE_NOT_SAVED,
    CACHE_UNUSABLE,
    CACHE_WAITING,
)
from vigie.pages import reuse

FULL = "No space left on device"
DENIED = "Permission denied"


def _unprivileged() -> list[str]:
    """The start of a command run without the power to ignore files' modes."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's power over modes")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]


# `vigie` in a process of its own, on the tests' clock.
_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": TEST_EPOCH}


def _command(repo: Repo, *args: str) -> list[str]:
    return [sys.executable, "-m", "vigie.cli", "-f", str(repo.config), *args]


def _vigie(
    repo: Repo, *args: str, before: list[str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """`vigie` in a process of its own, on the tests' clock."""
    return subprocess.run(
        [*(before or []), *_command(repo, *args)],
        capture_output=True,
        text=True,
        env=_ENV,
        check=False,
        timeout=timeout,
    )


def _told(stderr: str) -> list[str]:
    """The lines for staff, without MkDocs' own."""
    return [line for line in stderr.splitlines() if line and not line.startswith("INFO")]


@pytest.mark.parametrize(
    ("mode", "told"),
    [
        (0o000, CACHE_UNUSABLE.format(reason=DENIED, path=f"{CACHE_DIR}/lock")),
        (0o555, CACHE_NOT_SAVED.format(reason=DENIED)),
    ],
    ids=["unreadable", "read-only"],
)
def test_a_cache_folder_the_build_may_not_use_gives_the_clean_site_and_one_line(
    tmp_path: Path, mode: int, told: str
) -> None:
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    folder = repo.root / CACHE_DIR
    folder.chmod(mode)
    try:
        run = _vigie(repo, "build", before=_unprivileged())
    finally:
        folder.chmod(0o755)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert told in _told(run.stderr)
    assert_same(repo, tmp_path / "reference")


def test_a_folder_where_the_site_cannot_be_written_fails_the_build_and_leaves_all_as_it_was(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    site, kept = tree_bytes(repo.root / "site"), tree_bytes(repo.root / CACHE_DIR)
    repo.root.chmod(0o555)
    try:
        run = _vigie(repo, "build", before=_unprivileged())
    finally:
        repo.root.chmod(0o755)
    assert run.returncode == 1
    assert _told(run.stderr)[-2:] == [
        msg.BUILD_NOT_WRITTEN.format(path=repo.root, reason=DENIED),
        msg.BUILD_FAILED.format(site_dir=repo.root / "site"),
    ]
    assert tree_bytes(repo.root / "site") == site
    assert tree_bytes(repo.root / CACHE_DIR) == kept


def _failing_after(calls: int, error: OSError):  # noqa: ANN202
    """A stand-in that works `calls` times, then raises `error`."""

    def fail(real):  # noqa: ANN001, ANN202
        count = 0

        def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            nonlocal count
            count += 1
            if count > calls:
                raise error
            return real(*args, **kwargs)

        return wrapped

    return fail


def test_a_full_disk_while_pages_are_stored_gives_the_clean_site_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache fills up before the site does: the site comes first."""
    repo = Repo(tmp_path / "repo")
    repo.new_update()
    full = OSError(28, FULL, str(repo.root / CACHE_DIR / "blobs" / "pages" / "ab" / ".tmp-x"))
    with monkeypatch.context() as patched:
        patched.setattr(wholefiles, "write_whole", _failing_after(3, full)(wholefiles.write_whole))
        incremental_build(repo)
    told = [line for line in capsys.readouterr().err.splitlines() if "cache" in line]
    path = f"{CACHE_DIR}/blobs/pages/ab/.tmp-x"
    assert told == [CACHE_UNUSABLE.format(reason=FULL, path=path)]
    assert_same(repo, tmp_path / "reference")
    repo.new_update()
    incremental_build(repo)  # the tables were not saved: they name no page left unstored
    assert [line for line in capsys.readouterr().err.splitlines() if "cache" in line] == []
    assert_same(repo, tmp_path / "reference")


def test_a_full_disk_while_the_site_is_written_fails_and_leaves_site_and_cache_as_they_were(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs writes the pages after some were stored in the cache: those go again."""
    from mkdocs import utils as mkdocs_utils

    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_incident()  # new pages to store, then one that cannot be written
    site, kept = tree_bytes(repo.root / "site"), tree_bytes(repo.root / CACHE_DIR)
    folders = _entries(repo.root / CACHE_DIR)
    stored = cache_module.Blobs.put
    with monkeypatch.context() as patched:
        failing = _failing_after(4, OSError(28, FULL))(mkdocs_utils.write_file)
        patched.setattr(mkdocs_utils, "write_file", failing)
        puts: list[str] = []

        def counted(self, data):  # noqa: ANN001, ANN202
            puts.append(stored(self, data))
            return puts[-1]

        patched.setattr(cache_module.Blobs, "put", counted)
        capsys.readouterr()
        assert cli.build(repo.config, repo.root / "site") == 1
    assert puts, "pages were stored before the failure"
    told = capsys.readouterr().err.splitlines()
    assert told[-2:] == [
        msg.BUILD_NOT_WRITTEN.format(path=repo.root / "site", reason=FULL),
        msg.BUILD_FAILED.format(site_dir=repo.root / "site"),
    ]
    assert tree_bytes(repo.root / "site") == site
    assert tree_bytes(repo.root / CACHE_DIR) == kept
    assert _entries(repo.root / CACHE_DIR) == folders  # the folders made for its pages too
    assert not list(repo.root.glob(".site-new-*"))


def _entries(folder: Path) -> list[str]:
    """Every path under `folder`, folders included."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _tree(folder: Path) -> dict[str, bytes | str]:
    """Every file's bytes and every folder under `folder`, never through a link."""
    found: dict[str, bytes | str] = {}
    for path in folder.rglob("*"):
        key = str(path.relative_to(folder))
        found[key] = "dossier" if path.is_dir() else path.read_bytes()
    return found


@pytest.mark.parametrize("where", ["cache", "blobs", "store", "blob folders"])
def test_a_link_where_the_cache_has_a_folder_is_never_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """A folder of the cache replaced by a link to a copy elsewhere, with a damaged page and
    a file of someone's in it: nothing there is read, removed or written; the link goes,
    said once, and the site is the clean build's."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    for site in (repo.root / "site", repo.root / ".site-old-site"):
        shutil.rmtree(site, ignore_errors=True)  # as in CI: kept pages read from the cache
    cache = repo.root / CACHE_DIR
    places = {
        "cache": [cache],
        "blobs": [cache / "blobs"],
        "store": [cache / "blobs" / "pages"],
        "blob folders": sorted((cache / "blobs" / "pages").iterdir()),
    }[where]
    outside = {}
    for number, place in enumerate(places):
        elsewhere = tmp_path / "ailleurs" / str(number)
        elsewhere.parent.mkdir(exist_ok=True)
        place.rename(elsewhere)
        for depth in range(4):  # where a pruning through the link would reach
            keep = elsewhere.joinpath(*["zz"] * depth, "précieux")
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_text("à garder", "utf-8")
        for blob in elsewhere.rglob("*"):
            if len(blob.name) == 64:
                blob.write_bytes(b"abime")  # read through the link, it would be removed
        place.symlink_to(elsewhere, target_is_directory=True)
        outside[elsewhere] = _tree(elsewhere)
    capsys.readouterr()
    incremental_build(repo)
    err = capsys.readouterr().err
    assert_same(repo, tmp_path / "reference")
    for elsewhere, before in outside.items():
        assert _tree(elsewhere) == before
    assert not any(place.is_symlink() for place in places)
    # Said for each one the build went to read (a folder of pages changed since is not).
    shown = [Path(CACHE_DIR, place.relative_to(cache)) for place in places]
    assert any(CACHE_DAMAGED.format(path=path) in err for path in shown), err
    incremental_build(repo)
    assert "cache endommagé" not in capsys.readouterr().err
    assert_same(repo, tmp_path / "reference")


def test_the_cache_removed_during_a_build_gives_the_clean_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting `.vigie-cache/` is always safe, even while a build runs (here: as the first
    new page is stored)."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    stored = cache_module.Blobs.put

    def removing(self, data):  # noqa: ANN001, ANN202
        shutil.rmtree(repo.root / CACHE_DIR, ignore_errors=True)
        return stored(self, data)

    with monkeypatch.context() as patched:
        patched.setattr(cache_module.Blobs, "put", removing)
        capsys.readouterr()
        incremental_build(repo)
    # Made again where it was: the pages stored from then on, the tables naming them.
    assert [line for line in capsys.readouterr().err.splitlines() if "cache" in line] == []
    assert_same(repo, tmp_path / "reference")
    incremental_build(repo)
    assert [line for line in capsys.readouterr().err.splitlines() if "cache" in line] == []
    assert_same(repo, tmp_path / "reference")


def _line_with(stream, word: str, timeout: float = 120) -> str:  # noqa: ANN001
    """The first line of `stream` holding `word`; "" if none came before `timeout` (the
    process waiting silently would otherwise keep the test waiting for ever)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0 and select.select([stream], [], [], left)[0]:
        line = stream.readline()
        if not line or word in line:
            return line.strip()
    return ""


def test_a_build_waiting_for_another_says_so_then_builds(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    with open(repo.root / CACHE_DIR / "lock", "rb+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build holds the cache
        waiting = subprocess.Popen(
            _command(repo, "build"),
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=_ENV,
        )
        try:
            assert _line_with(waiting.stderr, "cache") == CACHE_WAITING
            assert waiting.poll() is None  # still waiting while the lock is held
        except BaseException:
            waiting.kill()
            raise
    assert waiting.wait(timeout=300) == 0
    assert_same(repo, tmp_path / "reference")


def _killed_while_writing(repo: Repo) -> list[str]:
    """`vigie build` killed (SIGKILL: nothing of it cleans up) as soon as its new site is
    being written; what it left beside the site. Tried again if the build ended first."""
    before = set(os.listdir(repo.root))
    for _ in range(20):
        build = subprocess.Popen(
            _command(repo, "build"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_ENV,
        )
        while build.poll() is None and not set(os.listdir(repo.root)) - before:
            pass  # the staging folder appears a second or so after the start
        build.kill()
        build.wait()
        if left := sorted(set(os.listdir(repo.root)) - before):
            return left
    pytest.fail("the build always ended before it could be killed")


def test_what_a_killed_build_left_goes_with_the_next_build(tmp_path: Path) -> None:
    """A build killed (`kill -9`, a CI job cancelled) leaves its half-written site beside
    the live one, a hidden folder git ignores, and maybe half a table: the next build,
    which holds the lock, removes them, and no other site's."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    incremental_build(repo)  # a site before, the spare
    repo.new_update()
    left = _killed_while_writing(repo)
    assert len(left) == 1
    assert re.fullmatch(r"\.site-new-site-[a-z0-9_]{8}", left[0]), left
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", left[0] + "/"],
        cwd=REPO,
        check=False,
    )
    assert ignored.returncode == 0, f"{left[0]} is not in .gitignore"
    (repo.root / CACHE_DIR / ".tmp-k1ll3d_x").write_bytes(b'"moiti')  # half a table
    other = repo.root / ".site-new-autre-k1ll3d_x"  # another site's: not this build's to remove
    other.mkdir()
    incremental_build(repo)
    assert not (repo.root / left[0]).exists()
    assert not (repo.root / CACHE_DIR / ".tmp-k1ll3d_x").exists()
    assert other.is_dir()
    assert (repo.root / ".site-old-site").is_dir()
    assert_same(repo, tmp_path / "reference")


def test_a_site_folder_that_is_a_link_stays_a_link_to_the_new_site(tmp_path: Path) -> None:
    """`site/` linked to the folder a web server serves (`/var/www/statut`): the new site
    is written beside that folder (a rename never crosses file systems) and replaces it;
    the link is left as it is, and the site before stays beside it."""
    repo = Repo(tmp_path / "repo")
    served = tmp_path / "www" / "statut"
    served.parent.mkdir()
    (repo.root / "site").symlink_to(served, target_is_directory=True)
    for _ in range(2):
        repo.new_update()
        incremental_build(repo)
    assert (repo.root / "site").is_symlink()
    assert os.readlink(repo.root / "site") == str(served)
    assert (served.parent / ".site-old-statut").is_dir()
    assert sorted(p.name for p in served.parent.iterdir()) == [".site-old-statut", "statut"]
    assert_same(repo, tmp_path / "reference")


def test_a_swap_that_fails_puts_the_site_before_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, new = tmp_path / "site", tmp_path / ".site-new-site-x"
    site.mkdir()
    (site / "index.html").write_text("avant", "utf-8")
    new.mkdir()
    real = Path.rename

    def refusing(self: Path, target: Path) -> Path:
        if self == new:
            raise OSError(28, FULL)
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refusing)
    with pytest.raises(OSError, match=FULL):
        cli.swap_in(new, site)
    assert (site / "index.html").read_text("utf-8") == "avant"


@pytest.mark.parametrize(
    "record", [b"{", b"[" * 100_000 + b"]" * 100_000], ids=["not-json", "too-deep"]
)
def test_a_record_of_the_live_site_that_is_not_one_is_read_as_none(
    tmp_path: Path, record: bytes
) -> None:
    """The build compares the sources with what the live site published (`published.json`):
    a record it cannot read is no record, as when there is no site, never a traceback."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    (repo.root / "site" / "published.json").write_bytes(record)
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")


@pytest.mark.parametrize(
    "linked",
    ["incidents", f"incidents/{OTHER_INCIDENT}", f"incidents/{OTHER_INCIDENT}/versions"],
)
def test_a_folder_of_the_live_site_turned_into_a_link_is_never_linked_from(
    tmp_path: Path, linked: str
) -> None:
    """A folder of `site/` replaced by a link to a copy outside (the same files, the same
    bytes): linked into the new site, the copy's files would share its inodes, and an edit
    outside would change the site served. Nothing is linked or taken through it, in the
    build after (the link in the live site) nor in the next (the link in the site before)."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    outside = tmp_path / "ailleurs"
    shutil.copytree(repo.root / "site" / linked, outside)
    shutil.rmtree(repo.root / "site" / linked)
    (repo.root / "site" / linked).symlink_to(outside, target_is_directory=True)
    before = tree_bytes(outside)
    for _ in range(2):
        repo.new_update()
        incremental_build(repo)
        assert tree_bytes(outside) == before
        assert [p for p in outside.rglob("*") if p.is_file() and p.stat().st_nlink > 1] == []
        assert_same(repo, tmp_path / "reference")


@pytest.mark.parametrize("where", [".site-old-site", ".site-new-site-abcdefgh"])
def test_a_pipe_where_a_site_folder_goes_never_holds_a_build(tmp_path: Path, where: str) -> None:
    """Removing it as a folder would open it, and wait for ever with the lock held."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    os.mkfifo(repo.root / where)
    repo.new_update()
    run = _vigie(repo, "build", timeout=120)
    assert run.returncode == 0, run.stderr
    assert not os.path.lexists(repo.root / where) or (repo.root / where).is_dir()
    assert not (repo.root / ".site-remains-site").exists()
    assert_same(repo, tmp_path / "reference")


def test_a_link_where_the_preview_sets_its_last_site_aside_is_never_followed(
    tmp_path: Path,
) -> None:
    """`vigie serve` moves its last site beside it (`<folder>-previous`) before each rebuild,
    and back if the rebuild fails: a link there is removed, never renamed into its place."""
    preview, outside = tmp_path / "apercu", tmp_path / "ailleurs"
    preview.mkdir()
    (preview / "index.html").write_text("dernier", "utf-8")
    outside.mkdir()
    (outside / "autre.html").write_text("à garder", "utf-8")
    (tmp_path / "apercu-previous").symlink_to(outside, target_is_directory=True)
    aside = reuse.set_aside(preview)
    assert not aside.is_symlink()
    assert (aside / "index.html").read_text("utf-8") == "dernier"
    assert list(preview.iterdir()) == []
    (preview / "index.html").write_text("à moitié", "utf-8")
    reuse.put_back_set_aside(preview)  # the rebuild failed: the last site served again
    assert (preview / "index.html").read_text("utf-8") == "dernier"
    (tmp_path / "apercu-previous").symlink_to(outside, target_is_directory=True)
    reuse.put_back_set_aside(preview)  # a link set aside is no site to put back
    assert not preview.is_symlink()
    assert (preview / "index.html").read_text("utf-8") == "dernier"
    assert [p.name for p in outside.iterdir()] == ["autre.html"]


def test_a_stored_page_kept_unread_that_is_not_a_file_goes(tmp_path: Path) -> None:
    """Its page linked from the live site, its blob is never read: a pipe or a link there
    is still removed when the build prunes, and the page made again when next needed."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    blobs = sorted((repo.root / CACHE_DIR / "blobs").glob("*/*/*"))
    for number, blob in enumerate(blobs):
        blob.unlink()
        if number % 2:
            os.mkfifo(blob)
        else:
            blob.symlink_to("/etc/passwd")
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")
    stored = list((repo.root / CACHE_DIR / "blobs").glob("*/*/*"))
    assert stored
    assert all(wholefiles.is_plain(blob) for blob in stored)
    for site in (repo.root / "site", repo.root / ".site-old-site"):
        shutil.rmtree(site)  # as in CI: every kept page read from the cache
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")


def test_stored_pages_the_build_may_not_read_give_the_clean_site_and_one_line(
    tmp_path: Path,
) -> None:
    """A cache restored with other modes (its folders of pages unreadable), no site (as in
    CI): the build goes on without the cache, says so once, and exits 0."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    for site in (repo.root / "site", repo.root / ".site-old-site"):
        shutil.rmtree(site, ignore_errors=True)
    folders = sorted((repo.root / CACHE_DIR / "blobs" / "pages").iterdir())
    for folder in folders:
        folder.chmod(0o000)
    try:
        run = _vigie(repo, "build", before=_unprivileged())
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert run.returncode == 0, run.stderr
    told = [line for line in _told(run.stderr) if "cache" in line]
    assert len(told) == 1, told
    assert told[0].startswith(f"cache inutilisable ({DENIED} : {CACHE_DIR}/blobs/pages/")
    assert_same(repo, tmp_path / "reference")
