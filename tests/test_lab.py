"""The lab's starter notebook is the assignment, generated from the worked solution.

* the starter is in step with the solution (make_starter.py), has the five TODO stubs of the required
  part, each followed by a self-check, and its own introduction;
* run in quick mode, the solution's code with any one stub in place raises NotImplementedError in
  that stub's cell instead of carrying on, no stub cell reuses a name defined before it, and each
  self-check fails (AssertionError) on every typical mistake listed in MISTAKES, at least two per
  stub; the functions the starter gives whole keep self-checks that catch their typical mistakes too;
* the verdict is printed as ``words - characters: X ± Y bits/char (95 % interval over N blocks)``
  and ``verdict: ...``, as the interval says;
* without the lesson's checkpoint the lab stops at once with a one-line error;
* every interval ``X ± Y`` and the verdict that the worked solution's prose quotes are printed by its
  stored outputs (nothing typed in by hand that the run does not show).
"""

import math
import re

import pytest
from support import load_module, run_lab_with_mistakes, sources
from support import load_notebook as load

make_starter = load_module("lab/make_starter.py")
STUBS = ["min_freq_table", "forward", "nats_and_bits", "bootstrap_difference", "generate_words"]
GIVEN = ["token_losses", "train_step", "span_sums"]  # given whole in the starter, self-checked all the same


def code_sources(nb):
    return sources(nb, "code")


def markdown_sources(nb):
    return sources(nb, "markdown")


# -- the starter as a document ------------------------------------------------------------------
def test_starter_is_up_to_date():
    assert make_starter.main(["--check"]) == 0, "run: python lab/make_starter.py"


def test_starter_has_todos_where_the_solution_has_answers():
    solution, starter = load(make_starter.SOLUTION), load(make_starter.STARTER)
    sol_src, sta_src = code_sources(solution), code_sources(starter)
    blocks = sum(s.count("# SOLUTION START:") for s in sol_src)
    assert blocks == len(STUBS)
    assert sum(s.count("raise NotImplementedError") for s in sta_src) == blocks
    assert not any("# SOLUTION" in s for s in sta_src)
    assert all(not c.get("outputs") for c in starter["cells"] if c["cell_type"] == "code")
    assert len(starter["cells"]) == len(solution["cells"])


def test_every_stub_is_followed_by_a_self_check():
    for source in code_sources(load(make_starter.STARTER)):
        pieces = source.split("raise NotImplementedError")
        for after in pieces[1:]:
            check = after.split("# Self-check", 1)
            assert len(check) == 2, f"no '# Self-check' after a stub in:\n{source[:300]}"
            assert "\nassert " in check[1], f"the self-check after a stub has no assert:\n{source[:300]}"


def test_starter_speaks_as_the_starter():
    starter_md = markdown_sources(load(make_starter.STARTER))
    # what the solution shows: its markdown without the starter's hidden blocks
    solution_md = [make_starter.MD_STARTER.sub("", s) for s in markdown_sources(load(make_starter.SOLUTION))]
    assert "starter" in starter_md[0] and "worked solution)" not in starter_md[0]
    assert "This is your notebook" in starter_md[0] and "TEXTGEN_QUICK=1" in starter_md[0]
    assert "worked solution" in solution_md[0] and "This is your notebook" not in solution_md[0]
    assert not any("<!--" in s for s in starter_md), "no markers left in the starter's markdown"
    # the student writes the comparison paragraph; the TODOs are numbered 1, 2, ... in order
    own_words = [s for s in starter_md if "TODO (your words)" in s]
    assert len(own_words) == 1 and "100 words" in own_words[0]
    numbered = [int(n) for s in starter_md for n in re.findall(r"\*\*TODO (\d+)\.\*\*", s)]
    assert numbered == list(range(1, len(STUBS) + 1)), numbered


def test_strip_solution_keeps_indentation():
    src = "def f():\n    # SOLUTION START: add one\n    return x + 1\n    # SOLUTION END\n"
    assert make_starter.strip_solution(src) == (
        'def f():\n    # TODO: add one\n    raise NotImplementedError("TODO: add one")\n'
    )


def test_unbalanced_markers_are_errors():
    with pytest.raises(ValueError, match="has no '# SOLUTION END'"):
        make_starter.strip_solution("# SOLUTION START: x\ny = 1\n")
    with pytest.raises(ValueError, match="without a '# SOLUTION START"):
        make_starter.strip_solution("y = 1\n# SOLUTION END\n")
    with pytest.raises(ValueError, match="unbalanced"):
        make_starter.starter_markdown("<!-- SOLUTION START -->\nanswer\n")


def test_markdown_blocks_swap():
    source = ("# Title\n<!-- SOLUTION START -->\nThe answer is 42.\n<!-- SOLUTION END -->\n"
              "<!-- STARTER\n**TODO:** your answer.\n-->\nAfter.")
    assert make_starter.starter_markdown(source) == "# Title\n**TODO:** your answer.\nAfter."


