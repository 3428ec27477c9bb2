"""benchmarks/: the run summary, reading it back, the tables and the command line, without a kernel.

The one test that executes the lesson notebooks (minutes) runs only when asked for:
``python -m pytest -m slow tests/test_benchmarks.py``.
"""

import json
import math
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
NUMBERS = dict(steps=120, seconds=20.4, chars_per_s=9_000.0, val_loss=2.5, gen_fast_cps=2_000.0,
               gen_slow_cps=100.0, batch16_ratio=1.4, count_loss=2.61, count_seconds=21.0)  # fmt: skip


@pytest.fixture
def checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path))
    return tmp_path


def test_run_summary_round_trip(checkpoints):
    path = textgen.write_run_summary("torch", quick=True, device="cpu", **dict(NUMBERS, steps=np.int64(120)))
    assert path == checkpoints / "quick" / "run_summary_torch.json"
    summary = run.read_summary(path, "GenerativePyTorch.ipynb", quick=True)
    assert summary == dict(NUMBERS, framework="torch", mode="quick", device="cpu")
    with pytest.raises(run.BenchmarkError, match=r"run_summary_torch.json has no valid mode -- rerun"):
        run.read_summary(path, "GenerativePyTorch.ipynb", quick=False)


@pytest.mark.parametrize("change, message", [
    ({"val_loss": math.nan}, "val_loss must be a finite number >= 0, got nan"),
    ({"steps": -1}, "steps must be a finite number >= 0"),
    ({"chars": 5}, r"missing \[\], unknown \['chars'\]"),
])  # fmt: skip
def test_run_summary_refuses_bad_numbers(checkpoints, change, message):
    with pytest.raises(ValueError, match=message):
        textgen.write_run_summary("tf", quick=False, device="/CPU:0", **dict(NUMBERS, **change))
    assert not list(checkpoints.rglob("*.json"))


def test_read_summary_names_what_is_missing(tmp_path):
    expected = r"GenerativeTF.ipynb ran but wrote no x.json -- the notebook must call"
    with pytest.raises(run.BenchmarkError, match=expected):
        run.read_summary(tmp_path / "x.json", "GenerativeTF.ipynb", quick=False)
    (tmp_path / "x.json").write_text(json.dumps(dict(NUMBERS, mode="full", gen_slow_cps=0)))
    with pytest.raises(run.BenchmarkError, match="reports a speed or step count of 0"):
        run.read_summary(tmp_path / "x.json", "GenerativeTF.ipynb", quick=False)


class FakeClient:
    """Stands in for nbclient.NotebookClient: 'executing' writes a summary as a notebook would."""

    fail = False

    def __init__(self, nb, **kwargs):
        self.nb, self.kwargs = nb, kwargs

    def execute(self):
        assert "TEXTGEN_PRETRAINED" not in os.environ and os.environ["MPLBACKEND"] == "Agg"
        if FakeClient.fail:
            raise RuntimeError("cell 7 failed\nTraceback ...\nZeroDivisionError: division by zero")
        seconds = float(os.environ["TEXTGEN_TRAIN_SECONDS"])
        textgen.write_run_summary("tf", quick=os.environ["TEXTGEN_QUICK"] == "1", device="/CPU:0",
                                  **dict(NUMBERS, seconds=seconds))  # fmt: skip


def test_run_one_sets_the_budget_and_reads_the_summary(monkeypatch):
    import nbclient

    monkeypatch.setattr(nbclient, "NotebookClient", FakeClient)
    monkeypatch.setenv("TEXTGEN_PRETRAINED", "/somewhere/checkpoints")
    record = run.run_one("tf", 42.0, quick=False)
    assert record["seconds"] == 42.0 and record["mode"] == "full" and record["budget_s"] == 42.0
    assert record["wall_s"] >= 0
    assert os.environ["TEXTGEN_PRETRAINED"] == "/somewhere/checkpoints"  # restored afterwards
    FakeClient.fail = True
    try:
        with pytest.raises(run.BenchmarkError, match=r"failed: ZeroDivisionError: division by zero -- to see it, run"):
            run.run_one("tf", 42.0, quick=True)
    finally:
        FakeClient.fail = False


def test_main_writes_the_tables(tmp_path, monkeypatch):
    def fake_run_one(fw, budget, quick, cell_timeout):
        if fw == "tf" and budget == 300:
            raise run.BenchmarkError("GenerativeTF.ipynb (budget 300 s) failed: out of memory")
        return dict(NUMBERS, framework=fw, device=f"{fw}-cpu", budget_s=budget, wall_s=budget + 5)

    monkeypatch.setattr(run, "run_one", fake_run_one)
    assert run.main(["--budgets", "60", "300", "--out", str(tmp_path), "--machine", "laptop"]) == 1
    report = json.loads((tmp_path / "laptop.json").read_text())
    assert sorted(report["results"]["torch"]) == ["300", "60"] and list(report["results"]["tf"]) == ["60"]
    md = (tmp_path / "laptop.md").read_text()
    assert "| 60 s | 2.500 | 2.500 | 9,000 | 9,000 | 120 | 120 |" in md
    assert "| 300 s | 2.500 | n/a | 9,000 | n/a | 120 | n/a |" in md
    assert "| PyTorch | 2,000 | 100 | 20.0x | 1.4x |" in md
    assert "| TensorFlow | n/a | n/a | n/a | n/a |" in md
    assert "| 60 s | TensorFlow | 2.500 | 20 | 2.610 | 21 |" in md  # the network against counting
    assert "| 300 s | TensorFlow | n/a | n/a | n/a | n/a |" in md
    assert "incomplete: 3 of 4 runs finished" in md and "devices the notebooks chose: torch-cpu, tf-cpu" in md


@pytest.mark.parametrize("argv", [["--budgets", "-5"], ["--budgets", "inf"], ["--machine", "../x"]])
def test_bad_arguments(argv):
    with pytest.raises(SystemExit):
        run.parse_args(argv)


def test_machine_names():
    system = {"cores": 2, "cpu": "AMD EPYC 9B14 96-Core Processor"}
    assert run.machine_slug(system, ["cpu"]) == "cpu-2core-amd-epyc-9b14-96-core"
    assert run.machine_slug(system, ["cpu", "cuda"]) == "gpu-cuda"


@pytest.mark.parametrize("framework", list(run.FRAMEWORKS))
def test_each_lesson_notebook_writes_its_run_summary(framework):
    nb = nbformat.read(ROOT / run.FRAMEWORKS[framework][1], as_version=4)
    calls = [c.source for c in nb.cells if c.cell_type == "code" and "write_run_summary(" in c.source]
    assert any(f'write_run_summary("{framework}"' in source for source in calls), (
        f"{run.FRAMEWORKS[framework][1]} must call textgen.write_run_summary(\"{framework}\", ...)"
    )


@pytest.mark.slow
def test_quick_benchmark_of_both_notebooks(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--budgets", "10", "--out", str(tmp_path),
         "--machine", "e2e"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "e2e.json").read_text())
    for fw in run.FRAMEWORKS:
        record = report["results"][fw]["10"]
        assert record["mode"] == "quick" and record["steps"] > 0 and record["val_loss"] > 0
