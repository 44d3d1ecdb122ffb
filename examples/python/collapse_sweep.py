"""A collapse sweep: where do bf16 and fp16 make "n ones" and "n+1 ones"
indistinguishable for the paper's block? Plots the distance between the two
final representations against n (collapse.png) when matplotlib is present.

    PYTHONPATH=build/release/python python3 examples/python/collapse_sweep.py [OUT_DIR]
"""
import sys

import glasses

out = sys.argv[1] if len(sys.argv) > 1 else "collapse-sweep"
n = sorted({round(1.25 ** k) for k in range(32)})  # 1 .. 1000, log-spaced
result = glasses.sweep(glasses.Model.preset("paper-literal"), family="count-ones", n=n,
                       formats=["bf16", "fp16", "fp32"], reference="fp64", certify_max_n=256,
                       progress=lambda done, total: print(f"\r{100 * done / total:5.1f}%", end="", flush=True))
print()
result.save(out)
for fmt, onset in result.onsets().items():
    print(f"{fmt:6} first collapse: {onset['onset_first']}, permanent: {onset['onset_permanent']}, "
          f"predicted: {onset['onset_predicted']}")

try:
    import matplotlib
except ImportError:
    print("matplotlib is not installed: no plot (sudo apt-get install python3-matplotlib)")
    sys.exit(0)
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(figsize=(6, 4))
for fmt in ["fp64", "fp32", "fp16", "bf16"]:
    d = result.metric("Dinf", fmt)
    norm = result.metric("y_norm_inf", fmt)[:, 1]
    rel = d[:, 1] / norm
    keep = rel > 0
    ax.loglog(d[keep, 0], rel[keep], marker=".", label=fmt)
ax.set_xlabel("n (ones)")
ax.set_ylabel("relative distance of the final representations")
ax.legend()
fig.tight_layout()
fig.savefig(f"{out}/collapse.png", dpi=120)
print(f"wrote {out}/collapse.png, {out}/sweep.csv, {out}/summary.json")
