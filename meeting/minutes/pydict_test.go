package minutes

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gavel/meeting"
)

func TestPy27StrHash(t *testing.T) {
	// Values of hash() for these unicode objects in 64-bit CPython 2.7
	// (a wide build): by code point, not by UTF-8 byte.
	for s, want := range map[string]int64{
		"":             0,
		"a":            12416037344,
		"b":            12544037731,
		"élodie":       4913907470276720278,
		"李雷":           3385108318060523679,
		"𝔣raktur":      -4560039458415409381,
		"\uFFFD":       8388249150588,
		"\xed\xa0\x80": 7077909288961, // a lone surrogate, as MeetBot decoded it
	} {
		if got := int64(py27StrHash(s)); got != want {
			t.Errorf("hash(%q) = %d, want %d", s, got, want)
		}
	}
}

// order returns the keys in emulated CPython 2.7 dict order.
func order(keys []string) []string {
	var out []string
	for _, i := range py27DictOrder(keys) {
		out = append(out, keys[i])
	}
	return out
}

func before(list []string, a, b string) bool {
	return slices.Index(list, a) < slices.Index(list, b)
}

// TestDictOrderPublished checks the tie orders of the three real zodbot
// samples. The 2015 releng set has no log, so its insertion order is
// unknown: the two ties must come out the same for any insertion order
// (the nicks do not collide in the 32-slot table).
func TestDictOrderPublished(t *testing.T) {
	// 2020 magazine: zero-line chairs in #chair argument order
	// stickster ryanlerch cverna asamalik sub_pop gregbartholomew
	// jakfrost misc rwaltr; published: misc rwaltr ryanlerch stickster sub_pop.
	_, m := parseLog(t, readTestdata(t, "magazine.2020-06-10-12.02.log.txt"), "magazine.2020-06-10-12.02", "#fedora-meeting")
	v := newView(m, "x", Options{Style: meeting.StyleZodbot})
	var zero []string
	for _, p := range v.people {
		if p.Lines == 0 {
			zero = append(zero, p.Nick)
		}
	}
	if want := []string{"misc", "rwaltr", "ryanlerch", "stickster", "sub_pop"}; !slices.Equal(zero, want) {
		t.Errorf("magazine zero-line order %v, want %v", zero, want)
	}
	// First-seen order would differ: the emulation is what makes it match.
	if firstSeen := []string{"stickster", "ryanlerch", "sub_pop", "misc", "rwaltr"}; slices.Equal(zero, firstSeen) {
		t.Error("zero-line order is first-seen order")
	}

	// 2020 IoT: pwhalen (0) before jsmith (0).
	_, m = parseLog(t, readTestdata(t, "fedora_iot_working_group_meeting.2020-06-10-14.10.log.txt"), "fedora_iot_working_group_meeting.2020-06-10-14.10", "#fedora-meeting")
	if got := order(nickList(m)); !before(got, "pwhalen", "jsmith") {
		t.Errorf("iot order %v", got)
	}

	// 2015 releng (minutes only): tyll (16) before pbrobinson (16),
	// nirik (0) before sharkcz (0), whatever the insertion order.
	txt := readTestdata(t, "releng.2015-02-09-16.31.txt")
	if !strings.Contains(txt, "* tyll (16)\n* pbrobinson (16)\n") || !strings.Contains(txt, "* nirik (0)\n* sharkcz (0)\n") {
		t.Fatal("releng sample does not hold the expected ties")
	}
	keys := []string{"dgilmore", "bochecha", "tyll", "pbrobinson", "zodbot", "janeznemanic", "masta", "nirik", "sharkcz"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		got := order(keys)
		if !before(got, "tyll", "pbrobinson") || !before(got, "nirik", "sharkcz") {
			t.Fatalf("insertion order %v gives %v", keys, got)
		}
		r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	}
	// With pbrobinson inserted before tyll, tyll still comes first.
	keys = []string{"dgilmore", "bochecha", "pbrobinson", "tyll", "zodbot", "janeznemanic", "masta", "sharkcz", "nirik"}
	if got := order(keys); !before(got, "tyll", "pbrobinson") || !before(got, "nirik", "sharkcz") {
		t.Errorf("order %v", got)
	}
}

func nickList(m *meeting.Meeting) []string {
	var out []string
	for _, a := range m.Attendees {
		out = append(out, a.Nick)
	}
	return out
}

func TestDictOrderGrowth(t *testing.T) {
	// Many keys: every key comes out exactly once, through several
	// resizes, and colliding keys keep a deterministic order.
	var keys []string
	for i := 0; i < 500; i++ {
		keys = append(keys, "nick"+itoa(i))
	}
	got := py27DictOrder(keys)
	seen := make([]bool, len(keys))
	for _, i := range got {
		if seen[i] {
			t.Fatalf("key %d twice", i)
		}
		seen[i] = true
	}
	if len(got) != len(keys) {
		t.Fatalf("%d keys out of %d", len(got), len(keys))
	}
}
