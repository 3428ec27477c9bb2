"""Quick runs (and so every test run) never write over a full-mode checkpoint.

conftest.py points TEXTGEN_CHECKPOINT_DIR at a temporary folder (always: the caller's value is
ignored) holding stand-ins for the
full-mode checkpoints of every notebook. This test runs after the notebooks of the session
(marker ``after_notebooks``) and checks that each notebook that ran wrote its quick-mode
checkpoint into ``quick/`` and left the full-mode file beside it byte for byte as it was.
"""

from pathlib import Path

import pytest

from conftest import NOTEBOOK_CHECKPOINTS, TEST_CHECKPOINTS, full_mode_stand_in


@pytest.mark.after_notebooks
def test_quick_runs_write_beside_full_checkpoints_and_leave_them_alone(request):
    ran = sorted({Path(str(item.fspath)).name for item in request.session.items if str(item.fspath).endswith(".ipynb")})
    if not ran:
        pytest.skip("no notebook was executed in this session (run the README's test command)")
    root = TEST_CHECKPOINTS
    writers = [notebook for notebook in ran if notebook in NOTEBOOK_CHECKPOINTS]  # deeper/ writes no checkpoint
    assert writers, f"none of the notebooks that ran writes a checkpoint: {ran}"
    for notebook in writers:
        name = NOTEBOOK_CHECKPOINTS[notebook]
        assert (root / name).read_bytes() == full_mode_stand_in(name), f"{notebook} wrote over the full-mode {name}"
        assert (root / "quick" / name).is_file(), f"{notebook} ran in quick mode but wrote no quick/{name}"
