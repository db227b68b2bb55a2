package mirrors

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// RepoArch names one repository for one architecture.
type RepoArch struct {
	Repo string `json:"repo"`
	Arch string `json:"arch"`
}

// Mirrorlist is a parsed mirrorlist answer.
type Mirrorlist struct {
	Header string   `json:"header"` // the first comment line, raw
	Repo   string   `json:"repo,omitempty"`
	Arch   string   `json:"arch,omitempty"`
	Path   string   `json:"path,omitempty"`
	Steps  []string `json:"steps"` // selection steps in order: "netblock", "ASN 123", "Internet2", "country = PY", "global"
	// Protocols is the protocol filter the server applied, if any.
	Protocols []string `json:"protocols,omitempty"`
	URLs      []string `json:"urls"`
	// Error is the server's error text ("invalid repo or arch", ...).
	Error string `json:"error,omitempty"`
	// Available lists the repo&arch pairs an error answer suggests.
	Available []RepoArch `json:"available,omitempty"`
}

// ParseMirrorlist reads MirrorManager's text answer: a "#" header whose
// fragments name the selection steps, then one URL per line. Error answers
// are parsed too (Error and Available are set); only text that is not a
// mirrorlist at all is an error.
func ParseMirrorlist(text string) (Mirrorlist, error) {
	var ml Mirrorlist
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	sawHeader := false
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			body := strings.TrimSpace(strings.TrimPrefix(line, "#"))
			switch {
			case !sawHeader:
				sawHeader = true
				ml.Header = strings.TrimRight(raw, "\r")
				parseHeader(&ml, body)
			case strings.HasPrefix(body, "repo=") && strings.Contains(body, "&arch="):
				if q, err := url.ParseQuery(body); err == nil {
					ml.Available = append(ml.Available, RepoArch{Repo: q.Get("repo"), Arch: q.Get("arch")})
				}
			case strings.HasPrefix(body, "error:"):
				ml.Error = strings.TrimSpace(strings.TrimPrefix(body, "error:"))
			}
			continue
		}
		if !sawHeader {
			return Mirrorlist{}, fmt.Errorf("mirrorlist line %d: URL before the header", i+1)
		}
		u, err := url.Parse(line)
		if err != nil || u.Scheme == "" || u.Host == "" || strings.ContainsAny(line, " \t") {
			return Mirrorlist{}, fmt.Errorf("mirrorlist line %d: not a URL: %.60q", i+1, line)
		}
		ml.URLs = append(ml.URLs, line)
	}
	if !sawHeader {
		return Mirrorlist{}, fmt.Errorf("mirrorlist: no header line")
	}
	return ml, nil
}

func parseHeader(ml *Mirrorlist, body string) {
	if strings.HasPrefix(body, "either path=") {
		ml.Error = body
		return
	}
	if i := strings.Index(body, "error:"); i >= 0 {
		ml.Error = strings.TrimSpace(body[i+len("error:"):])
		body = body[:i]
	}
	f := strings.Fields(body)
	for i := 0; i < len(f); {
		if i+2 < len(f) && f[i+1] == "=" {
			k, v := f[i], f[i+2]
			switch k {
			case "repo":
				ml.Repo = v
			case "arch":
				ml.Arch = v
			case "path":
				ml.Path = v
			case "country":
				if v == "global" {
					ml.Steps = append(ml.Steps, "global")
				} else {
					ml.Steps = append(ml.Steps, "country = "+v)
				}
			case "protocol":
				ml.Protocols = strings.Split(v, ",")
			}
			i += 3
			continue
		}
		if f[i] == "Using" && i+1 < len(f) {
			switch {
			case f[i+1] == "preferred" && i+2 < len(f) && f[i+2] == "netblock":
				ml.Steps = append(ml.Steps, "netblock")
				i += 3
				continue
			case f[i+1] == "ASN" && i+2 < len(f):
				ml.Steps = append(ml.Steps, "ASN "+f[i+2])
				i += 3
				continue
			case f[i+1] == "Internet2":
				ml.Steps = append(ml.Steps, "Internet2")
				i += 2
				continue
			}
		}
		i++
	}
}

// Metalink is a parsed Metalink 3.0 answer for one file.
type Metalink struct {
	File       string            `json:"file"`
	Size       int64             `json:"size"`
	Timestamp  int64             `json:"timestamp"`
	Hashes     map[string]string `json:"hashes"`
	Alternates int               `json:"alternates"`
	Resources  []Resource        `json:"resources"`
	// Error is the message of an empty error metalink.
	Error string `json:"error,omitempty"`
}

// Resource is one URL of a metalink.
type Resource struct {
	URL        string `json:"url"`
	Protocol   string `json:"protocol"`
	Location   string `json:"location"` // ISO country code
	Preference int    `json:"preference"`
	Private    bool   `json:"private,omitempty"`
}

type xmlMetalink struct {
	XMLName xml.Name  `xml:"metalink"`
	Comment string    `xml:",comment"`
	Files   []xmlFile `xml:"files>file"`
}

type xmlFile struct {
	Name       string `xml:"name,attr"`
	Timestamp  string `xml:"http://fedorahosted.org/mirrormanager timestamp"`
	Size       string `xml:"size"`
	Alternates []struct {
		Size string `xml:"size"`
	} `xml:"http://fedorahosted.org/mirrormanager alternates>alternate"`
	Hashes []struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"verification>hash"`
	URLs []struct {
		Protocol   string `xml:"protocol,attr"`
		Location   string `xml:"location,attr"`
		Preference string `xml:"preference,attr"`
		Private    string `xml:"http://fedorahosted.org/mirrormanager private,attr"`
		Value      string `xml:",chardata"`
	} `xml:"resources>url"`
}

// ParseMetalink reads MirrorManager's metalink. An empty metalink whose
// comment holds an error parses with Error set.
func ParseMetalink(data []byte) (Metalink, error) {
	var x xmlMetalink
	if err := xml.Unmarshal(data, &x); err != nil {
		return Metalink{}, fmt.Errorf("metalink: %w", err)
	}
	var m Metalink
	if len(x.Files) == 0 {
		c := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(x.Comment), "#"))
		if i := strings.Index(c, "error:"); i >= 0 {
			m.Error = strings.TrimSpace(c[i+len("error:"):])
		} else {
			m.Error = strings.Join(strings.Fields(c), " ")
		}
		if m.Error == "" {
			m.Error = "metalink lists no file"
		}
		return m, nil
	}
	f := x.Files[0]
	if strings.TrimSpace(f.Name) == "" {
		return Metalink{}, fmt.Errorf("metalink: file without a name")
	}
	m.File = f.Name
	m.Size, _ = strconv.ParseInt(strings.TrimSpace(f.Size), 10, 64)
	m.Timestamp, _ = strconv.ParseInt(strings.TrimSpace(f.Timestamp), 10, 64)
	m.Alternates = len(f.Alternates)
	m.Hashes = map[string]string{}
	for _, h := range f.Hashes {
		m.Hashes[h.Type] = strings.TrimSpace(h.Value)
	}
	for _, u := range f.URLs {
		pref, _ := strconv.Atoi(strings.TrimSpace(u.Preference))
		m.Resources = append(m.Resources, Resource{
			URL: strings.TrimSpace(u.Value), Protocol: u.Protocol, Location: u.Location,
			Preference: pref, Private: strings.EqualFold(u.Private, "true"),
		})
	}
	return m, nil
}
