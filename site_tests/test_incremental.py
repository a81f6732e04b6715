"""The build cache: after any sequence of edits, `vigie build` with its cache makes exactly
the site a build without any cache makes, file for file and byte for byte.

The builds run in this process (as `vigie build` and as `mkdocs build` would: the same
road), on a copy of the example site. Each edit is one a staff member or a developer makes;
after each, the incremental site is compared with a reference built from nothing.
"""

from __future__ import annotations

import copy as copy_module
import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import vigie
from conftest import TEST_EPOCH, copy_repo, parse_html, run_vigie, tree_bytes
from vigie import cache as cache_module
from vigie import cli, pipeline
from vigie.cache import CACHE_DIR
from vigie.memo import Memo
from vigie.pages import reuse
from vigie.plugin import build_site
from vigie.sources import load as load_module
from vigie.sources import safety as safety_module
from vigie.sources import structure as structure_module

INCIDENT = "2024-06-espace-adherent"
OTHER_INCIDENT = "2024-02-tiers-payant"
UPDATE = """---
date: {date}
status: {status}
title: {title}
---
{text}
"""
NEW_INCIDENT = """id: {id}
title: {title}
summary: Une panne de courte durée de l’espace adhérent, sans conséquence pour vos données.
kind: outage
impact: minor
started: {started}
components:
  espace-adherent: partial_outage
data:
  exposed: []
  not_exposed: []
what_happened: |
  L’espace adhérent a répondu lentement pendant une partie de la journée.
measures:
  - "Nos équipes suivent la situation."
authorities: []
recommendations:
  - "Réessayez un peu plus tard."
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
{draft}"""


class Repo:
    """The example site's sources, edited as staff and developers do."""

    def __init__(self, root: Path) -> None:
        self.root = copy_repo(root)
        self.count = 0
        self.draft: str | None = None  # a draft incident waiting to be published

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    def _next(self) -> int:
        self.count += 1
        return self.count

    def new_update(self) -> None:
        n = self._next()
        date = f"2024-06-{12 + n // 24:02d}T{n % 24:02d}:05:00+02:00"
        path = (
            self.root / "incidents" / INCIDENT / "updates" / f"{date[:10]}T{n % 24:02d}05-p{n}.md"
        )
        text = f"Point numéro {n} : le service fonctionne normalement."
        path.write_text(
            UPDATE.format(date=date, status="resolved", title=f"Point {n}", text=text), "utf-8"
        )

    def new_incident(self, *, draft: bool = False) -> str:
        n = self._next()
        folder = f"2024-08-lenteurs-{n}"
        base = self.root / "incidents" / folder
        (base / "updates").mkdir(parents=True)
        started = f"2024-08-{1 + n % 27:02d}T09:00:00+02:00"
        (base / "incident.yml").write_text(
            NEW_INCIDENT.format(
                id=folder,
                title=f"Lenteurs de l’espace adhérent ({n})",
                started=started,
                draft="draft: true\n" if draft else "",
            ),
            "utf-8",
        )
        update = UPDATE.format(
            date=started, status="investigating", title="Lenteurs", text="Nous cherchons."
        )
        (base / "updates" / f"{started[:10]}T0900-lenteurs.md").write_text(update, "utf-8")
        return folder

    def toggle_draft(self) -> None:
        if self.draft is None:
            self.draft = self.new_incident(draft=True)
            return
        path = self.root / "incidents" / self.draft / "incident.yml"
        path.write_text(path.read_text("utf-8").replace("draft: true\n", ""), "utf-8")
        self.draft = None

    def correct(self) -> None:
        n = self._next()
        path = sorted((self.root / "incidents" / INCIDENT / "updates").iterdir())[0]
        text = path.read_text("utf-8")
        head, body = text.split("---\n", 2)[1:]
        if "corrections:\n" not in head:
            head += "corrections:\n"
        head += f"  - date: 2024-09-01T{n % 24:02d}:00:00+02:00\n    reason: Précision {n}\n"
        path.write_text(f"---\n{head}---\n{body.rstrip()} Précision {n}.\n", "utf-8")

    def change_faq(self) -> None:
        n = self._next()
        path = self.root / "incidents" / "faq.yml"
        text = path.read_text("utf-8")
        path.write_text(text.replace("jour dès que", f"jour ({n}) dès que", 1), "utf-8")

    def change_theme(self) -> None:
        n = self._next()
        if n % 2:
            path = self.root / "overrides" / "assets" / "stylesheets" / "vigie.css"
            path.write_text(path.read_text("utf-8") + f"\n/* {n} */\n", "utf-8")
        else:
            path = self.root / "overrides" / "partials" / "copyright.html"
            text = path.read_text("utf-8")
            path.write_text(text.replace("À propos de ce site", f"À propos ({n})", 1), "utf-8")

    def change_option(self) -> None:
        n = self._next()
        text = self.config.read_text("utf-8")
        old = text.split("site_description: ", 1)[1].split("\n", 1)[0]
        self.config.write_text(text.replace(old, f"Incidents et informations, {n}.", 1), "utf-8")

    def schedule_and_reach(self) -> None:
        """An update dated an hour ahead, then "now" two hours later: it is published."""
        n = self._next()
        now = int(os.environ["SOURCE_DATE_EPOCH"])
        moment = datetime.fromtimestamp(now + 3600, tz=UTC).astimezone()
        date = moment.isoformat(timespec="seconds")
        name = f"{moment:%Y-%m-%dT%H%M}-programme-{n}.md"
        text = UPDATE.format(
            date=date, status="resolved", title=f"Programmé {n}", text="Publication à l’heure."
        )
        (self.root / "incidents" / INCIDENT / "updates" / name).write_text(text, "utf-8")
        os.environ["SOURCE_DATE_EPOCH"] = str(now + 7200)

    def edit_page(self) -> None:
        """A hand-written page of `pages/` changed: its page, the search index, the sitemap."""
        n = self._next()
        path = self.root / "pages" / "a-propos.md"
        path.write_text(path.read_text("utf-8") + f"\nUne précision ({n}).\n", "utf-8")

    def remove_site(self) -> None:
        """As in CI: the cache restored, no site and no site before it."""
        self.new_update()
        for site in (self.root / "site", self.root / ".site-old-site"):
            shutil.rmtree(site, ignore_errors=True)

    def let_time_pass(self) -> None:
        """A day later, no file changed: the pages that tell the time follow it."""
        os.environ["SOURCE_DATE_EPOCH"] = str(int(os.environ["SOURCE_DATE_EPOCH"]) + 86400)

    def touch_unchanged(self) -> None:
        """Every source rewritten with the same bytes (as a checkout does): nothing changes."""
        for path in (self.root / "incidents").rglob("*"):
            if path.is_file():
                path.write_bytes(path.read_bytes())

    def damage_cache(self, how: int) -> None:
        folder = self.root / CACHE_DIR
        if not folder.is_dir():
            return
        tables = sorted(folder.glob("*.json"))
        blobs = sorted((folder / "blobs").glob("*/*/*"))
        if how == 0 and tables:
            tables[0].write_bytes(tables[0].read_bytes()[:-20])  # truncated
        elif how == 1:
            # As in CI (the cache restored, no site): the kept bytes must be read, not moved.
            for site in (self.root / "site", self.root / ".site-old-site"):
                shutil.rmtree(site, ignore_errors=True)
            for blob in blobs:  # one byte changed in each
                data = bytearray(blob.read_bytes())
                data[len(data) // 2] ^= 0xFF
                blob.write_bytes(bytes(data))
        elif how == 2 and tables:  # edited, its checksum (last line) left as it was
            body, header = tables[-1].read_bytes().rsplit(b"\n", 1)
            tables[-1].write_bytes(body + b'\n"ajout"\t[]\n' + header)
        elif how == 3:
            shutil.rmtree(folder)
        elif how == 4 and blobs:
            blobs[-1].unlink()


def incremental_build(repo: Repo) -> None:
    """`vigie build`, with the cache."""
    assert cli.build(repo.config, repo.root / "site") == 0


def reference_build(repo: Repo, target: Path) -> dict[str, bytes]:
    """The same sources built with no cache at all, in a folder of its own."""
    shutil.rmtree(target, ignore_errors=True)
    assert build_site(repo.config, target)
    return tree_bytes(target)


def assert_same(repo: Repo, reference: Path) -> None:
    built, expected = tree_bytes(repo.root / "site"), reference_build(repo, reference)
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


@pytest.fixture(autouse=True)
def _own_clock_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TEST_EPOCH)
    monkeypatch.setattr(vigie, "__version__", vigie.__version__)
    cache_module.code_fingerprint.cache_clear()
    yield
    cache_module.code_fingerprint.cache_clear()


