"""Tests of benchmarks/: the parser and the report on synthetic notebook outputs, plus one
end-to-end run of ``python -m benchmarks.run --quick`` (select it with -k end_to_end)."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from benchmarks import parse, report, run

ROOT = Path(__file__).resolve().parent.parent

TORCH_LINES = {
    "device": "device: cpu (2 CPU cores, 2 torch threads)\n",
    "training": (
        "2400 steps in 271 s on cpu: 56,678 characters/s, 16.2 epochs\n"
        "best validation loss at step 2400\n"
    ),
    "validation": "validation loss: 1.234 nats/char (1.780 bits/char, perplexity 3.43)\n",
    "generation": (
        "carrying the state: 1,000 characters in 0.45 s (2,222 characters/s)\n"
        "re-feeding:         1,000 characters in 12.30 s (81 characters/s)\n"
        "speed-up at 1,000 characters: 27.3x; identical output for the first 1000 characters\n"
    ),
    "batch": (
        "1 prompt:   200 characters in 0.10 s\n"
        "16 prompts: 3,200 characters in 0.30 s (3.0x the time for 16x the text)\n"
    ),
}


def notebook(outputs: dict, stream="stdout"):
    """A notebook with prose and one code cell per entry; its stream output is the entry's text."""
    cells = [new_markdown_cell("# synthetic")]
    for key, text in outputs.items():
        cells.append(new_markdown_cell(f"{key}:"))
        cells.append(
            new_code_cell(f"print({key!r})", outputs=[new_output("stream", name=stream, text=text)])
        )
    nb = new_notebook(cells=cells)
    nbformat.validate(nb)
    return nb


def tf_outputs():
    out = dict(TORCH_LINES)
    out["device"] = "device: /CPU:0 (2 CPU cores)\n"
    out["training"] = "1,234 steps in 300 s on /CPU:0: 26,325 characters/s, 8.3 epochs\n"
    out["validation"] = "validation loss: 1.402 nats/char (2.023 bits/char, perplexity 4.06)\n"
    out["generation"] = (
        "carrying the state: 1,000 characters in 1.25 s (800 characters/s)\n"
        "re-feeding:         1,000 characters in 40.00 s (25 characters/s)\n"
        "speed-up at 1,000 characters: 32.0x; identical output for the first 1000 characters\n"
    )
    out["batch"] = (
        "1 prompt:   200 characters in 0.25 s\n"
        "16 prompts: 3,200 characters in 1.00 s (4.0x the time for 16x the text)\n"
    )
    return out


# ---------------------------------------------------------------------------------------------
# the parser


def test_parses_every_number_with_thousands_separators():
    found = parse.parse_notebook(notebook(TORCH_LINES), "GenerativePyTorch.ipynb")
    assert found["device"]["device"] == "cpu (2 CPU cores, 2 torch threads)"
    assert found["training"] == {
        "steps": 2400,
        "seconds": 271.0,
        "device": "cpu",
        "chars_per_s": 56678.0,
        "epochs": 16.2,
    }
    assert found["validation"] == {
        "nats_per_char": 1.234,
        "bits_per_char": 1.780,
        "perplexity": 3.43,
    }
    assert found["carrying"] == {"chars": 1000, "seconds": 0.45, "chars_per_s": 2222.0}
    assert found["refeeding"] == {"chars": 1000, "seconds": 12.30, "chars_per_s": 81.0}
    assert found["speedup"] == {"chars": 1000, "speedup": 27.3, "identical_chars": 1000}
    assert found["one_prompt"] == {"chars": 200, "seconds": 0.10}
    assert found["many_prompts"] == {
        "prompts": 16,
        "chars": 3200,
        "seconds": 0.30,
        "time_ratio": 3.0,
        "text_ratio": 16.0,
    }


def test_parses_the_tensorflow_device_and_a_device_with_a_colon():
    found = parse.parse_notebook(notebook(tf_outputs()), "GenerativeTF.ipynb")
    assert found["device"]["device"] == "/CPU:0 (2 CPU cores)"
    assert found["training"]["device"] == "/CPU:0"
    assert found["training"]["steps"] == 1234
    assert found["training"]["chars_per_s"] == 26325.0


