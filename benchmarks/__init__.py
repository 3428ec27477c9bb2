"""Benchmark of the two lesson notebooks: training speed, validation loss, generation speed.

``python -m benchmarks.run`` executes GenerativePyTorch.ipynb and GenerativeTF.ipynb headless
under several training budgets, parses what they print (``benchmarks.parse``) and writes a
JSON file and a Markdown table (``benchmarks.report``). See benchmarks/README.md.
"""
