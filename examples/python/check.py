"""Check a statement of the paper (THEORY §3) and read its verdicts.

    PYTHONPATH=build/release/python python3 examples/python/check.py [ID ...]
"""
import sys

import glasses

ids = sys.argv[1:] or ["B.1", "B.8"]
for r in glasses.check(ids, quick=True):
    print(f"{r['id']}: {r['statement']}")
    print(f"  expected {r['expected']}, {r['instances']} instances, verdicts {r['verdicts']}, "
          f"worst margin {r['worst_margin']}")
    if r["failed"]:
        print("  REFUTED: a statement expected to hold; witnesses:", r["witnesses"][:3])
