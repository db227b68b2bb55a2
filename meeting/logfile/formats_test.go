package logfile

import (
	"reflect"
	"testing"
	"time"

	"gavel/meeting"
)

func join(t time.Time, n string) meeting.Event { return meeting.Join{Time: t, Nick: n} }
func part(t time.Time, n, r string) meeting.Event {
	return meeting.Part{Time: t, Nick: n, Reason: r}
}
func quit(t time.Time, n, r string) meeting.Event {
	return meeting.Quit{Time: t, Nick: n, Reason: r}
}
func nickc(t time.Time, o, n string) meeting.Event {
	return meeting.NickChange{Time: t, Old: o, New: n}
}
func topic(t time.Time, n, tp string) meeting.Event {
	return meeting.TopicChange{Time: t, Nick: n, Topic: tp}
}

func TestIrssiLines(t *testing.T) {
	h := "--- Log opened Thu Apr 30 18:00:00 2015\n"
	runLines(t, Irssi, h, []lineCase{
		{"message", "18:00 < nirik> hello", msg(at(18, 0, 0), "nirik", "hello")},
		{"op", "18:00 <@nirik> hello", msg(at(18, 0, 0), "nirik", "hello")},
		{"voice", "18:00 <+nirik> hello", msg(at(18, 0, 0), "nirik", "hello")},
		{"no mode", "18:00 <nirik> hello", msg(at(18, 0, 0), "nirik", "hello")},
		{"seconds", "18:00:07 < nirik> hello", msg(at(18, 0, 7), "nirik", "hello")},
		{"action", "18:01  * nirik waves", act(at(18, 1, 0), "nirik", "waves")},
		{"join", "18:02 -!- smooge [~smooge@host.example] has joined #fedora-meeting", join(at(18, 2, 0), "smooge")},
		{"join extended", "18:02 -!- smooge [~smooge@host] [Stephen J Smoogen] has joined #fedora-meeting", join(at(18, 2, 0), "smooge")},
		{"part", "18:03 -!- smooge [~smooge@host] has left #fedora-meeting [see you]", part(at(18, 3, 0), "smooge", "see you")},
		{"part no reason", "18:03 -!- smooge [~smooge@host] has left #fedora-meeting []", part(at(18, 3, 0), "smooge", "")},
		{"quit", "18:04 -!- smooge [~smooge@host] has quit [Quit: Leaving]", quit(at(18, 4, 0), "smooge", "Quit: Leaving")},
		{"quit ping", "18:04 -!- smooge [~smooge@host] has quit [Ping timeout: 240 seconds]", quit(at(18, 4, 0), "smooge", "Ping timeout: 240 seconds")},
		{"kick", "18:05 -!- troll was kicked from #fedora-meeting by nirik [spam]", part(at(18, 5, 0), "troll", "kicked by nirik: spam")},
		{"nick", "18:06 -!- smooge is now known as smooge_afk", nickc(at(18, 6, 0), "smooge", "smooge_afk")},
		{"topic", "18:07 -!- nirik changed the topic of #fedora-meeting to: Infrastructure -- aloha", topic(at(18, 7, 0), "nirik", "Infrastructure -- aloha")},
		{"topic on join", "18:07 -!- Topic for #fedora-meeting: Infra meeting", topic(at(18, 7, 0), "", "Infra meeting")},
		{"topic unset", "18:07 -!- Topic unset by nirik on #fedora-meeting", topic(at(18, 7, 0), "nirik", "")},
		{"own nick", "18:08 -!- You're now known as nirik2", nil},
		{"mode", "18:08 -!- mode/#fedora-meeting [+o nirik] by ChanServ", nil},
		{"irssi", "18:08 -!- Irssi: Join to #fedora-meeting was synced in 1 secs", nil},
		{"notice", "18:08 -zodbot(zodbot@fedora/bot/zodbot)- hi", nil},
		{"no time", "< nirik> hello", nil},
		{"bad header", "--- Log opened sometime", nil},
	})
	// "Log closed" is a header: neither an event nor skipped
	evs, st := readAll(t, h+"--- Log closed Thu Apr 30 19:00:00 2015\n", Options{Format: Irssi})
	if len(evs) != 0 || st.Skipped != 0 || st.Lines != 2 {
		t.Fatalf("closed: %v %+v", evs, st)
	}
}

