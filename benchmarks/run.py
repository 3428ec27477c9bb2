"""Run both lesson notebooks headless at equal training budgets and tabulate what they measured.

    python -m benchmarks.run                  # budgets 60, 180, 300 s: about 25 min on 2 CPU cores
    python -m benchmarks.run --quick          # TEXTGEN_QUICK=1: checks the pipeline, not the speed
    python -m benchmarks.run --budgets 60 --frameworks torch --machine my-laptop

Each run executes an in-memory copy of a notebook with nbclient in a fresh kernel that sees
TEXTGEN_TRAIN_SECONDS=<budget> and a scratch TEXTGEN_CHECKPOINT_DIR. The notebook itself writes
what it measured with ``textgen.write_run_summary`` (training steps, seconds and speed,
validation loss, generation speeds); this script reads that JSON file. It holds no model code
and parses no printed text. Results: ``<out>/<machine>.json`` and ``<out>/<machine>.md``,
rewritten after every run, so an interrupted benchmark keeps what it finished.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # started as ``python benchmarks/run.py``
    sys.path.insert(0, str(ROOT))

from textgen.run import QUICK_SUBFOLDER, RUN_SUMMARY_NUMBERS  # noqa: E402

# framework -> (name in the tables, notebook); the notebook writes run_summary_<framework>.json
FRAMEWORKS = {
    "torch": ("PyTorch", "GenerativePyTorch.ipynb"),
    "tf": ("TensorFlow", "GenerativeTF.ipynb"),
}
DEFAULT_BUDGETS, QUICK_BUDGETS = [60.0, 180.0, 300.0], [20.0]
CELL_TIMEOUT = 1800  # seconds per cell: the training cell of a 300 s run needs about 5 minutes


class BenchmarkError(RuntimeError):
    """A run could not be completed; the message is one line and says what to do."""


# ---------------------------------------------------------------------------------------------
# one run


def kernel_environment(budget: float, quick: bool, checkpoint_dir: Path) -> dict[str, str]:
    """The variables the notebook's kernel sees on top of this process's environment."""
    return {
        "TEXTGEN_TRAIN_SECONDS": f"{budget:g}",
        "TEXTGEN_QUICK": "1" if quick else "0",
        "TEXTGEN_CHECKPOINT_DIR": str(checkpoint_dir),  # never replaces the models in checkpoints/
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "MPLBACKEND": "Agg",
    }


def read_summary(path: Path, label: str, quick: bool) -> dict:
    """The notebook's run summary, checked; a one-line error when it is missing or incomplete."""
    if not path.is_file():
        raise BenchmarkError(
            f"{label} ran but wrote no {path.name} -- the notebook must call "
            "textgen.write_run_summary(...) after its generation timings"
        )
    summary = json.loads(path.read_text(encoding="utf-8"))
    bad = [k for k in RUN_SUMMARY_NUMBERS if not isinstance(summary.get(k), (int, float))]
    if bad or summary.get("mode") != ("quick" if quick else "full"):
        raise BenchmarkError(
            f"{label}: {path.name} has no valid {bad or 'mode'} -- rerun the notebook"
        )
    if min(summary[k] for k in ("steps", "chars_per_s", "gen_fast_cps", "gen_slow_cps")) <= 0:
        raise BenchmarkError(
            f"{label}: {path.name} reports a speed or step count of 0 -- raise the budget"
        )
    return summary


def run_one(framework: str, budget: float, quick: bool, cell_timeout: int = CELL_TIMEOUT) -> dict:
    """Execute one notebook with one budget; its run summary plus the wall time."""
    import nbformat
    from nbclient import NotebookClient

    label = FRAMEWORKS[framework][1]
    nb = nbformat.read(ROOT / label, as_version=4)  # an in-memory copy: never written back
    with tempfile.TemporaryDirectory(prefix="textgen-bench-") as scratch:
        env = kernel_environment(budget, quick, Path(scratch))
        client = NotebookClient(
            nb,
            timeout=cell_timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT)}},
        )
        start = time.perf_counter()
        with mock.patch.dict(os.environ, env):  # the kernel inherits this process's environment
            os.environ.pop("TEXTGEN_PRETRAINED", None)  # instructor mode would skip the training
            try:
                client.execute()
            except Exception as err:  # a failing cell, a timeout, a dead kernel: say which
                what = f"{err.ename}: {err.evalue}" if getattr(err, "ename", "") else None
                what = what or (str(err).strip().splitlines() or [type(err).__name__])[-1]
                what = re.sub(r"\x1b\[[0-9;]*m", "", what)[:200]  # no terminal colours
                raise BenchmarkError(
                    f"{label} (budget {budget:g} s) failed: {what} -- to see it, run "
                    f"TEXTGEN_QUICK={env['TEXTGEN_QUICK']} TEXTGEN_TRAIN_SECONDS={budget:g} "
                    f"jupyter nbconvert --to notebook --execute {label} --output-dir runs/"
                ) from None
        wall = time.perf_counter() - start
        folder = Path(scratch) / QUICK_SUBFOLDER if quick else Path(scratch)
        summary = read_summary(folder / f"run_summary_{framework}.json", label, quick)
    return dict(summary, budget_s=budget, wall_s=round(wall, 1))


