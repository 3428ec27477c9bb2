"""Run both lesson notebooks headless under several training budgets and tabulate the results.

    python -m benchmarks.run                      # the full table: about 25 minutes on 2 CPU cores
    python -m benchmarks.run --quick              # a smoke test of the whole pipeline (< 3 minutes)
    python -m benchmarks.run --budgets 60 --frameworks torch --machine my-laptop

Every number comes from what the notebooks print (see benchmarks/parse.py): this script holds no
model code. Each run executes an in-memory copy of the notebook with nbclient (kernel
``python3``, working directory = the repository root) and samples the kernel's resident memory
in a background thread. The committed notebooks are never written; the notebooks themselves
write their checkpoints to checkpoints/ as usual. Results go to ``<out>/<machine>.json`` and
``<out>/<machine>.md`` (rewritten after every run, so an interrupted benchmark keeps what it
finished); the Markdown is printed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # started as ``python benchmarks/run.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import parse  # noqa: E402
from benchmarks import report as rep  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUDGETS = [60.0, 180.0, 300.0]
QUICK_BUDGETS = [20.0]
DEFAULT_OUT = ROOT / "benchmarks" / "results"
CELL_TIMEOUT = 1800  # seconds per cell: generous, the training cell of the 300 s run needs ~5 min
KERNEL = "python3"


class BenchmarkError(RuntimeError):
    """A run could not be completed; the message is one line and says what to do."""


# ---------------------------------------------------------------------------------------------
# the kernel's environment


def kernel_environment_changes(budget: float, quick: bool) -> dict[str, str | None]:
    """The variables the kernel must see (None: removed)."""
    return {
        "TEXTGEN_TRAIN_SECONDS": f"{budget:g}",
        "TEXTGEN_QUICK": "1" if quick else "0",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "MPLBACKEND": "Agg",
        "TEXTGEN_PRETRAINED": None,  # instructor mode would skip the training being measured
    }


@contextlib.contextmanager
def kernel_environment(budget: float, quick: bool):
    """Set os.environ for a kernel started inside the block (it inherits it); restore it after."""
    changes = kernel_environment_changes(budget, quick)
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield changes
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# ---------------------------------------------------------------------------------------------
# peak memory of the kernel process


def kernel_pid(km) -> int | None:
    """The kernel's process id from an nbclient/jupyter_client kernel manager, or None."""
    provisioner = getattr(km, "provisioner", None)  # jupyter_client >= 7
    for get in (
        lambda: getattr(provisioner, "pid", None),
        lambda: getattr(getattr(provisioner, "process", None), "pid", None),
        lambda: getattr(getattr(km, "kernel", None), "pid", None),  # jupyter_client < 7
    ):
        try:
            pid = get()
        except Exception:
            pid = None
        if isinstance(pid, int) and pid > 0:
            return pid
    # last resort: the child process whose command line names this kernel's connection file
    connection_file = getattr(km, "connection_file", None)
    if connection_file:
        try:
            import psutil

            for child in psutil.Process().children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if connection_file in child.cmdline():
                        return child.pid
        except Exception:
            pass
    return None


def _vm_hwm_bytes(pid: int) -> int | None:
    """The kernel-maintained peak RSS (VmHWM) on Linux; None elsewhere."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class PeakMemory:
    """Peak resident memory of one process, sampled every ``interval`` s by a background thread.

    On Linux the kernel's own high-water mark (VmHWM) is read at every sample as well, so a
    spike between two samples is not missed; the peak is the larger of the two.
    """

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.pid: int | None = None
        self.peak_bytes = 0
        self.samples = 0
        self.used_hwm = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._process = None

    def start(self, pid: int) -> None:
        import psutil

        self.pid = pid
        self._process = psutil.Process(pid)
        self.sample()
        self._thread = threading.Thread(target=self._loop, name=f"peak-rss-{pid}", daemon=True)
        self._thread.start()

    def sample(self) -> None:
        if self._process is None:
            return
        import psutil

        try:
            rss = self._process.memory_info().rss
        except psutil.Error:  # the process has ended
            return
        hwm = _vm_hwm_bytes(self._process.pid)
        with self._lock:
            self.samples += 1
            self.peak_bytes = max(self.peak_bytes, rss)
            if hwm is not None:
                self.used_hwm = True
                self.peak_bytes = max(self.peak_bytes, hwm)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> float | None:
        """Stop sampling; the peak in MiB, or None if nothing could be measured."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            return self.peak_bytes / 2**20 if self.samples else None

    @property
    def method(self) -> str:
        return f"psutil RSS every {self.interval:g} s" + (
            " and Linux VmHWM" if self.used_hwm else ""
        )


# ---------------------------------------------------------------------------------------------
# one run


