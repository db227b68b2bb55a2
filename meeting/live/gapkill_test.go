package live

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"gavel/ircclient"
)

// ircChild runs gavel on IRC (client, adapter, controller with journal and
// archive) from the environment, printing every line it handles, played
// back or live (runChild), until it is killed.
func ircChild() int {
	env := os.Getenv
	port, _ := strconv.Atoi(env("PORT"))
	client, err := ircclient.New(gavelConfig(port, env("PASS"), env("NICK"), env("CHANNEL")), nil)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go client.Run(ctx)
	return runChild(ctx, NewIRC(client), true)
}
