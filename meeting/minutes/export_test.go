package minutes

// For the tests of package minutes_test, which publish through
// meeting/publish (an importer of this package).
var (
	Chromium    = chromium
	RunChromium = runChromium
)
