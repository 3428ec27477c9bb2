"""Run both lesson notebooks headless at equal training budgets and tabulate what their checkpoints record.

    python -m benchmarks.run                  # budgets 60, 180, 300 s: about 25 min on 2 CPU cores
    python -m benchmarks.run --quick          # TEXTGEN_QUICK=1: checks the pipeline, not the speed
    python -m benchmarks.run --budgets 60 --frameworks torch --machine my-laptop

Each run executes an in-memory copy of a notebook with nbclient in a fresh kernel whose environment
is passed to it explicitly: this process's variables without TEXTGEN_PRETRAINED, plus
TEXTGEN_TRAIN_SECONDS=<budget> and a scratch TEXTGEN_CHECKPOINT_DIR. The notebook saves its model
there as it always does (``char_lstm_torch.pt``, ``char_lstm_tf.keras``; in quick mode in ``quick/``),
with the training record stored inside; this script loads that checkpoint with
``textgen.load_checkpoint`` and reads steps, seconds, the validation loss of the kept step and the
device from it. The counting baseline (``textgen.counting``) does not depend on the framework: it is
computed once per benchmark, here. The script holds no model code and parses no printed text.
Results: ``<out>/<machine>.json`` and ``<out>/<machine>.md``, rewritten after every run, so an
interrupted benchmark keeps what it finished.
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
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # started as ``python benchmarks/run.py``
    sys.path.insert(0, str(ROOT))

from textgen.run import QUICK_SUBFOLDER  # noqa: E402

# framework -> (name in the tables, notebook, the checkpoint the notebook writes)
FRAMEWORKS = {
    "torch": ("PyTorch", "GenerativePyTorch.ipynb", "char_lstm_torch.pt"),
    "tf": ("TensorFlow", "GenerativeTF.ipynb", "char_lstm_tf.keras"),
}
DEFAULT_BUDGETS, QUICK_BUDGETS = [60.0, 180.0, 300.0], [20.0]
CELL_TIMEOUT = 1800  # seconds per cell: the training cell of a 300 s run needs about 5 minutes
# the counting baseline, as the notebooks count it: all of the training text and 50,000 development
# characters; quick mode counts the last 50,000 training characters and 3,000 development characters
COUNT_CHARS, DEV_CHARS, QUICK_COUNT_CHARS, QUICK_DEV_CHARS = None, 50_000, 50_000, 3_000


class BenchmarkError(RuntimeError):
    """A run could not be completed; the message is one line and says what to do."""


# ---------------------------------------------------------------------------------------------
# one run


def kernel_environment(
    budget: float, quick: bool, checkpoint_dir: Path, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The whole environment of the notebook's kernel: ``base`` (default: this process's
    environment, which is only read) without TEXTGEN_PRETRAINED, plus the benchmark's switches."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k != "TEXTGEN_PRETRAINED"}
    env.update(
        TEXTGEN_TRAIN_SECONDS=f"{budget:g}",
        TEXTGEN_QUICK="1" if quick else "0",
        TEXTGEN_CHECKPOINT_DIR=str(checkpoint_dir),  # never replaces the models in checkpoints/
        TF_CPP_MIN_LOG_LEVEL="2",
        MPLBACKEND="Agg",
    )
    return env


def _keras_on_cpu() -> None:
    """Read Keras checkpoints on the CPU, so that this process leaves the GPU's memory to the kernels."""
    import tensorflow as tf

    try:
        tf.config.set_visible_devices([], "GPU")
    except RuntimeError:  # TensorFlow has already started its devices in this process: nothing to change
        pass


def load_meta(path: Path) -> dict:
    """What a lesson checkpoint stores besides the weights: ``vocab``, ``config``, ``history``, ``step``,
    ``trained``. ``.pt`` is the checkpoint dict itself; ``.keras`` is the model's ``meta``."""
    import textgen

    if path.suffix == ".keras":
        _keras_on_cpu()
        import textgen.keras_model  # noqa: F401  registers the lesson's model class, which loading needs

        return dict(textgen.load_keras_model(path).meta)
    return textgen.load_checkpoint(path, map_location="cpu")


