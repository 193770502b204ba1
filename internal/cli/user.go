package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/hotlinecc/hotline/internal/auth"
)

func user(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return errors.New("user: want add, passwd, disable or list")
	}
	sub, args := args[0], args[1:]
	c := newCommand("user "+sub, env)
	var username, name, role, lang string
	var tier int
	var partnerID int64
	var passwordStdin bool
	switch sub {
	case "add":
		c.fs.StringVar(&name, "name", "", "display name, e.g. 王伟")
		c.fs.StringVar(&role, "role", "", "admin, supervisor, agent, qa, analyst or partner")
		c.fs.IntVar(&tier, "tier", 0, "agent tier 1-3 (agents only; default 1)")
		c.fs.Int64Var(&partnerID, "partner-id", 0, "partner organization (partner users only)")
		c.fs.StringVar(&lang, "language", "", "zh-CN or en (default: the browser's)")
		fallthrough
	case "passwd":
		c.fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input (default: generate one and print it)")
		fallthrough
	case "disable":
		c.fs.StringVar(&username, "username", "", "the user's sign-in name")
	case "list":
	default:
		return fmt.Errorf("user: unknown sub-command %q (want add, passwd, disable or list)", sub)
	}
	if err := c.parse(args, env); err != nil {
		return err
	}
	if sub != "list" && username == "" {
		return errors.New("user " + sub + ": --username is required")
	}
	a, err := c.open(ctx, env)
	if err != nil {
		return err
	}
	defer a.Close()

	password, generated := "", false
	if sub == "add" || sub == "passwd" {
		if passwordStdin {
			if password, err = readPassword(env.Stdin); err != nil {
				return err
			}
		} else {
			password, generated = auth.RandomPassword(), true
		}
	}
	switch sub {
	case "add":
		r := auth.Role(role)
		in := auth.UserInput{Username: username, DisplayName: &name, Role: &r, Language: &lang, Password: password}
		if tier != 0 {
			in.Tier = &tier
		}
		if partnerID != 0 {
			in.PartnerID = &partnerID
		}
		u, err := a.Auth.CreateUser(ctx, auth.ActorCLI, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "created user %s (id %d, %s)\n", u.Username, u.ID, u.Role)
	case "passwd":
		u, err := a.Auth.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if err := a.Auth.SetPassword(ctx, auth.ActorCLI, u.ID, password, ""); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s changed; the user's sessions are ended\n", u.Username)
	case "disable":
		u, err := a.Auth.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		disabled := true
		if _, err := a.Auth.UpdateUser(ctx, auth.ActorCLI, u.ID, auth.UserInput{Disabled: &disabled}); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "user %s disabled; the user's sessions are ended\n", u.Username)
	case "list":
		users, _, err := a.Auth.ListUsers(ctx, auth.UserFilter{Limit: 1000})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tNAME\tROLE\tTIER\tDISABLED")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%v\n", u.ID, u.Username, u.DisplayName, u.Role, u.Tier, u.Disabled)
		}
		tw.Flush()
	}
	if generated {
		fmt.Fprintf(env.Stdout, "password: %s\n", password)
	}
	return nil
}