def test_number_reads_separators_and_refuses_non_finite():
    assert parse.number("1,234,567.5") == 1234567.5
    assert parse.number("81") == 81.0
    with pytest.raises(ValueError):
        parse.number("inf")


def test_the_last_validation_line_counts_and_look_alikes_do_not():
    out = dict(TORCH_LINES)
    out["validation"] = (
        "validation loss of the untrained model: 4.174 nats/char\n"
        "step   200  train 2.100  validation 2.050 nats/char\n"
        "validation loss: 1.500 nats/char (2.164 bits/char, perplexity 4.48)\n"
        "validation loss: 1.234 nats/char (1.780 bits/char, perplexity 3.43)\n"
    )
    assert parse.parse_notebook(notebook(out), "x.ipynb")["validation"]["nats_per_char"] == 1.234


def test_a_line_split_over_two_stream_outputs_and_progress_bars_on_stderr():
    out = dict(TORCH_LINES)
    nb = notebook(out)
    train_cell = nb.cells[4]
    assert train_cell.outputs[0].text.startswith("2400 steps")
    train_cell.outputs = [
        new_output(
            "stream",
            name="stderr",
            text="training:  10%|#  | 240/2400\rtraining: 100%|###| 2400/2400\n",
        ),
        new_output("stream", name="stdout", text="2400 steps in 271 s on cpu: 56,6"),
        new_output("stream", name="stdout", text="78 characters/s, 16.2 epochs\n"),
    ]
    assert parse.parse_notebook(nb, "x.ipynb")["training"]["chars_per_s"] == 56678.0


def test_markdown_cells_and_sources_are_not_parsed():
    out = dict(TORCH_LINES)
    del out["validation"]
    nb = notebook(out)
    nb.cells.append(
        new_markdown_cell("validation loss: 1.000 nats/char (1.443 bits/char, perplexity 2.72)")
    )
    with pytest.raises(parse.ParseError):
        parse.parse_notebook(nb, "x.ipynb")


@pytest.mark.parametrize(
    "key, expected",
    [
        ("validation", "validation loss: 1.234 nats/char"),
        ("batch", "16 prompts: 3,200 characters"),
        ("device", "device: cpu"),
    ],
)
def test_a_missing_line_is_a_one_line_error_naming_notebook_and_line(key, expected):
    out = dict(TORCH_LINES)
    del out[key]
    with pytest.raises(parse.ParseError) as info:
        parse.parse_notebook(notebook(out), "GenerativeTF.ipynb")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("GenerativeTF.ipynb:")
    assert expected in message
    assert "print" in message  # says what to do


def test_a_changed_line_is_quoted_in_the_error():
    out = dict(TORCH_LINES)
    out["generation"] = out["generation"].replace("(81 characters/s)", "(81 chars per second)")
    with pytest.raises(
        parse.ParseError,
        match=r"re-feeding: .*81 chars per second.*does not have the expected form",
    ):
        parse.parse_notebook(notebook(out), "GenerativePyTorch.ipynb")


def test_zero_speeds_are_refused():
    out = dict(TORCH_LINES)
    out["generation"] = out["generation"].replace("(81 characters/s)", "(0 characters/s)")
    with pytest.raises(
        parse.ParseError, match="GenerativePyTorch.ipynb: .*refeeding 0 characters/s"
    ):
        parse.parse_notebook(notebook(out), "GenerativePyTorch.ipynb")


def test_summary_computes_the_generation_ratio_from_the_speeds():
    record = parse.summarise(parse.parse_notebook(notebook(TORCH_LINES), "x.ipynb"))
    gen = record["generation"]
    assert gen["carry_vs_refeed"] == pytest.approx(2222 / 81)
    assert gen["printed_speedup"] == 27.3
    assert gen["many_vs_one_time"] == 3.0
    assert record["training"]["chars_per_s"] == 56678.0
    assert record["device"] == "cpu (2 CPU cores, 2 torch threads)"


