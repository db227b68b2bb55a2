package tui

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Run runs a console model until it quits or ctx is done. headless runs the
// same program without a renderer and without terminal input
// (tea.WithoutRenderer), for the offline demo's headless replay (a live
// `gavel --headless` drives the live driver without a console: live.Drive).
func Run(ctx context.Context, m tea.Model, headless bool, opts ...tea.ProgramOption) (tea.Model, error) {
	o := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFilter(keepWcWidth)}
	if headless {
		o = append(o, tea.WithoutRenderer(), tea.WithInput(nil), tea.WithOutput(io.Discard))
	}
	o = append(o, opts...)
	p := tea.NewProgram(m, o...)
	final, err := p.Run()
	if err != nil && ctx.Err() != nil && final != nil {
		// Cancelled from outside (signal): not an error of the console.
		return final, nil
	}
	return final, err
}

// keepWcWidth keeps the renderer measuring text by wcwidth even when the
// terminal offers grapheme clustering (mode 2027): the console lays text
// out by wcwidth (tui/common), as tmux and most terminals show it, so the
// renderer and the layout always agree on a row's width.
func keepWcWidth(_ tea.Model, msg tea.Msg) tea.Msg {
	if r, ok := msg.(tea.ModeReportMsg); ok && r.Mode == ansi.ModeUnicodeCore {
		return nil
	}
	return msg
}
