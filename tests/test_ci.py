"""tools/ci.py deletes nothing but a virtual environment of its own.

``TEXTGEN_CI_VENV`` names the folder that CI deletes and makes anew. An empty value, ``.``, ``..``,
the checkout's own path or any folder that is not a virtual environment must stop it with one line
on stderr and exit status 1, before anything is deleted or installed. These tests run ``main()``
against a stand-in checkout in a temporary folder, with the installing steps replaced, and a guard
that lets nothing outside the temporary folder be deleted even if the check were broken.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import load_module

ROOT = Path(__file__).resolve().parent.parent


def load_ci():
    return load_module("tools/ci.py", "textgen_tools_ci")


@pytest.fixture
def ci(tmp_path, monkeypatch):
    """tools/ci.py with a stand-in checkout (tmp/home/checkout) and nothing installed or run."""
    module = load_ci()
    checkout = tmp_path / "home" / "checkout"
    (checkout / "textgen").mkdir(parents=True)
    (checkout / "Lesson.ipynb").write_text("a student's work", encoding="utf-8")
    (checkout / "textgen" / "run.py").write_text("# package code", encoding="utf-8")
    module.created, module.deleted, module.commands = [], [], []

    def guarded_rmtree(path, *args, **kwargs):
        path = Path(path).resolve()
        assert tmp_path.resolve() in path.parents, f"tools/ci.py tried to delete {path}"
        module.deleted.append(path)
        return real_rmtree(path, *args, **kwargs)

    def fake_run(command, *args, **kwargs):
        module.commands.append(command)
        return subprocess.CompletedProcess(command, 0, stdout="", stderr="")

    real_rmtree = module.shutil.rmtree
    monkeypatch.setattr(module, "ROOT", str(checkout))
    monkeypatch.setattr(module, "version_problem", lambda version=None: None)
    monkeypatch.setattr(module.shutil, "rmtree", guarded_rmtree)
    monkeypatch.setattr(module.venv, "create", lambda folder, **kw: module.created.append(Path(folder)))
    monkeypatch.setattr(module.subprocess, "run", fake_run)
    module.checkout = checkout
    return module


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


def refused(ci, monkeypatch, capsys, value):
    """Run main() with TEXTGEN_CI_VENV=value; return its stderr after checking that it changed nothing."""
    home = ci.checkout.parent
    before = files_under(home)
    monkeypatch.setenv("TEXTGEN_CI_VENV", value)
    assert ci.main([]) == 1
    assert files_under(home) == before
    assert ci.deleted == [] and ci.created == [] and ci.commands == []
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "TEXTGEN_CI_VENV" in err, err
    return err


@pytest.mark.parametrize("value", ["", "   ", ".", "./", "..", "../..", "textgen/.."])
def test_the_checkout_and_the_folders_above_it_are_refused(ci, monkeypatch, capsys, value):
    refused(ci, monkeypatch, capsys, value)


def test_the_checkouts_own_absolute_path_is_refused(ci, monkeypatch, capsys):
    assert "holds this checkout" in refused(ci, monkeypatch, capsys, str(ci.checkout))
    refused(ci, monkeypatch, capsys, str(ci.checkout.parent))


def test_a_folder_that_is_not_a_virtual_environment_is_refused(ci, monkeypatch, capsys):
    assert "no pyvenv.cfg" in refused(ci, monkeypatch, capsys, "textgen")
    outside = ci.checkout.parent / "notes"
    outside.mkdir()
    (outside / "todo.txt").write_text("keep me", encoding="utf-8")
    refused(ci, monkeypatch, capsys, str(outside))
    (ci.checkout / "a-file").write_text("keep me", encoding="utf-8")
    refused(ci, monkeypatch, capsys, "a-file")


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need extra rights on Windows")
def test_a_link_to_a_virtual_environment_is_refused(ci, monkeypatch, capsys):
    target = ci.checkout.parent / "env"
    target.mkdir()
    (target / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (ci.checkout / "env-link").symlink_to(target, target_is_directory=True)
    assert "link" in refused(ci, monkeypatch, capsys, "env-link")


def test_the_real_checkout_is_refused_without_deleting_anything(monkeypatch, capsys):
    module = load_ci()
    deleted = []
    monkeypatch.setattr(module, "version_problem", lambda version=None: None)
    monkeypatch.setattr(module.shutil, "rmtree", lambda path, *a, **kw: deleted.append(path))
    monkeypatch.setattr(module.venv, "create", lambda folder, **kw: deleted.append(("create", folder)))
    monkeypatch.setattr(module.subprocess, "run", lambda *a, **kw: deleted.append(("run", a)))
    assert Path(module.ROOT).resolve() == ROOT
    for value in ["", ".", "..", str(ROOT), "textgen", "tests"]:
        monkeypatch.setenv("TEXTGEN_CI_VENV", value)
        assert module.main([]) == 1, value
    assert deleted == []
    assert len(capsys.readouterr().err.strip().splitlines()) == 6


@pytest.mark.parametrize("inside", [True, False])
def test_an_old_virtual_environment_is_replaced(ci, monkeypatch, capsys, inside):
    old = ci.checkout / ".venv-ci" if inside else ci.checkout.parent / "envs" / "ci"
    (old / "bin").mkdir(parents=True)
    (old / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (old / "bin" / "python").write_text("", encoding="utf-8")
    if inside:
        monkeypatch.delenv("TEXTGEN_CI_VENV", raising=False)
    else:
        monkeypatch.setenv("TEXTGEN_CI_VENV", str(old))
    assert ci.main(["-k", "nothing"]) == 0
    assert ci.deleted == [old.resolve()] and ci.created == [old]
    assert not old.exists()  # venv.create is replaced here, so nothing was made anew
    assert ci.commands[-1][1:4] == ["-m", "pytest", "--nbval-lax"] and ci.commands[-1][-2:] == ["-k", "nothing"]
    assert (ci.checkout / "Lesson.ipynb").is_file() and capsys.readouterr().err == ""


def test_a_new_folder_is_accepted(ci, monkeypatch):
    monkeypatch.setenv("TEXTGEN_CI_VENV", "build/ci-env")
    assert ci.main([]) == 0
    assert ci.deleted == [] and ci.created == [ci.checkout / "build" / "ci-env"]


def test_the_check_allows_only_new_folders_and_virtual_environments(tmp_path):
    ci = load_ci()
    root = tmp_path / "checkout"
    (root / "env").mkdir(parents=True)
    assert ci.venv_problem("new", str(root)) is None
    assert "no pyvenv.cfg" in ci.venv_problem("env", str(root))
    (root / "env" / "pyvenv.cfg").write_text("", encoding="utf-8")
    assert ci.venv_problem("env", str(root)) is None
    assert ci.venv_problem(str(root / "env"), str(root)) is None
    for value in ["", ".", "..", str(root), str(tmp_path), os.sep]:
        assert "TEXTGEN_CI_VENV" in ci.venv_problem(value, str(root))


def test_the_script_stops_before_deleting_when_run_as_a_command(tmp_path):
    # the real entry point, in a copy of the script whose checkout is a folder in tmp_path
    checkout = tmp_path / "checkout"
    (checkout / "tools").mkdir(parents=True)
    (checkout / "tools" / "ci.py").write_text((ROOT / "tools" / "ci.py").read_text(encoding="utf-8"), encoding="utf-8")
    (checkout / "keep.txt").write_text("keep me", encoding="utf-8")
    env = {**os.environ, "TEXTGEN_CI_VENV": "."}
    result = subprocess.run([sys.executable, str(checkout / "tools" / "ci.py")], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and (checkout / "keep.txt").is_file()
    assert len(result.stderr.strip().splitlines()) == 1
