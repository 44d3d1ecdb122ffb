"""glasses.sweep, check and report write what the command line writes;
progress callbacks, and Ctrl-C stops a long call with KeyboardInterrupt."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import glasses
from conftest import run_cli, source_dir

NS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 448, 500, 610]


def without_provenance(summary):
    return {k: v for k, v in summary.items() if k != "provenance"}


def test_sweep_saves_the_files_of_the_command_line(tmp_path):
    calls = []
    r = glasses.sweep(glasses.Model.preset("paper-literal"), family="count-ones", n=NS, formats=["bf16", "fp16"],
                      reference="fp64", certify=True, certify_max_n=64, progress=lambda d, t: calls.append((d, t)))
    r.save(tmp_path / "py")
    run_cli("sweep", "--preset", "paper-literal", "--family", "count-ones", "--n", ",".join(map(str, NS)),
            "--formats", "bf16,fp16", "--reference", "fp64", "--certify-max-n", "64", "--out", str(tmp_path / "cli"))
    assert (tmp_path / "py" / "sweep.csv").read_bytes() == (tmp_path / "cli" / "sweep.csv").read_bytes()
    py_summary = json.loads((tmp_path / "py" / "summary.json").read_text())
    cli_summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert without_provenance(py_summary) == without_provenance(cli_summary)
    assert py_summary["provenance"]["model"] == cli_summary["provenance"]["model"]
    assert r.summary == py_summary
    # The columns are the CSV's rows.
    lines = (tmp_path / "cli" / "sweep.csv").read_text().splitlines()[1:]
    assert len(lines) == len(r.table["n"])
    for line, i in zip(lines[::97], range(0, len(lines), 97)):
        family, n, fmt, group, metric, value = line.split(",")
        assert (int(n), fmt, group, metric) == (r.table["n"][i], r.table["format"][i], r.table["group"][i],
                                                r.table["metric"][i])
        assert float(value) == r.table["value"][i] or (np.isnan(r.table["value"][i]) and value == "nan")
    # Progress: increasing work units, the last one complete.
    assert calls and all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))
    assert calls[-1][0] == pytest.approx(calls[-1][1])
    assert set(r.onsets()) == {"bf16", "fp16", "fp64"}
    dinf = r.metric("Dinf", "bf16")
    assert dinf.shape == (len(NS), 2) and dinf[:, 0].tolist() == NS


def test_sweep_cross_check_is_the_command_lines(tmp_path):
    ns = [1, 4, 16]
    r = glasses.sweep(glasses.Model.preset("paper-literal"), n=ns, formats=["bf16"], certify=False, cross_check=True)
    r.save(tmp_path / "py")
    run_cli("sweep", "--preset", "paper-literal", "--family", "count-ones", "--n", "1,4,16", "--formats", "bf16",
            "--no-certify", "--cross-check", "--out", str(tmp_path / "cli"))
    assert (tmp_path / "py" / "sweep.csv").read_bytes() == (tmp_path / "cli" / "sweep.csv").read_bytes()
    cli_summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert without_provenance(r.summary) == without_provenance(cli_summary)
    x = r.summary["reference_cross_check"]
    assert (x["reference"], x["cross_check"]) == ("mpfr:256", "cpp_bin_float:256")
    # Two 256-bit evaluations of an O(1) output: far below double precision.
    assert 0 < x["max_error_inf"] < 1e-70 and x["n_at_max"] in ns
    assert set(r.table["group"][r.table["format"] == "cpp_bin_float:256"]) == {"cross-check"}


def test_sweep_table_goes_to_pandas_when_pandas_is_present():
    pandas = pytest.importorskip("pandas")
    r = glasses.sweep(glasses.Model.preset("paper-literal"), n=[1, 2], formats=["bf16"], reference="fp64",
                      certify=False)
    frame = r.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == len(r.table["n"])


def test_sweep_errors_are_the_command_lines_messages(tmp_path):
    cli = run_cli("sweep", "--preset", "paper-literal", "--formats", "bf17", "--out", str(tmp_path / "x"), check=False)
    assert cli.returncode == 2
    with pytest.raises(ValueError) as e:
        glasses.sweep(glasses.Model.preset("paper-literal"), formats=["bf17"])
    assert str(e.value) == cli.stderr.strip().removeprefix("glasses: error: ")
    with pytest.raises(ValueError, match="increasing"):
        glasses.sweep(n=[3, 2])
    with pytest.raises(ValueError, match="unknown family option"):
        glasses.sweep(n=[1], family_options={"colour": "blue"})


def test_check_gives_the_json_of_the_command_line(tmp_path):
    ids = ["B.2-literal", "B.8"]
    results = glasses.check(ids, quick=True)
    run_cli("check", *ids, "--quick", "--json", str(tmp_path / "c.json"))
    assert results == json.loads((tmp_path / "c.json").read_text())["checks"]
    assert [r["id"] for r in results] == ids
    assert set(ids) <= set(glasses.check_ids())
    with pytest.raises(ValueError, match="B.99"):
        glasses.check("B.99")


def test_report_writes_the_data_of_the_command_line(tmp_path):
    suite = os.path.join(source_dir(), "tests", "reports", "suites", "tiny.json")
    out = glasses.report(suite, tmp_path / "py", date="2026-01-01", pdf=False)
    assert out["pdf"] is None and os.path.isfile(out["tex"])
    run_cli("report", "--suite", suite, "--out", str(tmp_path / "cli"), "--date", "2026-01-01", "--no-pdf")
    data = sorted(os.listdir(tmp_path / "cli" / "data"))
    assert data and sorted(os.listdir(tmp_path / "py" / "data")) == data
    for name in data:
        assert (tmp_path / "py" / "data" / name).read_bytes() == (tmp_path / "cli" / "data" / name).read_bytes(), name
    assert sorted(os.listdir(tmp_path / "py" / "figures")) == sorted(os.listdir(tmp_path / "cli" / "figures"))


def test_an_exception_in_the_progress_callback_stops_the_run():
    class Stop(Exception):
        pass

    def progress(done, total):
        raise Stop()

    started = time.monotonic()
    with pytest.raises(Stop):
        glasses.sweep(glasses.Model.preset("default"), n=range(1, 2000, 50), formats=["mpfr:256"], certify=False,
                      progress=progress)
    assert time.monotonic() - started < 30


def test_ctrl_c_stops_a_long_sweep_with_keyboard_interrupt():
    script = textwrap.dedent("""
        import sys, glasses
        def progress(done, total):
            print("started", flush=True)
        try:
            glasses.sweep(glasses.Model.preset("default"), n=range(1, 4000, 20), formats=["mpfr:512"],
                          certify=False, progress=progress)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        print("finished", flush=True)
        sys.exit(1)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=os.environ)
    assert child.stdout.readline().strip() == "started"
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.splitlines()[-1] == "interrupted"
    assert time.monotonic() - sent < 20


