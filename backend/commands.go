package backend

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gavel/backend/fas"
	"gavel/backend/fetch"
	"gavel/backend/mirrors"
)

// env is what a command runs against: one set of clients and a clock.
type env struct {
	*services
	now func() time.Time
	// countries lists the countries the offline snapshot has mirrors of a
	// repository and architecture for; nil when answering live.
	countries func(repo, arch string) []string
}

type command struct {
	usage     string
	help      string
	completes string
	min, max  int  // argument counts; max < 0 means unbounded
	volatile  bool // the answer depends on the clock: never cache it
	run       func(ctx context.Context, e *env, args []string) (Result, error)
	// notFound is zodbot's reply when the subject does not exist.
	notFound func(args []string) string
}

// c cleans data before it goes into a reply.
func c(s string) string { return Clean(s) }

// opt prints a nullable string as Python would: None for null.
func opt(p *string) string {
	if p == nil {
		return "None"
	}
	return c(*p)
}

func orEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return c(*p)
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = c(s)
	}
	return out
}

func joinOrNone(ss []string, sep string) string {
	if len(ss) == 0 {
		return "None"
	}
	return strings.Join(cleanAll(ss), sep)
}

func first(ss []string) string {
	if len(ss) == 0 {
		return "None"
	}
	return c(ss[0])
}

// budget is the room left for the text of a list line: generous, since
// Channel cuts again with the real nick; lists are fitted here so that
// they end in "… and N more" rather than a cut word.
const listBudget = DefaultLineBytes - 32

func commandTable() map[string]*command {
	userMissing := func(a []string) string { return fmt.Sprintf("Sorry, but user '%s' does not exist", c(a[0])) }
	groupMissing := func(a []string) string { return fmt.Sprintf("Sorry, but group '%s' does not exist", c(a[0])) }
	noPackage := func([]string) string { return "No such package exists." }
	hello := func(fixedName string) func(ctx context.Context, e *env, a []string) (Result, error) {
		return func(ctx context.Context, e *env, a []string) (Result, error) {
			u, err := e.fas.User(ctx, a[0])
			if err != nil {
				return Result{}, err
			}
			name := opt(u.HumanName)
			if fixedName != "" {
				name = fixedName
			}
			return Result{
				Title:   "Account " + u.Username,
				Columns: []string{"Username", "Name", "Email"},
				Rows:    [][]string{{u.Username, orEmpty(u.HumanName), strings.Join(u.Emails, ", ")}},
				Reply:   []string{fmt.Sprintf("%s '%s' <%s>", c(u.Username), name, first(u.Emails))},
			}, nil
		}
	}
	return map[string]*command{
		"fas": {usage: "<name, e-mail, nick or part of one>", help: "find accounts", completes: "users",
			min: 1, max: -1, run: runFas,
			notFound: func(a []string) string { return fmt.Sprintf("'%s' Not Found!", c(strings.Join(a, " "))) }},
		"hellomynameis": {usage: "<username>", help: "introduce an account", completes: "users",
			min: 1, max: 1, run: hello(""), notFound: userMissing},
		"himynameis": {usage: "<username>", help: "introduce an account, Slim Shady style", completes: "users",
			min: 1, max: 1, run: hello("Slim Shady"), notFound: userMissing},
		"fasinfo": {usage: "<username>", help: "everything public about an account", completes: "users",
			min: 1, max: 1, run: runFasinfo,
			notFound: func(a []string) string { return fmt.Sprintf("User \"%s\" doesn't exist", c(a[0])) }},
		"localtime": {usage: "<username>", help: "an account's local time", completes: "users",
			min: 1, max: 1, run: runLocaltime, volatile: true,
			notFound: func(a []string) string { return fmt.Sprintf("User \"%s\" doesn't exist", c(a[0])) }},
		"wikilink": {usage: "<username>", help: "a wiki link to an account", completes: "users",
			min: 1, max: 1, run: runWikilink, notFound: userMissing},
		"group": {usage: "<group>", help: "a group's description", min: 1, max: 1, run: runGroup, notFound: groupMissing},
		"members": {usage: "<group>", help: "a group's members", min: 1, max: 1,
			run: roster("members", "Members of %s: "), notFound: groupMissing},
		"sponsors": {usage: "<group>", help: "a group's sponsors", min: 1, max: 1,
			run: roster("sponsors", "Sponsors for %s: "), notFound: groupMissing},
		"admins": {usage: "<group>", help: "(groups no longer have admins)", min: 1, max: 1, run: runAdmins},
		"whoowns": {usage: "<package>", help: "who maintains a package", completes: "packages",
			min: 1, max: 1, run: runWhoowns,
			notFound: func(a []string) string { return fmt.Sprintf("Package %s not found.", c(a[0])) }},
		"what": {usage: "<package>", help: "a package's summary", completes: "packages",
			min: 1, max: 1, run: runWhat, notFound: noPackage},
		"branches": {usage: "<package>", help: "a package's git branches", completes: "packages",
			min: 1, max: 1, run: runBranches, notFound: noPackage},
		"sources": {usage: "<package> [branch]", help: "a package's sources file", completes: "packages",
			min: 1, max: 2, run: runSources},
		"lookaside": {usage: "<package> <file>", help: "is a source in the lookaside cache?", completes: "packages",
			min: 2, max: 2, run: runLookaside},
		"mirrors": {usage: "<repo> <arch> [country]", help: "mirrors serving a repository",
			min: 2, max: 3, run: runMirrors},
	}
}