def test_the_worked_solution_quotes_only_what_its_run_printed():
    solution = load(make_starter.SOLUTION)
    printed = "".join("".join(o.get("text", "")) for c in solution["cells"] if c["cell_type"] == "code"
                      for o in c.get("outputs", []))
    pair = re.compile(r"([+-]?\d+\.\d+) ± (\d+\.\d+)")
    shown = set(pair.findall(printed))
    quoted = [(p, text[:60]) for text in markdown_sources(solution) for p in pair.findall(text)]
    assert quoted, "the example paragraph states the interval"
    for p, where in quoted:
        assert p in shown, f"the prose quotes {p[0]} ± {p[1]}, which no stored output prints (in: {where!r})"
    verdicts = set(re.findall(r"verdict \*\*(words|characters|tie)\*\*", "".join(markdown_sources(solution))))
    assert verdicts and all(f"verdict: {v}" in printed for v in verdicts), "the example states the printed verdict"


# -- the solution's code, run with the stubs in place --------------------------------------------
# The typical mistakes of each stub: (text in the solution cell, what a student might write instead), or a
# list of such pairs for a mistake that changes several places.
# Each one, written into the solution, must make that cell's self-check fail with an AssertionError.
MISTAKES = {
    "min_freq_table": [
        ("WordVocab.build(train_tokens, min_freq=min_freq)",
         "WordVocab.build(train_tokens + held_out_tokens, min_freq=min_freq)"),  # held-out text in the vocabulary
        ("WordVocab.build(train_tokens, min_freq=min_freq)", "WordVocab.build(train_tokens)"),  # min_freq ignored
        ("1.0 - vocab.coverage(held_out_tokens)", "vocab.coverage(held_out_tokens)"),  # the share kept, not lost
    ],
    "forward": [
        ("self.lstm(self.drop(self.embed(ids)), state)", "self.lstm(self.drop(self.embed(ids)))"),  # state dropped
        ("self.head(self.drop(out))", "self.head(out)"),  # no dropout on the LSTM output
        [("self.lstm(self.drop(self.embed(ids)), state)", "self.lstm(self.drop(self.drop(self.embed(ids))), state)"),
         ("self.head(self.drop(out))", "self.head(out)")],  # both dropouts on the input, none on the output
    ],
    "token_losses": [
        ("    model.eval()\n    pieces", "    pieces"),  # scored with dropout on
        ("np.concatenate(pieces, axis=1)", "np.concatenate(pieces, axis=0)"),  # batches stacked: wrong order
        ("model(torch.from_numpy(x).to(device), state)", "model(torch.from_numpy(x).to(device))"),  # state reset
        ("    model.train(was_training)\n", ""),  # the model left in eval mode
        ("seq_len, keep_last=True)", "seq_len)"),  # the short last batch never scored
    ],
    "train_step": [
        ("    opt.zero_grad(set_to_none=True)\n", ""),  # gradients add up over steps
        ("    nn.utils.clip_grad_norm_(model.parameters(), clip_norm)\n", ""),  # no clipping
        ("return loss.item(), tuple(s.detach() for s in state)", "return loss.item(), state"),  # state not detached
        ("    opt.step()\n", ""),  # no optimiser step
    ],
    "nats_and_bits": [
        ("token_chars[scored].sum() / math.log(2)", "token_chars[scored].sum()"),  # nats, not bits
        ("total / token_chars[scored].sum() / math.log(2)",
         "np.mean(token_nats[scored] / token_chars[scored]) / math.log(2)"),  # a mean of ratios
        ("token_chars[scored].sum() / math.log(2)", "token_chars.sum() / math.log(2)"),  # unscored characters counted
    ],
    "span_sums": [
        ("char_values[a:b].sum()", "np.nansum(char_values[a:b])"),  # NaN hidden
        ("char_values[a:b].sum()", "char_values[a : b + 1].sum()"),  # one character too many
    ],
    "bootstrap_difference": [
        ("- char[drawn].sum(axis=1)", "- char[rng.integers(n_blocks, size=drawn.shape)].sum(axis=1)"),  # unpaired
        ("(word[drawn].sum(axis=1) - char[drawn].sum(axis=1)) / chars[drawn].sum(axis=1)",
         "((word[drawn] - char[drawn]) / chars[drawn]).mean(axis=1)"),  # a mean of per-block ratios per resample
        ("rng.integers(n_blocks, size=(n_resamples, n_blocks))",
         "np.array([rng.permutation(n_blocks) for _ in range(n_resamples)])"),  # drawn without replacement
        ("blocks = np.array_split(np.arange(len(token_chars)), n_blocks)",  # single tokens drawn, not blocks:
         "blocks, n_blocks = np.array_split(np.arange(len(token_chars)), len(token_chars)), len(token_chars)"),
        ("1.96 * resampled.std()", "1.96 * ((word - char) / chars / math.log(2)).std()"),  # spread of single blocks
        ("chars.sum() / math.log(2)", "chars.sum()"),  # nats, not bits
    ],
    "generate_words": [
        ("model(torch.tensor([[out[-1]]], device=device), state)",
         "model(torch.tensor([[out[-1]]], device=device))"),  # state not fed back
        ("torch.from_numpy(ids).to(device)[None]", "torch.from_numpy(ids[-1:]).to(device)[None]"),  # no warm-up
        ("choose(logits[0, -1]", "choose(logits[0, 0]"),  # the first position's logits, not the last
    ],
}


