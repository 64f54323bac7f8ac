# drow.sh - rows about a running smtprobed (bash; sourced after common.sh).
#
#	drow NAME		start a row
#	why REASON		the row fails for REASON
#	cq CHECK ARGS...	a ctlq.py assertion on $ROW_OUT, run by dend
#	dend			print PASS/FAIL for the row
#	grep_row FILE RE	the row fails unless FILE matches RE
#	nogrep_row FILE RE	the row fails if FILE matches RE
#	wait_grep FILE RE S	until FILE matches RE, at most S seconds
#	wait_answer SOCK S	until the daemon answers status on SOCK
#	re STRING		STRING as an extended regex matching itself

CTLQ="python3 $T_LIB/ctlq.py"
CQ=()

drow() {
	ROW_NAME=$1
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=
	ROW_ERR=
	ROW_CMD=
	CQ=()
}

why() {
	ROW_WHY+=("$*")
}

cq() {
	CQ+=(:: "$@")
}

dend() {
	local out w
	if [ ${#CQ[@]} -gt 0 ]; then
		if ! out=$($CTLQ "$ROW_OUT" "${CQ[@]}" 2>&1); then
			while IFS= read -r w; do
				ROW_WHY+=("$w")
			done <<<"${out:-ctlq failed}"
		fi
	fi
	CQ=()
	end_row
}

grep_row() {
	grep -Eq -- "$2" "$1" 2>/dev/null ||
	    why "${3:-${1#$T_DIR/}} does not match /$2/"
}

nogrep_row() {
	if grep -Eq -- "$2" "$1" 2>/dev/null; then
		why "${3:-${1#$T_DIR/}} matches /$2/: $(grep -Em1 -- "$2" "$1" |
		    cut -c1-200)"
	fi
}

wait_grep() {
	local n=0
	while [ $n -lt $(($3 * 10)) ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

wait_answer() {
	local n=0
	while [ $n -lt $(($2 * 10)) ]; do
		timeout 5 "$SMTPROBE" status -s "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

re() {
	local s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[].[\\*^\$\(\)+?{}\|]) out+="\\$c" ;;
		*) out+=$c ;;
		esac
	done
	printf '%s' "$out"
}
