package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gavel/meeting"
)

// BenchmarkPrevious looks up the last FESCo meeting in a channel directory
// holding ten years of daily meetings of other teams (3650 day
// directories, four meetings each), the FESCo one a week back.
func BenchmarkPrevious(b *testing.B) {
	root := b.TempDir()
	a := New(root, meeting.StyleDefault, "")
	day0 := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 3650; d++ {
		day := day0.AddDate(0, 0, d)
		dir := filepath.Join(root, "fedora-meeting", day.Format("2006-01-02"))
		os.MkdirAll(dir, 0o755)
		for h, name := range []string{"infrastructure", "qa", "kde", "council"} {
			base := fmt.Sprintf("%s.%s", name, day.Add(time.Duration(14+h)*time.Hour).Format(stampLayout))
			for _, ext := range []string{".json"} {
				os.WriteFile(filepath.Join(dir, base+ext), nil, 0o644)
			}
		}
	}
	last := day0.AddDate(0, 0, 3650-7).Add(18 * time.Hour)
	os.WriteFile(filepath.Join(root, "fedora-meeting", last.Format("2006-01-02"), "fesco."+last.Format(stampLayout)+".json"), nil, 0o644)
	now := day0.AddDate(0, 0, 3650).Add(18 * time.Hour)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, ok, err := a.Previous(ctx, "#fedora-meeting", "fesco", now)
		if err != nil || !ok || !p.Start.Equal(last) {
			b.Fatal(p, ok, err)
		}
	}
}