def bump_version() -> None:
    vigie.__version__ += ".1"
    cache_module.code_fingerprint.cache_clear()


EDITS = (
    "new_update",
    "new_incident",
    "correct",
    "change_faq",
    "change_theme",
    "change_option",
    "toggle_draft",
    "toggle_draft",
    "schedule_and_reach",
    "edit_page",
    "remove_site",
    "let_time_pass",
    "touch_unchanged",
)


def test_every_kind_of_edit_in_turn_gives_the_clean_build(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")
    for edit in EDITS:
        getattr(repo, edit)()
        incremental_build(repo)
        assert_same(repo, tmp_path / "reference")


def test_a_damaged_cache_or_a_new_version_gives_the_clean_build(tmp_path: Path, capsys) -> None:
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    for how in range(5):
        repo.damage_cache(how)
        repo.new_update()
        incremental_build(repo)
        assert_same(repo, tmp_path / "reference")
    bump_version()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")
    warnings = [line for line in capsys.readouterr().err.splitlines() if "cache" in line]
    # The truncated table, the changed blob, the edited table: each reported once, by name.
    assert any("cache endommagé" in line and ".json" in line for line in warnings), warnings
    assert any("cache endommagé" in line and "blobs/" in line for line in warnings), warnings


def test_fingerprints_are_the_same_in_another_process(tmp_path: Path) -> None:
    """`vigie build` processes with string hashing seeded differently key every entry alike:
    each finds all it needs. The second keeps, of the first's verdicts, those of whole
    incidents (their texts are not judged again); the third rewrites the second's tables byte
    for byte (the HTML table keeps only what a build asked for)."""
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "build", env={"PYTHONHASHSEED": "1"}).returncode == 0
    zero = {p.name: p.read_bytes() for p in (repo / CACHE_DIR).glob("*.json")}
    assert {"markdown.json", "vetting.json", "pages.json", "texts.json"} <= set(zero)
    assert run_vigie(repo, "build", env={"PYTHONHASHSEED": "2"}).returncode == 0
    first = {p.name: p.read_bytes() for p in (repo / CACHE_DIR).glob("*.json")}
    assert _entries(first["vetting.json"]).items() < _entries(zero["vetting.json"]).items()
    assert run_vigie(repo, "build", env={"PYTHONHASHSEED": "3"}).returncode == 0
    second = {p.name: p.read_bytes() for p in (repo / CACHE_DIR).glob("*.json")}
    html_first, html_second = (_entries(t.pop("markdown.json")) for t in (first, second))
    placed_first, placed_second = (_entries(t.pop("placed.json")) for t in (first, second))
    assert second == first
    # The same pages at the same places, with the same bytes (the files' identities differ).
    assert {k: v[0] for k, v in placed_second.items()} == {k: v[0] for k, v in placed_first.items()}
    assert html_second.items() <= html_first.items()
    pages = _entries(first["pages.json"])
    assert "incidents/2024-02-tiers-payant/versions/1.md" in pages


