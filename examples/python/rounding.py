"""Rounding with glasses: one call per format, every rounding mode, bit
patterns, and what each format does to a few telling values.

    PYTHONPATH=build/release/python python3 examples/python/rounding.py
"""
import numpy as np

import glasses

x = np.array([0.1, 1 / 3, 1000.7, 65519.0, 65520.0, 3e-8, -2.5])
print(f"{'format':8} " + " ".join(f"{v:>12.6g}" for v in x))
for f in glasses.formats():
    print(f"{f['name']:8} " + " ".join(f"{v:>12.6g}" for v in glasses.round(x, f["name"])))

# Directed modes bracket the value; stochastic rounding is unbiased on average.
third = np.full(100_000, 1 / 3)
print("\n1/3 in bf16:", glasses.round(1 / 3, "bf16", "min"), "<=", 1 / 3, "<=", glasses.round(1 / 3, "bf16", "max"))
print("mean of stochastic bf16 roundings of 1/3:", glasses.round(third, "bf16", "stochastic", seed=1).mean())

# Bit patterns: fp8 E4M3 (OCP): 448 is 0x7e, the largest finite value.
print("\nE4M3 bits of [448, -1, 0.015625]:", [hex(b) for b in glasses.to_bits([448, -1, 0.015625], "e4m3")])
print("E4M3 saturates:", glasses.round(1e6, "e4m3"), " e4m3:nosat gives NaN:", glasses.round(1e6, "e4m3:nosat"))
