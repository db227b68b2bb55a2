package themes

import (
	"image/color"
	"os"
	"strings"
	"testing"
)

func rgb(c color.Color) [3]uint32 {
	r, g, b, _ := c.RGBA()
	return [3]uint32{r >> 8, g >> 8, b >> 8}
}

func TestBuiltins(t *testing.T) {
	for _, n := range append(Names(), "hc", "plain") {
		th, err := ByName(n)
		if err != nil {
			t.Fatal(err)
		}
		if !th.Plain && (th.Fg == nil || len(th.Nicks) < 6) {
			t.Errorf("%s: incomplete palette", n)
		}
	}
	if _, err := ByName("neon"); err == nil {
		t.Error("unknown theme accepted")
	}
}

func TestParseOverrides(t *testing.T) {
	src := `# mine
base = "light"   # start from light
name = "mine"
[colors]
fg = "#102030"
mention = "#f0a"   # short form
border = "none"
[nicks]
palette = ["#010203", "#040506"]
`
	th, err := Parse(src, Dark())
	if err != nil {
		t.Fatal(err)
	}
	if th.Name != "mine" || th.Dark {
		t.Errorf("name/dark = %q/%v", th.Name, th.Dark)
	}
	if rgb(th.Fg) != [3]uint32{0x10, 0x20, 0x30} {
		t.Errorf("fg = %v", rgb(th.Fg))
	}
	if rgb(th.Mention) != [3]uint32{0xff, 0x00, 0xaa} {
		t.Errorf("mention = %v", rgb(th.Mention))
	}
	if th.Border != nil {
		t.Error("border not cleared")
	}
	if rgb(th.Accent) != rgb(Light().Accent) {
		t.Error("untouched colour not from the light base")
	}
	if len(th.Nicks) != 2 {
		t.Errorf("nicks = %d", len(th.Nicks))
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"[colours]\n",
		"[colors]\nfgg = \"#000000\"\n",
		"[colors]\nfg = \"#00000\"\n",
		"[colors]\nfg = #000000\n",
		"[colors\n",
		"wat = \"x\"\n",
		"[colors]\nfg = \"#000000\"\n[nicks]\npalette = \"#fff\"\n",
	} {
		if _, err := Parse(src, Dark()); err == nil {
			t.Errorf("accepted %q", src)
		} else if !strings.Contains(err.Error(), "line ") {
			t.Errorf("error without a line number: %v", err)
		}
	}
}

func TestSelect(t *testing.T) {
	env := map[string]string{"NO_COLOR": "1"}
	th, err := Select(Options{Name: "light", Getenv: func(k string) string { return env[k] }})
	if err != nil || !th.Plain {
		t.Fatalf("NO_COLOR: %v %+v", err, th.Name)
	}
	env = nil
	light := false
	th, _ = Select(Options{Name: "auto", Getenv: func(string) string { return "" }, Background: &light})
	if th.Name != "light" {
		t.Errorf("auto on light background = %s", th.Name)
	}
	dir := t.TempDir()
	p := dir + "/t.toml"
	os.WriteFile(p, []byte("[colors]\naccent = \"#123456\"\n"), 0o600)
	th, err = Select(Options{Name: "high-contrast", File: p, ReadFile: os.ReadFile, Getenv: os.Getenv})
	if err != nil || rgb(th.Accent) != [3]uint32{0x12, 0x34, 0x56} || th.Name != "high-contrast" {
		t.Errorf("file: %v %v", err, th.Name)
	}
}
