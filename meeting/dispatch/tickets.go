package dispatch

import (
	"context"
	"errors"
	"net/http"

	"gavel/backend/forge"
)

// commentTicket comments on a forge issue (once: a resumed attempt looks
// for its marker first) and takes the label off when asked.
func (d *Dispatcher) commentTicket(ctx context.Context, s TicketSettings, j *TicketJob, a Attempt) (string, error) {
	ref, err := forge.ParseIssueURL(j.IssueURL)
	if err != nil {
		return "", &RefusedError{err}
	}
	token := s.Tokens[ref.Host()]
	if token == "" {
		return "", &RefusedError{errors.New("no API token for " + ref.Host() + " (dispatch.tickets tokens)")}
	}
	posted := false
	if a.Resumed {
		if posted, err = d.forge.HasComment(ctx, ref, j.Marker, token); err != nil {
			return "", classifyForge(err)
		}
	}
	if !posted {
		if err := d.forge.Comment(ctx, ref, j.Comment, token); err != nil {
			return "", classifyForge(err)
		}
	}
	if j.RemoveLabel != "" {
		if err := d.forge.RemoveLabel(ctx, ref, j.RemoveLabel, token); err != nil {
			return "", classifyForge(err)
		}
	}
	return j.IssueURL, nil
}

// classifyForge sorts a forge client's error as classifyHTTP does, with
// the forge's statuses: 408 and 5xx retry, 429 waits, other 4xx refuse.
func classifyForge(err error) error {
	var se *forge.StatusError
	if errors.As(err, &se) {
		switch {
		case se.Status == http.StatusTooManyRequests:
			return &WaitError{Err: err, After: se.RetryAfter}
		case se.Status == http.StatusRequestTimeout:
			return err
		case se.Status >= 400 && se.Status < 500:
			return &RefusedError{err}
		}
		return err
	}
	if errors.Is(err, forge.ErrUnsupported) {
		return &RefusedError{err}
	}
	return classifyHTTP(err)
}
