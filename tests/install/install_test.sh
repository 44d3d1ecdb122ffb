#!/usr/bin/env bash
# install_test.sh <build dir> <source dir of the consumer>: installs glasses
# into a temporary prefix and builds and runs a project that finds it with
# find_package(glasses).
set -eu
build=$1 consumer=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cmake --install "$build" --prefix "$dir/prefix" > /dev/null
cmake -S "$consumer" -B "$dir/build" -DCMAKE_PREFIX_PATH="$dir/prefix" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$dir/build" -j2 > /dev/null
"$dir/build/consumer"
