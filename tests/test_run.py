"""textgen.run: switches, seeds, files, checkpoints (saved and loaded safely), training records
and the learning-rate schedule (the number checks: tests/test_checks.py)."""

import json
import math
import os
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

import textgen
import textgen.run
from textgen import read_settings, set_seed
from textgen.run import Settings, atomic_write

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Switches, seeds and files

def test_settings_from_environment():
    s = read_settings({"TEXTGEN_QUICK": "1", "TEXTGEN_CORPUS": "/x.txt", "TEXTGEN_TRAIN_SECONDS": "60"})
    assert (s.quick, s.corpus, s.pretrained, s.train_seconds) == (True, Path("/x.txt"), None, 60.0)
    assert read_settings({}) == Settings()
    assert (read_settings({}).checkpoint_dir, read_settings({}).data_dir) == (ROOT / "checkpoints", ROOT / "data")
    assert "quick" in s.describe() and "60 s" in s.describe()


def test_paths_expand_the_home_folder_and_start_at_the_repository():
    home = read_settings({"TEXTGEN_DATA_DIR": "~/x", "TEXTGEN_CHECKPOINT_DIR": "~/ckpt"})
    assert home.data_dir == Path.home() / "x" and home.checkpoint_dir == Path.home() / "ckpt"
    # a relative path means the same folder to the lesson (at the top) and the labs (in lab/)
    relative = {"TEXTGEN_CHECKPOINT_DIR": "my-models", "TEXTGEN_CORPUS": "texts/book.txt"}
    here = os.getcwd()
    try:
        os.chdir(ROOT / "lab")
        from_lab = read_settings(relative)
    finally:
        os.chdir(here)
    assert from_lab.checkpoint_dir == read_settings(relative).checkpoint_dir == ROOT / "my-models"
    assert from_lab.corpus == ROOT / "texts" / "book.txt"


def test_the_data_folder_is_made_where_the_switch_says(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TEXTGEN_DATA_DIR", "~/corpora")
    from textgen.data import data_dir

    assert data_dir() == tmp_path / "corpora" and (tmp_path / "corpora").is_dir()
    assert not (ROOT / "~").exists()


@pytest.mark.parametrize("env,msg", [
    ({"TEXTGEN_QUICK": "maybe"}, "TEXTGEN_QUICK='maybe' is not understood"),
    ({"TEXTGEN_TRAIN_SECONDS": "-5"}, "must be a positive number of seconds"),
    ({"TEXTGEN_TRAIN_SECONDS": "soon"}, "must be a positive number of seconds"),
    ({"TEXTGEN_TRAIN_SECONDS": "nan"}, "must be a positive number of seconds"),
])
def test_bad_settings(env, msg):
    with pytest.raises(ValueError, match=msg):
        read_settings(env)


def test_set_seed_repeats_numpy():
    import numpy as np

    assert set_seed(3)[:2] == ["python", "numpy"]
    a = np.random.rand(3)
    set_seed(3)
    assert (a == np.random.rand(3)).all()


def crash(p):
    """A writer that fails half-way, like a full disk."""
    p.write_text("half")
    raise RuntimeError("disk full")


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "ckpt.pt"
    atomic_write(target, lambda p: p.write_text("v1"))
    assert target.read_text() == "v1"

    with pytest.raises(RuntimeError):
        atomic_write(target, crash)
    assert target.read_text() == "v1"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["ckpt.pt"]


def test_atomic_write_two_writers_at_once(tmp_path):
    # Both writers are inside write() at the same moment; each must finish with its own whole
    # file, the survivor must be one of the two complete contents, and no temporary file remains.
    target = tmp_path / "model.keras"
    both_writing = threading.Barrier(2, timeout=10)
    contents = {name: name * 50_000 for name in ("A", "B")}
    errors, temp_names = [], []

    def writer(name):
        def write(tmp):
            temp_names.append(tmp.name)
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(contents[name][:25_000])
                f.flush()
                both_writing.wait()
                f.write(contents[name][25_000:])

        try:
            atomic_write(target, write)
        except Exception as err:  # collected: an exception in a thread would otherwise be lost
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(name,)) for name in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert target.read_text(encoding="utf-8") in contents.values()
    assert len(set(temp_names)) == 2 and all(n.endswith(".keras") for n in temp_names)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["model.keras"]


