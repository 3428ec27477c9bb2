"""Where checkpoints go, and the record each one carries of how it was trained."""

import math
import warnings

import pytest

import textgen


def test_quick_and_full_mode_never_share_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXTGEN_CHECKPOINT_DIR", str(tmp_path))
    full, quick = textgen.checkpoint_path("m.pt", quick=False), textgen.checkpoint_path("m.pt", quick=True)
    assert full == tmp_path / "m.pt" and quick == tmp_path / "quick" / "m.pt"


def test_without_the_variable_checkpoints_live_in_the_repository(monkeypatch):
    monkeypatch.delenv("TEXTGEN_CHECKPOINT_DIR", raising=False)
    root = textgen.checkpoint_root()
    assert root.name == "checkpoints" and (root.parent / "textgen" / "checkpoints.py").is_file()


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


@pytest.mark.parametrize("bad", [dict(steps=-1), dict(steps=2.5), dict(val_loss=math.nan)])
def test_record_refuses_nonsense(bad):
    args = dict(quick=False, steps=10, val_loss=1.0, seconds=1.0) | bad
    with pytest.raises(ValueError):
        textgen.training_record(**args)


def test_instructor_mode_warns_about_quick_and_capped_models(capsys):
    quick = textgen.training_record(quick=True, steps=40, val_loss=3.0, seconds=5)
    with pytest.warns(UserWarning, match="not a full-mode checkpoint"):
        textgen.announce_pretrained("m.pt", quick)
    assert "instructor mode: skipping training, using m.pt" in capsys.readouterr().out
    capped = textgen.training_record(quick=False, steps=10, planned_steps=20, val_loss=2.0, seconds=5)
    with pytest.warns(UserWarning, match="stopped early"):
        textgen.announce_pretrained("m.pt", capped)
    with pytest.warns(UserWarning, match="not a full-mode checkpoint"):
        textgen.announce_pretrained("old.pt", None)
    full = textgen.training_record(quick=False, steps=20, val_loss=1.5, seconds=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        textgen.announce_pretrained("m.pt", full)  # a full model: no warning


def test_sidecar_round_trip(tmp_path):
    model = tmp_path / "model.keras"
    assert textgen.read_sidecar(model) is None
    record = textgen.training_record(quick=False, steps=3, val_loss=1.0, seconds=1)
    textgen.write_sidecar(model, record)
    assert (tmp_path / "model.keras.json").is_file() and textgen.read_sidecar(model) == record
