package meeting

// EffectKind says what an Effect asks the caller to do.
type EffectKind uint8

// The effects an Engine returns. The caller carries them out in order.
const (
	// EffectSay: say Text in the channel.
	EffectSay EffectKind = iota + 1
	// EffectTopic: set the channel topic to Text.
	EffectTopic
	// EffectLog: append Line to the meeting log (.log.txt, .log.html).
	EffectLog
	// EffectRename: the meeting name changed; Text is the previous name.
	// zodbot left the realtime log of the old name behind (see Meeting.Stubs).
	EffectRename
	// EffectSave: write every minutes file now (#save).
	EffectSave
	// EffectEnd: the meeting ended; write the final files. The EffectSay
	// lines that follow announce their URLs.
	EffectEnd
)

// Effect is one thing the engine asks the caller to do. It is a small value
// rather than an interface so that the engine's per-line path allocates
// nothing.
type Effect struct {
	Kind EffectKind
	Text string
	Line Line // for EffectLog
}

var effectNames = [...]string{
	EffectSay:    "say",
	EffectTopic:  "topic",
	EffectLog:    "log",
	EffectRename: "rename",
	EffectSave:   "save",
	EffectEnd:    "end",
}

// String names the kind, for logs and test failures.
func (k EffectKind) String() string {
	if int(k) < len(effectNames) && effectNames[k] != "" {
		return effectNames[k]
	}
	return "unknown"
}