# ---------------------------------------------------------------------------------------------
# the report

SYSTEM = {
    "cores": 2,
    "cpu_model": "AMD EPYC 7B13",
    "gpu": None,
    "platform": "Linux",
    "versions": {
        "python": "3.11.7",
        "torch": "2.13.0",
        "tensorflow": "2.21.0",
        "keras": "3.15.1",
        "numpy": "2.4.6",
        "nbclient": "0.11.0",
    },
}


def records(budgets=(60.0, 300.0)):
    results = {"torch": {}, "tf": {}}
    for fw, outputs in (("torch", TORCH_LINES), ("tf", tf_outputs())):
        for i, budget in enumerate(budgets):
            rec = parse.summarise(parse.parse_notebook(notebook(outputs), fw))
            rec["validation"]["nats_per_char"] += 0.1 * (
                len(budgets) - 1 - i
            )  # the longer, the better
            rec.update(
                budget_s=budget, wall_s=budget + 50, peak_rss_mib=800.0 if fw == "torch" else 1500.5
            )
            results[fw][report.budget_key(budget)] = rec
    return results


def make_report(budgets=(60.0, 300.0), frameworks=("torch", "tf"), results=None):
    return report.build_report(
        system=SYSTEM,
        machine="cpu-2core-amd-epyc-7b13",
        command="python -m benchmarks.run",
        budgets=list(budgets),
        frameworks=list(frameworks),
        results=records(budgets) if results is None else results,
        quick=False,
        date="2026-11-29T12:00:00+00:00",
    )


def table(md: str, first_header_cell: str):
    lines = md.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"| {first_header_cell} |"))
    rows = []
    for ln in lines[start:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip("|").split("|")])
    return rows[0], rows[2:]  # header, body (without the alignment row)


def test_validation_columns_of_the_two_frameworks_are_adjacent():
    header, body = table(report.markdown(make_report()), "budget")
    torch_col = header.index("validation nats/char, PyTorch")
    assert header[torch_col + 1] == "validation nats/char, TensorFlow"
    assert (
        header.index("training chars/s, TensorFlow")
        == header.index("training chars/s, PyTorch") + 1
    )
    assert header.index("peak RSS MiB, TensorFlow") == header.index("peak RSS MiB, PyTorch") + 1
    assert [row[0] for row in body] == ["60 s", "300 s"]
    assert body[0][torch_col : torch_col + 2] == ["1.334", "1.502"]
    assert body[1][torch_col : torch_col + 2] == ["1.234", "1.402"]
    assert body[1][header.index("training chars/s, PyTorch")] == "56,678"
    assert body[1][header.index("peak RSS MiB, TensorFlow")] == "1,500"  # 1500.5 rounds to even


def test_generation_table_ratio_is_computed_from_the_speeds():
    header, body = table(report.markdown(make_report()), "framework")
    rows = {row[0]: dict(zip(header, row)) for row in body}
    assert set(rows) == {"PyTorch", "TensorFlow"}
    assert rows["PyTorch"]["carrying the state, chars/s"] == "2,222"
    assert rows["PyTorch"]["re-feeding, chars/s"] == "81"
    assert rows["PyTorch"]["carrying / re-feeding"] == "27.4x"  # 2222 / 81, not the printed 27.3x
    assert rows["TensorFlow"]["carrying / re-feeding"] == "32.0x"
    assert rows["PyTorch"]["16 prompts / 1 prompt, time"] == "3.0x"
    assert rows["TensorFlow"]["1 prompt, s"] == "0.25"
    assert rows["TensorFlow"]["16 prompts, s"] == "1.00"


def test_markdown_head_describes_machine_versions_and_command():
    md = report.markdown(make_report())
    head = md.split("## ")[0]
    assert "2 CPU cores" in head and "AMD EPYC 7B13" in head and "no GPU" in head
    for version in ("2.13.0", "2.21.0", "3.15.1", "2.4.6", "3.11.7"):
        assert version in head
    assert "`python -m benchmarks.run`" in head
    assert "PyTorch `cpu (2 CPU cores, 2 torch threads)`" in head
    assert "TensorFlow `/CPU:0 (2 CPU cores)`" in head


