# bench/lib.sh - what every benchmark script shares (bash; sourced).
#
#	bench_begin NAME	the record of this run: RECORD is set to
#				bench/results/NAME-DATE-MACHINE-COMMIT.txt
#				and the file starts with where and what ran
#	bench_report		a filter: what passes through goes to stdout
#				and is appended to the record
#	bench_end		closes the record and says where it is
#
# A record is plain text: a header of key=value lines (bench, date,
# machine, cpus, cpu, memory, kernel, load, commit, command), then the
# script's report as it printed it. bench/results/ is not tracked by git;
# README.md's table is copied from the latest records.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_TOP=$(cd "$BENCH_DIR/.." && pwd)

bench_begin() {
	local name=$1 commit dirty= date host
	shift
	date=$(date -u +%Y%m%dT%H%M%SZ)
	host=$(hostname -s 2>/dev/null || uname -n)
	commit=$(git -C "$BENCH_TOP" rev-parse --short HEAD 2>/dev/null ||
	    echo unknown)
	[ -n "$(git -C "$BENCH_TOP" status --porcelain --untracked-files=no \
	    2>/dev/null)" ] && dirty=+dirty
	mkdir -p "$BENCH_DIR/results"
	RECORD=$BENCH_DIR/results/$name-$date-$host-$commit$dirty.txt
	{
		echo "bench=$name"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "machine=$host"
		echo "cpus=$(nproc)"
		echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' \
		    /proc/cpuinfo | head -n 1)"
		echo "memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", \
		    $2 / 1048576 }' /proc/meminfo)"
		echo "kernel=$(uname -sr)"
		echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "commit=$commit$dirty $(git -C "$BENCH_TOP" log -1 \
		    --format=%s 2>/dev/null | cut -c1-72)"
		echo "command=bench/$name.sh $*"
		echo
	} >"$RECORD"
}

bench_report() {
	tee -a "$RECORD"
}

bench_end() {
	echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RECORD"
	echo "# record: ${RECORD#"$BENCH_TOP"/}"
}