def test_a_folder_twice_on_the_path_is_the_same_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """PYTHONPATH naming a folder the path already holds (an editable install's) lists its
    packages twice: the same code, the same cache."""
    import sysconfig

    before = cache_module.code_fingerprint()
    monkeypatch.syspath_prepend(sysconfig.get_paths()["purelib"])  # every package, twice
    cache_module.code_fingerprint.cache_clear()
    assert cache_module.code_fingerprint() == before


def _entries(table: bytes) -> dict[str, Any]:
    """A cache table's entries, read from its file: a line each (key, tab, value), then the
    header line."""
    lines = [line.split(b"\t", 1) for line in table.split(b"\n")[:-1]]
    return {json.loads(key): json.loads(value) for key, value in lines}


VERSION_PAGE = "incidents/2024-02-tiers-payant/versions/1/index.html"


def test_a_kept_page_is_linked_from_the_live_site_unless_it_was_touched(tmp_path: Path) -> None:
    """An archived version page the last build put in `site/` is linked into the next site, not
    written again; once edited there (even to the same size and date), or removed, its kept
    bytes are written instead: the site stays the clean build's."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    page = repo.root / "site" / VERSION_PAGE
    first = page.stat().st_ino
    for _ in range(2):  # and again: removing the replaced site does not unseal the record
        repo.new_update()
        incremental_build(repo)
        assert page.stat().st_ino == first  # the same file, linked
    assert_same(repo, tmp_path / "reference")

    before = page.stat()
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size
    page.write_bytes(bytes(data))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # same date
    repo.new_update()
    incremental_build(repo)
    assert page.stat().st_ino != first
    assert_same(repo, tmp_path / "reference")

    page.unlink()
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")


SPARE = ".site-old-site"  # cli.spare_site
UNCHANGED = "incidents/2024-02-tiers-payant/"  # new_update adds to the other incident


def test_a_notice_rendered_by_mkdocs_is_linked_by_the_next_build(tmp_path: Path) -> None:
    """A notice page MkDocs rendered (the first build, or its incident changed) is recorded
    like the pages Vigie put: the next build links it instead of writing its kept bytes."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    notice = repo.root / "site" / UNCHANGED / "index.html"
    first = notice.stat().st_ino
    repo.new_update()
    incremental_build(repo)
    assert notice.stat().st_ino == first
    assert_same(repo, tmp_path / "reference")


