"""benchmarks/: reading the notebooks' checkpoints, the kernel's environment, the table and the command line,
without a kernel.

The one test that executes the lesson notebooks (minutes) runs only when asked for:
``python -m pytest -m slow tests/test_benchmarks.py``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import textgen
from benchmarks import run

ROOT = Path(__file__).resolve().parent.parent
CONFIG = {"batch_size": 4, "seq_len": 5, "steps": 200, "first_looks": (10,)}
HISTORY = {"step": [10, 20], "train": [2.0, 1.9], "val_step": [10, 20], "val": [2.1, 2.2], "dev": [2.2, 2.3],
           "sample": ["ab", "ba"]}  # fmt: skip


def trained_record(quick=True, steps=120, seconds=24.0, device="cpu", **changes):
    trained = textgen.training_record(quick=quick, steps=steps, planned_steps=200, val_loss=2.1, seconds=seconds,
                                      device=device)  # fmt: skip
    return dict(trained, **changes)


def write_checkpoint(path: Path, meta: dict) -> Path:
    """A tiny checkpoint of the kind the lesson notebook writes: ``.pt`` a dict, ``.keras`` a model with ``meta``."""
    if path.suffix == ".keras":
        from textgen.keras_model import CharLSTM

        model = CharLSTM(vocab_size=5, embed_dim=2, hidden_size=3)
        model.meta = meta
        model(np.zeros((1, 1), dtype="int64"))  # build the weights
        return textgen.save_checkpoint(path, model)
    return textgen.save_checkpoint(path, {"model_state": {}, **meta})


def lesson_meta(**changes) -> dict:
    meta = {"vocab": {"chars": "abcde"}, "config": CONFIG, "history": HISTORY, "step": 10, "trained": trained_record()}
    return dict(meta, **changes)


@pytest.mark.parametrize("framework", list(run.FRAMEWORKS))
def test_read_checkpoint(tmp_path, framework):
    _, label, filename = run.FRAMEWORKS[framework]
    device = "cpu" if framework == "torch" else "/CPU:0"
    path = write_checkpoint(tmp_path / filename, lesson_meta(trained=trained_record(device=device)))
    assert run.read_checkpoint(path, label, quick=True) == {
        "steps": 120, "planned_steps": 200, "seconds": 24.0, "chars_per_s": 120 * 4 * 5 / 24.0, "val_loss": 2.1,
        "kept_step": 10, "stopped_early": True, "device": device, "mode": "quick", "batch_size": 4, "seq_len": 5,
    }  # fmt: skip
    with pytest.raises(run.BenchmarkError, match=f"{filename} was trained in quick mode, not full -- the notebook"):
        run.read_checkpoint(path, label, quick=False)


def test_a_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(run.BenchmarkError) as err:
        run.read_checkpoint(tmp_path / "char_lstm_tf.keras", "GenerativeTF.ipynb", quick=False)
    message = str(err.value)
    assert message.startswith(f"GenerativeTF.ipynb ran but wrote no char_lstm_tf.keras in {tmp_path} -- ")
    assert "textgen.save_checkpoint(CHECKPOINT, ...)" in message and "TEXTGEN_QUICK=0 jupyter nbconvert" in message
    assert "\n" not in message


@pytest.mark.parametrize("framework", list(run.FRAMEWORKS))
def test_an_unreadable_checkpoint_is_named(tmp_path, framework):
    _, label, filename = run.FRAMEWORKS[framework]
    (tmp_path / filename).write_bytes(b"not a checkpoint")
    with pytest.raises(run.BenchmarkError) as err:
        run.read_checkpoint(tmp_path / filename, label, quick=True)
    message = str(err.value)
    assert message.startswith(f"{label} wrote {filename}, but it cannot be read ({tmp_path / filename}: ")
    assert "-- check that textgen/ is this checkout's (pip install -e .), then run TEXTGEN_QUICK=1" in message
    assert "\n" not in message and message.count(" -- ") == 1


@pytest.mark.parametrize("change, message", [
    ({"trained": None}, r"has no trained -- it was written by another version of the notebook"),
    ({"config": {"seq_len": 5}}, r"has no config\['batch_size'\] -- "),
    ({"trained": {"mode": "quick", "steps": 3}},
     r"has no trained\['seconds'\], trained\['val_loss'\], trained\['stopped_early'\], trained\['device'\] -- "),
    ({"trained": trained_record(steps=0)}, r"records 0 steps in 24.0 s, so no speed -- raise the budget"),
    ({"trained": trained_record(seconds=0.0)}, r"records 120 steps in 0.0 s, so no speed -- raise the budget"),
])  # fmt: skip
def test_an_incomplete_checkpoint_is_named(tmp_path, change, message):
    meta = {k: v for k, v in lesson_meta(**change).items() if v is not None}
    path = write_checkpoint(tmp_path / "char_lstm_torch.pt", meta)
    with pytest.raises(run.BenchmarkError, match=f"^GenerativePyTorch.ipynb: char_lstm_torch.pt {message}"):
        run.read_checkpoint(path, "GenerativePyTorch.ipynb", quick=True)


def test_the_kernel_environment_is_explicit(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTGEN_PRETRAINED", "/somewhere/checkpoints")
    monkeypatch.setenv("TEXTGEN_TRAIN_SECONDS", "5")
    before = dict(os.environ)
    env = run.kernel_environment(42.0, True, tmp_path)
    assert dict(os.environ) == before  # only read
    assert "TEXTGEN_PRETRAINED" not in env and env["PATH"] == os.environ["PATH"]
    switches = env["TEXTGEN_TRAIN_SECONDS"], env["TEXTGEN_QUICK"], env["TEXTGEN_CHECKPOINT_DIR"]
    assert switches == ("42", "1", str(tmp_path))
    assert env["MPLBACKEND"] == "Agg" and env["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert run.kernel_environment(60, False, tmp_path, base={"HOME": "/h"})["HOME"] == "/h"


class FakeClient:
    """Stands in for nbclient.NotebookClient: 'executing' saves a checkpoint where the notebook would."""

    fail, write = False, True
    seen_env: dict = {}

    def __init__(self, nb, **kwargs):
        self.nb, self.kwargs = nb, kwargs

    def execute(self, env):
        assert os.environ["TEXTGEN_PRETRAINED"] == "/somewhere/checkpoints"  # this process is left alone
        assert "TEXTGEN_TRAIN_SECONDS" not in os.environ
        FakeClient.seen_env = env
        if FakeClient.fail:
            raise RuntimeError("cell 7 failed\nTraceback ...\nZeroDivisionError: division by zero")
        quick = env["TEXTGEN_QUICK"] == "1"
        folder = Path(env["TEXTGEN_CHECKPOINT_DIR"]) / ("quick" if quick else "")
        if FakeClient.write:
            trained = trained_record(quick=quick, seconds=float(env["TEXTGEN_TRAIN_SECONDS"]))
            write_checkpoint(folder / "char_lstm_torch.pt", lesson_meta(trained=trained))


@pytest.fixture
def fake_client(monkeypatch):
    import nbclient

    monkeypatch.setattr(nbclient, "NotebookClient", FakeClient)
    monkeypatch.setenv("TEXTGEN_PRETRAINED", "/somewhere/checkpoints")
    monkeypatch.delenv("TEXTGEN_TRAIN_SECONDS", raising=False)
    FakeClient.fail, FakeClient.write = False, True
    yield FakeClient
    FakeClient.fail, FakeClient.write = False, True


@pytest.mark.parametrize("quick", [False, True])
def test_run_one_passes_the_environment_and_reads_the_checkpoint(fake_client, quick):
    result = run.run_one("torch", 42.0, quick=quick)
    assert result["seconds"] == 42.0 and result["budget_s"] == 42.0 and result["wall_s"] >= 0
    assert result["mode"] == ("quick" if quick else "full") and result["chars_per_s"] == 120 * 4 * 5 / 42.0
    env = fake_client.seen_env
    assert env["TEXTGEN_TRAIN_SECONDS"] == "42" and "TEXTGEN_PRETRAINED" not in env
    assert not Path(env["TEXTGEN_CHECKPOINT_DIR"]).exists()  # the scratch folder is gone


def test_run_one_says_what_failed(fake_client):
    fake_client.fail = True
    with pytest.raises(run.BenchmarkError, match=r"failed: ZeroDivisionError: division by zero -- to see it, run"):
        run.run_one("torch", 42.0, quick=True)
    fake_client.fail, fake_client.write = False, False
    with pytest.raises(run.BenchmarkError, match=r"^GenerativePyTorch.ipynb ran but wrote no char_lstm_torch.pt in "):
        run.run_one("torch", 42.0, quick=True)


def test_counting_baseline_quick(monkeypatch):
    monkeypatch.delenv("TEXTGEN_CORPUS", raising=False)
    baseline = run.counting_baseline(quick=True)
    assert set(baseline) == {"val_loss", "order", "train_chars", "dev_chars", "seconds"}
    assert 0 < baseline["val_loss"] < np.log(100) and 1 <= baseline["order"] <= 10
    assert baseline["train_chars"] == 50_000 and 0 < baseline["dev_chars"] <= 3_000


def test_main_writes_the_tables(tmp_path, monkeypatch):
    def fake_run_one(fw, budget, quick, cell_timeout):
        if fw == "tf" and budget == 300:
            raise run.BenchmarkError("GenerativeTF.ipynb (budget 300 s) failed: out of memory")
        result = dict(steps=1234, planned_steps=2000, seconds=budget + 0.4, chars_per_s=9_000.0, val_loss=2.5,
                      kept_step=1200, stopped_early=fw == "torch", device=f"{fw}-cpu", mode="full")  # fmt: skip
        return dict(result, budget_s=budget, wall_s=budget + 5)

    monkeypatch.setattr(run, "run_one", fake_run_one)
    counting = {"val_loss": 1.528, "order": 7, "train_chars": 4_000_000, "dev_chars": 49_000, "seconds": 14.2}
    monkeypatch.setattr(run, "counting_baseline", lambda quick: counting)
    assert run.main(["--budgets", "60", "300", "--out", str(tmp_path), "--machine", "laptop"]) == 1
    report = json.loads((tmp_path / "laptop.json").read_text())
    assert sorted(report["results"]["torch"]) == ["300", "60"] and list(report["results"]["tf"]) == ["60"]
    assert report["counting"] == counting
    md = (tmp_path / "laptop.md").read_text()
    assert "| 60 s | PyTorch | 1,234 | 60 | 9,000 | 2.500 | 1,200 | yes | torch-cpu |" in md
    assert "| 60 s | TensorFlow | 1,234 | 60 | 9,000 | 2.500 | 1,200 | no | tf-cpu |" in md
    assert "| 300 s | PyTorch | 1,234 | 300 | 9,000 | 2.500 | 1,200 | yes | torch-cpu |" in md
    assert "| 300 s | TensorFlow | n/a | n/a | n/a | n/a | n/a | n/a | n/a |" in md
    assert "| - | counting, order 7 | - | 14 | - | 1.528 | - | - | cpu |" in md
    assert "incomplete: 3 of 4 runs finished" in md and "devices the notebooks chose: torch-cpu, tf-cpu" in md
    assert "Generation" not in md and "gen_" not in json.dumps(report)


@pytest.mark.parametrize("argv", [["--budgets", "-5"], ["--budgets", "inf"], ["--machine", "../x"]])
def test_bad_arguments(argv):
    with pytest.raises(SystemExit):
        run.parse_args(argv)


def test_machine_names():
    system = {"cores": 2, "cpu": "AMD EPYC 9B14 96-Core Processor"}
    assert run.machine_slug(system, ["cpu"]) == "cpu-2core-amd-epyc-9b14-96-core"
    assert run.machine_slug(system, ["cpu", "cuda"]) == "gpu-cuda"


@pytest.mark.parametrize("framework", list(run.FRAMEWORKS))
def test_each_lesson_notebook_saves_the_checkpoint_the_benchmark_reads(framework):
    _, label, filename = run.FRAMEWORKS[framework]
    nb = nbformat.read(ROOT / label, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f'textgen.checkpoint_path("{filename}", quick=SETTINGS.quick)' in code, f"{label} must write {filename}"
    assert "textgen.save_checkpoint(CHECKPOINT" in code and "textgen.training_record(" in code, (
        f"{label} must save its checkpoint with the training record (textgen.training_record) inside"
    )
    assert "SETTINGS.train_seconds" in code, f"{label} must take its budget from TEXTGEN_TRAIN_SECONDS"


@pytest.mark.slow
def test_quick_benchmark_of_both_notebooks(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--budgets", "10", "--out", str(tmp_path),
         "--machine", "e2e"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "e2e.json").read_text())
    assert report["counting"]["val_loss"] > 0 and report["counting"]["order"] >= 1
    for fw in run.FRAMEWORKS:
        record = report["results"][fw]["10"]
        assert record["mode"] == "quick" and record["steps"] > 0 and record["val_loss"] > 0
        assert record["chars_per_s"] > 0 and 0 < record["kept_step"] <= record["steps"]
