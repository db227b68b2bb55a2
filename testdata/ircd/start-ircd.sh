#!/usr/bin/env bash
# start-ircd.sh DIR -- throwaway loopback-only InspIRCd 3 + Atheme 7 (Debian: inspircd, atheme-services).
# Adapted from ../shared/docs/go-stack.md §2. Used by gavel/ircclient/ircdtest and by hand.
#
# Environment (all optional):
#   PORT, LINK_PORT       client and services-link ports (default: random free loopback ports)
#   TLS_PORT, TLS_CERT, TLS_KEY   add a TLS client listener (ssl_gnutls) with this PEM cert/key
#   FLOOD=on              production-like throttling: commandrate=FLOOD_RATE (1000 = 1 cmd/s),
#                         fakelag on, threshold=FLOOD_THRESHOLD (10); default off (no throttling)
#   RECVQ                 <connect recvq> in bytes (default 16384)
#   HISTORY=1             load chanhistory: channels with mode +H N:period replay their last lines
#                         on join, in a BATCH of type chathistory with server-time tags
#   CONFIG_ONLY=1         only write DIR/inspircd.conf and DIR/atheme.conf, print "PORT LINK_PORT"
# Otherwise starts both daemons and prints "PORT IRCD_PID SERVICES_PID" once services have linked.
# The caller owns the PIDs and must kill them. InspIRCd needs --runasroot when run as root.
set -euo pipefail
dir=$(mkdir -p "${1:?usage: start-ircd.sh DIR}" && cd "$1" && pwd)
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=${PORT:-$(freeport)}; link=${LINK_PORT:-$(freeport)}
pass=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
if [ "${FLOOD:-off}" = on ]; then rate=${FLOOD_RATE:-1000} lag=on thr=${FLOOD_THRESHOLD:-10}; else rate=1000000 lag=off thr=1000; fi
recvq=${RECVQ:-16384}
history=""
if [ "${HISTORY:-}" = 1 ]; then
  history='<module name="chanhistory"><chanhistory maxlines="50" prefixmsg="no" bots="yes">'
fi
tls=""
if [ -n "${TLS_PORT:-}" ]; then
  tls="<module name=\"ssl_gnutls\">
<sslprofile name=\"test\" provider=\"gnutls\" certfile=\"${TLS_CERT:?TLS_CERT}\" keyfile=\"${TLS_KEY:?TLS_KEY}\" dhfile=\"\" hash=\"sha256\" requestclientcert=\"no\">
<bind address=\"127.0.0.1\" port=\"$TLS_PORT\" type=\"clients\" sslprofile=\"test\">"
fi
mkdir -p "$dir/atheme"
cat > "$dir/inspircd.conf" <<CONF
<server name="irc.test" description="test" network="TestNet">
<admin name="test" nick="test" email="test@example.invalid">
<bind address="127.0.0.1" port="$port" type="clients">
<bind address="127.0.0.1" port="$link" type="servers">
$tls
<power diepass="" restartpass="">
<pid file="$dir/inspircd.pid">
<connect name="main" allow="127.0.0.1" maxchans="500" commandrate="$rate" fakelag="$lag" threshold="$thr"
         localmax="1000" globalmax="1000" limit="5000" timeout="20" pingfreq="120"
         sendq="1M" softsendq="65536" hardsendq="1M" recvq="$recvq" resolvehostnames="no" useident="no">
<options defaultmodes="not">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$dir/inspircd.log">
<module name="cap"><module name="ircv3"><module name="ircv3_servertime"><module name="ircv3_accounttag">
<module name="ircv3_echomessage"><module name="ircv3_msgid"><module name="ircv3_ctctags"><module name="ircv3_batch">
<module name="ircv3_labeledresponse"><module name="services_account"><module name="sasl"><module name="namesx">
$history
<module name="spanningtree"><module name="chghost"><module name="chgident"><module name="servprotect"><module name="svshold">
<sasl target="services.test">
<link name="services.test" ipaddr="127.0.0.1" port="$link" allowmask="127.0.0.1" sendpass="$pass" recvpass="$pass">
<uline server="services.test" silent="yes">
CONF
cat > "$dir/atheme.conf" <<CONF
loadmodule "modules/protocol/inspircd"; loadmodule "modules/backend/opensex"; loadmodule "modules/crypto/pbkdf2v2";
loadmodule "modules/nickserv/main"; loadmodule "modules/nickserv/register"; loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/info"; loadmodule "modules/nickserv/help"; loadmodule "modules/nickserv/ghost";
loadmodule "modules/saslserv/main"; loadmodule "modules/saslserv/plain";
pbkdf2v2 { rounds = 10000; };
serverinfo { name = "services.test"; desc = "test services"; numeric = "00A"; recontime = 1; netname = "TestNet";
  hidehostsuffix = "users.test"; adminname = "test"; adminemail = "test@example.invalid";
  registeremail = "noreply@example.invalid"; loglevel = { error; info; admin; network; }; maxlogins = 5;
  maxusers = 5; mdlimit = 30; emaillimit = 10; emailtime = 300; auth = none; casemapping = ascii; };
uplink "irc.test" { host = "127.0.0.1"; password = "$pass"; port = $link; };
nickserv { nick = "NickServ"; user = "NickServ"; host = "services.test"; real = "Nickname Services"; maxnicks = 5; expire = 0; };
saslserv { nick = "SaslServ"; user = "SaslServ"; host = "services.test"; real = "SASL Agent"; };
general { flood_msgs = 0; flood_time = 10; ratelimit_uses = 0; ratelimit_period = 60; kline_time = 7;
  commit_interval = 5; default_clone_allowed = 1000; default_clone_warn = 1000;
  uplink_sendq_limit = 1048576; language = "en"; immune_level = immune; };
CONF
if [ "${CONFIG_ONLY:-}" = 1 ]; then echo "$port $link"; exit 0; fi
inspircd --nofork --runasroot --config="$dir/inspircd.conf" >"$dir/inspircd.out" 2>&1 &
ipid=$!
for _ in $(seq 1 300); do grep -q 'now running' "$dir/inspircd.out" 2>/dev/null && break; sleep 0.01; done
atheme-services -n -c "$dir/atheme.conf" -D "$dir/atheme" -l "$dir/atheme.log" -p "$dir/atheme.pid" >"$dir/atheme.out" 2>&1 &
apid=$!
for _ in $(seq 1 500); do
  if grep -q 'finished synching' "$dir/atheme.out" 2>/dev/null; then echo "$port $ipid $apid"; exit 0; fi
  sleep 0.01
done
kill "$apid" "$ipid" 2>/dev/null; cat "$dir/inspircd.out" "$dir/atheme.out" >&2; exit 1