def test_missing_runs_show_as_n_a_and_one_framework_alone_works():
    results = records()
    del results["tf"]["300"]
    header, body = table(report.markdown(make_report(results=results)), "budget")
    assert body[1][header.index("validation nats/char, TensorFlow")] == "n/a"
    assert "incomplete" not in report.markdown(make_report(results=results))
    partial = make_report(results=results)
    partial["complete"] = False
    assert "- incomplete: 3 of 4 runs finished" in report.markdown(partial)
    header, body = table(
        report.markdown(make_report(frameworks=["tf"], results={"tf": records()["tf"]})), "budget"
    )
    assert "validation nats/char, TensorFlow" in header and not any("PyTorch" in h for h in header)


def test_json_and_markdown_files(tmp_path):
    rep = make_report()
    json_path, md_path = report.write_report(rep, tmp_path / "results")
    assert (
        json_path.name == "cpu-2core-amd-epyc-7b13.json"
        and md_path.name == "cpu-2core-amd-epyc-7b13.md"
    )
    data = json.loads(json_path.read_text())
    assert data["cores"] == 2 and data["cpu_model"] == "AMD EPYC 7B13" and data["gpu"] is None
    assert data["versions"]["tensorflow"] == "2.21.0"
    assert data["budgets"] == [60.0, 300.0]
    assert data["results"]["tf"]["300"]["validation"]["nats_per_char"] == 1.402
    assert data["results"]["torch"]["60"]["generation"]["carry_vs_refeed"] == pytest.approx(
        2222 / 81
    )
    assert md_path.read_text() == report.markdown(rep)


def test_json_refuses_nan(tmp_path):
    results = records()
    results["torch"]["60"]["validation"]["nats_per_char"] = math.nan
    with pytest.raises(ValueError):
        report.write_report(make_report(results=results), tmp_path)


def test_machine_slug_and_system_info():
    assert report.machine_slug(SYSTEM) == "cpu-2core-amd-epyc-7b13"
    assert report.slug("Intel(R) Xeon(R) CPU @ 2.20GHz") == "intel-xeon-2-20ghz"
    assert (
        report.machine_slug({"cores": 16, "cpu_model": "x", "gpu": "NVIDIA H200"})
        == "gpu-nvidia-h200"
    )
    info = report.versions()
    assert info["python"].count(".") == 2 and info["numpy"]


# ---------------------------------------------------------------------------------------------
# the runner's pieces that need no kernel


def test_command_line_defaults():
    args = run.parse_args([])
    assert (
        args.budgets == [60.0, 180.0, 300.0]
        and args.frameworks == ["torch", "tf"]
        and not args.quick
    )
    assert args.out == ROOT / "benchmarks" / "results"
    quick = run.parse_args(["--quick", "--out", "x"])
    assert quick.quick and quick.budgets == [20.0] and quick.out == Path("x")
    assert run.parse_args(["--machine", "my laptop (M2)"]).machine == "my-laptop-M2"
    with pytest.raises(SystemExit):
        run.parse_args(["--budgets", "0"])
    with pytest.raises(SystemExit):
        run.parse_args(["--frameworks", "jax"])


def test_kernel_environment_is_set_and_restored(monkeypatch):
    monkeypatch.setenv("TEXTGEN_QUICK", "1")
    monkeypatch.setenv("TEXTGEN_PRETRAINED", "checkpoints/x.pt")
    monkeypatch.delenv("TEXTGEN_TRAIN_SECONDS", raising=False)
    with run.kernel_environment(180.0, quick=False):
        assert os.environ["TEXTGEN_TRAIN_SECONDS"] == "180"
        assert os.environ["TEXTGEN_QUICK"] == "0"
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2" and os.environ["MPLBACKEND"] == "Agg"
        assert "TEXTGEN_PRETRAINED" not in os.environ
    assert os.environ["TEXTGEN_QUICK"] == "1"
    assert os.environ["TEXTGEN_PRETRAINED"] == "checkpoints/x.pt"
    assert "TEXTGEN_TRAIN_SECONDS" not in os.environ
    with pytest.raises(RuntimeError), run.kernel_environment(20, quick=True):
        assert os.environ["TEXTGEN_QUICK"] == "1" and os.environ["TEXTGEN_TRAIN_SECONDS"] == "20"
        raise RuntimeError("restored even on errors")
    assert os.environ["TEXTGEN_QUICK"] == "1" and "TEXTGEN_TRAIN_SECONDS" not in os.environ


