# Sourced by run-sip-bench: one measured step, and the job check, for one contestant.
# Needs contestants.sh, and WORK, DATA, BUFFER, SIP_DIR, BASE_PORT.
#
# Ports: caller BASE_PORT, callee BASE_PORT+1, contestant BASE_PORT+2 (all on 127.0.0.1).

# The sipp callee, answering every call. Its own process: $! is its PID.
start_callee() {  # DIR [extra sipp flags...]
    local dir=$1; shift
    (cd "$dir" && exec sipp -sf "$SIP_DIR/callee.xml" -i 127.0.0.1 -p $((BASE_PORT + 1)) \
        -buff_size "$BUFFER" -nostdin "$@" >callee.out 2>&1) &
    CALLEE_PID=$!
}

# The sipp caller: CALLS calls at RATE per second, bounded in time. Runs in DIR, where sipp
# writes its statistics (stat.csv) and response times (caller_PID_rtt.csv).
run_caller() {  # DIR RATE CALLS [extra sipp flags...]
    local dir=$1 rate=$2 calls=$3; shift 3
    local limit=$((calls / rate + 20))
    # -l: calls open at once; a stalled contestant holds calls until -recv_timeout (5 s).
    # -abortunexp off: a 180 overtaken by the 200 (Kamailio's two workers) is no failure.
    (cd "$dir" && timeout $((limit + 15)) sipp -sf "$SIP_DIR/caller.xml" -inf "$DATA/callers.csv" \
        -i 127.0.0.1 -p "$BASE_PORT" "127.0.0.1:$TARGET_PORT" -m "$calls" -r "$rate" \
        -l $((rate * 6 + 100)) -buff_size "$BUFFER" -recv_timeout 5000 -default_behaviors all,-abortunexp \
        -timeout "${limit}s" -nostdin -trace_stat -stf stat.csv -trace_rtt -rtt_freq 1000 -trace_err -error_file errors.log "$@" \
        >caller.out 2>&1)
}

# Starts callee and contestant NAME, each step afresh (clean memory peak, no leftovers of an
# overloaded step). Returns 1 if the contestant does not come up.
start_pair() {  # NAME DIR [extra callee flags...]
    local name=$1 dir=$2; shift 2
    start_callee "$dir" "$@"
    "start_$name" $((BASE_PORT + 2)) $((BASE_PORT + 1)) "$dir" || return 1
    wait_listening $((BASE_PORT + 1)) "$CALLEE_PID" || return 1
    wait_listening "$TARGET_PORT" "$CONTESTANT_PID" || return 1
}

stop_pair() {
    stop_tree "$CONTESTANT_PID"
    stop_tree "$CALLEE_PID"
    CONTESTANT_PID= CALLEE_PID=
}