def read_checkpoint(path: Path, label: str, quick: bool) -> dict:
    """The numbers of one run, from the checkpoint its notebook wrote; a one-line error when it is
    missing, unreadable or incomplete."""
    rerun = (
        f"run TEXTGEN_QUICK={int(quick)} jupyter nbconvert --to notebook --execute {label} --output-dir runs/ "
        "and look at its training cell"
    )
    if not path.is_file():
        raise BenchmarkError(
            f"{label} ran but wrote no {path.name} in {path.parent} -- its training cell must save the model "
            f"with textgen.save_checkpoint(CHECKPOINT, ...); to see what it did, {rerun}"
        )
    try:
        meta = load_meta(path)
    except Exception as err:  # CheckpointError, or an import or Keras error: say which, in one line
        reason = " ".join(str(err).split()).split(" -- ")[0][:240] or type(err).__name__
        raise BenchmarkError(
            f"{label} wrote {path.name}, but it cannot be read ({reason}) -- check that textgen/ is this "
            f"checkout's (pip install -e .), then {rerun}"
        ) from None
    config, trained = meta.get("config"), meta.get("trained")
    expected = (("config", dict), ("trained", dict), ("step", int))
    missing = [k for k, kind in expected if not isinstance(meta.get(k), kind)]
    if isinstance(config, dict):
        missing += [f"config[{k!r}]" for k in ("batch_size", "seq_len") if k not in config]
    if isinstance(trained, dict):
        fields = ("mode", "steps", "seconds", "val_loss", "stopped_early", "device")
        missing += [f"trained[{k!r}]" for k in fields if k not in trained]
    if missing:
        raise BenchmarkError(
            f"{label}: {path.name} has no {', '.join(missing)} -- it was written by another version of the "
            "notebook; save the checkpoint as the lesson's training cell does"
        )
    if trained["mode"] != ("quick" if quick else "full"):
        raise BenchmarkError(
            f"{label}: {path.name} was trained in {trained['mode']} mode, not {'quick' if quick else 'full'} "
            "-- the notebook must choose its mode with textgen.read_settings() (TEXTGEN_QUICK)"
        )
    steps, seconds = trained["steps"], trained["seconds"]
    if not steps > 0 or not seconds > 0:
        raise BenchmarkError(
            f"{label}: {path.name} records {steps} steps in {seconds} s, so no speed -- raise the budget"
        )
    return {
        "steps": steps,
        "planned_steps": trained.get("planned_steps", steps),
        "seconds": seconds,
        "chars_per_s": steps * config["batch_size"] * config["seq_len"] / seconds,
        "val_loss": trained["val_loss"],
        "kept_step": meta["step"],
        "stopped_early": bool(trained["stopped_early"]),
        "device": str(trained["device"]),
        "mode": trained["mode"],
        "batch_size": config["batch_size"],
        "seq_len": config["seq_len"],
    }


def run_one(framework: str, budget: float, quick: bool, cell_timeout: int = CELL_TIMEOUT) -> dict:
    """Execute one notebook with one budget; what its checkpoint records, plus the budget and wall time."""
    import nbformat
    from nbclient import NotebookClient

    _, label, filename = FRAMEWORKS[framework]
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
        try:
            client.execute(env=env)  # passed on to the kernel manager's start_kernel: the kernel's whole environment
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
        record = read_checkpoint(folder / filename, label, quick)
    return dict(record, budget_s=budget, wall_s=round(wall, 1))


