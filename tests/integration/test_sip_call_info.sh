#!/usr/bin/env bash
# Integration: real sipp caller and callee through cusax-sip-proxy on 127.0.0.1.
# Checks, from what the callee really received:
#   1. a verified caller asserted by a trusted hop gets exactly one
#      Call-Info: <xmpp:JID>;purpose=impp, and the forged impp it sent is gone while its
#      other Call-Info value stays (RFC 7081 §3.5, RFC 6993);
#   2. with Privacy: id the caller gets no Call-Info impp and no P-Asserted-Identity
#      (next hop not trusted; RFC 3325 §9.3);
# and from what the caller received: the Warning 399 on the 180 and the 200 of a call to a
# PSTN number (RFC 7081 §5), and a 403 with Warning for a blocked class.
# Every process is started here and stopped by its PID; logs are kept when a check fails.
set -euo pipefail

build=${CUSAX_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build}
proxy_bin=$build/sip-proxy/cusax-sip-proxy
ctl_bin=${CUSAX_CTL:-$build/cusaxctl/cusaxctl}
for bin in "$proxy_bin" "$ctl_bin"; do
    [[ -x $bin ]] || { echo "SKIP: $bin not built"; exit 77; }
done
command -v sipp >/dev/null || { echo "SKIP: sipp (sip-tester) not installed"; exit 77; }

work=$(mktemp -d /tmp/cusax-sip-call-info.XXXXXX)
pids=()
failed=0
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ $failed -eq 0 ]]; then rm -rf "$work"; else echo "logs kept in $work"; fi
}
trap cleanup EXIT

# The caller and the proxy are on 127.0.0.1 (trusted); the callee listens on 127.0.0.2, so
# the next hop is not trusted. Ports: a random block of four on loopback, away from the usual 5060.
base=$((20000 + (RANDOM % 2000) * 4))
caller_port=$base proxy_port=$((base + 1)) callee_port=$((base + 2))

fail() { echo "FAIL: $*"; failed=1; }

# --- bindings -----------------------------------------------------------------------------
"$ctl_bin" --store "$work/store.db" init >/dev/null
"$ctl_bin" --store "$work/store.db" add sip:alice@example.com alice@xmpp.example.com \
    --number +4930123456 --verified admin >/dev/null

