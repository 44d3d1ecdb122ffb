import os
import subprocess

import pytest


def cli():
    path = os.environ.get("GLASSES_CLI")
    if not path:
        pytest.skip("GLASSES_CLI is not set (run through ctest)")
    return path


def run_cli(*args, check=True):
    r = subprocess.run([cli(), *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"glasses {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r


def source_dir():
    return os.environ.get("GLASSES_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