# ---------------------------------------------------------------------------------------------
# the machine and the report


def system_info() -> dict:
    def version(*names):
        for name in names:
            try:
                return importlib.metadata.version(name) + ("" if name == names[0] else f" ({name})")
            except importlib.metadata.PackageNotFoundError:
                pass
        return None

    cpu = platform.processor() or platform.machine()
    try:  # Linux names the model in /proc/cpuinfo
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": version("torch"),
        "tensorflow": version("tensorflow", "tensorflow-cpu"),
        "keras": version("keras"),
    }


def machine_slug(system: dict, devices: list[str]) -> str:
    """``cpu-2core-amd-epyc``, or ``cuda-...`` / ``gpu-...`` when a notebook chose a GPU."""
    cpu = re.sub(r"\((r|tm)\)|\b(cpu|processor)\b|@.*$", " ", system["cpu"].lower())
    name = f"cpu-{system['cores']}core-{re.sub(r'[^a-z0-9]+', '-', cpu).strip('-')[:30].strip('-')}"
    gpu = next((d for d in devices if d.startswith(("cuda", "mps", "/GPU"))), None)
    return f"gpu-{re.sub(r'[^a-z0-9]+', '-', gpu.lower()).strip('-')}" if gpu else name


def fmt(value, spec: str, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:{spec}}{suffix}"


TRAINING_COLUMNS = [  # (heading, key in the run summary, format)
    ("validation nats/char", "val_loss", ".3f"),
    ("training chars/s", "chars_per_s", ",.0f"),
    ("steps", "steps", ","),
]
GENERATION_HEADER = (
    "| framework | carrying the state, chars/s | re-feeding, chars/s | carrying / re-feeding "
    "| 16 prompts / 1 prompt, time |"
)


