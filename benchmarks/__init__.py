"""Benchmark of the two lesson notebooks: training speed and validation loss at equal training budgets.

``python -m benchmarks.run`` executes GenerativePyTorch.ipynb and GenerativeTF.ipynb headless at
equal training budgets, reads the training record from the checkpoint each notebook writes, computes
the counting baseline once, and writes a JSON file and a Markdown table. See benchmarks/README.md.
"""