def slowest_cells(nb, count: int = 3) -> list[dict]:
    """The code cells that took longest, from the timing nbclient records in the cell metadata."""
    from datetime import datetime

    timed = []
    for index, cell in enumerate(nb.cells):
        execution = cell.get("metadata", {}).get("execution", {})
        begin = execution.get("iopub.execute_input") or execution.get("shell.execute_reply.started")
        end = execution.get("shell.execute_reply")
        if cell.get("cell_type") != "code" or not (begin and end):
            continue
        try:
            seconds = (
                datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(begin.replace("Z", "+00:00"))
            ).total_seconds()
        except ValueError:
            continue
        timed.append(
            {
                "cell": index,
                "first_line": _first_line(cell.source)[:60],
                "seconds": round(seconds, 1),
            }
        )
    return sorted(timed, key=lambda t: -t["seconds"])[:count]


def _first_line(text) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else ""


def execute_notebook(nb, label: str, budget: float, quick: bool, cell_timeout: int = CELL_TIMEOUT):
    """Execute ``nb`` (in memory, in place) in a fresh kernel; return (wall seconds, PeakMemory)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    memory = PeakMemory()
    where = {"cell": None}

    def on_notebook_start(**_):
        pid = kernel_pid(client.km)
        if pid is None:
            print(
                f"  warning: cannot find the kernel's process id; no peak memory for {label}",
                file=sys.stderr,
            )
        else:
            try:
                memory.start(pid)
            except Exception as err:  # psutil missing or the process already gone
                print(f"  warning: no peak memory for {label}: {err}", file=sys.stderr)

    def on_cell_start(cell=None, cell_index=None, **_):
        first = _first_line(getattr(cell, "source", "") or "")
        where["cell"] = f"{cell_index} ({first[:50]!r})" if first else f"{cell_index}"

    def on_cell_complete(**_):
        memory.sample()

    rerun = (
        f"to see the traceback run it by hand: TEXTGEN_QUICK={'1' if quick else '0'} "
        f"TEXTGEN_TRAIN_SECONDS={budget:g} jupyter nbconvert --to notebook --execute {label} "
        "--output-dir runs/"
    )
    start = time.perf_counter()
    with kernel_environment(budget, quick), tempfile.TemporaryDirectory(prefix="textgen-bench-") as workdir:
        client = NotebookClient(
            nb,
            timeout=cell_timeout,
            kernel_name=KERNEL,
            # the kernel works in a scratch folder: the checkpoints a benchmark run writes never
            # replace the ones in the repository's checkpoints/ (textgen finds data/ by itself)
            resources={"metadata": {"path": workdir}},
            on_notebook_start=on_notebook_start,
            on_cell_start=on_cell_start,
            on_cell_complete=on_cell_complete,
        )
        try:
            client.execute()
        except CellTimeoutError as err:
            raise BenchmarkError(
                f"{label} (budget {budget:g} s): cell {where['cell']} ran longer than "
                f"{cell_timeout} s -- raise --cell-timeout or lower the budget ({_first_line(err)})"
            ) from None
        except DeadKernelError as err:
            raise BenchmarkError(
                f"{label} (budget {budget:g} s): the kernel died in cell {where['cell']} "
                f"(out of memory?) -- {rerun} ({_first_line(err)})"
            ) from None
        except CellExecutionError as err:
            ename, evalue = getattr(err, "ename", ""), _first_line(getattr(err, "evalue", ""))
            what = f"{ename}: {evalue}" if ename else _first_line(err)
            raise BenchmarkError(
                f"{label} (budget {budget:g} s) failed in cell {where['cell']}: {what} -- {rerun}"
            ) from None
        except Exception as err:
            raise BenchmarkError(
                f"{label}: could not run the notebook in a '{KERNEL}' kernel: "
                f"{type(err).__name__}: "
                f"{_first_line(err)} -- check that ipykernel is installed in this environment"
            ) from None
        finally:
            memory.stop()
    return time.perf_counter() - start, memory


def run_one(
    framework: str,
    budget: float,
    quick: bool,
    cell_timeout: int = CELL_TIMEOUT,
    failure_log: Path | None = None,
) -> dict:
    """Execute one notebook with one budget; the parsed record (see parse.summarise)."""
    import nbformat

    label = rep.FRAMEWORKS[framework][1]
    nb = nbformat.read(ROOT / label, as_version=4)  # an in-memory copy: never written back
    wall, memory = execute_notebook(nb, label, budget, quick, cell_timeout)
    try:
        found = parse.parse_notebook(nb, label)
    except parse.ParseError as err:
        message = str(err)
        if failure_log is not None:
            failure_log.parent.mkdir(parents=True, exist_ok=True)
            failure_log.write_text(parse.stream_text(nb), encoding="utf-8")
            message += f" (its output is in {failure_log})"
        raise parse.ParseError(message) from None
    record = parse.summarise(found)
    peak = memory.stop()
    record.update(
        budget_s=budget,
        wall_s=round(wall, 1),
        peak_rss_mib=None if peak is None else round(peak, 1),
        peak_rss_method=memory.method if peak is not None else None,
        slowest_cells=slowest_cells(nb),
    )
    return record


# ---------------------------------------------------------------------------------------------
# the command line


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Benchmark the PyTorch and TensorFlow lesson notebooks (training speed, "
        "validation loss, generation speed, peak memory) under several training budgets.",
    )
    p.add_argument(
        "--budgets",
        type=float,
        nargs="+",
        metavar="SECONDS",
        help=f"training budgets in seconds (default {' '.join(f'{b:g}' for b in DEFAULT_BUDGETS)}; "
        f"with --quick {' '.join(f'{b:g}' for b in QUICK_BUDGETS)})",
    )
    p.add_argument(
        "--frameworks",
        nargs="+",
        choices=list(rep.FRAMEWORKS),
        default=list(rep.FRAMEWORKS),
        help="which notebooks to run (default: torch tf)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="TEXTGEN_QUICK=1 and a 20 s budget: checks the pipeline in < 3 minutes, not the speed",
    )
    p.add_argument(
        "--machine",
        help="name of the result files (default: a slug such as cpu-2core-amd-epyc; "
        "'-quick' is appended in quick mode)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="folder for the results (default benchmarks/results)",
    )
    p.add_argument(
        "--cell-timeout",
        type=int,
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"limit per notebook cell (default {CELL_TIMEOUT})",
    )
    args = p.parse_args(argv)
    if args.budgets is None:
        args.budgets = list(QUICK_BUDGETS if args.quick else DEFAULT_BUDGETS)
    if any(not (b > 0 and b < float("inf")) for b in args.budgets):
        p.error("every budget must be a positive number of seconds")
    args.budgets = list(dict.fromkeys(args.budgets))
    args.frameworks = list(dict.fromkeys(args.frameworks))
    if args.cell_timeout < 1:
        p.error("--cell-timeout must be at least 1 second")
    if args.machine is not None:
        args.machine = re.sub(r"[^A-Za-z0-9._-]+", "-", args.machine).strip("-.")
        if not args.machine:
            p.error("--machine needs letters or digits (it names the result files)")
    return args


def main(argv=None, invocation: str = "python -m benchmarks.run") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    command = " ".join([invocation] + ([shlex.join(argv)] if argv else []))
    system = rep.system_info()
    machine = args.machine or rep.machine_slug(system) + ("-quick" if args.quick else "")
    extra = {"corpus": os.environ.get("TEXTGEN_CORPUS") or None, "complete": False}
    results: dict[str, dict] = {fw: {} for fw in args.frameworks}
    total = len(args.budgets) * len(args.frameworks)

    def build():
        return rep.build_report(
            system=system,
            machine=machine,
            command=command,
            budgets=args.budgets,
            frameworks=args.frameworks,
            results=results,
            quick=args.quick,
            extra=extra,
        )

    print(f"benchmark {machine}: {rep.describe_machine(system)}")
    print(f"{rep.describe_versions(system)}")
    if args.quick:
        print("quick mode (TEXTGEN_QUICK=1): checks the parser and the report, not the speed")
    started = time.perf_counter()
    done = 0
    try:
        for budget in args.budgets:  # both frameworks per budget, so slow drifts hit them alike
            for fw in args.frameworks:
                done += 1
                name = rep.FRAMEWORKS[fw][0]
                print(f"[{done}/{total}] {name}, budget {budget:g} s ...", flush=True)
                log = args.out / f"{machine}.{fw}-{budget:g}s.failed.txt"
                record = run_one(fw, budget, args.quick, args.cell_timeout, failure_log=log)
                results[fw][rep.budget_key(budget)] = record
                peak = record["peak_rss_mib"]
                print(
                    f"    {record['wall_s']:.0f} s: {record['training']['steps']:,} steps, "
                    f"{record['training']['chars_per_s']:,.0f} chars/s, "
                    f"{record['validation']['nats_per_char']:.3f} nats/char, "
                    f"peak {'n/a' if peak is None else f'{peak:,.0f} MiB'}",
                    flush=True,
                )
                extra["complete"] = done == total
                rep.write_report(build(), args.out)
    except (BenchmarkError, parse.ParseError) as err:
        print(f"error: {err}", file=sys.stderr)
        if done > 1:
            print(
                f"the {done - 1} finished run(s) are in {args.out / machine}.json", file=sys.stderr
            )
        return 1
    json_path, md_path = rep.write_report(build(), args.out)
    print()
    print(rep.markdown(build()), end="")
    print()
    print(f"wrote {json_path} and {md_path} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(
        main(
            invocation="python -m benchmarks.run"
            if __spec__ is not None
            else "python benchmarks/run.py"
        )
    )
