#!/usr/bin/env bash
# exit_internal_test.sh <glasses> <suite>: exit code 3 (an internal error,
# DESIGN.md) at the command line: `glasses report` when the PDF build fails.
# A latexmk on PATH that fails stands in for a broken TeX installation, so the
# test needs no TeX and is the same everywhere.
set -u
glasses=$1 suite=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin"
printf '#!/bin/sh\necho "fake latexmk: TeX is broken here" >&2\nexit 12\n' > "$dir/bin/latexmk"
printf '#!/bin/sh\nexit 0\n' > "$dir/bin/pdflatex"
chmod +x "$dir/bin/latexmk" "$dir/bin/pdflatex"
out=$(PATH="$dir/bin:$PATH" "$glasses" report --suite "$suite" --date 2024-01-01 --out "$dir/out" 2>&1)
status=$?
[[ $status -eq 3 ]] || { echo "FAIL: a failed PDF build exited $status, expected 3: $out"; exit 1; }
grep -q "LaTeX failed to build .*report.pdf" <<< "$out" || { echo "FAIL: unexpected message: $out"; exit 1; }
grep -q "latexmk exited with status 12" <<< "$out" || { echo "FAIL: latexmk's status not reported: $out"; exit 1; }
[[ -f $dir/out/report.tex && ! -e $dir/out/report.pdf ]] || { echo "FAIL: expected report.tex and no report.pdf"; exit 1; }
echo "exit 3 with the LaTeX failure named; report.tex kept, no report.pdf"
