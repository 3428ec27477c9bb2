"""The documentation stays true to the repository.

* every relative link and image in the Markdown pages points to a file that exists;
* the README's test command is the command `.ci/run` really runs, in both languages;
* both READMEs show the same quick-start commands;
* images/make_diagrams.py draws the committed diagrams pixel for pixel, and the READMEs show them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", "README.de.md", "INSTRUCTORS.md", "lab/README.md", "data/README.md"]
READMES = {"README.md": "Quick start", "README.de.md": "Schnellstart"}

FENCE = re.compile(r"^([ \t]*)(```|~~~)([^\n]*)\n(.*?)^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
MD_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------
def read(page: str) -> str:
    return (ROOT / page).read_text(encoding="utf-8")


def code_blocks(markdown: str) -> list[tuple[str, str, int]]:
    """(info string, body, start offset) of every fenced code block, in order."""
    return [(m.group(3).strip(), m.group(4), m.start()) for m in FENCE.finditer(markdown)]


def prose(markdown: str) -> str:
    """The Markdown without fenced code blocks and inline code (links there are not links)."""
    return INLINE_CODE.sub("", FENCE.sub("", markdown))


def link_targets(markdown: str) -> list[str]:
    text = prose(markdown)
    return [m.group(1) for rx in (MD_LINK, REF_LINK, HTML_LINK) for m in rx.finditer(text)]


def is_local(target: str) -> bool:
    return not (re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "//")))


def command_lines(body: str) -> list[str]:
    """The lines of a shell block that are commands: not blank, not comments."""
    return [
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def quick_start_commands(page: str) -> list[str]:
    markdown = read(page)
    heading = re.search(rf"^##\s+{re.escape(READMES[page])}\s*$", markdown, re.MULTILINE)
    assert heading, f"{page} has no '## {READMES[page]}' heading"
    for info, body, start in code_blocks(markdown):
        if start > heading.end() and info == "bash":
            return command_lines(body)
    raise AssertionError(f"{page}: no ```bash block after the '{READMES[page]}' heading")


def pytest_commands(page: str) -> list[str]:
    """Every line of a fenced code block in ``page`` that starts with `python -m pytest`."""
    return [
        line
        for _, body, _ in code_blocks(read(page))
        for line in command_lines(body)
        if line.startswith("python -m pytest")
    ]


def ci_test_command() -> str:
    """The test command CI runs: .ci/run hands over to tools/ci.py, which runs TEST_COMMAND."""
    run = command_lines((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert run[-1] == 'exec python3 tools/ci.py "$@"', f".ci/run must hand over to tools/ci.py, not {run[-1:]}"
    return ci_tool().TEST_COMMAND


def ci_tool():
    spec = importlib.util.spec_from_file_location("ci_tool", ROOT / "tools" / "ci.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed_diagrams() -> list[str]:
    return sorted(p.name for p in (ROOT / "images").glob("*.png"))


# ---------------------------------------------------------------------------------------
# The helpers themselves (so that a broken parser cannot make the real tests pass vacuously)
# ---------------------------------------------------------------------------------------
def test_link_parser_finds_links_and_skips_code():
    sample = (
        'See [the lab](lab/README.md#steps), ![a picture](images/x.png "title") and '
        '<img src="images/y.png" width="50%"/>.\n'
        "Not a link: `[x](inline.md)`, nor [web](https://example.org) or [top](#top).\n"
        "```bash\ncat [y](fenced.md)\n```\n"
        "[ref]: docs/ref.md\n"
    )
    targets = link_targets(sample)
    assert targets == [
        "lab/README.md#steps",
        "images/x.png",
        "https://example.org",
        "#top",
        "docs/ref.md",
        "images/y.png",
    ]
    local = [t for t in targets if is_local(t)]
    assert sorted(local) == ["docs/ref.md", "images/x.png", "images/y.png", "lab/README.md#steps"]


def test_command_lines_drop_comments_and_blanks():
    assert command_lines("# set up\npython -V\n\n  # again\nbash .ci/run\n") == [
        "python -V",
        "bash .ci/run",
    ]


# ---------------------------------------------------------------------------------------
# (a) links and images resolve
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_relative_links_resolve(page):
    path = ROOT / page
    assert path.is_file(), f"{page} is missing"
    missing = []
    for target in link_targets(read(page)):
        if not is_local(target):
            continue
        file_part = target.split("#", 1)[0].split("?", 1)[0]
        if not file_part:
            continue
        resolved = (path.parent / file_part).resolve()
        if ROOT not in resolved.parents and resolved != ROOT:
            missing.append(f"{target} (points outside the repository)")
        elif not resolved.exists():
            missing.append(target)
    assert not missing, f"{page} links to files that do not exist: {missing}"


def test_readmes_link_to_each_other_and_to_the_instructor_guide():
    english, german = read("README.md"), read("README.de.md")
    assert "README.de.md" in link_targets(english)
    assert "INSTRUCTORS.md" in link_targets(english)
    assert "README.md" in link_targets(german)


# ---------------------------------------------------------------------------------------
# (b) the README's test command is the one CI runs
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", list(READMES))
def test_readme_test_command_is_the_one_ci_runs(page):
    commands = pytest_commands(page)
    assert commands, f"{page} shows no test command"
    assert commands[0] == ci_test_command(), (
        f"{page} shows {commands[0]!r} as the test command, .ci/run runs {ci_test_command()!r}"
    )


# ---------------------------------------------------------------------------------------
# (c) both READMEs show the same quick start
# ---------------------------------------------------------------------------------------
def test_quick_start_has_two_commands():
    commands = quick_start_commands("README.md")
    assert len(commands) == 2, commands
    assert commands[0].startswith("python3 -m venv .venv") and "requirements.txt" in commands[0]
    assert commands[1] == "bash .ci/run"


def test_ci_stops_at_once_on_an_unsupported_python(capsys, monkeypatch):
    ci = ci_tool()
    assert ci.version_problem((3, 12, 1)) is None
    monkeypatch.setattr(ci.sys, "version_info", (3, 10, 12, "final", 0))
    monkeypatch.setattr(ci.venv, "create", lambda *a, **k: pytest.fail("nothing may be installed"))
    assert ci.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs Python 3.11, 3.12 or 3.13, but this is Python 3.10" in err


def test_the_windows_form_of_the_second_command_is_shown():
    for page in READMES:
        assert "py tools\\ci.py" in read(page), f"{page} does not show the Windows form of the second command"


def test_quick_start_is_the_same_in_both_languages():
    assert quick_start_commands("README.de.md") == quick_start_commands("README.md")


# ---------------------------------------------------------------------------------------
# (d) the diagrams
# ---------------------------------------------------------------------------------------
# Redrawn images may differ from the committed ones in at most this share of pixels (by more than
# a quarter of the colour range in some channel): room for anti-aliasing, none for a changed word,
# which alone changes about 0.04 % of rnn_patterns.png.
MAX_CHANGED_PIXELS = 0.0001


def changed_pixels(committed: Path, redrawn: Path) -> str | None:
    """None if the two PNGs look the same, else one line saying how they differ."""
    import matplotlib.image
    import numpy as np

    a, b = matplotlib.image.imread(committed), matplotlib.image.imread(redrawn)
    if a.shape != b.shape:
        return f"{committed.name}: {a.shape[1]}x{a.shape[0]} pixels committed, {b.shape[1]}x{b.shape[0]} redrawn"
    changed = np.abs(a.astype(float) - b.astype(float)).max(axis=-1) > 0.25
    if changed.mean() <= MAX_CHANGED_PIXELS:
        return None
    rows, cols = np.nonzero(changed)
    return (
        f"{committed.name}: {changed.sum():,} pixels ({changed.mean():.3%}) differ, in the box "
        f"x {cols.min()}-{cols.max()}, y {rows.min()}-{rows.max()}"
    )


def test_make_diagrams_redraws_the_committed_images(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "images" / "make_diagrams.py"), str(out)],
        check=False,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    committed = committed_diagrams()
    assert committed, "images/ holds no PNG files: run python images/make_diagrams.py"
    assert sorted(p.name for p in out.glob("*.png")) == committed
    differences = [changed_pixels(ROOT / "images" / name, out / name) for name in committed]
    differences = [d for d in differences if d]
    assert not differences, (
        f"{'; '.join(differences)} -- run python images/make_diagrams.py and commit the images"
    )


def test_changed_pixels_notices_a_small_change(tmp_path):
    import matplotlib.image

    name = committed_diagrams()[0]
    image = matplotlib.image.imread(ROOT / "images" / name)
    assert changed_pixels(ROOT / "images" / name, ROOT / "images" / name) is None
    image[100:120, 200:240, :3] = 1.0 - image[100:120, 200:240, :3]  # a patch the size of a word
    matplotlib.image.imsave(tmp_path / name, image)
    assert "differ, in the box" in (changed_pixels(ROOT / "images" / name, tmp_path / name) or "")


@pytest.mark.parametrize("page", list(READMES))
def test_readmes_show_every_diagram(page):
    images = {
        Path(t).name for t in link_targets(read(page)) if is_local(t) and t.lower().endswith(".png")
    }
    assert images == set(committed_diagrams()), f"{page} shows {sorted(images)}"
