"""The docs site builds with ``mkdocs build --strict``, and the README is a short front page whose links resolve."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
README_LIMIT = 10 * 1024
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")  # mkdocs-material: the theme of mkdocs.yml
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=root, capture_output=True, text=True, env=env, timeout=300)


def _copy_site(tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_the_site_builds_strict(tmp_path: Path) -> None:
    out = _build(REPO, tmp_path / "site")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "WARNING" not in out.stderr, out.stderr[-3000:]
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "cli" / "index.html").is_file()


@pytest.mark.parametrize("plant", ["page missing from the nav", "broken link", "missing picture", "broken anchor"])
def test_a_planted_mistake_fails_the_build(plant: str, tmp_path: Path) -> None:
    """The strict build is a check that can fail: each kind of mistake planted in a copy stops it."""
    root = _copy_site(tmp_path)
    page = root / "docs" / "groups.md"
    if plant == "page missing from the nav":
        (root / "docs" / "orphan.md").write_text("# Orphan\n\nNot in the nav.\n", encoding="utf-8")
    elif plant == "broken link":
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [nothing](no-such-page.md).\n", encoding="utf-8")
    elif plant == "missing picture":
        page.write_text(page.read_text(encoding="utf-8") + "\n![gone](images/gone.png)\n", encoding="utf-8")
    else:
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [cli](cli.md#no-such-heading).\n", encoding="utf-8")
    out = _build(root, tmp_path / "site")
    named = {"page missing from the nav": "orphan.md", "broken link": "no-such-page.md",
             "missing picture": "images/gone.png", "broken anchor": "no-such-heading"}[plant]
    assert out.returncode != 0, f"{plant} was not caught:\n{out.stderr[-2000:]}"
    assert named in out.stderr, out.stderr[-2000:]  # stopped by the plant, not by something else


def test_every_page_and_picture_in_docs_is_used() -> None:
    """Every picture in docs/images is shown by some page (the repository ships them, so none idles)."""
    text = "".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))
    unused = [p.name for p in (REPO / "docs" / "images").glob("*.png") if f"images/{p.name}" not in text]
    assert unused == []


def test_readme_is_a_front_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= README_LIMIT
    assert "make run" in text and "make test" in text  # .ci/run runs `make test`, the README's command
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert text.count("![") == 1  # one picture


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub and mkdocs make it (lower case, punctuation dropped, spaces as dashes)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {_slug(line.lstrip("#")) for line in lines if line.startswith("#")}


def test_readme_links_resolve() -> None:
    targets = [t for t in LINK.findall(README.read_text(encoding="utf-8")) if "://" not in t]
    assert len(targets) >= 10  # the docs pages and the picture
    broken = []
    for target in targets:
        file, _, anchor = target.partition("#")
        path = (REPO / file).resolve() if file else README
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    assert broken == []


def test_readme_python_example_runs(tmp_path: Path) -> None:
    """The README's few lines of Python run as written (on the shipped run, no window)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    code = blocks[0] + "\nassert images.shape == (4, 28, 28) and 0 <= images.min() <= images.max() <= 1\n"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
