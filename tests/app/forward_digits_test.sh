#!/usr/bin/env bash
# forward_digits_test.sh <glasses> <refmodel-dir>
# glasses forward prints each value with enough digits to read it back in
# its format (issue 15, defect 1: it used to print 9 digits, so an mpfr:256
# or fp64 run agreed with an fp64 reference only to ~1e-9). The reference
# is the fixture's independent fp64 forward (logits_fp64.txt, %.17g).
set -euo pipefail
glasses=$1 dir=$2
tokens=$(cat "$dir/tokens.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# max over all values of |x - ref| / max(1, |ref|); fails above $2.
agrees() {
  awk -v tol="$2" -v what="$1" '
    NR == FNR { for (i = 1; i <= NF; i++) ref[FNR, i] = $i; cols[FNR] = NF; next }
    { if (NF != cols[FNR]) { print what ": line " FNR " has " NF " values, the reference " cols[FNR]; bad = 1 }
      for (i = 1; i <= NF; i++) {
        d = $i - ref[FNR, i]; if (d < 0) d = -d
        r = ref[FNR, i]; if (r < 0) r = -r; if (r < 1) r = 1
        if (d / r > m) m = d / r; n++ } }
    END { printf "%s: %d values, largest relative difference %.3g (tolerance %g)\n", what, n, m, tol
          exit !(n == 31 * 48 && !bad && m <= tol) }' "$dir/logits_fp64.txt" "$work/$1"
}

# The most significant digits of any value printed (sign, exponent, point and leading zeros dropped).
max_digits() {
  tr ' ' '\n' < "$work/$1" | awk '{ s = $1; sub(/^-/, "", s); sub(/[eE].*/, "", s); sub(/\./, "", s); sub(/^0+/, "", s)
                                    if (length(s) > m) m = length(s) } END { print m + 0 }'
}

for f in fp64 mpfr:256; do
  "$glasses" forward --model "$dir" --tokens "$tokens" --format "$f" > "$work/$f"
done
# Different summation orders: fp64 runs agree to a few ulps, not to 1e-9.
agrees fp64 1e-13
agrees mpfr:256 1e-13
got=$(max_digits mpfr:256); [[ $got == 79 ]] || { echo "mpfr:256 printed $got digits, expected 79"; exit 1; }
got=$(max_digits fp64); [[ $got == 17 ]] || { echo "fp64 printed $got digits, expected 17"; exit 1; }

# --digits shortens on request.
"$glasses" forward --model "$dir" --tokens "$tokens" --format mpfr:256 --digits 6 > "$work/short"
got=$(max_digits short); [[ $got == 6 ]] || { echo "--digits 6 printed $got digits"; exit 1; }
agrees short 1e-5

# Intervals: "lower upper" with 40 digits at 128 bits, enclosing the mpfr:256 values.
"$glasses" forward --model "$dir" --tokens "$tokens" --format interval:128 > "$work/interval"
got=$(max_digits interval); [[ $got == 40 ]] || { echo "interval:128 printed $got digits, expected 40"; exit 1; }
awk 'NR == FNR { for (i = 1; i <= NF; i++) x[FNR, i] = $i; next }
     { for (i = 1; i <= NF / 2; i++) { lo = $(2 * i - 1); hi = $(2 * i); v = x[FNR, i]
         if (!(lo + 0 <= v + 0 && v + 0 <= hi + 0)) { print "line " FNR " value " i ": " v " outside [" lo ", " hi "]"; bad = 1 } n++ } }
     END { print n " enclosures checked"; exit bad || n != 31 * 48 }' "$work/mpfr:256" "$work/interval"
