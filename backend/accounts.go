package backend

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gavel/backend/fas"
	"gavel/backend/fetch"
)

// IRCAccounts returns the Fedora accounts that list nick among their IRC
// nicks (the chair's roll call shows them beside the nicks): Result.Rows
// holds one username each, sorted; Source says whether FASJSON or the
// offline snapshot answered. FASJSON's search by IRC nick is a substring
// search, so only exact matches (case-insensitive) are kept; it needs 3
// characters, so shorter nicks have no known account. The offline
// snapshot recorded few searches: for the others, its account listing is
// matched instead, as .fas does. Answers are cached like every lookup.
func (r *Router) IRCAccounts(ctx context.Context, nick string) (Result, error) {
	nick = strings.TrimSpace(nick)
	if nick == "" || len(nick) > 64 || strings.ContainsAny(nick, " ,\x00\r\n") {
		return Result{}, fetch.Errorf("fas", fetch.ErrInvalid, nil, fmt.Sprintf("'%s' is not an IRC nick", fetch.Clip(nick, 40)))
	}
	cmd := &command{usage: "<irc nick>", min: 1, max: 1, run: func(ctx context.Context, e *env, a []string) (Result, error) {
		return r.runIRCAccounts(ctx, e, a[0])
	}}
	return r.do(ctx, "ircaccounts", cmd, []string{strings.ToLower(nick)})
}

func (r *Router) runIRCAccounts(ctx context.Context, e *env, nick string) (Result, error) {
	res := Result{Title: fmt.Sprintf("Accounts with IRC nick %s", nick), Columns: []string{"Username"}, Rows: [][]string{}}
	var users []fas.User
	var err error
	searchable := utf8.RuneCountInString(nick) >= 3
	if searchable {
		users, err = e.fas.SearchUsers(ctx, fas.Search{IRCNick: nick})
	}
	if e.services == r.off && (!searchable || errors.Is(err, fetch.ErrBadResponse)) {
		users, err = e.fas.AllUsers(ctx)
	}
	if err != nil {
		return Result{}, err
	}
	var names []string
	for _, u := range users {
		irc, _ := fas.Nicks(u.IRCNicks)
		if slices.ContainsFunc(irc, func(n string) bool { return strings.EqualFold(n, nick) }) {
			names = append(names, u.Username)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	for _, n := range names {
		res.Rows = append(res.Rows, []string{n})
	}
	if len(names) == 0 {
		res.Reply = []string{fmt.Sprintf("No account lists the IRC nick %s", c(nick))}
	} else {
		res.Reply = []string{fmt.Sprintf("%s: %s", c(nick), strings.Join(cleanAll(names), ", "))}
	}
	return res, nil
}
