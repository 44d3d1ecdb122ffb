"""The examples run (registered in CTest with the Python tests)."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(name, *args, cwd=None):
    r = subprocess.run([sys.executable, os.path.join(HERE, name), *args], capture_output=True, text=True, cwd=cwd,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_rounding_example():
    out = run("rounding.py")
    assert "0x7e" in out and "fp16" in out


def test_collapse_sweep_example(tmp_path):
    out = run("collapse_sweep.py", str(tmp_path / "sweep"))
    assert (tmp_path / "sweep" / "summary.json").is_file()
    try:
        import matplotlib  # noqa: F401
        assert (tmp_path / "sweep" / "collapse.png").stat().st_size > 1000
    except ImportError:
        assert "matplotlib is not installed" in out


def test_check_example():
    out = run("check.py", "B.8")
    assert out.startswith("B.8:") and "verdicts" in out
