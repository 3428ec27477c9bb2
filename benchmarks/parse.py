"""Read the benchmark numbers out of an executed notebook's printed output.

The notebooks are the only source of numbers: this module holds no model code. Each number
comes from one line that both lesson notebooks print, for example::

    device: cpu (2 CPU cores, 2 torch threads)
    2400 steps in 271 s on cpu: 56,678 characters/s, 16.2 epochs
    validation loss: 1.234 nats/char (1.780 bits/char, perplexity 3.43)
    carrying the state: 1,000 characters in 0.45 s (2,222 characters/s)
    re-feeding:         1,000 characters in 12.30 s (81 characters/s)
    speed-up at 1,000 characters: 27.3x; identical output for the first 1000 characters
    1 prompt:   200 characters in 0.10 s
    16 prompts: 3,200 characters in 0.30 s (3.0x the time for 16x the text)

If a line occurs several times the last one counts. A missing line raises ``ParseError``
with a one-line message that names the notebook and the line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# a number as the notebooks print it: digits with optional thousands separators and decimals
NUM = r"[0-9][0-9,]*(?:\.[0-9]+)?"


class ParseError(ValueError):
    """A line the benchmark needs is missing from a notebook's output, or is malformed."""


@dataclass(frozen=True)
class Line:
    key: str  # name of the group of numbers in the result
    start: re.Pattern  # how the line starts (to recognise a line whose format has changed)
    example: str  # shown in error messages
    pattern: re.Pattern


def _line(key: str, start: str, example: str, body: str) -> Line:
    return Line(key, re.compile(r"^\s*" + start), example, re.compile(r"^\s*" + body + r"\s*$"))


LINES = [
    _line(
        "device",
        r"device:",
        "device: cpu (2 CPU cores, 2 torch threads)",
        r"device:\s*(?P<device>\S.*?)",
    ),
    _line(
        "training",
        r"[0-9][0-9,]* steps in ",
        "2400 steps in 271 s on cpu: 56,678 characters/s, 16.2 epochs",
        rf"(?P<steps>{NUM}) steps in (?P<seconds>{NUM}) s on (?P<device>.+?): "
        rf"(?P<chars_per_s>{NUM}) characters/s, (?P<epochs>{NUM}) epochs",
    ),
    _line(
        "validation",
        r"validation loss:",
        "validation loss: 1.234 nats/char (1.780 bits/char, perplexity 3.43)",
        rf"validation loss: (?P<nats_per_char>{NUM}) nats/char "
        rf"\((?P<bits_per_char>{NUM}) bits/char, perplexity (?P<perplexity>{NUM})\)",
    ),
    _line(
        "carrying",
        r"carrying the state:",
        "carrying the state: 1,000 characters in 0.45 s (2,222 characters/s)",
        rf"carrying the state:\s+(?P<chars>{NUM}) characters in (?P<seconds>{NUM}) s "
        rf"\((?P<chars_per_s>{NUM}) characters/s\)",
    ),
    _line(
        "refeeding",
        r"re-feeding:",
        "re-feeding:         1,000 characters in 12.30 s (81 characters/s)",
        rf"re-feeding:\s+(?P<chars>{NUM}) characters in (?P<seconds>{NUM}) s "
        rf"\((?P<chars_per_s>{NUM}) characters/s\)",
    ),
    _line(
        "speedup",
        r"speed-up at",
        "speed-up at 1,000 characters: 27.3x; identical output for the first 1000 characters",
        rf"speed-up at (?P<chars>{NUM}) characters: (?P<speedup>{NUM})x; "
        rf"identical output for the first (?P<identical_chars>{NUM}) characters",
    ),
    _line(
        "one_prompt",
        r"1 prompt:",
        "1 prompt:   200 characters in 0.10 s",
        rf"1 prompt:\s+(?P<chars>{NUM}) characters in (?P<seconds>{NUM}) s",
    ),
    _line(
        "many_prompts",
        r"[0-9][0-9,]* prompts:",
        "16 prompts: 3,200 characters in 0.30 s (3.0x the time for 16x the text)",
        rf"(?P<prompts>{NUM}) prompts:\s+(?P<chars>{NUM}) characters in (?P<seconds>{NUM}) s "
        rf"\((?P<time_ratio>{NUM})x the time for (?P<text_ratio>{NUM})x the text\)",
    ),
]
LINES_BY_KEY = {line.key: line for line in LINES}
_TEXT_FIELDS = {"device"}
_INT_FIELDS = {"steps", "chars", "identical_chars", "prompts"}


