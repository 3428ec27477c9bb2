"""The lesson's shipped weights (``pretrained/``): loadable without running code, small, and they
give the validation loss the committed lesson run printed; weights that do not fit get one line."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import textgen

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {"GenerativePyTorch.ipynb": ROOT / "pretrained" / "char_lstm_torch.pt",
           "GenerativeTF.ipynb": ROOT / "pretrained" / "char_lstm_tf.keras"}


def stored_validation_loss(notebook):
    cells = json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
    found = re.search(r"^validation loss: (\d\.\d{3}) nats/char", text, re.M)
    assert found, f"{notebook}: no stored validation line"
    return float(found[1])


@pytest.fixture(scope="module")
def split(shakespeare):
    train_text, val_text = textgen.split_text(shakespeare, val_fraction=0.1)
    vocab = textgen.CharVocab.build(train_text)
    return vocab, vocab.encode(val_text, allow_unknown=True)


def test_the_shipped_weights_are_small_and_full_mode():
    assert sum(p.stat().st_size for p in SHIPPED.values()) <= 15e6
    record = textgen.load_checkpoint(SHIPPED["GenerativePyTorch.ipynb"])["trained"]
    assert record["mode"] == "full" and record["steps"] == 2000 and not record["stopped_early"]


def test_the_shipped_pytorch_weights_give_the_stored_validation_loss(split):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    from textgen.models import CharLSTM

    vocab, val_ids = split
    ckpt = textgen.load_checkpoint(SHIPPED["GenerativePyTorch.ipynb"], vocab=vocab)
    cfg = ckpt["config"]
    model = CharLSTM(len(vocab), cfg["embed_dim"], cfg["hidden_size"], cfg["dropout"]).eval()
    textgen.load_weights(model, ckpt["model_state"], "shipped")
    total, count, state = 0.0, 0, None
    with torch.inference_mode():
        for x, y in textgen.ContiguousBatches(val_ids, 64, 256, keep_last=True):
            logits, state = model(torch.from_numpy(x), state)
            total += F.cross_entropy(logits.reshape(-1, len(vocab)), torch.from_numpy(y).reshape(-1),
                                     reduction="sum").item()
            count += y.size
    loss = total / count
    assert abs(loss - stored_validation_loss("GenerativePyTorch.ipynb")) <= 0.005
    assert math.isclose(loss, ckpt["trained"]["val_loss"], abs_tol=1e-3)


def test_the_shipped_keras_weights_give_the_stored_validation_loss(split):
    pytest.importorskip("keras")
    import keras
    import tensorflow as tf

    import textgen.keras_model  # noqa: F401  registers the lesson's class, so that safe mode can rebuild it

    vocab, val_ids = split
    model = textgen.load_keras_model(SHIPPED["GenerativeTF.ipynb"], vocab=vocab)
    total, count = 0.0, 0
    h = c = tf.zeros((64, model.hidden_size))
    for x, y in textgen.ContiguousBatches(val_ids, 64, 256, keep_last=True):
        logits, (h, c) = model(x, state=[h, c])
        total += float(tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)))
        count += y.size
    loss = total / count
    assert abs(loss - stored_validation_loss("GenerativeTF.ipynb")) <= 0.005
    assert math.isclose(loss, model.meta["trained"]["val_loss"], abs_tol=1e-3)


def test_weights_that_do_not_fit_get_one_line(split):
    pytest.importorskip("torch")
    from textgen.models import CharLSTM

    vocab, _ = split
    ckpt = textgen.load_checkpoint(SHIPPED["GenerativePyTorch.ipynb"], vocab=vocab)
    bigger = CharLSTM(len(vocab), 64, 384)
    with pytest.raises(textgen.CheckpointError) as info:
        textgen.load_weights(bigger, ckpt["model_state"], SHIPPED["GenerativePyTorch.ipynb"])
    message = str(info.value)
    assert "\n" not in message and "do not fit this model" in message and "config" in message
    other = textgen.CharVocab.build("Ein ganz anderer Text mit Umlauten: äöü")
    with pytest.raises(ValueError, match="vocabulary") as info:
        textgen.load_checkpoint(SHIPPED["GenerativePyTorch.ipynb"], vocab=other)
    assert "\n" not in str(info.value)
    assert np.isfinite(ckpt["trained"]["val_loss"])
