"""Lab 2 (translating dates): the starter is the assignment, generated from the worked solution.

* the starter is in step with the solution (lab/make_starter.py), has its three TODO stubs, each
  followed by a self-check, its own introduction, questions where the solution explains a result,
  and none of the solution's explanations; the graded questions are asked in place, in order,
  word for word as lab/README.md asks them, with their points;
* run in quick mode (with a smaller training set and budget, to keep the test short), the
  solution's code with any one stub in place raises NotImplementedError in that stub's cell, no stub
  cell reuses a name defined before it, and each self-check catches the typical mistakes listed in
  MISTAKES (also those of the functions the starter gives whole);
* the stored full-mode run keeps the lab's promises: exact match >= 99.5 % over all held-out dates
  and >= 98 % for every format, and the lines the lab's questions refer to are printed.
"""

import re

import pytest
from support import load_module, run_lab_with_mistakes, sources
from support import load_notebook as load

make_starter = load_module("lab/make_starter.py")

SOLUTION, STARTER = make_starter.DATE_SOLUTION, make_starter.DATE_STARTER
STUBS = ["forward", "decode", "exact_match"]
GIVEN = ["read_numeric", "cosine_similarity", "linear_probe"]  # given whole in the starter, self-checked all the same



def outputs(nb):
    return "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))


# -- the starter as a document ------------------------------------------------------------------
def test_both_starters_are_up_to_date():
    assert make_starter.main(["--check"]) == 0, "run: python lab/make_starter.py"
    assert (SOLUTION, STARTER) in make_starter.PAIRS
    assert (make_starter.SOLUTION, make_starter.STARTER) in make_starter.PAIRS  # the word lab's pair