def test_peak_memory_of_a_child_process():
    code = (
        "import time; x = bytearray(80 * 2**20); x[::4096] = b'1' * len(x[::4096]); time.sleep(1.5)"
    )
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        memory = run.PeakMemory(interval=0.05)
        memory.start(child.pid)
        child.wait(timeout=30)
        peak = memory.stop()
    finally:
        child.kill()
    assert peak is not None and 80 <= peak < 1000


def test_slowest_cells_from_nbclient_timing():
    nb = notebook(TORCH_LINES)
    times = {2: ("12:00:00.000000", "12:00:01.500000"), 4: ("12:00:02.000000", "12:01:02.250000")}
    for index, (begin, end) in times.items():
        nb.cells[index].metadata["execution"] = {
            "iopub.execute_input": f"2026-11-29T{begin}Z",
            "shell.execute_reply": f"2026-11-29T{end}Z",
        }
    slow = run.slowest_cells(nb)
    assert [(c["cell"], c["seconds"]) for c in slow] == [(4, 60.2), (2, 1.5)]
    assert slow[0]["first_line"] == "print('training')"


class _FakeProcess:
    pid = 4321


class _FakeProvisioner:
    pid = None
    process = _FakeProcess()


class _FakeKernelManager:
    provisioner = _FakeProvisioner()
    connection_file = "/nowhere/kernel-none.json"


def test_kernel_pid_falls_back_gracefully():
    assert run.kernel_pid(_FakeKernelManager()) == 4321
    assert run.kernel_pid(object()) is None


# ---------------------------------------------------------------------------------------------
# the real thing (about 2-3 minutes on 2 CPU cores)


def test_end_to_end_quick_run(tmp_path):
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"benchmark failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    json_files = list(out.glob("*.json"))
    assert len(json_files) == 1, json_files
    assert json_files[0].stem.endswith("-quick")
    data = json.loads(json_files[0].read_text())
    assert data["quick"] is True and data["complete"] is True
    assert set(data["results"]) == {"torch", "tf"}
    for fw in ("torch", "tf"):
        rec = data["results"][fw]["20"]
        numbers = [
            rec["training"]["chars_per_s"],
            rec["training"]["steps"],
            rec["validation"]["nats_per_char"],
            rec["generation"]["carrying"]["chars_per_s"],
            rec["generation"]["refeeding"]["chars_per_s"],
            rec["generation"]["carry_vs_refeed"],
            rec["generation"]["many_vs_one_time"],
            rec["peak_rss_mib"],
        ]
        assert all(isinstance(x, (int, float)) and math.isfinite(x) and x > 0 for x in numbers), (
            fw,
            numbers,
        )
        assert 0.5 < rec["validation"]["nats_per_char"] < 5  # nats/char of a barely trained model
        assert rec["peak_rss_mib"] > 100  # a kernel with a framework loaded
    md = json_files[0].with_suffix(".md")
    assert md.exists()
    assert "| budget |" in md.read_text() and "carrying / re-feeding" in md.read_text()
    assert "| budget |" in proc.stdout  # the table is printed too
    # --out was honoured, and the quick outputs were not written over the committed notebooks
    assert not (ROOT / "benchmarks" / "results" / json_files[0].name).exists()
    for name in ("GenerativePyTorch.ipynb", "GenerativeTF.ipynb"):
        assert "mode:            quick" not in (ROOT / name).read_text(encoding="utf-8"), name
