#!/usr/bin/env bash
# tmux-smoke.sh BINARY [ARGS...] -- drive gavel's offline demo in a real
# terminal (tmux, private socket) and check the screen:
#   1. the panes are drawn (window bar, Topics, Actions, Attendees, status bar);
#   2. the topic list grows as the seed meeting replays;
#   3. a fuzzy completion works (/pkgs mirr<Tab> -> mirrormanager2);
#   4. Ctrl+C with text typed clears the line; with a meeting running it
#      asks first (the seed meeting runs), and "l" quits; the terminal is
#      restored (alternate screen left).
# The binary must open the offline demo with no configuration (gavel does;
# so does tui/internal/demo-main). Exits non-zero with the screen on failure.
# With GAVEL_SCREENSHOT=FILE the screen is saved there once the meeting is
# well under way (the README's screenshot); GAVEL_SMOKE_SIZE=WxH sets the
# terminal size (default 120x40).
set -euo pipefail
bin=${1:?usage: tmux-smoke.sh BINARY [ARGS...]}
shift
command -v tmux >/dev/null || { echo "tmux-smoke: tmux is not installed" >&2; exit 2; }
sock="gavel-smoke-$$"
t() { tmux -L "$sock" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; }
trap cleanup EXIT
screen() { t capture-pane -p -t s 2>/dev/null || true; }
fail() { echo "tmux-smoke: FAIL: $*" >&2; echo "----- screen -----" >&2; screen >&2; exit 1; }
# wait_for PATTERN SECONDS: poll the screen for an extended regexp.
wait_for() {
  local pat=$1 secs=${2:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    if screen | grep -Eq -- "$pat"; then return 0; fi
    sleep 0.05
  done
  return 1
}
count_topics() { screen | grep -Ec '(▶|•) ' || true; }

args=$(printf '%q ' "$bin" "$@")
size=${GAVEL_SMOKE_SIZE:-120x40}
t new-session -d -s s -x "${size%x*}" -y "${size#*x}" "TERM=xterm-256color GAVEL_DEMO_SPEED=${GAVEL_DEMO_SPEED:-200} $args; echo GAVEL-EXITED rc=\$?; sleep 30"
t set-option -t s remain-on-exit on >/dev/null

# 1. panes present
wait_for 'Topics' 10 || fail "no Topics pane"
for p in 'Actions' 'Attendees' '#fedora-meeting' 'offline' 'F1 help'; do
  wait_for "$p" 5 || fail "no '$p' on screen"
done
echo "tmux-smoke: panes present"

# 2. the topic list grows
wait_for '▶ ' 15 || fail "no current topic appeared"
first=$(count_topics)
grown=0
for ((i = 0; i < 200; i++)); do
  if [ "$(count_topics)" -gt "$first" ]; then grown=1; break; fi
  sleep 0.05
done
[ "$grown" = 1 ] || fail "the topic list did not grow (stayed at $first)"
echo "tmux-smoke: topic list grows ($first -> $(count_topics))"

# 3. fuzzy completion: pause the replay so the screen is still, then complete
if [ -n "${GAVEL_SCREENSHOT:-}" ]; then
  for ((i = 0; i < 400; i++)); do
    if [ "$(count_topics)" -ge 4 ]; then break; fi
    sleep 0.05
  done
  t send-keys -t s Space
  sleep 0.5
  screen > "$GAVEL_SCREENSHOT"
  echo "tmux-smoke: screenshot in $GAVEL_SCREENSHOT"
  t send-keys -t s Space
fi
t send-keys -t s Space
t send-keys -t s -l '/pkgs mirr'
t send-keys -t s Tab
wait_for '/pkgs mirrormanager2' 5 || fail "Tab did not complete /pkgs mirr to mirrormanager2"
echo "tmux-smoke: fuzzy completion works"
t send-keys -t s C-u
t send-keys -t s -l '/pk'
wait_for 'commands \(' 5 || fail "no completion popup while typing a command"
t send-keys -t s C-u
sleep 0.3

# 4. Ctrl+C clears a typed line, then asks (a meeting runs), then l quits
t send-keys -t s -l 'draft'
wait_for '› draft' 5 || fail "typed text not shown"
t send-keys -t s C-c
wait_for '^› *$' 5 || fail "Ctrl+C did not clear the typed line"
if screen | grep -q 'GAVEL-EXITED'; then fail "Ctrl+C with text typed quit"; fi
t send-keys -t s C-c
wait_for 'Leave a running meeting' 5 || fail "Ctrl+C during a meeting did not ask first"
echo "tmux-smoke: Ctrl+C clears the line, then asks before leaving a meeting"
t send-keys -t s l
wait_for 'GAVEL-EXITED rc=0' 10 || fail "l in the question did not quit cleanly"
if screen | grep -q 'Topics'; then fail "the console is still on screen after quitting (alternate screen not left)"; fi
echo "tmux-smoke: quit restores the terminal"
echo "tmux-smoke: ok"
