# Sourced by run-sip-bench: how each contestant is started and stopped. The ONE place that
# knows the command line of each program (start_cusax for cusax-sip-proxy).
#
# Needs: WORK (temp dir), DATA (make-callers output, with store.sqlite), BUFFER (bytes),
# CUSAX_PROXY (binary), SIP_DIR (this directory). Each start_* takes PORT (listen) and
# CALLEE_PORT (next hop), sets CONTESTANT_PID (empty for none) and TARGET_PORT (where the
# caller sends), and logs to $2/$name.log.

CONTESTANTS="none kamailio-stateful kamailio-stateless cusax cusax-sofia cusax-2workers"

# The floor: the caller talks to the callee directly.
start_none() {  # PORT CALLEE_PORT LOGDIR
    CONTESTANT_PID=
    TARGET_PORT=$2
}

# Our Kamailio configs, with the placeholders filled. -m 1024: with the default 64 MB the
# stateful relay runs out of shared memory for lingering transactions at ~1,000 calls/s.
# -DD: the creator process stays in the foreground, so $! is the parent of all its children.
start_kamailio() {  # CFG PORT CALLEE_PORT LOGDIR
    local cfg=$4/$1.cfg
    sed -e "s/@PORT@/$2/g; s/@CALLEE_PORT@/$3/g; s#@HTABLE_DIR@#$DATA/htable#g" \
        -e "s/@BUFFER@/$BUFFER/g" "$SIP_DIR/$1.cfg" >"$cfg"
    kamailio -f "$cfg" -P "$4/$1.pid" -m 1024 -M 16 -DD -E -Y "$4" -w "$4" \
        >>"$4/$1.log" 2>&1 &
    CONTESTANT_PID=$!
    TARGET_PORT=$2
}
start_kamailio-stateful() { start_kamailio kamailio-stateful "$@"; }
start_kamailio-stateless() { start_kamailio kamailio-stateless "$@"; }

# cusax-sip-proxy with the same job as the Kamailio configs: 127.0.0.1 trusted (its
# P-Asserted-Identity is believed), sip.example.com local, '+' numbers not in the store are
# PSTN and warned. Errors-only logging, like Kamailio's debug=-1. CUSAX_EXTRA_INI: further
# [sip-proxy] lines (e.g. "udp_transport = sofia").
start_cusax() {  # PORT CALLEE_PORT LOGDIR
    if "$CUSAX_PROXY" --help 2>&1 | grep -q -- '--check-config'; then
        # The proxy has moved to -c FILE. The dial-plan keys below are the ones planned in
        # sip-proxy/proxy_settings.hpp and dial_plan.hpp; --check-config says if they changed.
        cat >"$3/cusax.ini" <<INI
[log]
level = error
stats_interval = 0s
stats_dir = $3
[store]
path = $DATA/store.sqlite
[sip-proxy]
listen = sip:127.0.0.1:$1
next_hop = sip:127.0.0.1:$2
trusted_peers = 127.0.0.1
udp_receive_buffer = $BUFFER
udp_send_buffer = $BUFFER
local_domains = sip.example.com
offnet_number_prefixes = +
pstn_policy = warn
pstn_warning = Call to the telephone network: charges may apply
${CUSAX_EXTRA_INI:-}
INI
        "$CUSAX_PROXY" --check-config -c "$3/cusax.ini" >>"$3/cusax.log" 2>&1 ||
            { echo "cusax-sip-proxy refuses the bench config: see below" >&2;
              tail -5 "$3/cusax.log" >&2; return 1; }
        "$CUSAX_PROXY" -c "$3/cusax.ini" >>"$3/cusax.log" 2>&1 &
    else
        # Temporary flags of today's proxy (sip-proxy/main.cpp).
        "$CUSAX_PROXY" --listen "sip:127.0.0.1:$1" --next-hop "sip:127.0.0.1:$2" \
            --store "$DATA/store.sqlite" --trusted 127.0.0.1 --local-domain sip.example.com \
            --offnet-number-prefix + --pstn-policy warn \
            --pstn-warning "Call to the telephone network: charges may apply" \
            --udp-receive-buffer "$BUFFER" --udp-send-buffer "$BUFFER" --log-level error \
            >>"$3/cusax.log" 2>&1 &
    fi
    CONTESTANT_PID=$!
    TARGET_PORT=$1
}

# The same proxy with UDP left to Sofia-SIP's transport (udp_transport = sofia): what the
# proxy's own UDP path changes, in the same run.
start_cusax-sofia() { CUSAX_EXTRA_INI="udp_transport = sofia" start_cusax "$@"; }

# Two workers on the proxy's address (workers = 2): what a second core's worth of proxy buys
# on this machine, beside both sipps.
start_cusax-2workers() { CUSAX_EXTRA_INI="workers = 2" start_cusax "$@"; }

# Waits until something listens on UDP PORT (and the process is still alive).
wait_listening() {  # PORT PID
    for _ in $(seq 100); do
        if ss -Hlun "sport = :$1" | grep -q .; then
            sleep 0.3  # Kamailio binds before forking its workers
            return 0
        fi
        [[ -z $2 ]] || kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# Stops a process and every descendant, by PID: TERM, up to 5 s, then KILL what is left.
stop_tree() {  # PID
    [[ -n $1 ]] || return 0
    local procs
    procs=$("$SIP_DIR/proc-usage" --tree "$1")
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    for proc in $procs; do  # only if the PID still names the process we started
        "$SIP_DIR/proc-usage" --alive "$proc" && kill -KILL "${proc%%:*}" 2>/dev/null || true
    done
    wait "$1" 2>/dev/null || true
}
