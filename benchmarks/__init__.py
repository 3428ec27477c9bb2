"""Benchmark of the two lesson notebooks: training speed, validation loss, generation speed.

``python -m benchmarks.run`` executes GenerativePyTorch.ipynb and GenerativeTF.ipynb headless at
equal training budgets, reads the run summary each notebook writes (textgen.write_run_summary)
and writes a JSON file and Markdown tables. See benchmarks/README.md.
"""