func TestIrssiDays(t *testing.T) {
	log := `--- Log opened Thu Apr 30 23:58:00 2015
23:58 < a> one
--- Day changed Fri May 01 2015
00:01 < b> two
--- Log closed Fri May 01 00:02:00 2015
--- Log opened Sun May 03 10:00:00 2015
10:00 < c> three
`
	evs, st := readAll(t, log, Options{Format: Irssi, Date: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
	want := []meeting.Event{
		msg(at(23, 58, 0), "a", "one"),
		msg(time.Date(2015, 5, 1, 0, 1, 0, 0, time.UTC), "b", "two"),
		msg(time.Date(2015, 5, 3, 10, 0, 0, 0, time.UTC), "c", "three"),
	}
	if !reflect.DeepEqual(evs, want) || st.Skipped != 0 || st.Lines != 7 {
		t.Fatalf("got %#v %+v", evs, st)
	}
}

func TestWeeChatLines(t *testing.T) {
	runLines(t, WeeChat, "", []lineCase{
		{"message", "2015-04-30 18:00:03\tnirik\thello", msg(at(18, 0, 3), "nirik", "hello")},
		{"op", "2015-04-30 18:00:03\t@nirik\thello", msg(at(18, 0, 3), "nirik", "hello")},
		{"voice", "2015-04-30 18:00:03\t+nirik\thello\tworld", msg(at(18, 0, 3), "nirik", "hello\tworld")},
		{"action", "2015-04-30 18:00:03\t *\tnirik waves", act(at(18, 0, 3), "nirik", "waves")},
		{"join", "2015-04-30 18:00:04\t-->\tsmooge (~smooge@host.example) has joined #fedora-meeting", join(at(18, 0, 4), "smooge")},
		{"join extended", "2015-04-30 18:00:04\t-->\tsmooge [smooge] (Stephen has joined us) (~s@h) has joined #fedora-meeting", join(at(18, 0, 4), "smooge")},
		{"part", "2015-04-30 18:00:05\t<--\tsmooge (~smooge@host) has left #fedora-meeting (bye now)", part(at(18, 0, 5), "smooge", "bye now")},
		{"part no reason", "2015-04-30 18:00:05\t<--\tsmooge (~smooge@host) has left #fedora-meeting", part(at(18, 0, 5), "smooge", "")},
		{"quit", "2015-04-30 18:00:06\t<--\tsmooge (~smooge@host) has quit (Quit: Leaving)", quit(at(18, 0, 6), "smooge", "Quit: Leaving")},
		{"kick", "2015-04-30 18:00:06\t<--\tnirik has kicked troll (spam)", part(at(18, 0, 6), "troll", "kicked by nirik: spam")},
		{"nick", "2015-04-30 18:00:07\t--\tsmooge is now known as smooge_afk", nickc(at(18, 0, 7), "smooge", "smooge_afk")},
		{"own nick", "2015-04-30 18:00:07\t--\tYou are now known as nirik2", nil},
		{"topic from", "2015-04-30 18:00:08\t--\tnirik has changed topic for #fedora-meeting from \"old one\" to \"Infra -- aloha\"", topic(at(18, 0, 8), "nirik", "Infra -- aloha")},
		{"topic to", "2015-04-30 18:00:08\t--\tnirik has changed topic for #fedora-meeting to \"Infra\"", topic(at(18, 0, 8), "nirik", "Infra")},
		{"topic unset", "2015-04-30 18:00:08\t--\tnirik has unset topic for #fedora-meeting", topic(at(18, 0, 8), "nirik", "")},
		{"topic on join", "2015-04-30 18:00:08\t--\tTopic for #fedora-meeting is \"Infra meeting\"", topic(at(18, 0, 8), "", "Infra meeting")},
		{"topic set by", "2015-04-30 18:00:08\t--\tTopic set by nirik on Thu, 30 Apr 2015", nil},
		{"mode", "2015-04-30 18:00:09\t--\tMode #fedora-meeting [+o nirik] by ChanServ", nil},
		{"notice", "2015-04-30 18:00:09\t--\tNotice(zodbot) -> #fedora-meeting: hi", nil},
		{"error", "2015-04-30 18:00:09\t=!=\tsomething", nil},
		{"no prefix tab", "2015-04-30 18:00:09\tnirik hello", nil},
		{"bad date", "2015-13-30 18:00:09\tnirik\thello", nil},
	})
	// the date comes from every line
	evs, _ := readAll(t, "2015-04-30 23:59:59\ta\tx\n2015-05-01 00:00:01\tb\ty\n", Options{Format: WeeChat})
	if !evs[1].When().Equal(time.Date(2015, 5, 1, 0, 0, 1, 0, time.UTC)) {
		t.Fatalf("got %v", evs[1].When())
	}
}

func TestZNCLines(t *testing.T) {
	runLines(t, ZNC, "", []lineCase{
		{"message", "[18:00:03] <nirik> hello", msg(at(18, 0, 3), "nirik", "hello")},
		{"action", "[18:00:03] * nirik waves", act(at(18, 0, 3), "nirik", "waves")},
		{"join", "[18:00:04] *** Joins: smooge (~smooge@host.example)", join(at(18, 0, 4), "smooge")},
		{"part", "[18:00:05] *** Parts: smooge (~smooge@host) (bye now)", part(at(18, 0, 5), "smooge", "bye now")},
		{"part empty", "[18:00:05] *** Parts: smooge (~smooge@host) ()", part(at(18, 0, 5), "smooge", "")},
		{"quit", "[18:00:06] *** Quits: smooge (~smooge@host) (Quit: Leaving)", quit(at(18, 0, 6), "smooge", "Quit: Leaving")},
		{"nick", "[18:00:07] *** smooge is now known as smooge_afk", nickc(at(18, 0, 7), "smooge", "smooge_afk")},
		{"topic", "[18:00:08] *** nirik changes topic to 'Infra -- it's aloha'", topic(at(18, 0, 8), "nirik", "Infra -- it's aloha")},
		{"kick", "[18:00:09] *** troll was kicked by nirik (spam)", part(at(18, 0, 9), "troll", "kicked by nirik: spam")},
		{"mode", "[18:00:09] *** ChanServ sets mode: +o nirik", nil},
		{"notice", "[18:00:09] -zodbot- hi", nil},
		{"connected", "[18:00:09] Connected to IRC (irc.libera.chat +6697)", nil},
		{"no brackets", "18:00:09 <nirik> hi", nil},
	})
	// midnight
	evs, _ := readAll(t, "[23:59:59] <a> x\n[00:00:01] <b> y\n", Options{Format: ZNC, Date: day})
	if !evs[1].When().Equal(time.Date(2015, 5, 1, 0, 0, 1, 0, time.UTC)) {
		t.Fatalf("got %v", evs[1].When())
	}
}

func TestHexChatLines(t *testing.T) {
	h := "**** BEGIN LOGGING AT Thu Apr 30 18:00:00 2015\n\n"
	runLines(t, HexChat, h, []lineCase{
		{"message", "Apr 30 18:00:03 <nirik>\thello", msg(at(18, 0, 3), "nirik", "hello")},
		{"op", "Apr 30 18:00:03 <@nirik>\thello", msg(at(18, 0, 3), "nirik", "hello")},
		{"action", "Apr 30 18:00:03 *\tnirik waves", act(at(18, 0, 3), "nirik", "waves")},
		{"join", "Apr 30 18:00:04 *\tsmooge (~smooge@host.example) has joined #fedora-meeting", join(at(18, 0, 4), "smooge")},
		{"join no channel", "Apr 30 18:00:04 *\tsmooge (~smooge@host.example) has joined", join(at(18, 0, 4), "smooge")},
		{"xchat join", "Apr 30 18:00:04 -->\tsmooge (~smooge@host.example) has joined #fedora-meeting", join(at(18, 0, 4), "smooge")},
		{"part", "Apr 30 18:00:05 *\tsmooge (~smooge@host) has left #fedora-meeting (bye now)", part(at(18, 0, 5), "smooge", "bye now")},
		{"part no reason", "Apr 30 18:00:05 <--\tsmooge (~smooge@host) has left #fedora-meeting", part(at(18, 0, 5), "smooge", "")},
		{"quit", "Apr 30 18:00:06 *\tsmooge has quit (Quit: Leaving)", quit(at(18, 0, 6), "smooge", "Quit: Leaving")},
		{"nick", "Apr 30 18:00:07 *\tsmooge is now known as smooge_afk", nickc(at(18, 0, 7), "smooge", "smooge_afk")},
		{"xchat nick", "Apr 30 18:00:07 ---\tsmooge is now known as smooge_afk", nickc(at(18, 0, 7), "smooge", "smooge_afk")},
		{"topic", "Apr 30 18:00:08 *\tnirik has changed the topic to: Infra -- aloha", topic(at(18, 0, 8), "nirik", "Infra -- aloha")},
		{"topic on join", "Apr 30 18:00:08 *\tTopic for #fedora-meeting is: Infra meeting", topic(at(18, 0, 8), "", "Infra meeting")},
		{"topic set by", "Apr 30 18:00:08 *\tTopic for #fedora-meeting set by nirik (Thu Apr 30 17:00:00 2015)", nil},
		{"kick", "Apr 30 18:00:09 *\tnirik has kicked troll from #fedora-meeting (spam)", part(at(18, 0, 9), "troll", "kicked by nirik: spam")},
		{"op given", "Apr 30 18:00:09 *\tChanServ gives channel operator status to nirik", nil},
		{"now talking", "Apr 30 18:00:09 *\tNow talking on #fedora-meeting", nil},
		{"own nick", "Apr 30 18:00:09 *\tYou are now known as nirik2", nil},
		{"notice", "Apr 30 18:00:09 -zodbot-\thi", nil},
		// spaces for the tab
		{"space for the tab", "Apr 30 18:00:09 <nirik> hi\tthere", msg(at(18, 0, 9), "nirik", "hi\tthere")},
		{"space action", "Apr 30 18:00:03 * nirik waves", act(at(18, 0, 3), "nirik", "waves")},
		{"space join", "Apr 30 18:00:04 * smooge (~smooge@host.example) has joined #fedora-meeting", join(at(18, 0, 4), "smooge")},
		{"space xchat part", "Apr 30 18:00:05 <-- smooge (~smooge@host) has left #fedora-meeting", part(at(18, 0, 5), "smooge", "")},
		{"space notice", "Apr 30 18:00:09 -zodbot- hi", nil},
		{"no separator", "Apr 30 18:00:09 <nirik>hi", nil},
	})
	// a log without a header takes the year from Options.Date; the year
	// advances from December to January
	log := "Dec 31 23:59:59 <a>\tx\nJan 01 00:00:01 <b>\ty\n"
	evs, _ := readAll(t, log, Options{Format: HexChat, Date: time.Date(2014, 12, 31, 0, 0, 0, 0, time.UTC)})
	if !evs[0].When().Equal(time.Date(2014, 12, 31, 23, 59, 59, 0, time.UTC)) || !evs[1].When().Equal(time.Date(2015, 1, 1, 0, 0, 1, 0, time.UTC)) {
		t.Fatalf("got %v %v", evs[0].When(), evs[1].When())
	}
	// ctime pads the day with a space
	evs, _ = readAll(t, "**** BEGIN LOGGING AT Wed Apr  1 09:00:00 2015\nApr 01 09:00:01 <a>\tx\n", Options{Format: HexChat})
	if !evs[0].When().Equal(time.Date(2015, 4, 1, 9, 0, 1, 0, time.UTC)) {
		t.Fatalf("got %v", evs[0].When())
	}
}