def counting_baseline(quick: bool) -> dict:
    """The counting model of the notebooks' last section, once: its validation loss in nats/char.

    The same texts as the notebooks: the corpus split 90/10, the order chosen on the development text
    (the opening of a play outside the corpus; with TEXTGEN_CORPUS, the end of the training part).
    """
    import textgen
    from textgen.counting import choose_counting_model

    count_chars, dev_chars = (QUICK_COUNT_CHARS, QUICK_DEV_CHARS) if quick else (COUNT_CHARS, DEV_CHARS)
    start = time.perf_counter()
    train_text, val_text = textgen.split_text(textgen.load_corpus(), 0.1)
    if textgen.read_settings().corpus is None:
        dev_text = textgen.development_text(dev_chars)
    else:
        train_text, dev_text = train_text[:-dev_chars], train_text[-dev_chars:]
    count_train = train_text if count_chars is None else train_text[-count_chars:]
    model, report = choose_counting_model(count_train, dev_text, max_order=10)
    return {
        "val_loss": float(model.losses(val_text).mean()),
        "order": int(report["order"]),
        "train_chars": len(count_train),
        "dev_chars": len(dev_text),
        "seconds": round(time.perf_counter() - start, 1),
    }


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


TABLE_HEADER = (
    "| budget | model | steps | training s | training chars/s | validation nats/char | kept step "
    "| stopped early | device |"
)


def markdown(report: dict) -> str:
    """The results as Markdown: one table, a row per budget and framework, and one for counting."""
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
    lines += ["", "## Training and validation", ""]
    lines.append(
        "One run of each notebook per row, with TEXTGEN_TRAIN_SECONDS set to the budget; the numbers are "
        "the training record stored in the checkpoint the run wrote. Training s is the training loop's wall "
        "time, its looks at the validation and development text included; training chars/s is steps x batch "
        "size x sequence length / training s. The validation loss (lower is better) is that of the kept "
        "step, the weights with the lowest development loss, over the whole held-out text. The counting "
        "row is the n-gram baseline of the notebooks' last section, computed once: its seconds are for "
        "counting, choosing the order and scoring."
    )
    lines += ["", TABLE_HEADER, "|---:|---|---:|---:|---:|---:|---:|---|---|"]
    for b in budgets:
        for fw in fws:
            r = results[fw].get(f"{b:g}", {})
            early = r.get("stopped_early")
            cells = [
                fmt(r.get("steps"), ","),
                fmt(r.get("seconds"), ".0f"),
                fmt(r.get("chars_per_s"), ",.0f"),
                fmt(r.get("val_loss"), ".3f"),
                fmt(r.get("kept_step"), ","),
                "n/a" if early is None else "yes" if early else "no",
                r.get("device") or "n/a",
            ]
            lines.append(f"| {b:g} s | {FRAMEWORKS[fw][0]} | " + " | ".join(cells) + " |")
    count = report.get("counting") or {}
    name = f"counting, order {count['order']}" if count.get("order") else "counting"
    cells = ["-", fmt(count.get("seconds"), ".0f"), "-", fmt(count.get("val_loss"), ".3f"), "-", "-", "cpu"]
    lines.append(f"| - | {name} | " + " | ".join(cells) + " |")
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
        "counting": None,
        "results": {fw: {} for fw in args.frameworks},
    }
    print("counting baseline ...", flush=True)
    try:
        report["counting"] = counting_baseline(args.quick)
    except (OSError, ValueError) as err:  # a missing or unreadable corpus: the notebooks would fail as well
        print(f"error: counting baseline: {' '.join(str(err).split())}", file=sys.stderr)
        return 1
    c = report["counting"]
    print(f"    {c['seconds']:.0f} s: order {c['order']}, {c['val_loss']:.3f} nats/char", flush=True)
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
                f"    {record['wall_s']:.0f} s: {record['steps']:,} steps in {record['seconds']:.0f} s"
                f"{' (stopped early)' if record['stopped_early'] else ''}, {record['chars_per_s']:,.0f} chars/s, "
                f"{record['val_loss']:.3f} nats/char at step {record['kept_step']:,}",
                flush=True,
            )
            paths = write_report(report, args.out)
    print("\n" + markdown(report) + f"\nwrote {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
