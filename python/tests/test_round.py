"""glasses.round, to_bits, from_bits, formats against independent
references: the exact integer rounder (exact_rounder.py), numpy's float16
cast, and the standards' format parameters."""
import math
import random

import numpy as np
import pytest

import glasses
from exact_rounder import exact_round, max_finite

MODES = ["near_even", "near_maxMag", "minMag", "min", "max"]


def fmt(p, emin, emax, subnormals=True, overflow="infinity", specials="ieee"):
    return dict(p=p, emin=emin, emax=emax, subnormals=subnormals, overflow=overflow, specials=specials)


# From IEEE 754-2019 (binary64/32/16), NVIDIA (tf32), Google (bfloat16) and
# the OCP 8-bit floating point specification (E4M3 saturating, E5M2).
NAMED = {
    "fp64": fmt(53, -1022, 1023),
    "fp32": fmt(24, -126, 127),
    "tf32": fmt(11, -126, 127),
    "fp16": fmt(11, -14, 15),
    "bf16": fmt(8, -126, 127),
    "e4m3": fmt(4, -6, 8, overflow="saturate", specials="finite_nan"),
    "e5m2": fmt(3, -14, 15),
}
# Modifiers and other spellings of the command line.
OTHERS = {
    "e4m3:nosat": fmt(4, -6, 8, overflow="NaN", specials="finite_nan"),
    "e5m2:sat": fmt(3, -14, 15, overflow="saturate"),
    "fp16:nosub": fmt(11, -14, 15, subnormals=False),
    "custom:p=5,emax=15,emin=-10": fmt(5, -10, 15),
    "mpfr:40": fmt(40, -(1 << 30), 1 << 30, subnormals=False),
}
ALL = {**NAMED, **OTHERS}


def test_formats_lists_every_named_format_with_its_standard_parameters():
    listed = {d["name"]: d for d in glasses.formats()}
    assert set(listed) == set(NAMED)
    for name, f in NAMED.items():
        d = listed[name]
        for key in ("p", "emin", "emax", "subnormals"):
            assert d[key] == f[key], (name, key)
        assert d["max"] == max_finite(f)
        assert d["min_subnormal"] == math.ldexp(1, f["emin"] - f["p"] + 1)
        assert d["unit_roundoff"] == math.ldexp(1, -f["p"])
    # Bit widths and largest finite values, as the standards give them.
    assert [listed[n]["bits"] for n in NAMED] == [64, 32, 19, 16, 16, 8, 8]
    assert listed["fp16"]["max"] == 65504 and listed["bf16"]["max"] == float.fromhex("0x1.fep127")
    assert listed["e4m3"]["max"] == 448 and listed["e5m2"]["max"] == 57344
    assert glasses.format_info("e4m3:nosat")["overflow"] == "NaN"
    assert [r["name"] for r in glasses.roundings()] == MODES + ["stochastic"]


def samples(f, count, rng):
    """Doubles around every feature of f: random significands over the
    whole range and beyond, exact grid points, midpoints and their
    neighbours, the overflow threshold, subnormals, zeros, specials."""
    top = min(f["emax"], 1023)
    bottom = max(f["emin"] - f["p"] - 2, -1074)
    xs = [0.0, -0.0, math.inf, -math.inf, math.nan, max_finite(f), -max_finite(f)]
    if top < 1023:
        xs += [math.ldexp(1, top + 1), math.ldexp(3, top - 1), 1e300]
    for _ in range(count):
        e = rng.randint(bottom, top + 1)
        kind = rng.random()
        if kind < 0.4:  # a random double
            x = math.ldexp(1 + rng.random(), min(e, 1023))
        else:  # a point of f's grid at exponent e, a midpoint, or a neighbour
            q = (max(e, f["emin"]) if f["subnormals"] else e) - f["p"] + 1
            units = rng.randint(1 << (f["p"] - 1), (1 << f["p"]) - 1) if e >= f["emin"] else rng.randint(0, 1 << f["p"])
            try:
                x = math.ldexp(2 * units + (1 if kind < 0.8 else 0), q - 1)
            except OverflowError:
                continue
            if kind > 0.9:
                x = math.nextafter(x, math.inf if rng.random() < 0.5 else -math.inf)
        if not math.isfinite(x):
            continue
        xs.append(-x if rng.random() < 0.5 else x)
    return np.array(xs, dtype=np.float64)


def same_bits(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    nan = np.isnan(a) & np.isnan(b)
    return (a.view(np.uint64) == b.view(np.uint64)) | nan


@pytest.mark.parametrize("name", list(ALL))
@pytest.mark.parametrize("mode", MODES)
def test_round_equals_the_exact_rounder(name, mode):
    f = ALL[name]
    rng = random.Random(f"{name}/{mode}")
    x = samples(f, 20000, rng)
    want = np.array([exact_round(float(v), f, mode) for v in x])
    got = glasses.round(x, name, mode)
    assert got.dtype == np.float64 and got.shape == x.shape
    bad = np.flatnonzero(~same_bits(got, want))
    assert bad.size == 0, f"{name} {mode}: x={x[bad[0]].hex()} got {got[bad[0]]!r} want {want[bad[0]]!r}"


@pytest.mark.parametrize("name", ["fp16", "bf16", "tf32", "e4m3", "e5m2", "fp32"])
def test_float32_input_rounds_like_its_float64_value(name):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(20000) * np.exp2(rng.integers(-30, 30, 20000))).astype(np.float32)
    for mode in MODES:
        want = np.array([exact_round(float(v), ALL[name], mode) for v in x[:2000]])
        got = glasses.round(x, name, mode)
        assert same_bits(got[:2000], want).all()
        assert same_bits(got, glasses.round(x.astype(np.float64), name, mode)).all()