def test_atomic_write_cleanup_spares_other_files(tmp_path):
    # A failing writer removes only its own temporary file, not one that looks like it.
    target = tmp_path / "ckpt.pt"
    other = tmp_path / ".ckpt.partial.pt"  # the name the first version of atomic_write used
    other.write_text("another program's half-written file")

    with pytest.raises(RuntimeError):
        atomic_write(target, crash)
    assert other.read_text() == "another program's half-written file"
    assert sorted(x.name for x in tmp_path.iterdir()) == [".ckpt.partial.pt"]


def test_atomic_write_syncs_the_file_before_renaming(tmp_path, monkeypatch):
    events = []
    monkeypatch.setattr(textgen.run.os, "fsync", lambda fd: events.append("fsync"))
    real_replace = textgen.run.os.replace
    monkeypatch.setattr(
        textgen.run.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))
    )
    atomic_write(tmp_path / "x.txt", lambda p: p.write_text("data"))
    assert events[:2] == ["fsync", "replace"]
    assert (tmp_path / "x.txt").read_text() == "data"


def test_pretrained_checkpoint_file_or_folder(tmp_path):
    (tmp_path / "char_lstm_torch.pt").write_bytes(b"x")
    folder = read_settings({"TEXTGEN_PRETRAINED": str(tmp_path)})
    assert folder.pretrained_checkpoint("char_lstm_torch.pt") == tmp_path / "char_lstm_torch.pt"
    single = read_settings({"TEXTGEN_PRETRAINED": str(tmp_path / "char_lstm_torch.pt")})
    assert single.pretrained_checkpoint("anything.keras") == tmp_path / "char_lstm_torch.pt"
    expected = r"pretrained checkpoint not found: .*word_lstm_torch.pt -- run the notebook once"
    with pytest.raises(FileNotFoundError, match=expected):
        folder.pretrained_checkpoint("word_lstm_torch.pt")


# ---------------------------------------------------------------------------------------------
# Checkpoint paths and training records


def test_quick_and_full_mode_never_share_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path))
    full, quick = textgen.checkpoint_path("m.pt", quick=False), textgen.checkpoint_path("m.pt", quick=True)
    assert full == tmp_path / "m.pt" and quick == tmp_path / "quick" / "m.pt"


def test_without_the_variable_checkpoints_live_in_the_repository(monkeypatch):
    monkeypatch.delenv("TEXTGEN_CHECKPOINT_DIR", raising=False)
    assert textgen.checkpoint_path("m.pt", quick=False) == ROOT / "checkpoints" / "m.pt"


def test_record_and_its_description():
    record = textgen.training_record(quick=False, steps=1200, planned_steps=2000, val_loss=1.5, seconds=61.24,
                                     device="cpu")
    assert record["mode"] == "full" and record["stopped_early"] and record["seconds"] == 61.2
    line = textgen.describe_record(record)
    assert "full mode: 1,200 steps of 2,000 planned (stopped early" in line and "validation 1.500 nats/char" in line
    done = textgen.training_record(quick=True, steps=40, val_loss=3.1, seconds=7, unit="token")
    assert not done["stopped_early"] and done["planned_steps"] == 40
    assert textgen.describe_record(done).endswith("validation 3.100 nats/token")
    assert "no training record" in textgen.describe_record(None)


@pytest.mark.parametrize("bad", [dict(steps=-1), dict(steps=2.5), dict(steps=True), dict(val_loss=math.nan),
                                 dict(seconds=math.nan), dict(seconds=math.inf), dict(planned_steps=False)])
def test_record_refuses_nonsense(bad):
    # steps=True and seconds=nan used to pass (and nan then wrote invalid JSON)
    args = dict(quick=False, steps=10, val_loss=1.0, seconds=1.0) | bad
    with pytest.raises(ValueError, match="must be a (whole|finite) number"):
        textgen.training_record(**args)


def test_record_takes_numpy_numbers_and_stays_plain_json():
    record = textgen.training_record(quick=False, steps=np.int64(2000), planned_steps=np.int32(2000),
                                     val_loss=np.float32(1.5), seconds=np.float64(300.04))
    assert type(record["steps"]) is int and type(record["val_loss"]) is float
    assert json.loads(json.dumps(record, allow_nan=False)) == record


