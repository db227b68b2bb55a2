package tui

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Run runs a console model until it quits or ctx is done. headless runs the
// same program without a renderer and without terminal input
// (tea.WithoutRenderer), for `gavel --headless`: the meeting path is the
// same code either way.
func Run(ctx context.Context, m tea.Model, headless bool, opts ...tea.ProgramOption) (tea.Model, error) {
	o := []tea.ProgramOption{tea.WithContext(ctx)}
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