# --- scenarios ----------------------------------------------------------------------------
# Caller: INVITE with a trusted P-Asserted-Identity, a forged impp and a harmless icon,
# [field0] = Request-URI user, [field1] = extra header line.
cat >"$work/caller.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="cusax caller">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:alice@[local_ip]:[local_port]>
      Max-Forwards: 70
      P-Asserted-Identity: <sip:alice@example.com>
      Call-Info: <xmpp:mallory@evil.example>;purpose=impp, <http://example.com/alice.png>;purpose=icon
      [field1]
      Content-Length: 0

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[
      ACK sip:callee@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:alice@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="100"/>
  <send retrans="500">
    <![CDATA[
      BYE sip:callee@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: <sip:alice@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
XML

# A call the proxy answers itself: INVITE, the final response CODE, the ACK to it (same
# branch, the response's To tag: RFC 3261 §17.1.1.3), which the proxy must absorb.
rejected_scenario() {  # CODE MAX_FORWARDS
    cat <<XML
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="cusax rejected caller">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:alice@[local_ip]:[local_port]>
      Max-Forwards: $2
      Content-Length: 0

    ]]>
  </send>
  <recv response="$1"/>
  <send>
    <![CDATA[
      ACK sip:[field0] SIP/2.0
      [last_Via:]
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="300"/>
</scenario>
XML
}
rejected_scenario 403 70 >"$work/caller403.xml"
rejected_scenario 483 0 >"$work/caller483.xml"

cat >"$work/callee.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="cusax callee">
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
XML

# --- processes ----------------------------------------------------------------------------
start_proxy() {
    cat >"$work/cusax.ini" <<INI
[log]
level = debug
stats_interval = 1s
stats_dir = $work
[store]
path = $work/store.db
[sip-proxy]
listen = sip:127.0.0.1:$proxy_port
next_hop = sip:127.0.0.2:$callee_port
trusted_peers = 127.0.0.1
local_domains = example.com
offnet_number_prefixes = +
pstn_policy = warn
inter_domain_policy = block
pstn_warning = PSTN call: charges apply
INI
    "$proxy_bin" -c "$work/cusax.ini" >>"$work/proxy.log" 2>&1 &
    proxy_pid=$!
    pids+=("$proxy_pid")
    for _ in $(seq 50); do
        grep -q "sip.listening" "$work/proxy.log" && return 0
        kill -0 "$proxy_pid" 2>/dev/null || { fail "proxy did not start"; cat "$work/proxy.log"; exit 1; }
        sleep 0.1
    done
    fail "proxy did not report listening"; exit 1
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# One call: $1 name, $2 Request-URI user, $3 extra header line. Leaves callee/caller traces.
run_call() {
    local name=$1 user=$2 extra=$3
    printf 'SEQUENTIAL\n%s;%s\n' "$user" "$extra" >"$work/$name.csv"
    sipp -sf "$work/callee.xml" -i 127.0.0.2 -p "$callee_port" -m 1 -nostdin \
        -trace_msg -message_file "$work/$name.callee.msg" -timeout 15s \
        >"$work/$name.callee.out" 2>&1 &
    local callee_pid=$!
    pids+=("$callee_pid")
    sleep 0.3
    local rc=0
    sipp -sf "$work/caller.xml" -inf "$work/$name.csv" -i 127.0.0.1 -p "$caller_port" \
        "127.0.0.1:$proxy_port" -m 1 -nostdin -trace_msg -message_file "$work/$name.caller.msg" \
        -timeout 15s -timeout_error >"$work/$name.caller.out" 2>&1 || rc=$?
    stop_pid "$callee_pid"
    return $rc
}

received_invite() {  # the INVITE as the callee received it, up to the blank line
    tr -d '\r' <"$1" | awk '/^INVITE sip:/{p=1} p && /^$/{exit} p{print}'
}

# True when the text is an INVITE the callee received (its request line and Call-ID).
saw_invite() {  # TEXT
    grep -q "^INVITE sip:" <<<"$1" && grep -qi "^Call-ID: " <<<"$1"
}

# The header lines of the first response CODE ("180 Ringing") in a sipp message trace, up to
# the blank line that ends them: nothing of the next message.
response_headers() {  # FILE CODE
    tr -d '\r' <"$1" | awk -v code="$2" '$0 == "SIP/2.0 " code {p=1} p && /^$/ {exit} p {print}'
}

start_proxy
# The proxy keeps only what it reads of each binding (issue 21, docs/binding-snapshot.md); the
# calls below show it still finds the verified caller's JID in that snapshot.
grep -q "store.snapshot_published .*profile=routing" "$work/proxy.log" ||
    fail "the proxy's snapshot is not in the routing profile"

# 1. verified caller through a trusted hop
if run_call verified bob@example.com ""; then
    invite=$(received_invite "$work/verified.callee.msg")
    saw_invite "$invite" || fail "verified: no INVITE in the callee's capture"
    n=$(grep -ci "purpose=impp" <<<"$invite" || true)
    [[ $n -eq 1 ]] || fail "verified: expected one impp Call-Info at the callee, saw $n"
    grep -q "<xmpp:alice@xmpp.example.com>;purpose=impp" <<<"$invite" ||
        fail "verified: inserted Call-Info missing"
    grep -q "mallory" <<<"$invite" && fail "verified: forged impp reached the callee"
    grep -q "<http://example.com/alice.png>;purpose=icon" <<<"$invite" ||
        fail "verified: harmless Call-Info value lost"
    grep -q "^Max-Forwards: 69" <<<"$invite" || fail "verified: Max-Forwards not decremented"
    grep -q "call_info.inserted" "$work/proxy.log" || fail "verified: no call_info.inserted log"
else
    fail "verified: call failed"
fi

# 2. Privacy: id
if run_call privacy bob@example.com "Privacy: id"; then
    invite=$(received_invite "$work/privacy.callee.msg")
    # The checks below look for what must be absent: first prove this is the INVITE judged.
    saw_invite "$invite" && grep -q "^Privacy: id$" <<<"$invite" ||
        fail "privacy: the callee's INVITE (with Privacy: id) is not in its capture"
    grep -qi "purpose=impp" <<<"$invite" && fail "privacy: impp Call-Info sent despite Privacy: id"
    grep -qi "P-Asserted-Identity" <<<"$invite" &&
        fail "privacy: P-Asserted-Identity relayed to an untrusted next hop"
else
    fail "privacy: call failed"
fi

# 3. a PSTN number: the Warning on the 180 and the 200 the caller receives
if run_call pstn "+4989123@example.com" ""; then
    for code in "180 Ringing" "200 OK"; do
        response=$(response_headers "$work/pstn.caller.msg" "$code")
        grep -q "^CSeq: 1 INVITE" <<<"$response" ||
            fail "pstn: the caller's trace has no $code to the INVITE"
        grep -q '^Warning: 399 .*"PSTN call: charges apply"' <<<"$response" ||
            fail "pstn: no Warning on the $code the caller received"
    done
else
    fail "pstn: call failed"
fi

# 4 and 5. a blocked class (403 with Warning) and Max-Forwards 0 (483): the proxy answers,
# absorbs the caller's ACK, and the callee sees nothing at all.
for code in 403 483; do
    name=rejected$code
    absorbed_before=$(grep -c "sip.ack_absorbed" "$work/proxy.log" || true)
    printf 'SEQUENTIAL\n%s;\n' "carol@elsewhere.example" >"$work/$name.csv"
    sipp -sf "$work/callee.xml" -i 127.0.0.2 -p "$callee_port" -m 1 -nostdin \
        -trace_msg -message_file "$work/$name.callee.msg" -timeout 3s >"$work/$name.callee.out" 2>&1 &
    callee_pid=$!
    pids+=("$callee_pid")
    sleep 0.3
    if sipp -sf "$work/caller$code.xml" -inf "$work/$name.csv" -i 127.0.0.1 -p "$caller_port" \
        "127.0.0.1:$proxy_port" -m 1 -nostdin -trace_msg -message_file "$work/$name.caller.msg" \
        -timeout 10s -timeout_error >"$work/$name.caller.out" 2>&1; then
        if [[ $code == 403 ]]; then
            tr -d '\r' <"$work/$name.caller.msg" | grep -q '^Warning: 399 .*"' ||
                fail "$code: no Warning on the 403"
        fi
        [[ -s $work/$name.callee.msg ]] && grep -q "message received" "$work/$name.callee.msg" &&
            fail "$code: the callee received something"
        n=$(grep -c "sip.ack_absorbed" "$work/proxy.log" || true)
        [[ $n -gt $absorbed_before ]] || fail "$code: the caller's ACK was not absorbed"
    else
        fail "$code: the caller did not get $code"
    fi
    stop_pid "$callee_pid"
done

# The proxy stops cleanly on SIGTERM; under the Sanitize build its sanitizers report here.
stop_pid "$proxy_pid"
grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$work/proxy.log" &&
    fail "sanitizer report in the proxy log"
grep -q "sip.stopped" "$work/proxy.log" || fail "proxy did not stop cleanly on SIGTERM"
grep -q "sip.udp_buffers " "$work/proxy.log" || fail "no log line with the UDP socket buffers"

# The counters, as the stats file has them after the last report (written at stop).
counter() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"].get(sys.argv[2], -1))' \
    "$work/sip-proxy.stats.json" "$1"; }
for expect in call_info.inserted=2 call_info.removed_forged=3 call_info.skipped.privacy=1 call_info.skipped.no_identity=1 \
    charge.warned=1 charge.blocked=1 requests.rejected.403=1 requests.rejected.483=1; do
    name=${expect%=*} want=${expect#*=}
    got=$(counter "$name")
    [[ $got == "$want" ]] || fail "counter $name: expected $want, got $got"
done
[[ $(counter requests.relayed) -ge 9 ]] || fail "counter requests.relayed below 9"
[[ $(counter responses.relayed) -ge 9 ]] || fail "counter responses.relayed below 9"

if [[ $failed -ne 0 ]]; then
    echo "--- proxy log"; tail -50 "$work/proxy.log"
    exit 1
fi
echo "PASS: Call-Info inserted and forged one removed, privacy honoured, PSTN warning relayed, 403 and 483 with ACK absorbed"
