package minutes

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
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

// TestDictOrderAtArchiveScale compares the emulated order of many keys
// with CPython 2.7.18's, hashed (sha256 of the comma-separated insertion
// indexes of `for k in d`, for d built from u"speaker%05d" % i in order):
// the 120,000-key case goes through the resizes above 50,000 keys, where
// CPython only doubles the table.
func TestDictOrderAtArchiveScale(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{20000, "112f14819a944e1b1becbf1bfb01f6a1b849bbba9ffac4dda7d069c1cefe91b6"},
		{60000, "c590224d10f44becc0b0da30f315cad054f66936354238e30678d91c6a7902fe"},
		{120000, "d9b54973a29cb7b5096c153a290529b9c5cc3969b0a3b89316486397c66798f8"},
	} {
		keys := make([]string, c.n)
		for i := range keys {
			keys[i] = fmt.Sprintf("speaker%05d", i)
		}
		var b strings.Builder
		for j, i := range py27DictOrder(keys) {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(i))
		}
		if h := sha256.Sum256([]byte(b.String())); hex.EncodeToString(h[:]) != c.want {
			t.Errorf("%d keys: order differs from CPython 2.7's", c.n)
		}
	}
}

// BenchmarkTieOrder compares the cost per attendee of zodbot style's tie
// order (the CPython 2.7 dict emulation) with the default style's (a
// case-insensitive sort): both must grow alike with the attendees.
func BenchmarkTieOrder(b *testing.B) {
	for _, n := range []int{1_000, 20_000, 200_000} {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("speaker%06d", (i*7919)%n)
		}
		b.Run(fmt.Sprintf("zodbot/attendees=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				py27DictOrder(keys)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/attendee")
		})
		b.Run(fmt.Sprintf("default/attendees=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s := slices.Clone(keys)
				slices.SortStableFunc(s, func(a, b string) int {
					return cmp.Or(strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
				})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/attendee")
		})
	}
}
