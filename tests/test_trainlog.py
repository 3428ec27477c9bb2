"""textgen.TrainingLog: the bookkeeping both lesson loops share."""

import math

import pytest

from textgen import TrainingLog


def test_running_mean_history_and_norms():
    log = TrainingLog(record_every=2, smoothing=0.5)
    for loss in (4.0, 2.0, 1.0, 1.0):
        log.step(loss, norm=0.5)
    assert log.steps == 4 and log.norms == [0.5] * 4
    assert log.history["step"] == [2, 4]
    assert log.history["train"] == [3.0, 1.5]  # 4 -> 3 -> 2 -> 1.5
    assert log.running == 1.5


def test_a_look_keeps_the_step_with_the_lowest_development_loss(capsys):
    log = TrainingLog()
    log.step(3.0, 0.1)
    assert log.look(10, val=2.5, dev=2.6, sample="ROMEO:\nab")
    assert not log.look(20, val=2.4, dev=2.7, sample="ROMEO:\ncd")  # validation better, development worse
    assert log.look(30, val=2.45, dev=2.55, sample="ROMEO:\nef")
    assert (log.kept_step, log.kept_dev, log.kept_val) == (30, 2.55, 2.45)
    assert log.history["val_step"] == [10, 20, 30] and log.history["dev"] == [2.6, 2.7, 2.55]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and "validation 2.400  development 2.700  'ROMEO:\\ncd'" in lines[1]


def test_summary_counts_clipping_and_says_when_training_stopped_early():
    log = TrainingLog()
    for norm in (0.2, 1.5, 0.3, 2.0):
        log.step(2.0, norm)
    log.look(4, 2.0, 2.1, "x")
    text = log.summary(chars_per_step=100, clip_norm=1.0, device="cpu", planned_steps=10)
    speed, kept, clipping = text.splitlines()
    assert speed.startswith("4 steps in") and "stopped early, 10 were planned" in speed
    assert "step 4" in kept and "2.100" in kept
    assert clipping.endswith("clipped at 1 on 2 of 4 steps")
    assert "stopped early" not in log.summary(100, 1.0, "cpu", planned_steps=4)


@pytest.mark.parametrize("loss, norm", [(math.nan, 1.0), (2.0, math.inf)])
def test_a_diverged_step_is_a_one_line_error(loss, norm):
    with pytest.raises(FloatingPointError) as info:
        TrainingLog().step(loss, norm)
    assert "\n" not in str(info.value) and "lower the learning rate" in str(info.value)


@pytest.mark.parametrize("kwargs", [dict(record_every=0), dict(record_every=2.5), dict(smoothing=1.0),
                                    dict(smoothing=-0.1)])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        TrainingLog(**kwargs)
