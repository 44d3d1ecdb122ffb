#!/usr/bin/env bash
# mpi_test.sh <glasses> <suite.json>: under `mpirun -np 1, 2 and 3`
# (oversubscribed), sweep (an MPFR track, MPFI certifications and a
# stochastic-rounding track, whose seeds must not depend on the rank), check
# and report write the same bytes as a singleton run; a rank killed part
# way ends the job with no outputs, and --resume with another rank count
# finishes it byte-identical; more ranks than items work; an unwritable
# --out ends every rank with exit code 2 and a message; rank 0's progress
# reaches 100% with work done on other ranks; a model without a causal
# mask splits its rows over a group too.
set -u
glasses=$1
suite=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mpi() { local np=$1; shift; mpirun -np "$np" --oversubscribe --bind-to none "$glasses" "$@"; }

sweep=(sweep --preset paper-literal --family count-ones --n 1:40 --formats e4m3,bf16,bf16~stochastic,mpfr:96
       --reference mpfr:192 --seed 5 --threads 1)
check=(check B.4 B.6-counterexample --quick --threads 1)
report=(report --suite "$suite" --no-pdf --date 2026-01-01 --threads 1)

"$glasses" "${sweep[@]}" --out "$dir/s0" > "$dir/s0.txt" 2> /dev/null || fail "singleton sweep"
grep -q '"interval_bits": [1-9]' "$dir/s0/summary.json" || fail "the sweep certified no onset with intervals"
"$glasses" "${check[@]}" --json "$dir/c0.json" > "$dir/c0.txt" 2> /dev/null || fail "singleton check"
"$glasses" "${report[@]}" --out "$dir/r0" > /dev/null 2>&1 || fail "singleton report"
for np in 1 2 3; do
  mpi "$np" "${sweep[@]}" --out "$dir/s$np" > "$dir/s$np.txt" 2> "$dir/err" || { cat "$dir/err"; fail "sweep -np $np"; }
  for f in sweep.csv summary.json; do cmp "$dir/s0/$f" "$dir/s$np/$f" || fail "sweep -np $np: $f differs"; done
  cmp "$dir/s0.txt" "$dir/s$np.txt" || fail "sweep -np $np: the printed table differs"
  [[ ! -e $dir/s$np/.progress ]] || fail "sweep -np $np left its progress files"
  mpi "$np" "${check[@]}" --json "$dir/c$np.json" > "$dir/c$np.txt" 2> "$dir/err" || { cat "$dir/err"; fail "check -np $np"; }
  cmp "$dir/c0.json" "$dir/c$np.json" || fail "check -np $np: the JSON differs"
  cmp "$dir/c0.txt" "$dir/c$np.txt" || fail "check -np $np: the printed table differs"
  # Rank 0's progress (plain lines on a non-terminal) counts the checks other ranks ran.
  grep -q "^check: 100%" "$dir/err" || { cat "$dir/err"; fail "check -np $np: the progress did not reach 100%"; }
  # The report's checks are items too: their results travel as exact bytes.
  mpi "$np" "${report[@]}" --out "$dir/r$np" > /dev/null 2> "$dir/err" || { cat "$dir/err"; fail "report -np $np"; }
  grep -q "^report mpi-tiny: 100%" "$dir/err" || { cat "$dir/err"; fail "report -np $np: the progress did not reach 100%"; }
  # .glasses.lock (the --out lock) holds the writing process id.
  diff -r -x .glasses.lock "$dir/r0" "$dir/r$np" > /dev/null || fail "report -np $np: the report differs: $(diff -rq -x .glasses.lock "$dir/r0" "$dir/r$np")"
  echo "-np $np: sweep, check and report byte-identical to the singleton"
done

# One track's rows over a group of ranks (MPFR track and MPFI
# certifications split row-wise): one group of 2 and of 3, and two groups
# of 2 (rank 0 schedules while its group exchanges rows).
for spec in "2 2" "3 3" "4 2"; do
  read -r np per <<< "$spec"
  out=$dir/g$np-$per
  mpi "$np" "${sweep[@]}" --ranks-per-track "$per" --out "$out" > "$out.txt" 2> "$dir/err" \
    || { cat "$dir/err"; fail "sweep -np $np --ranks-per-track $per"; }
  for f in sweep.csv summary.json; do cmp "$dir/s0/$f" "$out/$f" || fail "-np $np --ranks-per-track $per: $f differs"; done
  grep -q "row exchanges" "$dir/err" || fail "-np $np --ranks-per-track $per: no rows were exchanged"
  echo "-np $np --ranks-per-track $per: byte-identical to the singleton"