func runFas(ctx context.Context, e *env, a []string) (Result, error) {
	q := strings.Join(a, " ")
	us, err := e.fas.Find(ctx, q)
	if err != nil {
		return Result{}, err
	}
	if len(us) == 0 {
		return Result{}, fetch.Errorf("fas", fetch.ErrNotFound, nil, fmt.Sprintf("no account matches '%s'", c(q)))
	}
	res := Result{Title: fmt.Sprintf("Accounts matching '%s'", q), Columns: []string{"Username", "Name", "Email", "IRC"}}
	var items []string
	for _, u := range us {
		irc, _ := fas.Nicks(u.IRCNicks)
		res.Rows = append(res.Rows, []string{u.Username, orEmpty(u.HumanName), strings.Join(u.Emails, ", "), strings.Join(irc, ", ")})
		items = append(items, fmt.Sprintf("%s '%s' <%s>", c(u.Username), opt(u.HumanName), first(u.Emails)))
	}
	res.Reply = []string{fitList("", items, " - ", listBudget)}
	return res, nil
}

func runFasinfo(ctx context.Context, e *env, a []string) (Result, error) {
	u, err := e.fas.User(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	groups, err := e.fas.UserGroups(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	irc, matrix := fas.Nicks(u.IRCNicks)
	line1 := fmt.Sprintf("User: %s, Name: %s, Email: %s, Creation: %s, IRC Nicks: %s, Timezone: %s, Locale: %s, GPG Key IDs: %s, Status: None",
		c(u.Username), opt(u.HumanName), joinOrNone(u.Emails, " and "), opt(u.Creation), joinOrNone(irc, " and "),
		opt(u.Timezone), opt(u.Locale), joinOrNone(u.GPGKeyIDs, " and "))
	reply := []string{line1}
	if len(groups) > 0 {
		reply = append(reply, fitList("Groups: ", cleanAll(groups), ", ", listBudget))
	}
	rows := [][]string{
		{"User", u.Username},
		{"Name", orEmpty(u.HumanName)},
		{"Email", strings.Join(u.Emails, ", ")},
		{"Creation", orEmpty(u.Creation)},
		{"IRC nicks", strings.Join(irc, ", ")},
		{"Matrix", strings.Join(matrix, ", ")},
		{"Timezone", orEmpty(u.Timezone)},
		{"Locale", orEmpty(u.Locale)},
		{"GPG key IDs", strings.Join(u.GPGKeyIDs, ", ")},
		{"Pronouns", strings.Join(u.Pronouns, ", ")},
		{"Private", strconv.FormatBool(u.IsPrivate)},
		{"Locked", strconv.FormatBool(u.Locked)},
		{"Groups", strings.Join(groups, ", ")},
	}
	return Result{Title: "Account " + u.Username, Columns: []string{"Field", "Value"}, Rows: rows, Reply: reply}, nil
}

func runLocaltime(ctx context.Context, e *env, a []string) (Result, error) {
	res := Result{Title: "Local time of " + a[0], Columns: []string{"User", "Timezone", "Local time"}}
	if n := strings.ToLower(a[0]); n == "zod" || n == "zodbot" {
		res.Reply = []string{"There is no time! Kneel before zod!"}
		res.Rows = [][]string{{a[0], "", ""}}
		return res, nil
	}
	u, err := e.fas.User(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	if u.Timezone == nil || *u.Timezone == "" {
		res.Reply = []string{fmt.Sprintf("User \"%s\" doesn't share their timezone", c(u.Username))}
		res.Rows = [][]string{{u.Username, "", ""}}
		return res, nil
	}
	tz := c(*u.Timezone)
	loc, err := time.LoadLocation(*u.Timezone)
	if err != nil {
		res.Reply = []string{fmt.Sprintf("The timezone of \"%s\" was unknown: \"%s\"", c(u.Username), tz)}
		res.Rows = [][]string{{u.Username, tz, ""}}
		return res, nil
	}
	now := e.now().In(loc).Format("15:04")
	res.Reply = []string{fmt.Sprintf("The current local time of \"%s\" is: \"%s\" (timezone: %s)", c(u.Username), now, tz)}
	res.Rows = [][]string{{u.Username, tz, now}}
	return res, nil
}

func runWikilink(ctx context.Context, e *env, a []string) (Result, error) {
	u, err := e.fas.User(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	link := fmt.Sprintf("[[User:%s|%s]]", c(u.Username), orEmpty(u.HumanName))
	return Result{Title: "Wiki link for " + u.Username, Columns: []string{"Link"}, Rows: [][]string{{link}}, Reply: []string{link}}, nil
}

func runGroup(ctx context.Context, e *env, a []string) (Result, error) {
	g, err := e.fas.Group(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	return Result{
		Title:   "Group " + g.Name,
		Columns: []string{"Field", "Value"},
		Rows: [][]string{
			{"Group", g.Name}, {"Description", orEmpty(g.Description)}, {"Mailing list", orEmpty(g.MailingList)},
			{"URL", orEmpty(g.URL)}, {"IRC", strings.Join(g.IRC, ", ")}, {"Discussion", orEmpty(g.DiscussionURL)},
		},
		Reply: []string{fmt.Sprintf("%s: %s", c(g.Name), opt(g.Description))},
	}, nil
}

func roster(which, format string) func(ctx context.Context, e *env, a []string) (Result, error) {
	return func(ctx context.Context, e *env, a []string) (Result, error) {
		var names []string
		var err error
		if which == "sponsors" {
			names, err = e.fas.Sponsors(ctx, a[0])
		} else {
			names, err = e.fas.Members(ctx, a[0])
		}
		if err != nil {
			return Result{}, err
		}
		res := Result{Title: fmt.Sprintf(strings.TrimSuffix(format, ": "), a[0]), Columns: []string{"Username"}}
		for _, n := range names {
			res.Rows = append(res.Rows, []string{n})
		}
		res.Reply = []string{fitList(fmt.Sprintf(format, c(a[0])), cleanAll(names), ", ", listBudget)}
		return res, nil
	}
}

func runAdmins(_ context.Context, _ *env, a []string) (Result, error) {
	msg := "Groups no longer have admins. try the 'sponsors' command "
	return Result{Title: "Administrators of " + a[0], Columns: []string{"Note"}, Rows: [][]string{{strings.TrimSpace(msg)}}, Reply: []string{msg}}, nil
}

func runWhoowns(ctx context.Context, e *env, a []string) (Result, error) {
	p, err := e.pkgs.Project(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	res := Result{Title: "Maintainers of " + p.Name, Columns: []string{"Role", "Users", "Groups"}}
	var parts []string
	for _, role := range []string{"owner", "admin", "commit", "collaborator", "ticket"} {
		us, gs := p.AccessUsers[role], p.AccessGroups[role]
		if len(us) > 0 || len(gs) > 0 {
			res.Rows = append(res.Rows, []string{role, strings.Join(us, ", "), strings.Join(gs, ", ")})
		}
		if len(us) > 0 && (role == "owner" || role == "admin" || role == "commit") {
			parts = append(parts, "\x02"+role+": \x02"+strings.Join(cleanAll(us), ", "))
		}
	}
	if len(parts) == 0 {
		res.Reply = []string{fmt.Sprintf("%s has no owners, admins, or users with commit access", c(p.Name))}
	} else {
		res.Reply = []string{fitList("", parts, "; ", listBudget)}
	}
	return res, nil
}

func runWhat(ctx context.Context, e *env, a []string) (Result, error) {
	p, err := e.pkgs.Summary(ctx, "rawhide", a[0])
	if err != nil {
		return Result{}, err
	}
	name := p.Basename
	if name == "" {
		name = a[0]
	}
	return Result{
		Title:   "What is " + name,
		Columns: []string{"Package", "Summary", "Version", "URL"},
		Rows:    [][]string{{name, p.Summary, strings.Trim(p.Version+"-"+p.Release, "-"), p.URL}},
		Reply:   []string{fmt.Sprintf("%s: %s", c(a[0]), c(p.Summary))},
	}, nil
}

func runBranches(ctx context.Context, e *env, a []string) (Result, error) {
	b, err := e.pkgs.Branches(ctx, a[0])
	if err != nil {
		return Result{}, err
	}
	res := Result{Title: "Branches of " + a[0], Columns: []string{"Branch", "Default"}}
	for _, n := range b.Names {
		d := ""
		if n == b.Default {
			d = "yes"
		}
		res.Rows = append(res.Rows, []string{n, d})
	}
	res.Reply = []string{fitList("", cleanAll(b.Names), " ", listBudget)}
	return res, nil
}

func branchArg(a []string, i int) string {
	if len(a) > i {
		return a[i]
	}
	return "rawhide"
}

func runSources(ctx context.Context, e *env, a []string) (Result, error) {
	branch := branchArg(a, 1)
	es, err := e.pkgs.Sources(ctx, a[0], branch)
	if err != nil {
		return Result{}, err
	}
	res := Result{Title: fmt.Sprintf("Sources of %s (%s)", a[0], branch), Columns: []string{"File", "Hash type", "Hash", "Lookaside URL"}}
	var items []string
	for _, s := range es {
		res.Rows = append(res.Rows, []string{s.Filename, s.HashType, s.Hash, e.pkgs.ObjectURL(a[0], s)})
		items = append(items, fmt.Sprintf("%s (%s %.12s…)", c(s.Filename), s.HashType, s.Hash))
	}
	if len(items) == 0 {
		res.Reply = []string{fmt.Sprintf("%s (%s) has an empty sources file", c(a[0]), c(branch))}
	} else {
		res.Reply = []string{fitList(fmt.Sprintf("%s (%s): ", c(a[0]), c(branch)), items, ", ", listBudget)}
	}
	return res, nil
}

func runLookaside(ctx context.Context, e *env, a []string) (Result, error) {
	s, p, err := e.pkgs.Lookaside(ctx, a[0], "rawhide", a[1])
	if err != nil {
		return Result{}, err
	}
	verified := "no"
	line := fmt.Sprintf("%s: %s - %s", c(s.Filename), p.State, c(p.URL))
	if p.Verified {
		verified = "yes"
		line = fmt.Sprintf("%s: %s (%s verified, %d bytes) - %s", c(s.Filename), p.State, s.HashType, p.Size, c(p.URL))
	}
	return Result{
		Title:   fmt.Sprintf("Lookaside: %s %s", a[0], a[1]),
		Columns: []string{"File", "State", "Verified", "Size", "URL"},
		Rows:    [][]string{{s.Filename, string(p.State), verified, strconv.Itoa(p.Size), p.URL}},
		Reply:   []string{line},
	}, nil
}

func runMirrors(ctx context.Context, e *env, a []string) (Result, error) {
	q := mirrors.Query{Repo: a[0], Arch: a[1]}
	if len(a) > 2 {
		q.Countries = strings.Split(a[2], ",")
	}
	sel, err := e.mirrors.Mirrors(ctx, q)
	var note string
	if err != nil && len(q.Countries) == 0 && e.countries != nil && errors.Is(err, fetch.ErrNotFound) {
		// Offline without a country: the snapshot holds no GeoIP answer
		// for this repo and arch; answer from the countries it has.
		if ccs := e.countries(a[0], a[1]); len(ccs) > 0 {
			q.Countries = ccs[:1]
			if sel, err = e.mirrors.Mirrors(ctx, q); err == nil {
				note = fmt.Sprintf("the offline snapshot has %s %s only for %s", c(a[0]), c(a[1]), strings.Join(ccs, ", "))
			}
		}
	}
	if err != nil {
		return Result{}, err
	}
	steps := strings.Join(sel.Steps, ", ")
	res := Result{Title: fmt.Sprintf("Mirrors for %s %s (%s)", sel.Repo, sel.Arch, steps),
		Columns: []string{"Host", "Country", "Protocol", "Chosen by", "URL"}, Note: note}
	var items []string
	for _, m := range sel.Mirrors {
		cc := m.Country
		if cc == "" {
			cc = "?"
		}
		res.Rows = append(res.Rows, []string{m.Host, m.Country, m.Protocol, m.Step, m.URL})
		items = append(items, fmt.Sprintf("%s [%s %s]", c(m.Host), c(cc), c(m.Protocol)))
	}
	if len(items) == 0 {
		res.Reply = []string{fmt.Sprintf("no mirrors for %s %s", c(a[0]), c(a[1]))}
	} else {
		res.Reply = []string{fitList(fmt.Sprintf("%s %s (%s): ", c(sel.Repo), c(sel.Arch), c(steps)), items, ", ", listBudget)}
	}
	return res, nil
}