def test_instructor_mode_warns_about_quick_and_capped_models(capsys):
    quick = textgen.training_record(quick=True, steps=40, val_loss=3.0, seconds=5)
    with pytest.warns(UserWarning, match="not a full-mode checkpoint"):
        textgen.run.announce_pretrained("m.pt", quick)
    assert "skipping training: using the weights in m.pt" in capsys.readouterr().out
    capped = textgen.training_record(quick=False, steps=10, planned_steps=20, val_loss=2.0, seconds=5)
    with pytest.warns(UserWarning, match="stopped early"):
        textgen.run.announce_pretrained("m.pt", capped)
    with pytest.warns(UserWarning, match="not a full-mode checkpoint"):
        textgen.run.announce_pretrained("old.pt", None)
    full = textgen.training_record(quick=False, steps=20, val_loss=1.5, seconds=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        textgen.run.announce_pretrained("m.pt", full)  # a full model: no warning


# ---------------------------------------------------------------------------------------------
# Saving and loading checkpoints: loading never runs code


class Payload:
    """What a crafted checkpoint carries: unpickling it would create a file (standing for any code)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def small_checkpoint(text="abc"):
    import torch

    vocab = textgen.CharVocab.build(text)
    return vocab, {"model_state": {"w": torch.zeros(2, 2)}, "vocab": vocab.to_dict(), "config": {"seq_len": 5},
                   "history": {"val": [1.0, 0.5]}, "trained": textgen.training_record(quick=True, steps=3, val_loss=0.5,
                                                                                       seconds=1.0)}


def test_a_checkpoint_round_trip(tmp_path):
    vocab, payload = small_checkpoint()
    path = textgen.save_checkpoint(tmp_path / "m.pt", payload)
    loaded = textgen.load_checkpoint(path, vocab=vocab)
    assert loaded["config"] == {"seq_len": 5} and loaded["trained"] == payload["trained"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"]


def test_a_crafted_checkpoint_is_refused_without_running_its_code(tmp_path):
    import torch

    marker = tmp_path / "code-ran"
    _, payload = small_checkpoint()
    payload["history"] = Payload(marker)
    torch.save(payload, tmp_path / "crafted.pt")
    expected = r"crafted.pt: holds Python objects besides weights, .*refused -- "
    with pytest.raises(textgen.CheckpointError, match=expected):
        textgen.load_checkpoint(tmp_path / "crafted.pt")
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["truncated", "text", "four bytes", "tensor", "foreign dict"])
def test_unusable_files_get_one_line_errors_naming_the_file(tmp_path, kind):
    import torch

    path = tmp_path / "m.pt"
    _, payload = small_checkpoint()
    if kind == "truncated":
        textgen.save_checkpoint(path, payload)
        path.write_bytes(path.read_bytes()[:300])
        expected = "is not a readable checkpoint"
    elif kind in ("text", "four bytes"):
        path.write_text("not a model" if kind == "text" else "abcd")  # "abcd": torch raises IndexError
        expected = "is not a readable checkpoint"
    elif kind == "tensor":
        torch.save(torch.zeros(3), path)
        expected = "holds a Tensor, not a checkpoint dict"
    else:
        torch.save({"weights": torch.zeros(3)}, path)
        expected = r"is a PyTorch file but not a checkpoint of this module \(no \['model_state'\]\)"
    with pytest.raises(textgen.CheckpointError, match=rf"m.pt: {expected}.* -- ") as info:
        textgen.load_checkpoint(path)
    assert "\n" not in str(info.value)


def test_a_checkpoint_of_another_vocabulary_is_refused(tmp_path):
    _, payload = small_checkpoint("abc")
    textgen.save_checkpoint(tmp_path / "m.pt", payload)
    expected = r"checkpoint m.pt has a char vocabulary of 4 tokens that differs .*only in this"
    with pytest.raises(ValueError, match=expected):
        textgen.load_checkpoint(tmp_path / "m.pt", vocab=textgen.CharVocab.build("abd"))
    with pytest.raises(FileNotFoundError, match="checkpoint not found: .*missing.pt -- run the notebook"):
        textgen.load_checkpoint(tmp_path / "missing.pt")


def test_a_keras_model_with_code_in_it_is_refused(tmp_path):
    import keras

    marker = tmp_path / "code-ran"
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(textgen.CheckpointError, match=r"lambda.keras: holds code .* refused -- "):
        textgen.load_keras_model(tmp_path / "lambda.keras")
    (tmp_path / "garbage.keras").write_bytes(b"PK not really a zip")
    with pytest.raises(textgen.CheckpointError, match=r"garbage.keras: is not a Keras model file"):
        textgen.load_keras_model(tmp_path / "garbage.keras")
    assert not marker.exists()


def test_each_loader_returns_one_kind_and_points_to_the_other(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    assert isinstance(textgen.load_keras_model(tmp_path / "m.keras"), keras.Model)
    with pytest.raises(textgen.CheckpointError, match=r"m.keras: is a Keras model.* -- load it with textgen.load_k"):
        textgen.load_checkpoint(tmp_path / "m.keras")
    _, payload = small_checkpoint()
    textgen.save_checkpoint(tmp_path / "m.pt", payload)
    assert isinstance(textgen.load_checkpoint(tmp_path / "m.pt"), dict)
    with pytest.raises(textgen.CheckpointError, match=r"m.pt: is not a Keras model file .* textgen.load_checkpoint"):
        textgen.load_keras_model(tmp_path / "m.pt")


# ---------------------------------------------------------------------------------------------
# The learning-rate schedule


def test_learning_rate_warms_up_then_follows_the_cosine_to_the_floor():
    # peak 1, 10 warm-up steps, floor 5 %, 100 steps; the expected values are worked out by hand:
    # a linear ramp 0.1, 0.2, ... 1.0 times the cosine, which is 1 at the start, 0.525 half-way
    # (the middle between 1 and 0.05) and 0.05 at the end
    def lr(done, **kw):
        return textgen.learning_rate(done, 100, 1.0, 10, 0.05, **kw)
    assert lr(0) == pytest.approx(0.1)
    assert lr(4) == pytest.approx(0.49813, abs=1e-4)  # half-way up the ramp; cos(0.04 pi) = 0.99211
    assert lr(50) == pytest.approx(0.525)
    assert lr(75) == pytest.approx(0.18912, abs=1e-4)  # 0.05 + 0.95 * (1 - cos(pi/4)) / 2
    assert lr(100) == pytest.approx(0.05)
    rates = [lr(s) for s in range(10, 100)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_a_time_cap_moves_the_schedule_on_when_it_is_further_than_the_steps():
    by_steps = textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=10, cap_seconds=100)
    by_time = textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=90, cap_seconds=100)
    assert by_steps == pytest.approx(textgen.learning_rate(20, 100, 1.0, 10, 0.05))
    assert by_time == pytest.approx(0.07325, abs=1e-4)  # 90 % of the time used: cos(0.9 pi) = -0.95106
    assert textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=500, cap_seconds=100) == pytest.approx(0.05)


@pytest.mark.parametrize("total", [0, -3, 2.5, None, True])
def test_total_steps_must_be_a_whole_number(total):
    with pytest.raises(ValueError, match="total_steps must be a whole number >= 1"):
        textgen.learning_rate(0, total, 1.0, 10, 0.05)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ((-5, 100, 1.0, 10, 0.05),
         r"^steps_done must be a whole number >= 0 \(optimiser steps taken so far\), got -5$"),
        ((2.5, 100, 1.0, 10, 0.05), "steps_done must be a whole number >= 0"),
        ((0, 100, -1e-3, 10, 0.05), r"^peak must be a finite number >= 0 \(the largest learning rate\), got -0.001$"),
        ((0, 100, math.nan, 10, 0.05), "peak must be a finite number >= 0"),
        ((0, 100, math.inf, 10, 0.05), "peak must be a finite number >= 0"),
        ((0, 100, "5e-3", 10, 0.05), "peak must be a finite number >= 0"),
        ((0, 100, 1.0, -1, 0.05), r"warmup_steps must be a whole number >= 0 \(0 for no warm-up\)"),
        ((0, 100, 1.0, 10, -0.05), r"^final_fraction must lie in \[0, 1\] \(the last rate as a share of peak\)"),
        ((0, 100, 1.0, 10, math.nan), r"final_fraction must lie in \[0, 1\]"),
        ((0, 100, 1.0, 10, 1.5), r"final_fraction must lie in \[0, 1\]"),
        ((0, 100, 1.0, 10, 0.05, -1.0, 60), "elapsed must be a finite number >= 0"),
        ((0, 100, 1.0, 10, 0.05, 1.0, -60), r"cap_seconds must be a finite number >= 0 \(None for no cap\)"),
        ((0, 100, 1.0, 10, 0.05, 1.0, math.nan), "cap_seconds must be a finite number >= 0"),
    ],
)
def test_learning_rate_refuses_what_is_no_step_rate_or_share(arguments, message):
    with pytest.raises(ValueError, match=message) as info:
        textgen.learning_rate(*arguments)
    assert "\n" not in str(info.value)


def test_learning_rate_takes_numpy_numbers_and_no_cap():
    expected = textgen.learning_rate(20, 100, 1.0, 10, 0.05)
    assert textgen.learning_rate(np.int64(20), np.int64(100), np.float32(1.0), 10, np.float64(0.05)) == \
        pytest.approx(expected)
    assert textgen.learning_rate(20, 100, 1.0, 10, 0.05, elapsed=99.0, cap_seconds=0) == expected  # 0: no cap
    assert textgen.learning_rate(0, 100, 0.0, 0, 0.0) == 0.0  # a zero rate and no warm-up are allowed


def test_lesson_checkpoint_prefers_your_full_run_then_the_shipped_weights(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TEXTGEN_PRETRAINED", raising=False)
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    shipped = tmp_path / "pretrained"
    shipped.mkdir()
    (shipped / "m.pt").write_bytes(b"shipped")
    monkeypatch.setattr(textgen.run, "SHIPPED_DIR", shipped)
    assert textgen.lesson_checkpoint("m.pt", quick=False) == shipped / "m.pt"  # the lesson never ran here
    assert "the lesson has not been run here in full mode" in capsys.readouterr().out
    for quick in (False, True):
        own = textgen.checkpoint_path("m.pt", quick=quick)
        own.parent.mkdir(parents=True, exist_ok=True)
        own.write_bytes(b"own")
    assert textgen.lesson_checkpoint("m.pt", quick=False) == tmp_path / "checkpoints" / "m.pt"
    assert "written by your full-mode run" in capsys.readouterr().out
    assert textgen.lesson_checkpoint("m.pt", quick=True) == shipped / "m.pt"  # a quick run is barely trained
    assert "quick mode always uses these" in capsys.readouterr().out
    monkeypatch.setenv("TEXTGEN_PRETRAINED", str(shipped))
    assert textgen.lesson_checkpoint("m.pt", quick=False, verbose=False) == shipped / "m.pt"
    assert capsys.readouterr().out == ""


def test_missing_shipped_weights_are_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TEXTGEN_PRETRAINED", raising=False)
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.setattr(textgen.run, "SHIPPED_DIR", tmp_path / "gone")
    with pytest.raises(FileNotFoundError) as info:
        textgen.lesson_checkpoint("m.pt", quick=True)
    assert "\n" not in str(info.value) and "git checkout -- pretrained" in str(info.value)


def test_weights_instead_of_training_follow_the_switch_then_the_notebooks_own(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TEXTGEN_PRETRAINED", raising=False)
    assert textgen.weights_instead_of_training("char_lstm_torch.pt") is None  # train
    shipped = textgen.weights_instead_of_training("char_lstm_torch.pt", use_shipped=True)
    assert shipped == ROOT / "pretrained" / "char_lstm_torch.pt"
    assert "skipping training: using the weights in" in capsys.readouterr().out
    monkeypatch.setenv("TEXTGEN_PRETRAINED", str(tmp_path))
    (tmp_path / "char_lstm_torch.pt").write_bytes(shipped.read_bytes())
    assert textgen.weights_instead_of_training("char_lstm_torch.pt") == tmp_path / "char_lstm_torch.pt"
    (tmp_path / "char_lstm_torch.pt").write_bytes(b"four")  # no checkpoint: one line, before any training
    with pytest.raises(textgen.CheckpointError) as info:
        textgen.weights_instead_of_training("char_lstm_torch.pt", use_shipped=True)
    assert "\n" not in str(info.value)


def test_on_another_text_the_lesson_weights_are_your_own_run_on_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TEXTGEN_PRETRAINED", raising=False)
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.setenv("TEXTGEN_CORPUS", str(tmp_path / "roman.txt"))
    with pytest.raises(FileNotFoundError) as info:  # the shipped weights know no umlaut
        textgen.lesson_checkpoint("m.pt", quick=True)
    assert "\n" not in str(info.value) and "TEXTGEN_CORPUS and TEXTGEN_QUICK first" in str(info.value)
    own = textgen.checkpoint_path("m.pt", quick=True)
    own.parent.mkdir(parents=True)
    own.write_bytes(b"own")
    assert textgen.lesson_checkpoint("m.pt", quick=True) == own
    assert "quick-mode run of the lesson on this text" in capsys.readouterr().out
