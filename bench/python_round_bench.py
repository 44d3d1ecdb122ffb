"""glasses.round against the fastest pure-numpy equivalents, in one run.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_round_bench.py [N]

Times (best of 7 calls each) rounding N = 10^7 doubles to fp16 and bf16,
and prints the ratios numpy time / glasses time (> 1: glasses is faster).
Both baselines are checked bit for bit against glasses.round first (which
the tests check against an exact rounder), so no incorrect baseline wins.
"""
import sys
import time

import numpy as np

import glasses

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
REPEATS = 7

SHIFT = np.uint64(45)  # binary64 keeps 52 trailing bits, bf16 7: drop 45
HALF_MINUS_ONE = np.uint64((1 << 44) - 1)
ONE = np.uint64(1)
KEEP = np.uint64(~((1 << 45) - 1) & 0xFFFF_FFFF_FFFF_FFFF)
ABS = np.uint64(0x7FFF_FFFF_FFFF_FFFF)
BF16_OVERFLOW = np.uint64(np.float64(2.0**128).view(np.uint64))  # 2^(emax+1)
INF = np.uint64(np.float64(np.inf).view(np.uint64))
SUBNORMAL_MAGIC = 2.0**-81  # ulp 2^-133, bf16's subnormal quantum


def numpy_fp16(x):
    with np.errstate(over="ignore"):  # overflow to infinity is the correct result
        return x.astype(np.float16).astype(np.float64)


def numpy_bf16(x):
    """Correctly rounded float64 -> bf16 (nearest even), on the bits of x.
    Normal range: add 2^44 - 1 + (bit 45), clear the low 45 bits (the carry
    runs into the exponent exactly when rounding up to the next binade).
    Results from 2^128 on overflow to infinity. Below 2^-126 (bf16
    subnormals, quantum 2^-133), x + 2^-81 - 2^-81 with x's sign rounds in
    binary64 at exactly that quantum (zeros keep the sign of x). NaN stays NaN."""
    bits = x.view(np.uint64)
    r = (bits + (HALF_MINUS_ONE + ((bits >> SHIFT) & ONE))) & KEEP
    magnitude = r & ABS
    r = np.where(magnitude >= BF16_OVERFLOW, (r & ~ABS) | INF, r)
    out = r.view(np.float64)
    tiny = np.abs(x) < 2.0**-126
    if tiny.any():
        c = np.copysign(SUBNORMAL_MAGIC, x[tiny])
        out[tiny] = np.copysign((x[tiny] + c) - c, x[tiny])  # a zero result keeps the sign of x
    nan = np.isnan(x)
    if nan.any():
        out[nan] = x[nan]
    return out


def best(f, x):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(N) * np.exp2(rng.integers(-20, 20, N))
    # Correctness first, on x and on the edges (overflow, subnormals, ties, specials).
    edges = np.array([65519.99, 65520.0, 2.0**-25, 2.0**-24, 3 * 2.0**-26, 2.0**128, float.fromhex("0x1.ff8p127"), 2.0**-133,
                      2.0**-134, 3 * 2.0**-134, 1 + 2.0**-8, 1 + 3 * 2.0**-8, -0.0, np.inf, -np.inf, np.nan,
                      1e-320, -1e-40, 1e300])
    for data in (x, edges):
        for name, ours, theirs in (("fp16", lambda v: glasses.round(v, "fp16"), numpy_fp16),
                                   ("bf16", lambda v: glasses.round(v, "bf16"), numpy_bf16)):
            a, b = ours(data), theirs(data)
            same = (a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))
            assert same.all(), f"{name}: baseline and glasses differ at {data[~same][:5]}"
    print(f"{N} doubles, best of {REPEATS}; ratio = numpy time / glasses time")
    for name, ours, theirs in (("fp16", lambda v: glasses.round(v, "fp16"), numpy_fp16),
                               ("bf16", lambda v: glasses.round(v, "bf16"), numpy_bf16)):
        t_numpy, t_glasses = best(theirs, x), best(ours, x)
        print(f"{name}: numpy {t_numpy * 1e3:8.1f} ms   glasses {t_glasses * 1e3:8.1f} ms   "
              f"ratio {t_numpy / t_glasses:5.2f}")


if __name__ == "__main__":
    main()