def test_an_unchanged_incident_folder_is_moved_whole_from_the_site_before(tmp_path: Path) -> None:
    """The site a build replaces stays beside it, never served. Two builds later, the folder
    of an incident unchanged since is moved from there into the new site, whole (its files
    are the live ones, the same inodes), not made again file by file. With a file too many,
    or one replaced by the same bytes (not the live file: the folder's files are linked from
    the live site, which the next build's folder then shares), the folder is made as before:
    the clean build's."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    first = (repo.root / "site" / VERSION_PAGE).stat().st_ino
    site, spare = repo.root / "site", repo.root / SPARE
    for _ in range(2):
        repo.new_update()
        incremental_build(repo)
    assert (spare / VERSION_PAGE).stat().st_ino == first  # the live site's file, shared
    folder = (spare / UNCHANGED).stat().st_ino
    repo.new_update()
    incremental_build(repo)
    assert (site / UNCHANGED).stat().st_ino == folder  # moved, not made
    assert (site / VERSION_PAGE).stat().st_ino == first
    assert_same(repo, tmp_path / "reference")

    (spare / UNCHANGED / "ancien.html").write_text("<p>périmé</p>", "utf-8")
    folder = (spare / UNCHANGED).stat().st_ino
    repo.new_update()
    incremental_build(repo)
    assert (site / UNCHANGED).stat().st_ino != folder
    assert_same(repo, tmp_path / "reference")  # the file too many is not in the new site

    page = spare / VERSION_PAGE
    data = page.read_bytes()
    page.unlink()  # the live file's bytes untouched, the spare's replaced by the same bytes
    page.write_bytes(data)
    folder = (spare / UNCHANGED).stat().st_ino
    repo.new_update()
    incremental_build(repo)
    assert (site / UNCHANGED).stat().st_ino != folder
    # The live file lost a link, its change time moved: its bytes read, it is linked.
    assert (site / VERSION_PAGE).stat().st_ino == first
    assert_same(repo, tmp_path / "reference")
    repo.new_update()
    incremental_build(repo)
    assert (spare / VERSION_PAGE).stat().st_ino == first  # shared again
    folder = (spare / UNCHANGED).stat().st_ino
    repo.new_update()
    incremental_build(repo)
    assert (site / UNCHANGED).stat().st_ino == folder  # so moved whole once more
    assert_same(repo, tmp_path / "reference")


def test_a_copied_site_is_linked_page_by_page_once_its_bytes_are_read(tmp_path: Path) -> None:
    """A copy of the repository, its site and cache with it (new inodes, new dates: nothing is
    the file recorded), builds from the copied site's pages whose SHA-256 is the recorded one:
    linked, not written again from the cache. A copied page edited to the same size is not."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    copy = copy_module.copy(repo)
    copy.root = tmp_path / "copy"
    shutil.copytree(repo.root, copy.root, symlinks=True)
    page = copy.root / "site" / VERSION_PAGE
    first = page.stat().st_ino
    other = copy.root / "site" / "incidents/2024-02-tiers-payant/versions/2/index.html"
    data = bytearray(other.read_bytes())
    data[len(data) // 2] ^= 0x01
    other.write_bytes(bytes(data))
    edited = other.stat().st_ino
    copy.new_update()
    incremental_build(copy)
    assert page.stat().st_ino == first  # the copied file, linked
    assert other.stat().st_ino != edited
    assert_same(copy, tmp_path / "reference")


def test_an_unchanged_notice_is_left_out_of_mkdocs_and_still_found_by_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one new update, MkDocs renders the notice it changed, not the other one: that
    one's kept bytes are put back and its search entries made without MkDocs, in the place a
    clean build gives them in the index."""
    from mkdocs.commands import build as mkdocs_build

    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    rendered: list[str] = []
    render = mkdocs_build._build_page

    def recording(page, *args, **kwargs):  # noqa: ANN001, ANN202
        rendered.append(page.file.src_uri)
        return render(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", recording)
    repo.new_update()
    incremental_build(repo)
    assert f"incidents/{INCIDENT}/index.md" in rendered
    assert f"{UNCHANGED}index.md" not in rendered
    index = json.loads((repo.root / "site" / "search" / "search_index.json").read_text("utf-8"))
    assert UNCHANGED in [entry["location"] for entry in index["docs"]]
    assert_same(repo, tmp_path / "reference")


def test_search_entries_of_left_out_pages_go_where_a_full_build_puts_them() -> None:
    def entry(location: str) -> dict[str, str]:
        return {"location": location, "title": "Titre « é »", "text": "<p>texte</p>"}

    written = {"config": {"lang": ["fr"]}, "docs": [entry("faq/"), entry("b/"), entry("b/#x")]}
    left = {"a/": [entry("a/")], "c/": [entry("c/"), entry("c/#y")]}
    index = reuse.search_index_with(json.dumps(written), ["a/", "b/", "c/"], left)
    assert json.loads(index)["docs"] == [
        entry("faq/"),
        entry("a/"),
        entry("b/"),
        entry("b/#x"),
        entry("c/"),
        entry("c/#y"),
    ]
    # As Material writes it: compact, ASCII only.
    assert index.startswith('{"config":{"lang":["fr"]},"docs":[{"location":"faq/","title":"Titre')
    assert "\\u00ab \\u00e9 \\u00bb" in index


def test_a_failed_build_puts_the_moved_folders_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails after moving folders from the site before puts them back there: the
    live site is as it was, and the next build moves them again."""
    from mkdocs.exceptions import PluginError

    from vigie.outputs import csp

    repo = Repo(tmp_path / "repo")
    for _ in range(3):
        repo.new_update()
        incremental_build(repo)
    site, spare = repo.root / "site", repo.root / SPARE
    live, folder = tree_bytes(site), (spare / UNCHANGED).stat().st_ino

    moved, write_policy = [], csp.write_policy

    def full_disk(staging: Path, *args: object) -> None:
        moved.append((staging / UNCHANGED).stat().st_ino)
        raise PluginError("disque plein")

    monkeypatch.setattr(csp, "write_policy", full_disk)  # after every page is in place
    repo.new_update()
    assert cli.build(repo.config, site) == 1
    assert moved == [folder]  # it was in the new site when the build failed
    assert tree_bytes(site) == live
    assert (spare / UNCHANGED).stat().st_ino == folder
    monkeypatch.setattr(csp, "write_policy", write_policy)
    incremental_build(repo)
    assert (site / UNCHANGED).stat().st_ino == folder
    assert_same(repo, tmp_path / "reference")


def test_two_builds_at_once_take_turns_and_leave_a_sound_cache(tmp_path: Path) -> None:
    """Started together, the second build waits for the first's lock: both succeed, the site
    is the one a build from nothing makes, and the next build reads the cache without fault."""
    repo = Repo(tmp_path / "repo")
    command = [sys.executable, "-m", "vigie.cli", "-f", str(repo.config), "build"]
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    both.append(
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    )
    outputs = [process.communicate(timeout=300) for process in both]  # no pipe fills up
    results = [(process.returncode, output) for process, output in zip(both, outputs, strict=True)]
    assert [code for code, _ in results] == [0, 0], results
    assert_same(repo, tmp_path / "reference")
    again = run_vigie(repo.root, "build")
    assert again.returncode == 0
    assert "cache" not in again.stderr


def test_the_tables_read_are_let_go_with_the_cache(tmp_path: Path) -> None:
    """Read tables are frozen out of the cycle collector's walks while a run uses them; a
    preview process, which lets go of its cache after each rebuild, gets them back."""
    import gc

    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    gc.unfreeze()
    cache = pipeline.open_cache(repo.config, print)
    with cache.locked():
        table = cache.memo("yaml", cache_module.code_fingerprint())
        assert table.known  # read, from the build's table
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def _checked(repo: Path, clean: bool = False) -> list[str]:
    return _outcome(repo, clean)[0]


def test_check_reads_again_only_the_yaml_texts_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second `vigie check` takes each unchanged YAML text's reading (data, lines, problems)
    and structure verdict from the cache: only the edited file is parsed and judged again,
    and what it reports is what a check without any cache reports."""
    repo = copy_repo(tmp_path / "repo")
    assert _checked(repo) == []
    parsed: list[str] = []
    judged: list[str] = []
    real_parse, real_structure = load_module.parse_yaml, structure_module.structure_problems

    def parse(text: str, rel: str, *args: object, **kwargs: object):  # noqa: ANN202
        parsed.append(rel)
        return real_parse(text, rel, *args, **kwargs)

    def structure(doc, name: str):  # noqa: ANN001, ANN202
        judged.append(doc.path)
        return real_structure(doc, name)

    monkeypatch.setattr(load_module, "parse_yaml", parse)
    monkeypatch.setattr(structure_module, "structure_problems", structure)
    edited = repo / "incidents" / INCIDENT / "incident.yml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("impact: ", "impact: enorme\nx_: ", 1), encoding="utf-8")
    problems = _checked(repo)
    assert problems
    assert all(p.startswith(f"incidents/{INCIDENT}/incident.yml:") for p in problems)
    assert sorted(set(parsed)) == sorted(set(judged)) == [f"incidents/{INCIDENT}/incident.yml"]
    assert _checked(repo, clean=True) == problems
    edited.write_text(text, encoding="utf-8")  # back as it was: read from the cache again
    parsed.clear()
    assert _checked(repo) == []
    assert parsed == []


def test_a_check_that_finds_every_entry_it_needs_writes_no_table(tmp_path: Path) -> None:
    """A check after a check (the pre-commit hook after a build) finds every reading, HTML and
    judgement in the tables: it leaves their files as they are. One new text, and the tables
    that gained an entry are written again, holding it and everything they held."""
    repo = copy_repo(tmp_path / "repo")
    assert _checked(repo) == []
    tables = {name: repo / CACHE_DIR / f"{name}.json" for name in ("yaml", "markdown", "vetting")}
    before = {name: path.stat().st_ino for name, path in tables.items()}
    assert _checked(repo) == []
    assert {name: path.stat().st_ino for name, path in tables.items()} == before
    held = {name: _table_keys(repo, name) for name in tables}
    update = repo / "incidents" / INCIDENT / "updates" / "2024-06-11T1400-suite.md"
    text = "Un mot de plus sur la **situation**, après le retour du service."
    update.write_text(
        UPDATE.format(
            date="2024-06-11T14:00:00+02:00", status="resolved", title="Suite", text=text
        ),
        encoding="utf-8",
    )
    assert _checked(repo) == []
    changed = {n for n, path in tables.items() if path.stat().st_ino != before[n]}
    assert changed == {"yaml", "vetting"}, changed
    assert all(_table_keys(repo, n) > held[n] for n in changed)  # the new entry, and the rest
    after = {name: path.stat().st_ino for name, path in tables.items()}
    update.unlink()
    assert _checked(repo) == []  # the tables still hold all it needs: none is written again
    assert {name: path.stat().st_ino for name, path in tables.items()} == after


def test_a_table_is_changed_only_by_an_entry_it_did_not_hold() -> None:
    """Putting back what a table held (the HTML just taken from it) changes nothing; a new
    key, or another value under a held key (a verdict judged again), does."""
    memo = Memo({"a": [1], "b": [2]})
    memo.put("a", memo.get("a", Any))
    memo.put("b", [2])
    assert not memo.changed
    memo.put("b", [3])
    assert memo.changed
    fresh = Memo({"a": [1]})
    fresh.made("c", lambda: [4], list[int])
    assert fresh.changed


def test_a_table_reads_back_what_was_put_in_it_and_an_empty_one_too(tmp_path: Path) -> None:
    """Each entry is a line of the table's file: tabs and line breaks inside a key or a value
    stay inside it. An entry is decoded when asked for, afresh each time; one kept unchanged
    is written back as it was read; a table left with no entry is read without a warning."""
    folder, odd = tmp_path / CACHE_DIR, "a\tb\nc « d »"
    cache = cache_module.BuildCache(folder, pytest.fail)
    with cache.locked():
        cache.memo("t", "scope").put(odd, {odd: [odd, 1]})
        cache.memo("vide", "scope")
        cache.save(complete=True)
    written = (folder / "t.json").read_bytes()
    cache = cache_module.BuildCache(folder, pytest.fail)
    with cache.locked():
        table = cache.memo("t", "scope")
        assert isinstance(table.known[odd], bytes)  # not decoded on reading
        value = table.get(odd, dict[str, tuple[str, int]])
        assert value == {odd: [odd, 1]}
        value[odd].append("changed by the caller")
        assert table.get(odd, Any) == {odd: [odd, 1]}  # a fresh copy each time
        assert cache.memo("vide", "scope").known == {}
        cache.save(complete=True)
    assert (folder / "t.json").read_bytes() == written


def test_a_table_entry_that_is_not_json_under_a_matching_checksum_is_made_again(
    tmp_path: Path,
) -> None:
    """Entries are decoded only when asked for, after the file's checksum: one that is not
    JSON can only come with a checksum made to match. It is taken as absent, never a
    traceback: the site is still the clean build's."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    for table in (repo.root / CACHE_DIR).glob("*.json"):
        *lines, last = table.read_bytes().split(b"\n")
        body = b"".join(line.split(b"\t", 1)[0] + b"\t{pas du JSON\n" for line in lines)
        header = {**json.loads(last), "checksum": hashlib.sha256(body).hexdigest()}
        table.write_bytes(body + json.dumps(header).encode())
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")


def _table_keys(repo: Path, name: str) -> set[str]:
    """The keys of the cache table `name`, read as a check reads it."""
    cache = cache_module.BuildCache(repo / CACHE_DIR, pytest.fail)
    return set(cache.memo(name, cache_module.code_fingerprint()).known)


def test_an_incident_judged_before_is_judged_again_only_when_it_or_its_links_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second `vigie check` keeps the verdict of each incident whose texts are unchanged:
    none of its texts is judged for safety again, and its warnings are given as they were.
    An unchanged incident that links to the site's incidents is judged again when their list
    changes. At each step, the check says what a check without any cache says."""
    repo = Repo(tmp_path / "repo")
    assert _outcome(repo.root) == ([], [])
    judged: list[str] = []
    real_judged = safety_module._judged

    def judging(field, *args):  # noqa: ANN001, ANN202
        judged.append(field.path)
        return real_judged(field, *args)

    monkeypatch.setattr(safety_module, "_judged", judging)
    other = f"incidents/{OTHER_INCIDENT}/"

    def judged_in(folder: str) -> set[str]:
        return {path for path in judged if path.startswith(folder)}

    repo.new_update()  # one new update: its text alone is judged
    assert _outcome(repo.root) == ([], [])
    assert len(judged_in("incidents/")) == 1
    assert judged_in("incidents/") == judged_in(f"incidents/{INCIDENT}/")
    # A late notification to the CNIL: warned of, then warned of again without judging.
    authorities = repo.root / other / "updates" / "2024-02-09T1200-autorites-notifiees.md"
    text = authorities.read_text("utf-8")
    authorities.write_text(text.replace("2024-02-08T16:00", "2024-02-09T11:00"), "utf-8")
    late = _outcome(repo.root)
    assert late[0] == []
    assert len(late[1]) == 1
    assert late[1][0].startswith(f"{other}updates/{authorities.name}:")
    assert late == _outcome(repo.root, clean=True)
    judged.clear()
    assert _outcome(repo.root) == late
    assert judged == []
    # A text linking to another incident: judged again when that incident goes.
    target = repo.new_incident()
    linking = repo.root / other / "updates" / "2024-02-12T0900-lien.md"
    link = f"Voir [la suite](/incidents/{target}/)."
    linking.write_text(
        UPDATE.format(
            date="2024-02-12T09:00:00+01:00", status="identified", title="Lien", text=link
        ),
        "utf-8",
    )
    assert _outcome(repo.root) == ([], late[1])
    judged.clear()
    assert _outcome(repo.root) == ([], late[1])
    assert judged_in(other) == set()
    shutil.rmtree(repo.root / "incidents" / target)
    gone = _outcome(repo.root)
    assert judged_in(other) == {f"{other}updates/2024-02-12T0900-lien.md"}
    assert len(gone[0]) == 1
    assert gone[0][0].startswith(f"{other}updates/2024-02-12T0900-lien.md:")
    assert gone == _outcome(repo.root, clean=True)


def _outcome(repo: Path, clean: bool = False) -> tuple[list[str], list[str]]:
    """The problems and warnings of `vigie check` with the cache (saved when it succeeds)."""
    cache = pipeline.open_cache(repo / "mkdocs.yml", print, clean=clean)
    with cache.locked():
        outcome = pipeline.check(repo / "mkdocs.yml", cache=cache)
        if outcome.checked is not None:
            cache.save()
    return [str(p) for p in outcome.problems], [str(p) for p in outcome.warnings]


def test_a_template_edited_between_two_builds_of_one_process_is_compiled_again(
    tmp_path: Path,
) -> None:
    """Templates are compiled once per process (`pages.compiled`), as `vigie serve` rebuilds:
    a template saved between two builds shows in the second, on every page using it."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    footer = repo.root / "overrides" / "partials" / "copyright.html"
    text = footer.read_text("utf-8")
    assert "À propos de ce site" in text
    footer.write_text(text.replace("À propos de ce site", "À propos, modèle modifié", 1), "utf-8")
    assert cli.build(repo.config, repo.root / "site", clean=True) == 0
    for page in ("index.html", f"incidents/{INCIDENT}/index.html"):
        words = parse_html(repo.root / "site" / page).get_text(" ")
        assert "À propos, modèle modifié" in words, page
        assert "À propos de ce site" not in words, page


def test_only_installed_templates_are_kept_compiled_on_disk(tmp_path: Path) -> None:
    """An installed package's template (Material's) is kept compiled in the virtualenv and
    used by the next process; never the site's own (`overrides/`), and never a kept code
    whose source changed or whose file is damaged."""
    from jinja2 import Environment, FileSystemLoader

    from vigie.pages.compiled import CompiledTemplates

    installed, own, code = tmp_path / "venv" / "theme", tmp_path / "overrides", tmp_path / "code"
    for folder, name in ((installed, "base.html"), (own, "main.html")):
        folder.mkdir(parents=True)
        (folder / name).write_text("<p>{{ 1 + 1 }}</p>", "utf-8")

    def environment() -> tuple[Environment, CompiledTemplates]:
        kept = CompiledTemplates(code, installed=tmp_path / "venv")
        loader = FileSystemLoader([str(own), str(installed)])
        return Environment(loader=loader, bytecode_cache=kept), kept

    env, _ = environment()
    assert [env.get_template(n).render() for n in ("base.html", "main.html")] == ["<p>2</p>"] * 2
    assert len(list(code.iterdir())) == 1  # the installed template's only

    def kept_code(name: str) -> object:
        env, kept = environment()  # another process
        template = Path(env.loader.get_source(env, name)[1])
        return kept.get_bucket(env, name, str(template), template.read_text("utf-8")).code

    assert kept_code("base.html") is not None
    assert kept_code("main.html") is None
    (installed / "base.html").write_text("<p>{{ 2 + 2 }}</p>", "utf-8")
    assert kept_code("base.html") is None  # its source changed
    env, _ = environment()
    assert env.get_template("base.html").render() == "<p>4</p>"
    (kept_file,) = code.iterdir()
    kept_file.write_bytes(kept_file.read_bytes()[:-7])  # truncated
    assert kept_code("base.html") is None
    env, _ = environment()
    assert env.get_template("base.html").render() == "<p>4</p>"


def _not_a_file(path: Path, shape: str) -> None:
    path.unlink()
    if shape == "folder":
        (path / "inside").mkdir(parents=True)
    elif shape == "pipe":
        os.mkfifo(path)  # read without care, the build would wait on it for ever
    else:
        path.symlink_to("/etc/passwd")


@pytest.mark.parametrize("shape", ["folder", "pipe", "link"])
@pytest.mark.parametrize("where", ["table", "blob", "blob folder", "lock", "cache"])
def test_something_other_than_a_file_in_the_cache_is_replaced_never_followed(
    tmp_path: Path, capsys, where: str, shape: str
) -> None:
    """What a restored or tampered cache may hold where a file should be: a build neither
    fails nor hangs nor reads through it, and publishes the clean build's site."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    folder = repo.root / CACHE_DIR
    repo.new_update()
    if where.startswith("blob"):  # as in CI, so that the kept pages are read from their blobs
        for site in (repo.root / "site", repo.root / ".site-old-site"):
            shutil.rmtree(site, ignore_errors=True)
    if where in ("cache", "blob folder"):  # a folder's place: a plain file ("folder"), pipe, link
        # Every folder of blobs: some hold none that is read (their page changed).
        places = [folder] if where == "cache" else sorted((folder / "blobs").glob("*/*"))
        damaged = [Path(CACHE_DIR, path.relative_to(folder)) for path in places]
        for place in places:  # its blobs, read, are reported by name
            damaged += [Path(CACHE_DIR, path.relative_to(folder)) for path in place.rglob("*")]
            shutil.rmtree(place)
            place.write_text("pas un dossier", "utf-8")
            if shape != "folder":
                _not_a_file(place, shape)
    elif where == "blob":  # every one: some are not read (their page changed)
        blobs = sorted((folder / "blobs").glob("*/*/*"))
        for blob in blobs:
            _not_a_file(blob, shape)
        damaged = [Path(CACHE_DIR, blob.relative_to(folder)) for blob in blobs]
    else:
        _not_a_file(folder / ("yaml.json" if where == "table" else "lock"), shape)
        damaged = [Path(CACHE_DIR, "yaml.json")] if where == "table" else []
    capsys.readouterr()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")
    err = capsys.readouterr().err
    reported = [path for path in damaged if cache_module.CACHE_DAMAGED.format(path=path) in err]
    # A lock is made again without a word (no build held it); the rest is reported.
    assert bool(reported) == bool(damaged), err
    incremental_build(repo)  # and the next build finds a sound cache again
    assert "cache endommagé" not in capsys.readouterr().err
    assert_same(repo, tmp_path / "reference")


def test_a_damaged_page_in_the_cache_is_stored_again(tmp_path: Path, capsys) -> None:
    """Reported once, then made and kept again: the next build without a site reads it."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.damage_cache(1)  # a byte changed in every stored page, no site left (as in CI)
    incremental_build(repo)
    assert "cache endommagé" in capsys.readouterr().err
    for site in (repo.root / "site", repo.root / ".site-old-site"):
        shutil.rmtree(
            site, ignore_errors=True
        )  # so that every kept page is read from the cache again
    capsys.readouterr()
    incremental_build(repo)
    assert "cache endommagé" not in capsys.readouterr().err
    assert_same(repo, tmp_path / "reference")


@pytest.mark.parametrize("how", ["inherit", "env"])
def test_settings_brought_in_by_inherit_or_env_render_every_page_again(
    tmp_path: Path, monkeypatch, how: str
) -> None:
    """`INHERIT` and `!ENV` change what MkDocs reads without changing `mkdocs.yml`."""
    repo = Repo(tmp_path / "repo")
    text = repo.config.read_text("utf-8")
    old = text.split("copyright: ", 1)[1].split("\n", 1)[0]
    if how == "inherit":
        text = text.replace(f"copyright: {old}\n", "", 1)
        repo.config.write_text("INHERIT: base.yml\n" + text, "utf-8")
        (repo.root / "base.yml").write_text("copyright: Premier\n", "utf-8")
    else:
        repo.config.write_text(text.replace(old, "!ENV [VIGIE_TEST_COPYRIGHT, x]", 1), "utf-8")
        monkeypatch.setenv("VIGIE_TEST_COPYRIGHT", "Premier")
    incremental_build(repo)
    if how == "inherit":
        (repo.root / "base.yml").write_text("copyright: Second\n", "utf-8")
    else:
        monkeypatch.setenv("VIGIE_TEST_COPYRIGHT", "Second")
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")
    page = repo.root / "site" / "incidents" / OTHER_INCIDENT / "index.html"
    assert "Second" in parse_html(page).get_text()


def test_a_cache_that_cannot_be_saved_leaves_a_built_site_and_a_warning(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """The site is in place when the cache is written: a full disk then is no failed build."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(cache_module, "_write_table", disk_full)
        capsys.readouterr()
        incremental_build(repo)  # exit code 0
    reason = "No space left on device"
    assert cache_module.CACHE_NOT_SAVED.format(reason=reason) in capsys.readouterr().err
    assert_same(repo, tmp_path / "reference")
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")


def test_a_link_in_the_site_before_is_never_taken_into_the_new_one(tmp_path: Path) -> None:
    """A folder of the spare site turned into a link to a copy elsewhere (the same files, the
    same identities): taken, the new site would serve whatever the link points to."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    repo.new_update()
    incremental_build(repo)  # the site before is now beside the live one
    spare = repo.root / ".site-old-site" / "incidents" / OTHER_INCIDENT
    elsewhere = tmp_path / "elsewhere"
    spare.rename(elsewhere)
    spare.symlink_to(elsewhere, target_is_directory=True)
    repo.new_update()
    incremental_build(repo)
    assert not (repo.root / "site" / "incidents" / OTHER_INCIDENT).is_symlink()
    assert_same(repo, tmp_path / "reference")
    manifest = json.loads((repo.root / "site" / "version.json").read_text("utf-8"))
    assert f"incidents/{OTHER_INCIDENT}/index.html" in json.dumps(manifest)


def test_the_options_in_the_pages_scope_are_the_plain_ones_without_this_checkouts_paths() -> None:
    options = {
        "site_dir": "/tmp/a/site",
        "copyright": "Second",
        "extra": {"b": [1, object(), "x"], "a": None},
        "plugins": object(),
        "hooks": {"h": object()},
        "strict": True,
    }
    assert reuse.plain_options(options) == {
        "copyright": "Second",
        "extra": {"a": None, "b": [1, "x"]},
        "hooks": {},
    }


def test_whatever_stands_where_the_site_before_goes_never_stops_a_build(tmp_path: Path) -> None:
    """A file, or a leftover folder, under the names of the site before and of its remains."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    shutil.rmtree(repo.root / ".site-old-site", ignore_errors=True)
    (repo.root / ".site-old-site").write_text("un fichier", "utf-8")
    (repo.root / ".site-remains-site").write_text("un autre", "utf-8")
    for _ in range(2):
        repo.new_update()
        incremental_build(repo)
        assert_same(repo, tmp_path / "reference")
    (repo.root / ".site-remains-site" / "inside").mkdir(parents=True)
    repo.new_update()
    incremental_build(repo)
    assert_same(repo, tmp_path / "reference")


@pytest.mark.parametrize("key", [b"[1]", b"5", b"null", b"{}"])
def test_a_table_whose_key_is_not_text_under_a_matching_checksum_is_not_read(
    tmp_path: Path, capsys, key: bytes
) -> None:
    """Keys are names: one that is not text can only come with a checksum made to match.
    The table is reported and made again, never a traceback."""
    repo = Repo(tmp_path / "repo")
    incremental_build(repo)
    table = repo.root / CACHE_DIR / "yaml.json"
    *lines, last = table.read_bytes().split(b"\n")
    body = b"".join(line + b"\n" for line in lines) + key + b"\t[]\n"
    header = {**json.loads(last), "checksum": hashlib.sha256(body).hexdigest()}
    table.write_bytes(body + json.dumps(header).encode())
    repo.new_update()
    capsys.readouterr()
    incremental_build(repo)
    damaged = cache_module.CACHE_DAMAGED.format(path=Path(CACHE_DIR, "yaml.json"))
    assert damaged in capsys.readouterr().err
    assert_same(repo, tmp_path / "reference")
