"""textgen.display: loss units, and the temperature explorer, which shows exactly one, current
sample, labelled with its temperature."""

import math

import IPython.display
import pytest

from textgen import loss_line
from textgen.display import perplexity, temperature_explorer


def test_loss_line_format():
    assert loss_line(1.5) == "validation loss: 1.500 nats/char (2.164 bits/char, perplexity 4.48)"
    assert loss_line(4.059, unit="token", label="word model") == (
        "word model: 4.059 nats/token (5.856 bits/token, perplexity 57.92)")
    with pytest.raises(ValueError, match="training diverged"):
        loss_line(float("nan"))


def test_a_huge_loss_is_shown_not_a_crash():
    # e ** 710 does not fit in a float: this used to raise OverflowError
    assert perplexity(710.0) == math.inf
    assert loss_line(710.0) == "validation loss: 710.000 nats/char (1024.313 bits/char, perplexity inf)"


class Screen:
    """Stands in for the notebook page: records what is displayed and every in-place update."""

    def __init__(self):
        self.shown, self.updates = [], []

    def display(self, obj, raw=False, display_id=None):
        self.shown.append(obj)
        screen = self

        class Handle:
            def update(self, new, raw=False):
                screen.updates.append(new)

        return Handle() if display_id else None


@pytest.fixture
def screen(monkeypatch):
    s = Screen()
    monkeypatch.setattr(IPython.display, "display", s.display)
    return s


def fake_generate(prompt, t, n):
    if "☃" in prompt:
        raise ValueError("1 character(s) not in the vocabulary: '☃'")
    return f"<{n} characters at {t:.2f}>"


def test_first_sample_is_shown_once_with_its_temperature(screen):
    assert temperature_explorer(fake_generate, prompt="JULIET:\n", length=30) is None  # nothing echoed twice
    controls, sample = screen.shown
    assert sample == {"text/plain": "temperature 0.80:\nJULIET:\n<30 characters at 0.80>"}
    slider = controls.children[1].children[0]
    assert slider.description == "temperature T" and slider.style.description_width == "initial"


def test_moving_the_slider_replaces_the_sample(screen):
    temperature_explorer(fake_generate, prompt="ROMEO:\n", length=10)
    slider = screen.shown[0].children[1].children[0]
    slider.value = 1.5
    slider.value = 0.3
    assert len(screen.shown) == 2, "a change must update the shown sample, not add another"
    assert [u["text/plain"].splitlines()[0] for u in screen.updates] == ["temperature 1.50:", "temperature 0.30:"]


def test_a_bad_prompt_shows_the_error_in_place(screen):
    temperature_explorer(fake_generate)
    prompt_box, (_slider, button) = screen.shown[0].children[0], screen.shown[0].children[1].children
    prompt_box.value = "ROMEO: ☃"
    button.click()
    assert screen.updates[-1] == {"text/plain": "error: 1 character(s) not in the vocabulary: '☃'"}


@pytest.mark.parametrize("dev, star_at", [([2.0, 1.8, 1.9], 200), (None, 300)])
def test_the_star_marks_the_kept_weights(dev, star_at):
    import matplotlib

    matplotlib.use("Agg")
    from textgen.display import plot_curves

    history = {"step": [100, 200, 300], "train": [2.1, 1.9, 1.7], "val_step": [100, 200, 300], "val": [2.0, 1.9, 1.85]}
    if dev is not None:
        history["dev"] = dev  # the development loss is lowest at step 200, the validation loss at 300
    ax = plot_curves(history, unit="char")[0]
    star = next(line for line in ax.get_lines() if line.get_label() == "best (kept)")
    assert list(star.get_xdata()) == [star_at]
    assert ax.get_ylabel() == "loss (nats per char)"
    matplotlib.pyplot.close("all")
