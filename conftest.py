"""pytest setup shared by the unit tests and the notebook runs (nbval).

Notebooks run in quick mode under pytest unless the caller chose otherwise: the
variable is inherited by every Jupyter kernel that nbval starts.
"""

import os

os.environ.setdefault("TEXTGEN_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up chatter

# The starter notebook of the lab has TODO cells that raise on purpose: its structure is
# checked by tests/test_lab.py instead of being executed.
collect_ignore_glob = ["lab/*-starter.ipynb", "checkpoints/*", "data/*", ".venv/*", "benchmarks/results/*"]