# One step: RATE calls/s for SECONDS. Appends one line to $WORK/results.tsv:
#   name rate seconds calls successful elapsed_s cpu_s udp_inerrors udp_rcvbuferrors
#   rtt_median_ms rtt_p99_ms rtt_mean_ms hwm_kib pss_kib sipp_rc drops_at_contestant
#   drops_at_callee (the rest of the machine-wide drops are at the caller: its socket is gone)
measure_step() {  # NAME RATE SECONDS
    local name=$1 rate=$2 secs=$3
    local dir=$WORK/$name-$rate calls=$(($2 * $3))
    mkdir -p "$dir"
    if ! start_pair "$name" "$dir"; then
        echo "!! $name did not start; its log:" >&2
        tail -20 "$dir"/*.log >&2 2>/dev/null
        stop_pair
        printf '%s\t%s\t%s\t%s\t0\t0\t-\t0\t0\t-\t-\t-\t0\t0\tstart\t-\t-\n' \
            "$name" "$rate" "$secs" "$calls" >>"$WORK/results.tsv"
        return 1
    fi
    local cpu0=- cpu1=- mem="0 0" rc=0
    [[ -z $CONTESTANT_PID ]] || cpu0=$("$SIP_DIR/proc-usage" "$CONTESTANT_PID" | cut -d' ' -f1)
    local udp0 udp1 t0 t1
    udp0=$("$SIP_DIR/udp-errors")
    t0=$(date +%s.%N)
    run_caller "$dir" "$rate" "$calls" || rc=$?
    t1=$(date +%s.%N)
    # Let retransmission and transaction timers that belong to this step run before reading.
    sleep 1
    udp1=$("$SIP_DIR/udp-errors")
    local drops
    drops="$("$SIP_DIR/socket-drops" "$TARGET_PORT") $("$SIP_DIR/socket-drops" $((BASE_PORT + 1)))"
    [[ -n $CONTESTANT_PID ]] || drops="- ${drops#* }"
    if [[ -n $CONTESTANT_PID ]]; then
        read -r cpu1 hwm pss _ < <("$SIP_DIR/proc-usage" "$CONTESTANT_PID")
        mem="$hwm $pss"
    fi
    stop_pair
    python3 - "$dir" "$name" "$rate" "$secs" "$calls" "$t0" "$t1" "$cpu0" "$cpu1" \
        "$udp0" "$udp1" "$mem" "$rc" "$drops" >>"$WORK/results.tsv" <<'PY'
import csv, glob, statistics, sys
d, name, rate, secs, calls, t0, t1, cpu0, cpu1, udp0, udp1, mem, rc, drops = sys.argv[1:]
ok = 0
try:
    rows = list(csv.reader(open(d + "/stat.csv"), delimiter=";"))
    ok = int(rows[-1][rows[0].index("SuccessfulCall(C)")])
except (OSError, ValueError, IndexError):
    pass
rtts = []
for f in glob.glob(d + "/caller_*_rtt.csv"):
    for row in csv.reader(open(f), delimiter=";"):
        if len(row) >= 3 and row[2] == "1":
            rtts.append(float(row[1]))
rtts.sort()
def pct(p):
    return "%.0f" % rtts[min(len(rtts) - 1, int(p * len(rtts)))] if rtts else "-"
mean = "%.2f" % statistics.fmean(rtts) if rtts else "-"
cpu = "%.2f" % (float(cpu1) - float(cpu0)) if cpu0 != "-" else "-"
u0, u1 = [list(map(int, u.split())) for u in (udp0, udp1)]
print("\t".join([name, rate, secs, calls, str(ok), "%.1f" % (float(t1) - float(t0)), cpu,
                 str(u1[0] - u0[0]), str(u1[1] - u0[1]), pct(0.5), pct(0.99), mean]
                + mem.split() + [rc] + drops.split()))
PY
    tail -1 "$WORK/results.tsv"
}

# The job check: a few hundred calls at a low rate, every message traced on both sides, then
# check-job reads what the callee and the caller received.
check_job() {  # NAME
    local name=$1 dir=$WORK/check-$1 calls=${CHECK_CALLS:-300}
    mkdir -p "$dir"
    start_pair "$name" "$dir" -trace_msg -message_file callee.msg || {
        echo "JOB CHECK FAILED for $name: did not start"; tail -20 "$dir"/*.log; stop_pair; return 1; }
    local rc=0
    run_caller "$dir" 100 "$calls" -trace_msg -message_file caller.msg || rc=$?
    sleep 0.5
    stop_pair
    [[ $rc -eq 0 ]] || echo "JOB CHECK: sipp caller exit $rc for $name (failed calls)"
    "$SIP_DIR/check-job" "$name" "$DATA/expect.csv" "$dir/caller.msg" "$dir/callee.msg" \
        "$calls" && [[ $rc -eq 0 ]]
}

# The latency probe (cusax_latency_probe, caller and callee at once) at RATE through contestant
# NAME, or straight to its own callee for `none`: INVITE sent to 180 received at the caller, in
# microseconds. The contestant's next hop is the probe's callee port. Appends one line to
# $WORK/latency.tsv: name, round, probe exit status, the probe's key=value line.
measure_latency() {  # NAME RATE CALLS ROUND
    local name=$1 rate=$2 calls=$3 round=$4
    local dir=$WORK/latency-$1-$4 rc=0 out=
    mkdir -p "$dir"
    CALLEE_PID=
    if ! "start_$name" $((BASE_PORT + 2)) $((BASE_PORT + 1)) "$dir" ||
        { [[ -n $CONTESTANT_PID ]] && ! wait_listening "$TARGET_PORT" "$CONTESTANT_PID"; }; then
        echo "!! $name did not start for the latency probe" >&2
        stop_pair
        printf '%s\t%s\tstart\t\n' "$name" "$round" >>"$WORK/latency.tsv"
        return 1
    fi
    out=$(timeout $((calls / rate + 60)) "$PROBE" "$DATA/callers.csv" "$TARGET_PORT" \
        "$BASE_PORT" $((BASE_PORT + 1)) "$rate" "$calls" "$rate" 2>"$dir/probe.err") || rc=$?
    stop_pair
    printf '%s\t%s\t%s\t%s\n' "$name" "$round" "$rc" "$out" >>"$WORK/latency.tsv"
    echo "   $name, round $round: $out"
}