def number(text: str) -> float:
    """``"56,678"`` -> 56678.0; ``"0.45"`` -> 0.45."""
    value = float(text.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def stream_text(nb) -> str:
    """Everything the notebook printed (stdout and stderr streams), cell by cell.

    Consecutive stream outputs of one cell are joined without a separator, so a line that
    the kernel delivered in two pieces is whole again.
    """
    chunks = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        by_stream: dict[str, list[str]] = {}
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = out.get("text", "")
                by_stream.setdefault(out.get("name", "stdout"), []).append(
                    "".join(text) if isinstance(text, list) else text
                )
        chunks.extend("".join(parts) for parts in by_stream.values())
    return "\n".join(chunks)


def _lines(text: str) -> list[str]:
    # progress bars rewrite their line with carriage returns: treat "\r" as a line break too
    return re.split(r"\r\n|\r|\n", text)


def parse_text(text: str, notebook: str) -> dict:
    """Every benchmark number from a notebook's printed text; ``notebook`` names it in errors."""
    lines = _lines(text)
    found: dict[str, dict] = {}
    missing = []
    for spec in LINES:
        match = None
        for line in lines:
            m = spec.pattern.match(line)
            if m:
                match = m  # the last one counts
        if match is None:
            missing.append(spec)
            continue
        values = {}
        for name, raw in match.groupdict().items():
            if name in _TEXT_FIELDS:
                values[name] = raw.strip()
            else:
                value = number(raw)
                values[name] = int(value) if name in _INT_FIELDS else value
        found[spec.key] = values
    if missing:
        raise ParseError(_missing_message(notebook, missing, lines))
    _check(found, notebook)
    return found


def _missing_message(notebook: str, missing: list[Line], lines: list[str]) -> str:
    parts = []
    for spec in missing:
        near = [ln.strip() for ln in lines if spec.start.match(ln)]
        if near:
            parts.append(f"the line {near[-1]!r} does not have the expected form {spec.example!r}")
        else:
            parts.append(f"no line like {spec.example!r}")
    return (
        f"{notebook}: {'; '.join(parts)} in its output -- make the notebook print "
        f"{'this line' if len(missing) == 1 else 'these lines'} again in this form "
        f"(or update the pattern in benchmarks/parse.py)"
    )


def _check(found: dict, notebook: str) -> None:
    """Speeds of zero make the ratios meaningless: refuse them with a one-line message."""
    zero = [
        f"{key} {found[key]['chars_per_s']:g} characters/s"
        for key in ("training", "carrying", "refeeding")
        if found[key]["chars_per_s"] <= 0
    ]
    if found["training"]["steps"] < 1:
        zero.append("0 training steps")
    if zero:
        raise ParseError(
            f"{notebook}: the output reports {', '.join(zero)} -- rerun with a larger "
            "training budget (--budgets) or check the notebook's timing code"
        )


def parse_notebook(nb, notebook: str) -> dict:
    """``parse_text`` on an executed notebook (an ``nbformat`` node or a plain dict)."""
    return parse_text(stream_text(nb), notebook)


def summarise(found: dict) -> dict:
    """The parsed lines as the flat record that goes into the JSON report."""
    tr, va = found["training"], found["validation"]
    ca, re_, sp = found["carrying"], found["refeeding"], found["speedup"]
    one, many = found["one_prompt"], found["many_prompts"]
    return {
        "device": found["device"]["device"],
        "training": {
            "steps": tr["steps"],
            "seconds": tr["seconds"],
            "chars_per_s": tr["chars_per_s"],
            "epochs": tr["epochs"],
        },
        "validation": {
            "nats_per_char": va["nats_per_char"],
            "bits_per_char": va["bits_per_char"],
            "perplexity": va["perplexity"],
        },
        "generation": {
            "carrying": {
                "chars": ca["chars"],
                "seconds": ca["seconds"],
                "chars_per_s": ca["chars_per_s"],
            },
            "refeeding": {
                "chars": re_["chars"],
                "seconds": re_["seconds"],
                "chars_per_s": re_["chars_per_s"],
            },
            # computed from the two printed speeds; the notebook's own figure is kept beside it
            "carry_vs_refeed": ca["chars_per_s"] / re_["chars_per_s"],
            "printed_speedup": sp["speedup"],
            "identical_chars": sp["identical_chars"],
            "one_prompt": {"chars": one["chars"], "seconds": one["seconds"]},
            "many_prompts": {
                "prompts": many["prompts"],
                "chars": many["chars"],
                "seconds": many["seconds"],
            },
            # the notebook prints this ratio from unrounded times: more precise than seconds/seconds
            "many_vs_one_time": many["time_ratio"],
        },
    }