def test_round_agrees_with_numpy_float16_cast():
    rng = np.random.default_rng(7)
    x = rng.standard_normal(1_000_000) * np.exp2(rng.integers(-28, 18, 1_000_000))
    x[:4] = [65519.99, 65520.0, -65520.0, 2.0**-25]  # overflow threshold, the smallest tie
    with np.errstate(over="ignore"):
        want = x.astype(np.float16).astype(np.float64)
    assert same_bits(glasses.round(x, "fp16"), want).all()
    # Every binary16 pattern reads and writes back as numpy's float16.
    patterns = np.arange(1 << 16, dtype=np.uint16)
    values = glasses.from_bits(patterns, "fp16")
    assert same_bits(values, patterns.view(np.float16).astype(np.float64)).all()
    finite = np.isfinite(values)
    assert (glasses.to_bits(values[finite], "fp16") == patterns[finite]).all()
    assert glasses.to_bits(values[finite], "fp16").dtype == np.uint16


def test_bits_of_8_bit_formats_follow_ocp():
    # E4M3: S.EEEE.MMM, bias 7; 0x7E = 448, 0x01 = 2^-9, 0x7F = NaN.
    assert list(glasses.from_bits(np.array([0x7E, 0x01, 0x38, 0xFE], dtype=np.uint8), "e4m3")) == [448, 2**-9, 1, -448]
    assert np.isnan(glasses.from_bits(np.array([0x7F]), "e4m3")[0])
    # E5M2: bias 15, 0x7B = 57344, 0x7C = inf.
    assert list(glasses.from_bits(np.array([0x7B, 0x7C], dtype=np.uint8), "e5m2")) == [57344, math.inf]
    assert glasses.to_bits([448.0, -1.0], "e4m3").tolist() == [0x7E, 0xB8]


def test_stochastic_rounding_is_unbiased_and_reproducible():
    # As tests/numerics/rounding_test.cpp: neighbours 1 and 1 + 2^-10 in fp16,
    # chi-square over several fractions, the mean within 4 standard errors.
    lo, hi, draws = 1.0, 1.0 + 2.0**-10, 100_000
    chi2 = 0.0
    for fraction in (0.1, 0.25, 1 / 3, 0.5, 0.9):
        x = np.full(draws, lo + fraction * (hi - lo))
        r = glasses.round(x, "fp16", "stochastic", seed=42)
        assert np.isin(r, [lo, hi]).all()
        ups = int((r == hi).sum())
        expected = draws * fraction
        chi2 += (ups - expected) ** 2 / (expected * (1 - fraction))
        standard_error = (hi - lo) * math.sqrt(fraction * (1 - fraction) / draws)
        assert abs(r.mean() - x[0]) < 4 * standard_error
    assert chi2 < 20.5  # 5 degrees of freedom: P(chi2 > 20.5) = 0.001
    x = np.linspace(1, 2, 5000)
    a = glasses.round(x, "bf16", "stochastic", seed=7)
    assert same_bits(a, glasses.round(x, "bf16", "stochastic", seed=7)).all()
    assert not same_bits(a, glasses.round(x, "bf16", "stochastic", seed=8)).all()
    # Every result is one of the two neighbours; exact values are never perturbed.
    down = glasses.round(x, "bf16", "min")
    up = glasses.round(x, "bf16", "max")
    assert ((a == down) | (a == up)).all()
    exact = glasses.round(np.array([1.5, 0.25, -3.0]), "fp16", "stochastic", seed=1)
    assert exact.tolist() == [1.5, 0.25, -3.0]


def test_shapes_dtypes_and_zero_copy_inputs():
    x = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7
    assert glasses.round(x, "bf16").shape == (2, 3, 4)
    assert same_bits(glasses.round(x[:, ::2, :], "bf16"), glasses.round(x, "bf16")[:, ::2, :]).all()
    assert glasses.round([0.1, 0.2], "fp16").tolist() == [exact_round(0.1, NAMED["fp16"], "near_even"),
                                                          exact_round(0.2, NAMED["fp16"], "near_even")]
    assert glasses.round(np.arange(5, dtype=np.int32), "e5m2").tolist() == [0, 1, 2, 3, 4]
    assert glasses.round(np.float16([1.5]), "fp32").tolist() == [1.5]


def test_bad_input_raises_value_error_with_the_message():
    with pytest.raises(ValueError, match="fp17"):
        glasses.round([1.0], "fp17")
    with pytest.raises(ValueError, match="rounding"):
        glasses.round([1.0], "fp16", "nearest")
    with pytest.raises(ValueError, match="int64"):
        glasses.round(np.array([2**60], dtype=np.int64), "fp16")
    with pytest.raises(ValueError, match="not a value of fp16"):
        glasses.to_bits([0.1], "fp16")
    with pytest.raises(ValueError, match="pattern"):
        glasses.from_bits(np.array([1 << 16]), "fp16")
    with pytest.raises(ValueError):
        glasses.to_bits([1.0], "mpfr:100")
