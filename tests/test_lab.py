"""The lab's starter notebook is generated from the solution and must stay in step with it."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_starter", ROOT / "lab" / "make_starter.py")
make_starter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_starter)


def test_starter_is_up_to_date():
    assert make_starter.main(["--check"]) == 0, "run: python lab/make_starter.py"


def test_starter_has_todos_where_the_solution_has_answers():
    solution = json.loads(make_starter.SOLUTION.read_text(encoding="utf-8"))
    starter = json.loads(make_starter.STARTER.read_text(encoding="utf-8"))
    sol_src = ["".join(c["source"]) for c in solution["cells"] if c["cell_type"] == "code"]
    sta_src = ["".join(c["source"]) for c in starter["cells"] if c["cell_type"] == "code"]
    blocks = sum(s.count("# SOLUTION START:") for s in sol_src)
    assert blocks >= 5
    assert sum(s.count("raise NotImplementedError") for s in sta_src) == blocks
    assert not any("# SOLUTION" in s for s in sta_src)
    assert all(not c.get("outputs") for c in starter["cells"] if c["cell_type"] == "code")
    assert len(starter["cells"]) == len(solution["cells"])


def test_strip_solution_keeps_indentation():
    src = "def f():\n    # SOLUTION START: add one\n    return x + 1\n    # SOLUTION END\n"
    assert make_starter.strip_solution(src) == (
        'def f():\n    # TODO: add one\n    raise NotImplementedError("TODO: add one")\n'
    )


def test_unclosed_marker_is_an_error():
    import pytest

    with pytest.raises(ValueError, match="has no '# SOLUTION END'"):
        make_starter.strip_solution("# SOLUTION START: x\ny = 1\n")
