#!/bin/sh
# ci.sh - build the fuzzers and run each for 20 seconds (the CI smoke
# run, called by .ci/run). Ends with "N passed, N failed"; exits
# non-zero if the build fails or a fuzzer crashes.
set -u
cd "$(dirname "$0")/../.." || exit 2
if ! make -j2 fuzz-build; then
	echo "FAIL fuzz-build"
	echo "0 passed, 1 failed"
	exit 1
fi
exec sh tests/fuzz/run.sh 20
