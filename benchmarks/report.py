"""The benchmark report: machine description, JSON record and Markdown tables."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import math
import os
import platform
import re
from pathlib import Path

# framework key -> (name in the tables, notebook)
FRAMEWORKS = {
    "torch": ("PyTorch", "GenerativePyTorch.ipynb"),
    "tf": ("TensorFlow", "GenerativeTF.ipynb"),
}


# ---------------------------------------------------------------------------------------------
# the machine


def cpu_model() -> str:
    """'model name' from /proc/cpuinfo (Linux), else platform.processor(), else 'unknown CPU'."""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def gpu_name() -> str | None:
    """Name of CUDA device 0 as torch sees it, or None (torch is imported, TensorFlow is not)."""
    try:
        import torch
    except ImportError:
        return None
    try:
        if torch.cuda.is_available():
            return torch.cuda.get_device_name(0)
    except Exception:  # a broken driver must not stop the benchmark
        return None
    return None


def _version(*distributions: str) -> str | None:
    """The installed version of the first distribution found, e.g. tensorflow or tensorflow-cpu."""
    for dist in distributions:
        try:
            return f"{importlib.metadata.version(dist)}" + (
                "" if dist == distributions[0] else f" ({dist})"
            )
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def versions() -> dict:
    """Versions from the package metadata: nothing heavy is imported."""
    return {
        "python": platform.python_version(),
        "torch": _version("torch"),
        "tensorflow": _version("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
        "keras": _version("keras"),
        "numpy": _version("numpy"),
        "nbclient": _version("nbclient"),
    }


def system_info() -> dict:
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "gpu": gpu_name(),
        "platform": platform.platform(),
        "versions": versions(),
    }


def slug(text: str, limit: int = 40) -> str:
    text = re.sub(r"\((r|tm|c)\)", " ", text.lower())
    text = re.sub(r"\b(cpu|processor|with|radeon graphics)\b", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-") or "unknown"


def machine_slug(system: dict) -> str:
    """``cpu-2core-amd-epyc`` or, with a CUDA device, ``gpu-nvidia-h200``."""
    if system.get("gpu"):
        return f"gpu-{slug(system['gpu'])}"
    return f"cpu-{system.get('cores') or 0}core-{slug(system.get('cpu_model') or 'unknown')}"


def describe_machine(system: dict) -> str:
    cores = system.get("cores")
    parts = [
        f"{cores} CPU core{'s' if cores != 1 else ''}",
        system.get("cpu_model") or "unknown CPU",
    ]
    parts.append(f"GPU {system['gpu']}" if system.get("gpu") else "no GPU")
    return ", ".join(parts)


def describe_versions(system: dict) -> str:
    v = system.get("versions", {})
    names = [
        ("python", "Python"),
        ("torch", "torch"),
        ("tensorflow", "TensorFlow"),
        ("keras", "Keras"),
        ("numpy", "NumPy"),
        ("nbclient", "nbclient"),
    ]
    return ", ".join(f"{label} {v[key]}" for key, label in names if v.get(key))


# ---------------------------------------------------------------------------------------------
# the record


def budget_key(budget: float) -> str:
    return f"{budget:g}"


def build_report(
    *,
    system: dict,
    machine: str,
    command: str,
    budgets,
    frameworks,
    results: dict,
    quick: bool,
    date: str | None = None,
    extra: dict | None = None,
) -> dict:
    """``results[framework][budget_key(b)]`` is the record of one run (see run.run_one)."""
    report = {
        "machine": machine,
        "command": command,
        "date": date or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "mode": "quick (TEXTGEN_QUICK=1)" if quick else "full (TEXTGEN_QUICK=0)",
        "quick": bool(quick),
        "cores": system.get("cores"),
        "cpu_model": system.get("cpu_model"),
        "gpu": system.get("gpu"),
        "platform": system.get("platform"),
        "versions": system.get("versions", {}),
        "budgets": [float(b) for b in budgets],
        "frameworks": list(frameworks),
        "results": results,
    }
    if extra:
        report.update(extra)
    return report


def write_report(report: dict, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<out>/<machine>.json`` and ``<out>/<machine>.md``; return both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{report['machine']}.json"
    md_path = out_dir / f"{report['machine']}.md"
    json_path.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path


# ---------------------------------------------------------------------------------------------
# the tables


def _fmt(value, spec: str, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:{spec}}{suffix}"


def _get(record: dict | None, *path):
    for key in path:
        if record is None:
            return None
        record = record.get(key)
    return record


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def training_table(report: dict) -> list[str]:
    fws = report["frameworks"]
    names = [FRAMEWORKS[fw][0] for fw in fws]
    # one group of adjacent columns per quantity, frameworks side by side inside each group
    groups = [
        ("validation nats/char", ("validation", "nats_per_char"), ".3f"),
        ("training chars/s", ("training", "chars_per_s"), ",.0f"),
        ("steps", ("training", "steps"), ","),
        ("peak RSS MiB", ("peak_rss_mib",), ",.0f"),
    ]
    header = ["budget"] + [f"{label}, {name}" for label, _, _ in groups for name in names]
    rows = []
    for budget in report["budgets"]:
        row = [f"{budget:g} s"]
        for _, path, spec in groups:
            for fw in fws:
                row.append(
                    _fmt(_get(report["results"].get(fw, {}).get(budget_key(budget)), *path), spec)
                )
        rows.append(row)
    return _table(header, ["---:"] * len(header), rows)


def generation_budget(report: dict) -> float:
    """The generation table shows the runs with the largest budget."""
    return max(report["budgets"])


def generation_table(report: dict) -> list[str]:
    budget = generation_budget(report)
    header = [
        "framework",
        "characters timed",
        "carrying the state, chars/s",
        "re-feeding, chars/s",
        "carrying / re-feeding",
        "1 prompt, s",
        "16 prompts, s",
        "16 prompts / 1 prompt, time",
    ]
    rows = []
    for fw in report["frameworks"]:
        gen = _get(report["results"].get(fw, {}).get(budget_key(budget)), "generation")
        if gen is None:
            rows.append([FRAMEWORKS[fw][0]] + ["n/a"] * (len(header) - 1))
            continue
        carry, refeed = gen["carrying"]["chars_per_s"], gen["refeeding"]["chars_per_s"]
        rows.append(
            [
                FRAMEWORKS[fw][0],
                _fmt(gen["carrying"]["chars"], ","),
                _fmt(carry, ",.0f"),
                _fmt(refeed, ",.0f"),
                _fmt(carry / refeed if refeed else None, ".1f", "x"),
                _fmt(gen["one_prompt"]["seconds"], ".2f"),
                _fmt(gen["many_prompts"]["seconds"], ".2f"),
                _fmt(gen["many_vs_one_time"], ".1f", "x"),
            ]
        )
    return _table(header, ["---"] + ["---:"] * (len(header) - 1), rows)


def markdown(report: dict) -> str:
    fws = report["frameworks"]
    lines = [f"# Notebook benchmark: {report['machine']}", ""]
    lines.append(f"- machine: {describe_machine(report)}")
    devices = []
    for fw in fws:
        runs = report["results"].get(fw, {})
        found = sorted({r["device"] for r in runs.values() if r.get("device")})
        if found:
            devices.append(f"{FRAMEWORKS[fw][0]} `{'`, `'.join(found)}`")
    if devices:
        lines.append(f"- devices the notebooks chose: {'; '.join(devices)}")
    lines.append(f"- versions: {describe_versions(report)}")
    lines.append(f"- mode: {report['mode']}; date: {report['date']}")
    if report.get("corpus"):
        lines.append(f"- corpus: {report['corpus']} (TEXTGEN_CORPUS)")
    lines.append(f"- command: `{report['command']}`")
    if report.get("quick"):
        lines.append("- quick mode: these numbers check the pipeline, not the speed")
    if report.get("complete") is False:
        finished = sum(len(runs) for runs in report["results"].values())
        planned = len(report["budgets"]) * len(fws)
        lines.append(f"- incomplete: {finished} of {planned} runs finished")
    lines += ["", "## Training and validation", ""]
    lines.append(
        "Each row is one run of each notebook with TEXTGEN_TRAIN_SECONDS set to the budget; "
        "training stops at the budget or at the notebook's step count, whichever comes first. "
        "Lower nats/char is better. Peak RSS is the kernel process's resident memory."
    )
    lines.append("")
    lines += training_table(report)
    lines += ["", f"## Generation (the {generation_budget(report):g} s runs)", ""]
    lines.append(
        "Greedy generation of the same text two ways: carrying the LSTM state (one step per "
        "character) and re-feeding the whole text before every character; the ratio is computed "
        "from the two speeds. The last column is the time for 16 prompts of 200 characters "
        "divided by the time for one prompt of 200 characters (16x the text)."
    )
    lines.append("")
    lines += generation_table(report)
    return "\n".join(lines) + "\n"
