#!/usr/bin/env python3
"""Calibration of the onset predictors on a suite's sweeps (docs/why_it_collapses.md).

Runs every sweep of a suite file with `glasses sweep` (the suite's model,
family, n grid, formats, reference and mitigations; no certification, no
ablation tracks), then counts, per predictor, the low-precision tracks
whose observed permanent onset is within a factor 2 of the predicted one
(0.5 <= observed / predicted <= 2), for the predicted permanent onset
(`onset_predictors`) and the predicted first onset (`onset_predictors_first`).

An observed permanent onset after the sweep's last-but-one point of n is
confirmed by no later point of the grid (only by the n walked on the way to
the last point): the script also prints, per predictor, the count among the
onsets that a later grid point confirms.

    scripts/predictor_calibration.py GLASSES reports/suites/paper.json OUTDIR [--threads N]
"""
import argparse
import json
import pathlib
import subprocess
import sys


def sweep_command(glasses, s, out, threads):
    n = s["n"]
    cmd = [glasses, "sweep", "--preset", s["model"], "--family", s["family"], "--formats", ",".join(s["formats"]),
           "--reference", s["reference"], "--no-certify", "--out", str(out), "--force", "--threads", str(threads)]
    if "points" in n:
        cmd += ["--n", f"{n['from']}:{n['to']}", "--geom", "--points", str(n["points"])]
    else:
        cmd += ["--n", f"{n['from']}:{n['to']}:{n.get('step', 1)}"]
    if "prompt" in s:
        cmd += ["--prompt", s["prompt"]]
    if "sink" in s:
        cmd += ["--sink", str(s["sink"])]
    if s.get("adaptive_temperature"):
        cmd += ["--adaptive-temperature"]
    return cmd


def within(observed, predicted):
    return predicted is not None and 0.5 <= observed / predicted <= 2


def main():
    a = argparse.ArgumentParser()
    a.add_argument("glasses")
    a.add_argument("suite")
    a.add_argument("out")
    a.add_argument("--threads", type=int, default=1)
    o = a.parse_args()
    suite = json.loads(pathlib.Path(o.suite).read_text())
    out = pathlib.Path(o.out)
    cases = []
    for s in suite["sweeps"]:
        d = out / s["id"]
        if not (d / "summary.json").exists():
            cmd = sweep_command(o.glasses, s, d, o.threads)
            print(" ".join(cmd), file=sys.stderr, flush=True)
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        summary = json.loads((d / "summary.json").read_text())
        for label, t in summary["formats"].items():
            if label == s["reference"] or label == summary.get("reference"):
                continue
            cases.append((s["id"], label, t))
    names = list(cases[0][2]["onset_predictors"].keys()) if cases else []
    print("| predictor | permanent: within 2x | false alarms | first: within 2x | false alarms |")
    print("|---|---|---|---|---|")
    for name in names:
        row = [name]
        for key in ("onset_predictors", "onset_predictors_first"):
            observed = [c for c in cases if c[2]["onset_permanent"] is not None]
            hits = sum(within(c[2]["onset_permanent"], c[2][key][name]) for c in observed)
            alarms = sum(c[2]["onset_permanent"] is None and c[2][key][name] is not None for c in cases)
            row += [f"{hits} of {len(observed)} ({round(100 * hits / max(1, len(observed)))} %)", str(alarms)]
        print("| " + " | ".join(row) + " |")
    print()
    confirmed = [c for c in cases if c[2]["onset_confirmed"]]
    print(f"Observed permanent onsets confirmed by a later grid point: {len(confirmed)}")
    print()
    print("| predictor | confirmed permanent onset within 2x |")
    print("|---|---|")
    for name in names:
        hits = sum(within(c[2]["onset_permanent"], c[2]["onset_predictors"][name]) for c in confirmed)
        print(f"| {name} | {hits} of {len(confirmed)} ({round(100 * hits / max(1, len(confirmed)))} %) |")
    print()
    print("| sweep | track | observed first | observed permanent | " + " | ".join(names) + " |")
    print("|---|---|---|---|" + "---|" * len(names))
    for sid, label, t in cases:
        if t["onset_permanent"] is None and all(v is None for v in t["onset_predictors"].values()):
            continue
        cells = []
        for name in names:
            p, f = t["onset_predictors"][name], t["onset_predictors_first"][name]
            cells.append(f"{p}" + (f" (first {f})" if f != p else ""))
        print(f"| {sid} | {label} | {t['onset_first']} | {t['onset_permanent']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
