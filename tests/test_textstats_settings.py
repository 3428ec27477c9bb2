import threading

import pytest

from textgen import NgramIndex, atomic_write, find_cycle, loss_line, read_settings, set_seed
from textgen.settings import Settings


def test_find_cycle_in_greedy_text():
    text = "O, what a noble mind " + "the king the king " * 5
    c = find_cycle(text)
    assert c is not None and c.period == 9 and c.unit in ("the king " * 2)
    assert text[c.start :].startswith(c.unit)


def test_find_cycle_on_words_and_none():
    assert find_cycle(["a", "b", "c", "b", "c", "b", "c"], min_repeats=3).unit == ("b", "c")
    assert find_cycle("the quick brown fox jumps over the lazy dog") is None


def test_novelty():
    idx = NgramIndex("to be or not to be", 4)
    assert idx.novelty("to be or") == 0.0
    assert idx.novelty("xyzw") == 1.0
    words = NgramIndex("a b c d".split(), 2)
    assert words.novelty("a b x".split()) == 0.5
    with pytest.raises(ValueError, match="shorter than n=4"):
        idx.novelty("abc")


def test_loss_line_format():
    assert loss_line(1.5) == "validation loss: 1.500 nats/char (2.164 bits/char, perplexity 4.48)"
    with pytest.raises(ValueError, match="training diverged"):
        loss_line(float("nan"))


def test_settings_from_environment():
    s = read_settings({"TEXTGEN_QUICK": "1", "TEXTGEN_CORPUS": "/x.txt", "TEXTGEN_TRAIN_SECONDS": "60"})
    assert s == Settings(quick=True, corpus="/x.txt", pretrained=None, train_seconds=60.0)
    assert read_settings({}) == Settings()
    assert "quick" in s.describe() and "60 s" in s.describe()


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
    import textgen.files

    events = []
    monkeypatch.setattr(textgen.files.os, "fsync", lambda fd: events.append("fsync"))
    real_replace = textgen.files.os.replace
    monkeypatch.setattr(
        textgen.files.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))
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
    with pytest.raises(FileNotFoundError, match=r"pretrained checkpoint not found: .*word_lstm_torch.pt -- run the notebook once"):
        folder.pretrained_checkpoint("word_lstm_torch.pt")
