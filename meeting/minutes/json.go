package minutes

// JSONSchema is the value of the "schema" field of B.json.
const JSONSchema = "gavel.minutes/1"

// JSONMinutes is the document in B.json, schema "gavel.minutes/1". The
// schema is stable: fields may be added in later versions of the same
// schema name, never renamed, removed or retyped. Times are RFC 3339 in
// UTC ("2020-06-10T12:02:26Z"). Lists are never null (empty lists are
// []). Text is as typed, unescaped (IRC formatting codes stripped).
//
//	{
//	  "schema": "gavel.minutes/1",
//	  "channel": "#fedora-meeting",      // with its '#'
//	  "title": "#fedora-meeting: Magazine editorial board", // as the minutes print it
//	  "topic": "Magazine editorial board", // text of #startmeeting / #meetingtopic, may be ""
//	  "name": "magazine",                // meeting name used in file names
//	  "owner": "bcotton",                // who ran #startmeeting
//	  "chairs": ["asamalik", "bcotton"], // owner and chairs, sorted by code point
//	  "start": "2020-06-10T12:02:26Z",
//	  "end": "2020-06-10T13:00:23Z",     // "" while the meeting runs
//	  "logs_url": "https://.../magazine.2020-06-10-12.02.log.html",
//	  "files": {"log.txt": "magazine.2020-06-10-12.02.log.txt", ...}, // extension -> file name
//	  "items": [{
//	    "type": "TOPIC",       // TOPIC INFO IDEA HELP LINK ACTION AGREED ACCEPTED REJECTED VOTE
//	    "nick": "bcotton",     // who typed the command
//	    "time": "2020-06-10T12:02:48Z",
//	    "text": "Roll call",   // the command's argument (for LINK the whole argument)
//	    "topic": "",           // the topic the item belongs to ("" before the first topic; for TOPIC items the topic itself)
//	    "url": "https://...",  // LINK only: the first http/https/ftp/irc/ircs/mailto URL in text, omitted if none
//	    "line": 11             // 1-based line in the .log.txt; the .log.html anchor is "l-<line>"
//	  }],
//	  "attendees": [{"nick": "bcotton", "lines": 136}], // lines said, descending; ties by nick, case-insensitive
//	  "actions_by_person": [{"nick": "bcotton", "actions": ["bcotton to edit #175"]}], // whole-word, case-insensitive nick match
//	  "unassigned_actions": ["..."],
//	  "votes": [{
//	    "question": "Ship it?",
//	    "options": ["Yes", "No"],
//	    "results": {"Yes": ["alice", "bob"], "No": []}, // option -> voters (last ballot of each nick)
//	    "nick": "alice",       // who started the vote
//	    "time": "2020-06-10T12:30:00Z",
//	    "line": 42,
//	    "ended": true
//	  }]
//	}
type JSONMinutes struct {
	Schema           string              `json:"schema"`
	Channel          string              `json:"channel"`
	Title            string              `json:"title"`
	Topic            string              `json:"topic"`
	Name             string              `json:"name"`
	Owner            string              `json:"owner"`
	Chairs           []string            `json:"chairs"`
	Start            string              `json:"start"`
	End              string              `json:"end"`
	LogsURL          string              `json:"logs_url"`
	Files            map[string]string   `json:"files"`
	Items            []JSONItem          `json:"items"`
	Attendees        []JSONAttendee      `json:"attendees"`
	ActionsByPerson  []JSONPersonActions `json:"actions_by_person"`
	UnassignedAction []string            `json:"unassigned_actions"`
	Votes            []JSONVote          `json:"votes"`
}

// JSONItem is one minutes item; see JSONMinutes.
type JSONItem struct {
	Type  string `json:"type"`
	Nick  string `json:"nick"`
	Time  string `json:"time"`
	Text  string `json:"text"`
	Topic string `json:"topic"`
	URL   string `json:"url,omitempty"`
	Line  int    `json:"line"`
}

// JSONAttendee is one person present; see JSONMinutes.
type JSONAttendee struct {
	Nick  string `json:"nick"`
	Lines int    `json:"lines"`
}

// JSONPersonActions lists the action items naming one nick.
type JSONPersonActions struct {
	Nick    string   `json:"nick"`
	Actions []string `json:"actions"`
}

// JSONVote is one vote; see JSONMinutes.
type JSONVote struct {
	Question string              `json:"question"`
	Options  []string            `json:"options"`
	Results  map[string][]string `json:"results"`
	Nick     string              `json:"nick"`
	Time     string              `json:"time"`
	Line     int                 `json:"line"`
	Ended    bool                `json:"ended"`
}
