package meeting

import (
	"cmp"
	"slices"
)

// CommandInfo is one meeting command of the engine's command table: the
// one list of meeting commands, from which the engine dispatches, answers
// #commands, and the console completes and lists them.
type CommandInfo struct {
	Name  string // without the '#'
	Help  string // one line, for the console
	Chair bool   // only chairs may use it
	// Zodbot marks the commands of Fedora's zodbot (MeetBot 0.1.4); the
	// others are the default style's only.
	Zodbot bool
	// Rank is the order the console offers it in, what chairs type most
	// first (so "#ac" offers #action before #accept); 0 sorts after the
	// ranked ones, by name.
	Rank int
	// Short is the short form Fedora's Matrix dialect also accepts
	// (maubot-meetings' "!sm" for "!startmeeting"); "" when none.
	Short string
	run   func(*Engine, cmdCall) bool
}

// cmdCall is one use of a command.
type cmdCall struct {
	ev     Message
	said   said
	line   Line
	arg    string
	zodbot bool
}

func item(kind ItemKind) func(*Engine, cmdCall) bool {
	return func(e *Engine, c cmdCall) bool {
		e.addItem(kind, c.said, c.line, c.arg)
		return true
	}
}

// commandTable is every meeting command. #meetingname is for anyone in
// zodbot style and for chairs in the default style (its body checks).
var commandTable = []CommandInfo{
	{Name: "topic", Help: "start a topic (sets the channel topic)", Chair: true, Zodbot: true, Rank: 1, Short: "t", run: (*Engine).doTopic},
	{Name: "info", Help: "add an info item", Zodbot: true, Rank: 2, run: item(KindInfo)},
	{Name: "action", Help: "add an action item (name who does it)", Zodbot: true, Rank: 3, run: item(KindAction)},
	{Name: "agreed", Help: "record an agreement", Chair: true, Zodbot: true, Rank: 4, run: item(KindAgreed)},
	{Name: "link", Help: "add a link", Zodbot: true, Rank: 5, run: item(KindLink)},
	{Name: "idea", Help: "add an idea", Zodbot: true, Rank: 6, run: item(KindIdea)},
	{Name: "help", Help: "ask for help (a help item)", Zodbot: true, Rank: 7, run: item(KindHelp)},
	{Name: "chair", Help: "add chairs", Chair: true, Zodbot: true, Rank: 8, run: (*Engine).doChair},
	{Name: "unchair", Help: "remove chairs", Chair: true, Zodbot: true, Rank: 9, run: (*Engine).doUnchair},
	{Name: "undo", Help: "remove the last item", Chair: true, Zodbot: true, Rank: 10, run: (*Engine).doUndo},
	{Name: "startmeeting", Help: "start a meeting (with its name)", Zodbot: true, Rank: 11, Short: "sm", run: (*Engine).doStartMeeting},
	{Name: "endmeeting", Help: "end the meeting and publish its minutes", Chair: true, Zodbot: true, Rank: 12, Short: "em", run: (*Engine).doEndMeeting},
	{Name: "meetingname", Help: "name the meeting (its files)", Zodbot: true, Rank: 13, Short: "mn", run: (*Engine).doMeetingName},
	{Name: "nick", Help: "add attendees", Zodbot: true, Rank: 14, run: (*Engine).doNick},
	{Name: "accepted", Help: "record an acceptance", Chair: true, Zodbot: true, Rank: 15, run: item(KindAccepted)},
	{Name: "rejected", Help: "record a rejection", Chair: true, Zodbot: true, Rank: 16, run: item(KindRejected)},
	{Name: "accept", Help: "record an acceptance", Chair: true, Zodbot: true, Rank: 17, run: item(KindAccepted)},
	{Name: "reject", Help: "record a rejection (the alias zodbot lost)", Chair: true, Rank: 18, run: item(KindRejected)},
	{Name: "agree", Help: "record an agreement", Chair: true, Zodbot: true, run: item(KindAgreed)},
	{Name: "halp", Help: "ask for help (a help item)", Zodbot: true, run: item(KindHelp)},
	{Name: "commands", Help: "list the meeting commands", Zodbot: true}, // run: see init
	{Name: "meetingtopic", Help: "set the meeting's title (in the channel topic)", Chair: true, Zodbot: true, run: (*Engine).doMeetingTopic},
	{Name: "save", Help: "write the minutes now", Chair: true, Zodbot: true, run: (*Engine).doSave},
	{Name: "restrictlogs", Help: "restrict the minutes' permissions", Chair: true, Zodbot: true, run: (*Engine).doRestrictLogs},
	{Name: "lurk", Help: "stop setting the channel topic", Chair: true, Zodbot: true, run: (*Engine).doLurk},
	{Name: "unlurk", Help: "set the channel topic again", Chair: true, Zodbot: true, run: (*Engine).doUnlurk},
	{Name: "vote", Help: "vote on the open question", run: (*Engine).doVote},
	{Name: "showvote", Help: "show the open vote's tally", run: (*Engine).doShowVote},
	{Name: "startvote", Help: "open a vote: question? option, option", Chair: true, run: (*Engine).doStartVote},
	{Name: "endvote", Help: "close the vote and record its result", Chair: true, run: (*Engine).doEndVote},
}

// commandIndex finds a command by name.
var commandIndex = func() map[string]*CommandInfo {
	idx := make(map[string]*CommandInfo, len(commandTable))
	for i := range commandTable {
		idx[commandTable[i].Name] = &commandTable[i]
	}
	return idx
}()

// #commands answers from the lists the table makes, so it is set after
// them.
func init() { commandIndex["commands"].run = (*Engine).doCommands }

// zodbotCommandList and defaultCommandList are the #commands replies:
// sorted, with their '#'.
var zodbotCommandList, defaultCommandList = func() (z, d []string) {
	for _, c := range commandTable {
		d = append(d, "#"+c.Name)
		if c.Zodbot {
			z = append(z, "#"+c.Name)
		}
	}
	slices.Sort(z)
	slices.Sort(d)
	return z, d
}()

// CommandTable returns the meeting commands in the order the console
// offers them: by Rank, then by name.
func CommandTable() []CommandInfo {
	out := slices.Clone(commandTable)
	slices.SortStableFunc(out, func(a, b CommandInfo) int {
		ra, rb := a.Rank, b.Rank
		if ra == 0 {
			ra = len(commandTable) + 1
		}
		if rb == 0 {
			rb = len(commandTable) + 1
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.Name, b.Name))
	})
	for i := range out {
		out[i].run = nil
	}
	return out
}

// Commands lists every meeting command the engine understands with its
// '#', sorted (the default style's #commands reply).
func Commands() []string { return slices.Clone(defaultCommandList) }
