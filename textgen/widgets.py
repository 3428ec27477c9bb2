"""An interactive temperature slider and prompt box (ipywidgets), shared by the notebooks."""

from __future__ import annotations

from typing import Callable


def explorer_text(prompt: str, temperature: float, sample: str) -> str:
    """What the explorer shows: a label with the temperature, then the prompt and its continuation."""
    return f"temperature {temperature:.2f}:\n{prompt}{sample}"


def temperature_explorer(
    generate: Callable[[str, float, int], str],
    prompt: str = "ROMEO:\n",
    length: int = 300,
    temperature: float = 0.8,
) -> None:
    """Show a prompt box, a temperature slider and a button; regenerate the text when they change.

    ``generate(prompt, temperature, length)`` must return the generated text. The sample is
    one output of the cell, shown below the controls and *replaced* (not appended to) at every
    change, so a live session always shows exactly one, current sample. A static page (or
    nbval) shows the first sample with its temperature. Errors, such as an unknown character
    typed into the prompt, replace the sample by their one-line message. Returns None, so the
    cell does not print the sample a second time.
    """
    import ipywidgets as w
    from IPython.display import display

    wide_label = {"description_width": "initial"}  # the full label, not "temperat…"
    prompt_box = w.Textarea(value=prompt, description="prompt", layout=w.Layout(width="60%", height="4em"))
    slider = w.FloatSlider(
        value=temperature,
        min=0.0,
        max=2.0,
        step=0.05,
        description="temperature T",
        continuous_update=False,
        style=wide_label,
        layout=w.Layout(width="45%"),
    )
    button = w.Button(description="generate again")

    def current() -> dict:
        try:
            text = explorer_text(prompt_box.value, slider.value, generate(prompt_box.value, slider.value, length))
        except ValueError as err:
            text = f"error: {err}"
        return {"text/plain": text}

    display(w.VBox([prompt_box, w.HBox([slider, button])]))
    shown = display(current(), raw=True, display_id=True)

    def refresh(*_):
        shown.update(current(), raw=True)

    slider.observe(refresh, names="value")
    button.on_click(refresh)