done
# A model without a causal mask: every n is a full forward, whose
# positions' rows and heads the group shares.
bidirectional=(sweep --preset paper-literal:causal=0 --family count-ones --n 1:8 --formats bf16,mpfr:96
               --reference mpfr:192 --seed 5 --threads 1)
"$glasses" "${bidirectional[@]}" --out "$dir/b0" > /dev/null 2>&1 || fail "singleton sweep without a causal mask"
mpi 2 "${bidirectional[@]}" --ranks-per-track 2 --out "$dir/b2" > /dev/null 2> "$dir/err" \
  || { cat "$dir/err"; fail "sweep without a causal mask, -np 2 --ranks-per-track 2"; }
for f in sweep.csv summary.json; do cmp "$dir/b0/$f" "$dir/b2/$f" || fail "without a causal mask: $f differs"; done
grep -q "in [1-9][0-9]* row exchanges" "$dir/err" || { cat "$dir/err"; fail "without a causal mask: no rows were exchanged"; }
echo "-np 2 --ranks-per-track 2 without a causal mask: byte-identical to the singleton"
mpi 3 "${sweep[@]}" --ranks-per-track 2 --out "$dir/never" > /dev/null 2> "$dir/err"
status=$?
[[ $status -eq 2 ]] && grep -q "does not divide the 3 ranks" "$dir/err" || { cat "$dir/err"; fail "--ranks-per-track 2 on 3 ranks: exit $status"; }
[[ ! -e $dir/never/sweep.csv ]] || fail "--ranks-per-track 2 on 3 ranks wrote a sweep"

# More ranks than items: one check on three ranks.
mpi 3 check B.4 --quick --threads 1 > "$dir/one.txt" 2> /dev/null || fail "one check on 3 ranks"
grep -q '^B\.4 ' "$dir/one.txt" || fail "one check on 3 ranks printed no row"

# An unwritable --out (a path under a regular file): exit 2, one message, nothing written.
touch "$dir/file"
mpi 2 "${sweep[@]}" --out "$dir/file/sub" > /dev/null 2> "$dir/err"
status=$?
[[ $status -eq 2 ]] || { cat "$dir/err"; fail "unwritable --out: exit $status, expected 2"; }
grep -q "glasses: error.*cannot create" "$dir/err" || { cat "$dir/err"; fail "unwritable --out: no message"; }

# A rank killed part way: the job ends, nothing final is written; --resume
# on another number of ranks gives the singleton's bytes.
long=(sweep --preset paper-literal --family count-ones --n 1:1500 --formats bf16,fp16,fp32 --reference fp64
      --no-certify --threads 1)
"$glasses" "${long[@]}" --out "$dir/l0" > /dev/null 2>&1 || fail "singleton long sweep"
mpirun -np 2 --bind-to none "$glasses" "${long[@]}" --out "$dir/cut" > /dev/null 2> "$dir/err" &
launcher=$!
for _ in $(seq 1 600); do
  lines=$(cat "$dir"/cut/.progress/track-*.jsonl 2> /dev/null | wc -l)
  [[ $lines -ge 300 ]] && break
  sleep 0.05
done
victim=$(pgrep -P "$launcher" -n)  # the youngest rank
[[ -n $victim ]] || fail "no rank to kill"
kill -9 "$victim"
wait "$launcher"
status=$?
[[ $status -ne 0 ]] || fail "the job ended with 0 after a rank was killed"
[[ ! -e $dir/cut/sweep.csv && ! -e $dir/cut/summary.json ]] || fail "outputs written after a rank was killed"
echo "killed rank $victim: the job exited $status and wrote nothing final"
mpi 3 "${long[@]}" --out "$dir/cut" --resume > /dev/null 2> "$dir/err" || { cat "$dir/err"; fail "resume on 3 ranks"; }
for f in sweep.csv summary.json; do cmp "$dir/l0/$f" "$dir/cut/$f" || fail "resumed: $f differs"; done
echo "resumed on 3 ranks: byte-identical"