def markdown(report: dict) -> str:
    """The README's two tables: training and validation per budget, generation at the largest."""
    fws, results, budgets, s = (report[k] for k in ("frameworks", "results", "budgets", "system"))
    mode = "full"
    if report["quick"]:
        mode = "quick (TEXTGEN_QUICK=1): checks the pipeline, not the speed"
    lines = [
        f"# Notebook benchmark: {report['machine']}",
        "",
        f"- machine: {s['cores']} CPU cores, {s['cpu']}; {s['platform']}",
        f"- versions: Python {s['python']}, torch {s['torch']}, TensorFlow {s['tensorflow']}, "
        f"Keras {s['keras']}",
        f"- devices the notebooks chose: {', '.join(report['devices']) or 'n/a'}",
        f"- mode: {mode}; date: {report['date']}; command: `{report['command']}`",
    ]
    done, planned = sum(len(r) for r in results.values()), len(budgets) * len(fws)
    if done < planned:
        lines.append(f"- incomplete: {done} of {planned} runs finished")
    header = ["budget"]
    header += [f"{h}, {FRAMEWORKS[fw][0]}" for h, _, _ in TRAINING_COLUMNS for fw in fws]
    lines += ["", "## Training and validation", ""]
    lines.append(
        "One run of each notebook per row, with TEXTGEN_TRAIN_SECONDS set to the budget. Lower "
        "nats/char is better; the validation loss is over the whole held-out text."
    )
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    for b in budgets:
        runs = [results[fw].get(f"{b:g}", {}) for fw in fws]
        cells = [fmt(run.get(key), spec) for _, key, spec in TRAINING_COLUMNS for run in runs]
        lines.append(f"| {b:g} s | " + " | ".join(cells) + " |")
    lines += ["", "## Against counting", ""]
    lines.append(
        "Each run also counts the training text with the notebook's character n-gram model (interpolated "
        "Kneser-Ney, order chosen on a development text) and scores the same validation text: quality per "
        "second of CPU time, for the network and for counting."
    )
    lines += ["", "| budget | framework | LSTM nats/char | LSTM training s | count model nats/char | counting s |",
              "|---:|---|---:|---:|---:|---:|"]
    for b in budgets:
        for fw in fws:
            r = results[fw].get(f"{b:g}", {})
            cells = [fmt(r.get("val_loss"), ".3f"), fmt(r.get("seconds"), ".0f"), fmt(r.get("count_loss"), ".3f"),
                     fmt(r.get("count_seconds"), ".0f")]
            lines.append(f"| {b:g} s | {FRAMEWORKS[fw][0]} | " + " | ".join(cells) + " |")
    top = max(budgets)
    lines += ["", f"## Generation (the {top:g} s runs)", ""]
    lines.append(
        "Carrying the LSTM state (one step per character) against re-feeding the whole text before "
        "every character; the last column is the time for 16 prompts divided by the time for one."
    )
    lines += ["", GENERATION_HEADER, "|---|---:|---:|---:|---:|"]
    for fw in fws:
        r = results[fw].get(f"{top:g}", {})
        cells = [
            fmt(r.get("gen_fast_cps"), ",.0f"),
            fmt(r.get("gen_slow_cps"), ",.0f"),
            fmt(r["gen_fast_cps"] / r["gen_slow_cps"] if r else None, ".1f", "x"),
            fmt(r.get("batch16_ratio"), ".1f", "x"),
        ]
        lines.append(f"| {FRAMEWORKS[fw][0]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(report: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = out / f"{report['machine']}.json", out / f"{report['machine']}.md"
    paths[0].write_text(json.dumps(report, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------------------------
# the command line


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--budgets",
        type=float,
        nargs="+",
        metavar="SECONDS",
        help="training budgets (default 60 180 300; 20 with --quick)",
    )
    p.add_argument("--frameworks", nargs="+", choices=list(FRAMEWORKS), default=list(FRAMEWORKS))
    p.add_argument(
        "--quick",
        action="store_true",
        help="TEXTGEN_QUICK=1: checks the pipeline in minutes, not the speed",
    )
    p.add_argument("--machine", help="name of the result files (default e.g. cpu-2core-amd-epyc)")
    p.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results", help="folder for the results"
    )
    p.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT, metavar="SECONDS")
    args = p.parse_args(argv)
    args.budgets = list(
        dict.fromkeys(args.budgets or (QUICK_BUDGETS if args.quick else DEFAULT_BUDGETS))
    )
    if not all(0 < b < math.inf for b in args.budgets):
        p.error("every budget must be a positive number of seconds")
    if args.machine is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", args.machine):
        p.error("--machine takes letters, digits, '.', '_' and '-' (it names the result files)")
    return args


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    report = {
        "machine": args.machine,
        "command": " ".join(["python -m benchmarks.run", *argv]),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "system": system_info(),
        "budgets": args.budgets,
        "frameworks": list(dict.fromkeys(args.frameworks)),
        "devices": [],
        "results": {fw: {} for fw in args.frameworks},
    }
    total, done = len(args.budgets) * len(report["frameworks"]), 0
    for budget in args.budgets:  # both frameworks per budget, so a slow drift hits them alike
        for fw in report["frameworks"]:
            done += 1
            print(f"[{done}/{total}] {FRAMEWORKS[fw][0]}, budget {budget:g} s ...", flush=True)
            try:
                record = run_one(fw, budget, args.quick, args.cell_timeout)
            except BenchmarkError as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
            report["results"][fw][f"{budget:g}"] = record
            if record["device"] not in report["devices"]:
                report["devices"].append(record["device"])
            slug = machine_slug(report["system"], report["devices"])
            report["machine"] = args.machine or slug + ("-quick" if args.quick else "")
            print(
                f"    {record['wall_s']:.0f} s: {record['steps']:,} steps, "
                f"{record['chars_per_s']:,.0f} chars/s, {record['val_loss']:.3f} nats/char",
                flush=True,
            )
            paths = write_report(report, args.out)
    print("\n" + markdown(report) + f"\nwrote {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
