#!/usr/bin/env bash
# report_date_test.sh <glasses> <suite> <source-dir>: the date of a report is
# --date, else SOURCE_DATE_EPOCH (UTC), else the date of the commit the
# binary was built from (README "Reports"); a bad SOURCE_DATE_EPOCH is
# refused with exit 2 before anything is written.
set -u
glasses=$1 suite=$2 source=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
report() { "$glasses" report --suite "$suite" --no-pdf "$@" > /dev/null 2>&1; }

# 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC; 86399 s is still 1970-01-01.
SOURCE_DATE_EPOCH=1700000000 report --out "$dir/epoch" || fail "report with SOURCE_DATE_EPOCH"
grep -q '\\date{2023-11-14}' "$dir/epoch/report.tex" || fail "SOURCE_DATE_EPOCH=1700000000 is not 2023-11-14"
SOURCE_DATE_EPOCH=86399 report --out "$dir/day0" || fail "report with SOURCE_DATE_EPOCH=86399"
grep -q '\\date{1970-01-01}' "$dir/day0/report.tex" || fail "SOURCE_DATE_EPOCH=86399 is not 1970-01-01"
SOURCE_DATE_EPOCH=1700000000 report --out "$dir/flag" --date 2001-02-03 || fail "report with --date"
grep -q '\\date{2001-02-03}' "$dir/flag/report.tex" || fail "--date does not win over SOURCE_DATE_EPOCH"

out=$(SOURCE_DATE_EPOCH=yesterday "$glasses" report --suite "$suite" --no-pdf --out "$dir/bad" 2>&1)
[[ $? -eq 2 ]] || fail "SOURCE_DATE_EPOCH=yesterday: expected exit 2: $out"
grep -q "SOURCE_DATE_EPOCH='yesterday' is not a number" <<< "$out" || fail "unexpected message: $out"
[[ ! -e $dir/bad ]] || fail "a refused report created its --out"

# The fallback: the commit date of the commit the report names.
env -u SOURCE_DATE_EPOCH "$glasses" report --suite "$suite" --no-pdf --out "$dir/commit" > /dev/null 2>&1 ||
  fail "report without SOURCE_DATE_EPOCH"
commit=$(sed -n 's/^commit & \\texttt{\([0-9a-f]*\).*/\1/p' "$dir/commit/report.tex")
expected=$(git -C "$source" show -s --format=%cs "$commit" 2> /dev/null)
if [[ -z $commit || -z $expected ]]; then echo "SKIPPED: no git commit to compare the fallback date with"; exit 77; fi
grep -q "\\\\date{$expected}" "$dir/commit/report.tex" || fail "the fallback date is not the date $expected of commit $commit"
echo "dates: --date, SOURCE_DATE_EPOCH and the commit date ($expected of $commit) as documented"
