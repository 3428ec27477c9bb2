"""Set up a fresh environment and run every test: the README's second command, on any system.

    python3 tools/ci.py          # Linux and macOS (what `bash .ci/run` does)
    py tools\\ci.py               # Windows

1. checks that this Python is 3.11, 3.12 or 3.13, and otherwise stops with one line that says so
   (before anything is downloaded);
2. creates a fresh virtual environment in .venv-ci (TEXTGEN_CI_VENV names another folder). An
   existing folder is deleted first only if it is a virtual environment (it holds pyvenv.cfg); the
   checkout, a folder that holds it, a link or any other folder is refused with one line;
3. installs requirements.txt into it;
4. runs TEST_COMMAND, the test command printed in the README, with that environment's Python.

Written for old Pythons too, so that the version check is what a user of one sees.
"""

import os
import shutil
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPPORTED = ((3, 11), (3, 12), (3, 13))
# The README shows this line; tests/test_readme.py checks that the two stay the same.
TEST_COMMAND = "python -m pytest --nbval-lax --nbval-current-env -v"
VERSIONS_SHOWN = ("torch", "tensorflow", "tensorflow-cpu", "keras", "numpy", "nbval", "pytest")


def version_problem(version=None):
    """None for a supported Python, else the one line that says what to do."""
    major_minor = tuple((version or sys.version_info)[:2])
    if major_minor in SUPPORTED:
        return None
    return (
        "this module needs Python 3.11, 3.12 or 3.13, but this is Python {}.{} -- install one of those "
        "and run this command with it (e.g. python3.12 tools/ci.py)".format(*major_minor)
    )


def environment_python(folder):
    scripts = "Scripts" if os.name == "nt" else "bin"
    return os.path.join(folder, scripts, "python.exe" if os.name == "nt" else "python")


def _holds(folder, path):
    """Whether ``path`` is ``folder`` or lies inside it (both real, absolute paths)."""
    folder, path = os.path.normcase(folder), os.path.normcase(path)
    try:
        return os.path.commonpath([folder, path]) == folder
    except ValueError:  # Windows: another drive
        return False


def venv_problem(name, root=None):
    """None if the folder ``name`` (relative to the checkout) may be deleted and made anew, else one line.

    Allowed: a folder that does not exist yet, or a virtual environment (one that holds pyvenv.cfg)
    that neither is the checkout nor holds it. Everything else is left alone.
    """
    root = os.path.realpath(root or ROOT)
    todo = "set TEXTGEN_CI_VENV to a new folder name, e.g. .venv-ci, or unset it"
    if not name.strip():
        return "TEXTGEN_CI_VENV is empty, which would mean the checkout itself -- " + todo
    folder = os.path.join(root, name)
    real = os.path.realpath(folder)
    if _holds(real, root):
        return "TEXTGEN_CI_VENV={!r} is {}, which is or holds this checkout -- {}".format(name, real, todo)
    if os.path.islink(folder):
        return "TEXTGEN_CI_VENV={!r} is a link ({}); it is not deleted -- {}".format(name, folder, todo)
    if os.path.lexists(folder) and not os.path.isfile(os.path.join(folder, "pyvenv.cfg")):
        return "TEXTGEN_CI_VENV={!r} ({}) exists and is not a virtual environment (no pyvenv.cfg) -- {}".format(
            name, real, todo)
    return None


def main(argv=None):
    problem = version_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    name = os.environ.get("TEXTGEN_CI_VENV", ".venv-ci")
    problem = venv_problem(name)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    folder = os.path.join(ROOT, name)
    if os.path.lexists(folder):
        shutil.rmtree(folder)  # a virtual environment: venv_problem checked it
    venv.create(folder, with_pip=True)
    python = environment_python(folder)
    pip = [python, "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + ["--upgrade", "pip"], cwd=ROOT, check=True)
    subprocess.run(pip + ["-r", "requirements.txt"], cwd=ROOT, check=True)
    frozen = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    shown = [line for line in frozen.splitlines() if line.split("==")[0].lower().replace("_", "-") in VERSIONS_SHOWN]
    print("\n".join(shown))
    command = [python] + TEST_COMMAND.split()[1:] + list(argv if argv is not None else sys.argv[1:])
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
