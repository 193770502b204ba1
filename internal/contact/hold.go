package contact

import (
	"context"
	"errors"

	"github.com/hotlinecc/hotline/internal/voice"
)

// hold plays to a waiting caller: the queue's music on hold, interrupted by position
// announcements, until stopped. It is the only goroutine that plays to the call while it
// waits.
type hold struct {
	c      voice.Call
	cmds   chan holdCmd
	cancel context.CancelFunc
	done   chan struct{}
}

type holdCmd struct {
	setMOH   bool
	moh      voice.Prompt
	announce []voice.Prompt
}

func startHold(ctx context.Context, c voice.Call) *hold {
	ctx, cancel := context.WithCancel(ctx)
	h := &hold{c: c, cmds: make(chan holdCmd, 8), cancel: cancel, done: make(chan struct{})}
	go h.run(ctx)
	return h
}

// send queues a command without blocking (the router goroutine calls it); when the
// player is far behind, an announcement is dropped rather than the router held up.
func (h *hold) send(cmd holdCmd) {
	select {
	case h.cmds <- cmd:
	default:
	}
}

// stop ends the playing and waits until nothing plays any more.
func (h *hold) stop() {
	h.cancel()
	<-h.done
}

func (h *hold) run(ctx context.Context) {
	defer close(h.done)
	var moh *voice.Prompt
	var pending []voice.Prompt
	apply := func(cmd holdCmd) {
		if cmd.setMOH {
			p := cmd.moh
			moh = &p
		}
		pending = append(pending, cmd.announce...)
	}
	for {
		var p voice.Prompt
		isMOH := false
		switch {
		case len(pending) > 0:
			p, pending = pending[0], pending[1:]
		case moh != nil:
			p, isMOH = *moh, true
		default:
			select {
			case cmd := <-h.cmds:
				apply(cmd)
				continue
			case <-ctx.Done():
				return
			}
		}
		pctx, cancel := context.WithCancel(ctx)
		ended := make(chan error, 1)
		go func() { ended <- h.c.Play(pctx, p) }()
		for playing := true; playing; {
			select {
			case err := <-ended:
				playing = false
				if errors.Is(err, voice.ErrHangup) {
					cancel()
					return
				}
				if err != nil && isMOH && ctx.Err() == nil {
					moh = nil // hold music that cannot play is not retried in a loop
				}
			case cmd := <-h.cmds:
				apply(cmd)
				if isMOH { // an announcement (or other music) interrupts the music
					cancel()
					<-ended
					playing = false
				}
			case <-ctx.Done():
				cancel()
				<-ended
				return
			}
		}
		cancel()
	}
}
