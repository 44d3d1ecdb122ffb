#!/usr/bin/env bash
# install_test.sh <build dir> <source dir of the consumer> [CXX flags]
# [linker flags]: installs glasses into a temporary prefix and builds, with
# the given flags, and runs a project that finds it with find_package(glasses).
set -eu
build=$1 consumer=$2 cxx_flags=${3:-} linker_flags=${4:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cmake --install "$build" --prefix "$dir/prefix" > /dev/null
cmake -S "$consumer" -B "$dir/build" -DCMAKE_PREFIX_PATH="$dir/prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$linker_flags" > /dev/null
cmake --build "$dir/build" -j2 > /dev/null
"$dir/build/consumer"
