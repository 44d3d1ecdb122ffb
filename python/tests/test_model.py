"""glasses.Model.forward gives the bits `glasses forward` prints, on the
preset and on fixture checkpoints, in several formats; errors are the
command line's messages as ValueError."""
import math
import os
from fractions import Fraction

import numpy as np
import pytest

import glasses
from conftest import run_cli, source_dir
from exact_rounder import exact_round

REFMODELS = os.path.join(source_dir(), "tests", "fixtures", "refmodels")
BF16 = dict(p=8, emin=-126, emax=127, subnormals=True, overflow="infinity", specials="ieee")


def cli_rows(args):
    out = run_cli("forward", *args, "--positions", "all").stdout
    return [line.split(" ") for line in out.splitlines()]


CASES = [
    # (model, cli model options, inputs for Python, --tokens for the CLI)
    ("preset", ["--preset", "default"], "count the ones : 1 1 1 1", "count the ones : 1 1 1 1"),
    ("llama-small", ["--model", os.path.join(REFMODELS, "llama-small")], [3, 41, 0, 17, 29, 11, 11, 6],
     "3 41 0 17 29 11 11 6"),
    ("gpt2-small", ["--model", os.path.join(REFMODELS, "gpt2-small")], [3, 41, 0, 17, 29, 11], "3 41 0 17 29 11"),
]


def open_model(name):
    if name == "preset":
        return glasses.Model.preset("default")
    return glasses.Model.from_pretrained(os.path.join(REFMODELS, name))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("policy", ["fp32", "bf16", "fp16", "fp64", "mpfr:128", "mixed:bf16/fp32"])
def test_forward_gives_the_bits_of_the_command_line(case, policy):
    name, options, inputs, tokens = case
    model = open_model(name)
    rows = cli_rows([*options, "--tokens", tokens, "--format" if ":" not in policy or policy.startswith("mpfr")
                     else "--policy", policy])
    # The same decimal digits (enough to read each value back exactly).
    assert model.forward(inputs, policy=policy, positions="all", exact=True) == rows
    # The doubles are the values those digits denote in the format.
    values = model.forward(inputs, policy=policy, positions="all")
    assert values.shape == (len(rows), len(rows[0]))
    read = np.array([[float(v) for v in row] for row in rows])
    if policy.startswith("mpfr"):
        read = np.array([[Fraction(v) for v in row] for row in rows], dtype=object)
    if policy in ("fp32", "mixed:bf16/fp32"):
        read = read.astype(np.float32).astype(np.float64)
    elif policy == "fp16":
        read = read.astype(np.float16).astype(np.float64)
    elif policy == "bf16":
        read = np.array([[exact_round(float(v), BF16, "near_even") for v in row] for row in read])
    if policy.startswith("mpfr"):
        # The nearest double of each value (the digits are the value at its
        # precision, so the nearest double of the digits, up to a tie).
        for v, d in zip(values.ravel(), read.ravel()):
            assert abs(Fraction(v) - Fraction(d)) <= Fraction(math.ulp(v)) / 2
    else:
        assert (values.view(np.uint64) == read.view(np.uint64)).all()
    last = model.forward(inputs, policy=policy)
    assert (last == values[-1]).all()


def test_interval_forward_encloses_the_mpfr_values():
    model = glasses.Model.preset("default")
    bounds = model.forward("count the ones : 1 1", policy="interval:128", positions="all", emit="y")
    exact = model.forward("count the ones : 1 1", policy="mpfr:256", positions="all", emit="y", exact=True)
    assert bounds.shape[-1] == 2
    rows = cli_rows(["--preset", "default", "--tokens", "count the ones : 1 1", "--format", "interval:128",
                     "--emit", "y"])
    text = model.forward("count the ones : 1 1", policy="interval:128", positions="all", emit="y", exact=True)
    assert [" ".join(r) for r in text] == [" ".join(r) for r in rows]
    from fractions import Fraction
    for lower_upper, decimals in zip(bounds, exact):
        for (lo, hi), d in zip(lower_upper, decimals):
            assert Fraction(lo) <= Fraction(d) <= Fraction(hi)


def test_model_properties_and_tokens():
    model = glasses.Model.preset("default")
    assert model.config["d_model"] == 64 and model.config["n_layers"] == 4
    assert model.origin.startswith("preset default")
    ids = model.tokenize("count the ones : 1")
    assert model.forward(ids).tolist() == model.forward("count the ones : 1").tolist()
    y = model.forward(ids, emit="y")
    assert y.shape == (64,)


def test_errors_are_the_command_lines_messages():
    model = glasses.Model.preset("default")
    for policy, tokens in (("fp17", "1 1"), ("fp16", "1 frobnicate")):
        r = run_cli("forward", "--preset", "default", "--tokens", tokens, "--format", policy, check=False)
        assert r.returncode == 2
        message = r.stderr.strip().removeprefix("glasses: error: ")
        with pytest.raises(ValueError) as e:
            model.forward(tokens, policy=policy)
        assert str(e.value) == message.replace("--tokens", "inputs")
    with pytest.raises(ValueError, match="preset"):
        glasses.Model.preset("nonexistent")
    with pytest.raises(ValueError):
        glasses.Model.from_pretrained("/nonexistent/folder")
    with pytest.raises(ValueError, match="positions"):
        model.forward("1", positions="first")


def test_activation_trace():
    model = glasses.Model.preset("default")
    text = "count the ones : 1 1 1 1 1"
    values, trace = model.forward(text, policy="mpfr:256", positions="all", trace=True)
    n, c = len(model.tokenize(text)), model.config
    assert trace["residual"].shape == (c["n_layers"] + 1, n, c["d_model"])
    assert trace["attention"].shape == (c["n_layers"], c["n_heads"], n, n)
    attention = trace["attention"]
    # Causal softmax weights: zero above the diagonal, rows summing to 1.
    assert (np.triu(attention, 1) == 0).all() and (attention >= 0).all()
    assert np.abs(attention.sum(axis=-1) - 1).max() < 1e-15
    assert (values == model.forward(text, policy="mpfr:256", positions="all")).all()
    # Causality: a prefix has the same activations at its positions.
    _, prefix = model.forward(text.rsplit(" ", 2)[0], policy="mpfr:256", positions="all", trace=True)
    k = prefix["residual"].shape[1]
    assert (prefix["residual"] == trace["residual"][:, :k]).all()
    assert (prefix["attention"] == trace["attention"][:, :, :k, :k]).all()