def test_starter_has_a_todo_and_a_self_check_where_the_solution_has_an_answer():
    solution, starter = load(SOLUTION), load(STARTER)
    sol_code, sta_code = sources(solution, "code"), sources(starter, "code")
    blocks = sum(s.count("# SOLUTION START:") for s in sol_code)
    assert blocks == len(STUBS)
    assert sum(s.count("raise NotImplementedError") for s in sta_code) == blocks
    assert not any("# SOLUTION" in s for s in sta_code)
    code_cells = [c for c in starter["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c["execution_count"] is None for c in code_cells)
    assert len(starter["cells"]) == len(solution["cells"])
    numbered = [int(n) for s in sources(solution, "markdown") for n in re.findall(r"\*\*TODO (\d+)\.\*\*", s)]
    assert numbered == list(range(1, blocks + 1)), "the markdown introduces TODO 1, 2, ... in order"
    for source in sta_code:
        for after in source.split("raise NotImplementedError")[1:]:
            check = after.split("# Self-check", 1)
            assert len(check) == 2, f"no '# Self-check' after a stub in:\n{source[:300]}"
            assert "\nassert " in check[1], f"the self-check after a stub has no assert:\n{source[:300]}"


def test_starter_speaks_as_the_starter_and_keeps_the_answers_out_of_the_way():
    solution_md, starter_md = sources(load(SOLUTION), "markdown"), sources(load(STARTER), "markdown")
    shown = [make_starter.MD_STARTER.sub("", s) for s in solution_md]  # what the solution shows
    assert "(starter, PyTorch)" in starter_md[0] and "worked solution, PyTorch" not in starter_md[0]
    assert "This is your notebook" in starter_md[0] and "TEXTGEN_QUICK=1" in starter_md[0]
    assert "worked solution" in shown[0] and "This is your notebook" not in shown[0]
    assert not any("<!--" in s for s in starter_md), "no markers left in the starter's markdown"
    # the graded questions (at most ten) are asked in place, each in its own cell with room for the answer,
    # in order, all before the end of the required part; they and their points are README's
    readme = (SOLUTION.parent / "README.md").read_text(encoding="utf-8").split("# Lab 2")[1]
    graded = readme.split("## Questions")[1].split("\n### ")[0]
    listed = re.findall(r"^(\d+)\. \*\*([^*]+)\*\* \((\d+) points?[^)]*\)\. (.*?)\n\n", graded, re.M | re.S)
    total = int(re.search(r"graded questions \((\d+) of the 30 points\)", graded)[1])
    assert 5 <= len(listed) <= 10 and sum(int(p) for _, _, p, _ in listed) == total
    asked = [(i, re.match(r"\*\*Question (\d+) \((\d+) points?\): ", s)) for i, s in enumerate(starter_md)]
    asked = [(i, int(m[1]), int(m[2])) for i, m in asked if m]
    assert [n for _, n, _ in asked] == list(range(1, len(listed) + 1)), "the questions in order, each in its own cell"
    assert all(starter_md[i].rstrip().endswith("*Your answer:*") for i, _, _ in asked), "room for each answer"
    end = next(i for i, s in enumerate(starter_md) if s.startswith("## End of the required part"))
    going_further = next(i for i, s in enumerate(starter_md) if s.startswith("## Going further"))
    assert asked[-1][0] < end == going_further - 1, "the required part ends after the last question"
    assert "*Your answer:*" not in "".join(starter_md[end:]) and "Question" not in "".join(starter_md[end + 1:])
    assert f"({total} of the 30 points)" in starter_md[end]
    assert [(n, p) for _, n, p in asked] == [(int(n), int(p)) for n, _, p, _ in listed], "the points are README's"
    for (i, n, _), (_, title, _, text) in zip(asked, listed):
        words = " ".join(starter_md[i].split())
        assert title in words and " ".join(text.split()) in words, f"question {n} is not asked as README asks it"
    assert "150 words" in starter_md[asked[5][0]]  # question 6, rules or network
    # every explanation of a result in the solution is a question in the starter, not a copy
    explained = [m.group(0) for s in solution_md for m in make_starter.MD_SOLUTION.finditer(s)]
    assert len(explained) >= 10
    starter_text = "\n".join(starter_md)
    for block in explained:
        body = block.replace("<!-- SOLUTION START -->", "").replace("<!-- SOLUTION END -->", "").strip()
        for sentence in re.split(r"(?<=[.!?])\s+", body):
            if len(sentence) > 60:
                assert sentence not in starter_text, f"the starter gives away: {sentence[:80]}..."


def test_the_stored_run_keeps_the_promises():
    text = outputs(load(SOLUTION))
    exact = re.search(r"^exact match: (\d+\.\d) % of ([\d,]+) held-out dates$", text, re.M)
    assert exact and float(exact[1]) >= 99.5 and int(exact[2].replace(",", "")) >= 2000
    lowest = re.search(r"^lowest per format: (\d+\.\d) %", text, re.M)
    assert lowest and float(lowest[1]) >= 98.0
    assert re.search(r"^rule-based parser: \d+\.\d % of [\d,]+ held-out dates$", text, re.M)
    three_ways = r": \d+\.\d % right, \d+\.\d % refused, \d+\.\d % wrong of [\d,]+$"
    for label in ("rules, clean", "rules, noisy", "network, noisy"):
        assert re.search("^" + label + three_ways, text, re.M), f"no three-way score for {label}"
    assert re.search(r"^mistakes never trained on: network \d+\.\d % right, rules \d+\.\d % right of [\d,]+$",
                     text, re.M)
    ks = [int(k) for k in re.findall(r"^bottleneck (\d+): \d+\.\d ± \d+\.\d % exact over \d+ seeds", text, re.M)]
    seeds = re.findall(r"^bottleneck \d+: .* over (\d+) seeds", text, re.M)
    assert len(ks) >= 4 and ks == sorted(ks) and all(int(s) >= 3 for s in seeds), (ks, seeds)
    assert re.search(r"^untrained encoder: year \d+\.\d %, month \d+\.\d %, day \d+\.\d %$", text, re.M)
    assert len(re.findall(r"^unseen years \d{4}-\d{4}: \d+\.\d % exact", text, re.M)) == 2
    assert re.search(r"^dates typed by hand: network \d+ of \d+ right$", text, re.M)


def test_strip_solution_and_markdown_blocks_still_work():
    assert make_starter.strip_solution("x = 1\n    # SOLUTION START: do it\n    y = 2\n    # SOLUTION END\n") == (
        'x = 1\n    # TODO: do it\n    raise NotImplementedError("TODO: do it")\n'
    )
    source = "A\n<!-- SOLUTION START -->\nanswer\n<!-- SOLUTION END -->\n<!-- STARTER\nquestion\n-->\nB"
    assert make_starter.starter_markdown(source) == "A\nquestion\nB"


# -- the solution's code, run with the stubs in place --------------------------------------------
# Typical mistakes per stub: each is a list of (text in the solution cell, what a student might write
# instead); every replacement of a mistake is applied, to every occurrence.
MISTAKES = {
    "forward": {
        "the padding is read": [("packed = pack_padded_sequence(self.embed(ids), lengths.cpu(), batch_first=True, "
                                 "enforce_sorted=False)", "packed = self.embed(ids)")],
        "the outputs are returned": [("_, state = self.lstm(packed)", "state, _ = self.lstm(packed)")],
    },
    "decode": {
        "the state is not carried": [("logits, state = decoder(token, state)", "logits, _ = decoder(token, state)")],
        "stops when any row has ended": [(".any(axis=1).all()", ".any(axis=1).any()")],
        "records the top probability": [("textgen.probabilities(logits)[np.arange(n), written[:, t]]",
                                         "textgen.probabilities(logits).max(axis=1)")],
        "the character is not fed back": [("token = torch.from_numpy(written[:, t : t + 1]).to(device)", "pass")],
        "the probability at the wrong position": [("[np.arange(n), written[:, t]]", "[np.arange(n), written[:, 0]]")],
    },
    "exact_match": {
        "only the first ten characters compared": [("a == t for a, t", "a[:10] == t[:10] for a, t")],
        "characters counted instead of answers": [
            ("np.mean([a == t for a, t in zip(answers, truths, strict=True)])",
             "np.mean([np.mean([x == y for x, y in zip(a, t)]) for a, t in zip(answers, truths)])")],
    },
    "read_numeric": {
        "the conventions swapped": [('if separator == "/"', 'if separator == "."')],
        "padded numbers only": [(r"(\d{1,2})\s*([./])\s*(\d{1,2})", r"(\d{2})\s*([./])\s*(\d{2})")],
        "any separator": [(r"\s*\2\s*", r"\s*[./]\s*")],
    },
    "cosine_similarity": {
        "the mean of each row removed": [("Z - Z.mean(axis=0)", "Z - Z.mean(axis=1, keepdims=True)")],
        "the mean never removed": [("if remove_mean:", "if False:")],
        "dot products, not cosines": [("Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)", "pass")],
    },
    "linear_probe": {
        "no constant term": [("np.ones(", "np.zeros(")],
        "classes regressed as numbers and rounded": [
            ("targets = y_fit if classes is None else", "targets = y_fit if True else"),
            ("np.asarray(classes)[outputs.argmax(axis=1)]", "np.round(outputs)")],
    },
}
SMALLER = dict(n_train=20_000, n_heldout=1_008, max_steps=10, early_step=5, eval_every=5, capacity_steps=2,
               new_mistake_steps=2, caption_steps=2)


@pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")
def test_each_stub_raises_and_each_self_check_catches_the_typical_mistakes(lab_env):
    import textgen

    def smaller_after_config(i, ns):  # once CONFIG exists: a smaller data set and budget, the same code, sooner
        if "CONFIG" in ns and not SMALLER.items() <= ns["CONFIG"].items():
            ns["CONFIG"].update(SMALLER)

    ns, stubs, missed = run_lab_with_mistakes(sources(load(SOLUTION), "code"), sources(load(STARTER), "code"),
                                              MISTAKES, after_cell=smaller_after_config)
    assert not missed, "self-checks that pass on a typical mistake:\n" + "\n".join(missed)
    assert stubs == STUBS and sorted(MISTAKES) == sorted(STUBS + GIVEN), stubs

    # the run wrote the translator's checkpoint where textgen says, with its training record
    ckpt = textgen.load_checkpoint(lab_env / "quick" / "date_translator_torch.pt")
    record = ckpt["trained"]
    assert record["mode"] == "quick" and record["steps"] == record["planned_steps"] == SMALLER["max_steps"]
    assert ns["capacity"].keys() == set(ns["CONFIG"]["bottlenecks"])
    assert all(len(v) == len(ns["CONFIG"]["capacity_seeds"]) for v in ns["capacity"].values())
    # the rules are scored on the same held-out dates and read every one of them
    assert ns["rule_correct"].mean() == 1.0 and len(ns["rule_correct"]) == ns["CONFIG"]["n_heldout"]