def test_sweep_order_is_the_command_lines_order(tmp_path):
    # order= is --order: the same files; a bad order the same message.
    r = glasses.sweep(glasses.Model.preset("paper-literal"), family="count-ones", n=NS, formats=["bf16", "fp16@kahan"],
                      reference="fp64", certify=False, order="pairwise")
    r.save(tmp_path / "py")
    run_cli("sweep", "--preset", "paper-literal", "--family", "count-ones", "--n", ",".join(map(str, NS)),
            "--formats", "bf16,fp16@kahan", "--reference", "fp64", "--no-certify", "--order", "pairwise",
            "--out", str(tmp_path / "cli"))
    assert (tmp_path / "py" / "sweep.csv").read_bytes() == (tmp_path / "cli" / "sweep.csv").read_bytes()
    assert r.summary["order"] == "pairwise" and r.summary["formats"]["fp16@kahan"]["order"] == "kahan"
    cli = run_cli("sweep", "--preset", "paper-literal", "--order", "splitk:0", "--out", str(tmp_path / "x"), check=False)
    assert cli.returncode == 2
    with pytest.raises(ValueError) as e:
        glasses.sweep(glasses.Model.preset("paper-literal"), order="splitk:0")
    assert str(e.value) == cli.stderr.strip().removeprefix("glasses: error: ")


def test_sweep_mitigations_are_the_command_lines(tmp_path):
    # sink= and adaptive_temperature= are --sink and --adaptive-temperature: the same files.
    ns = [1, 2, 4, 8, 16, 32]
    r = glasses.sweep(glasses.Model.preset("paper-literal"), family="count-ones", n=ns, formats=["bf16"],
                      reference="fp64", certify=False, sink=0.0, adaptive_temperature=True)
    r.save(tmp_path / "py")
    run_cli("sweep", "--preset", "paper-literal", "--family", "count-ones", "--n", "1,2,4,8,16,32",
            "--formats", "bf16", "--reference", "fp64", "--no-certify", "--sink", "0", "--adaptive-temperature",
            "--out", str(tmp_path / "cli"))
    assert (tmp_path / "py" / "sweep.csv").read_bytes() == (tmp_path / "cli" / "sweep.csv").read_bytes()
    assert r.summary["mitigations"] == {"sink_logit": 0.0, "adaptive_temperature": True}
    assert r.summary["provenance"]["model"].endswith("+sink=0 +adaptive-temperature")
    plain = glasses.sweep(glasses.Model.preset("paper-literal"), family="count-ones", n=ns, formats=["bf16"],
                          reference="fp64", certify=False)
    assert "mitigations" not in plain.summary
    cli = run_cli("sweep", "--preset", "paper-literal", "--sink", "nan", "--out", str(tmp_path / "x"), check=False)
    assert cli.returncode == 2