def write_standin_char_checkpoint(path):
    """A small untrained character model in the lesson's checkpoint format, with its validation loss
    computed the lesson's way (64 x 256 contiguous batches, state carried)."""
    import torch
    import torch.nn.functional as F

    import textgen
    from textgen.models import CharLSTM

    train_text, val_text = textgen.split_text(textgen.load_corpus(), val_fraction=0.1)
    vocab = textgen.CharVocab.build(train_text)
    torch.manual_seed(0)
    config = {"embed_dim": 16, "hidden_size": 32, "dropout": 0.0}
    model = CharLSTM(len(vocab), **config).eval()
    total, count, state = 0.0, 0, None
    with torch.inference_mode():
        for x, y in textgen.ContiguousBatches(vocab.encode(val_text, allow_unknown=True), 64, 256, keep_last=True):
            logits, state = model(torch.from_numpy(x), state)
            targets = torch.from_numpy(y).reshape(-1)
            total += F.cross_entropy(logits.reshape(-1, len(vocab)), targets, reduction="sum").item()
            count += y.size
    textgen.save_checkpoint(path, {"model_state": model.state_dict(), "vocab": vocab.to_dict(), "config": config,
                "history": {"step": [], "train": [], "val_step": [0], "val": [total / count]}, "step": 0,
                "val_loss": total / count,
                "trained": textgen.training_record(quick=True, steps=0, val_loss=total / count, seconds=0.0)})


def test_the_lab_runs_alone_on_the_shipped_weights_and_says_so(lab_env, capsys, monkeypatch, tmp_path):
    import textgen

    setup = code_sources(load(make_starter.SOLUTION))[0]
    ns = {"__name__": "__main__"}
    exec(compile(setup, "setup cell", "exec"), ns)  # no lesson run in this checkpoint folder
    assert ns["CHAR_CHECKPOINT"] == textgen.run.SHIPPED_DIR / "char_lstm_torch.pt"
    assert "lesson weights: pretrained/char_lstm_torch.pt (shipped with the module" in capsys.readouterr().out
    monkeypatch.setattr(textgen.run, "SHIPPED_DIR", tmp_path / "no-such-folder")
    with pytest.raises(FileNotFoundError) as info:
        exec(compile(setup, "setup cell", "exec"), {"__name__": "__main__"})
    message = str(info.value)
    assert "\n" not in message and "pretrained" in message and "git checkout -- pretrained" in message


@pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")
def test_each_stub_raises_and_each_self_check_catches_its_mistakes(lab_env, capsys, monkeypatch):
    import re

    import textgen

    shipped = lab_env.parent / "shipped"  # a small stand-in for the lesson's weights: fast to score
    write_standin_char_checkpoint(shipped / "char_lstm_torch.pt")
    monkeypatch.setattr(textgen.run, "SHIPPED_DIR", shipped)
    mistakes = {name: {repr(entry): entry if isinstance(entry, list) else [entry] for entry in entries}
                for name, entries in MISTAKES.items()}  # an entry: one (right, wrong) pair, or a list of them
    ns, stubs, missed = run_lab_with_mistakes(code_sources(load(make_starter.SOLUTION)),
                                              code_sources(load(make_starter.STARTER)), mistakes)
    assert stubs == STUBS and sorted(MISTAKES) == sorted(STUBS + GIVEN), stubs
    assert not missed, "self-checks that pass on a typical mistake:\n" + "\n".join(missed)
    assert all(len(MISTAKES[name]) >= 2 for name in stubs), "at least two typical mistakes per stub"

    # the run wrote the word model's checkpoint where textgen says, with its training record
    ckpt = textgen.load_checkpoint(lab_env / "quick" / "word_lstm_torch.pt")
    record = ckpt["trained"]
    assert record["mode"] == "quick" and record["unit"] == "token"
    assert record["steps"] == record["planned_steps"] == ns["CONFIG"]["steps"]
    assert not record["stopped_early"] and math.isclose(record["val_loss"], ckpt["val_loss"])
    assert ckpt["config"]["min_freq"] == ns["MIN_FREQ"] and ckpt["vocab"]["kind"] == "word"
    # the verdict is printed in the agreed format, and it is the one the interval gives
    printed = re.search(r"^words - characters: ([+-]\d+\.\d{3}) ± (\d+\.\d{3}) bits/char "
                        r"\(95 % interval over (\d+) blocks\)\nverdict: (words|characters|tie)$",
                        capsys.readouterr().out, re.M)
    assert printed, "the verdict lines are missing or not in the agreed format"
    difference, half_width = ns["intervals"][ns["HEADLINE"]]
    assert printed[1] == f"{difference:+.3f}" and printed[2] == f"{half_width:.3f}"
    assert int(printed[3]) == ns["CONFIG"]["n_blocks"]
    assert printed[4] == ("tie" if abs(difference) <= half_width else "words" if difference < 0 else "characters")
