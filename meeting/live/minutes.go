package live

import (
	"bytes"
	"fmt"

	"gavel/meeting/minutes"
)

// Minutes renders the text minutes of a channel's meeting as they stand
// (a running meeting as in progress), as the archive publishes them: in
// its style, with links under its URL prefix. The console's /minutes
// preview shows them.
func (c *Controller) Minutes(name string) (string, error) {
	mt := c.Meeting(name)
	if mt == nil {
		return "", fmt.Errorf("no meeting in %s", name)
	}
	var buf bytes.Buffer
	if err := minutes.Render(minutes.FileText, &buf, mt, mt.BaseName(), minutes.Options{
		Style: c.cfg.Style, RelDir: mt.RelDir(), URLPrefix: c.cfg.URLPrefix,
	}); err != nil {
		return "", fmt.Errorf("minutes of %s: %w", name, err)
	}
	return buf.String(), nil
}
