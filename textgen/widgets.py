"""An interactive temperature slider and prompt box (ipywidgets), shared by the notebooks."""

from __future__ import annotations

from typing import Callable


def temperature_explorer(generate: Callable[[str, float, int], str], prompt: str = "ROMEO:\n", length: int = 300):
    """Show a prompt box, temperature slider and button; regenerate text when they change.

    ``generate(prompt, temperature, length)`` must return the generated text. The first
    sample is produced right away so the cell also shows text where widgets do not
    render (a static page, nbval). Errors (e.g. an unknown character typed in the
    prompt) are shown as their one-line message instead of a traceback.
    """
    import ipywidgets as w
    from IPython.display import display

    prompt_box = w.Textarea(value=prompt, description="prompt", layout=w.Layout(width="60%", height="4em"))
    slider = w.FloatSlider(value=0.8, min=0.0, max=2.0, step=0.05, description="temperature", continuous_update=False)
    button = w.Button(description="generate again")
    out = w.Output(layout=w.Layout(border="1px solid #ccc", padding="4px"))

    def run(*_):
        out.clear_output()
        with out:
            try:
                print(generate(prompt_box.value, slider.value, length))
            except ValueError as err:
                print(f"error: {err}")

    slider.observe(run, names="value")
    button.on_click(run)
    display(w.VBox([prompt_box, w.HBox([slider, button]), out]))
    first = generate(prompt_box.value, slider.value, length)
    print(first)
    return first
