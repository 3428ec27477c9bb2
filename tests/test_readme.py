"""The documentation stays true to the repository.

* the README is a landing page: at most MAX_README_WORDS words;
* its quick start is exactly two commands (set up and run the lesson; set up and run the tests),
  the same in both languages, and its test command is the one `.ci/run` really runs;
* the Linux users' line for the CPU-only torch installs the version requirements.txt pins;
* every relative link and image in the README, the German README, INSTRUCTORS.md and docs/*.md
  (and the lab and data pages) points to a file that exists;
* the quizzes hide their answers in <details> (that README.de.md has the same sections, code,
  links and numbers is the translation linter's job: tests/test_translations.py);
* the diagrams the READMEs show exist and are PNG files of a plausible size;
* no page still holds a TODO where a number from a stored notebook output belongs.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from support import FENCE, INLINE_CODE, is_local, link_targets, load_module

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))
PAGES = ["README.md", "README.de.md", "INSTRUCTORS.md", *DOCS, "lab/README.md", "data/README.md"]
READMES = {"README.md": "Quick start", "README.de.md": "Schnellstart"}
MAX_README_WORDS = 2500
CPU_TORCH = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
LESSON_RUN = (
    "jupyter nbconvert --to notebook --execute GenerativePyTorch.ipynb --output-dir runs/ "
    "--KernelManager.transport=ipc"
)

H2 = re.compile(r"^##[ \t]+(.+?)[ \t]*$", re.MULTILINE)
NUMBERED_ITEM = re.compile(r"^(\d+)\.[ \t]+", re.MULTILINE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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


def command_lines(body: str) -> list[str]:
    """The lines of a shell block that are commands: not blank, not comments."""
    return [
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def h2_sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, body) of every `##` section, in order; headings inside code blocks do not count."""
    masked = FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)  # same offsets
    found = list(H2.finditer(masked))
    return [
        (m.group(1), markdown[m.end() : found[i + 1].start() if i + 1 < len(found) else len(markdown)])
        for i, m in enumerate(found)
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
    return load_module("tools/ci.py", "ci_tool")


def quiz_sections(page: str) -> list[tuple[str, str]]:
    return [(h, body) for h, body in h2_sections(read(page)) if "quiz" in h.lower()]


def numbered_items(text: str) -> list[str]:
    """The top-level numbered items of ``text``: each runs to the next item."""
    starts = [m.start() for m in NUMBERED_ITEM.finditer(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a PNG file, or None if the file is not a PNG."""
    head = path.read_bytes()[:24]
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


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


def test_sections_and_items_are_found():
    page = "# T\n\nintro\n\n```bash\n## not a heading\n```\n\n## Quiz\n\n1. a?\n   more\n2. b?\n\n## Next\n"
    sections = h2_sections(page)
    assert [h for h, _ in sections] == ["Quiz", "Next"]
    assert [item.split()[1] for item in numbered_items(sections[0][1])] == ["a?", "b?"]


def test_png_size_reads_the_header(tmp_path):
    fake = tmp_path / "x.png"
    fake.write_bytes(PNG_SIGNATURE + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480) + b"\0" * 9)
    assert png_size(fake) == (640, 480)
    fake.write_bytes(b"GIF89a" + b"\0" * 30)
    assert png_size(fake) is None


# ---------------------------------------------------------------------------------------
# The README is a landing page
# ---------------------------------------------------------------------------------------
def test_readme_is_short():
    words = len(read("README.md").split())
    assert words <= MAX_README_WORDS, (
        f"README.md has {words:,} words, more than {MAX_README_WORDS:,}: move details to docs/"
    )


def test_readme_links_the_docs_pages():
    linked = {t.split("#", 1)[0] for t in link_targets(read("README.md")) if is_local(t)}
    missing = [page for page in DOCS if page not in linked]
    assert DOCS, "docs/ holds no pages"
    assert not missing, f"README.md does not link to {missing}"


# ---------------------------------------------------------------------------------------
# Links and images resolve
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


def test_readme_links_the_instructor_guide():  # the German page's links: the translation linter
    assert "INSTRUCTORS.md" in link_targets(read("README.md"))


# ---------------------------------------------------------------------------------------
# The quick start and the test command
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", list(READMES))
def test_readme_test_command_is_the_one_ci_runs(page):
    commands = pytest_commands(page)
    assert commands, f"{page} shows no test command"
    assert commands[0] == ci_test_command(), (
        f"{page} shows {commands[0]!r} as the test command, .ci/run runs {ci_test_command()!r}"
    )


def test_quick_start_has_two_commands():
    commands = quick_start_commands("README.md")
    assert len(commands) == 2, commands
    first, second = commands
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && "), first
    assert first.endswith(".venv/bin/" + LESSON_RUN), first
    assert second == "bash .ci/run"


@pytest.mark.parametrize("page", list(READMES))
def test_the_cpu_only_torch_line_installs_the_pinned_torch(page):
    assert CPU_TORCH in read(page), f"{page} does not show the CPU-only torch line for Linux"
    pins = re.findall(r"^torch==([\w.]+)", read("requirements.txt"), re.MULTILINE)
    assert pins and set(pins) == {"2.13.0"}, f"requirements.txt pins torch {pins}; update CPU_TORCH and the READMEs"


def test_the_windows_form_of_the_second_command_is_shown():
    for page in READMES:
        assert "py tools\\ci.py" in read(page), f"{page} does not show the Windows form of the second command"


def test_ci_stops_at_once_on_an_unsupported_python(capsys, monkeypatch):
    ci = ci_tool()
    assert ci.version_problem((3, 12, 1)) is None
    monkeypatch.setattr(ci.sys, "version_info", (3, 10, 12, "final", 0))
    monkeypatch.setattr(ci.venv, "create", lambda *a, **k: pytest.fail("nothing may be installed"))
    assert ci.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs Python 3.11, 3.12 or 3.13, but this is Python 3.10" in err


# ---------------------------------------------------------------------------------------
# The quizzes hide their answers
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", list(READMES))
def test_quizzes_hide_their_answers(page):
    quizzes = quiz_sections(page)
    assert len(quizzes) >= 2, f"{page}: a quiz before and one after the lesson, found {[h for h, _ in quizzes]}"
    problems = []
    for heading, body in quizzes:
        items = numbered_items(body)
        if not items:
            problems.append(f"'{heading}' has no numbered questions")
        for n, item in enumerate(items, start=1):
            details = re.search(r"<details>\s*<summary>[^<]+</summary>(.+?)</details>", item, re.DOTALL)
            if not details or not details.group(1).strip():
                problems.append(f"'{heading}', question {n}: no answer inside <details><summary>…</summary>")
            elif item.index("<details>") < item.index("?"):
                problems.append(f"'{heading}', question {n}: the answer comes before the question")
    assert not problems, f"{page}: " + "; ".join(problems)


# ---------------------------------------------------------------------------------------
# The diagrams
# ---------------------------------------------------------------------------------------
def test_the_diagrams_are_plausible_pngs():
    names = committed_diagrams()
    assert names, "images/ holds no PNG files: run python images/make_diagrams.py"
    problems = []
    for name in names:
        path = ROOT / "images" / name
        size = png_size(path)
        if size is None:
            problems.append(f"{name} is not a PNG file")
        elif not (300 <= min(size) and max(size) <= 6000):
            problems.append(f"{name} is {size[0]}x{size[1]} pixels")
        elif not 5_000 <= path.stat().st_size <= 3_000_000:
            problems.append(f"{name} has {path.stat().st_size:,} bytes")
        if name not in read("images/make_diagrams.py"):
            problems.append(f"images/make_diagrams.py does not draw {name}")
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize("page", list(READMES))
def test_readmes_show_every_diagram(page):
    images = {
        Path(t).name for t in link_targets(read(page)) if is_local(t) and t.lower().endswith(".png")
    }
    assert images == set(committed_diagrams()), f"{page} shows {sorted(images)}"


# ---------------------------------------------------------------------------------------
# Every number filled in
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["README.md", "README.de.md", "INSTRUCTORS.md", *DOCS])
def test_no_number_is_left_to_fill_in(page):
    # `TODO` and `TODO 3` name the labs' exercises; a placeholder is a bare TODO or TODO-name
    left = [line.strip() for line in read(page).splitlines() if re.search(r"(?<!`)TODO|TODO-", line)]
    assert not left, f"{page} still has TODO where a number belongs: {left[:3]}"
