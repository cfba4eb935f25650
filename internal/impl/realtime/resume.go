package realtime

import (
	"context"
	"errors"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// resume delivers what a client missed after since, then hands it over to
// live delivery with no gap and no duplicate. The client was registered
// before this starts and is replaying: the reader holds its live entries
// aside (client.deliver) while the history is read.
//
//  1. If the stream's oldest entry is after since, entries were trimmed
//     away: send reset, then deliver from the oldest entry on.
//  2. Replay: XRANGE from since to the end, in chunks, waiting for room in
//     the client's queue rather than dropping.
//  3. Switch: deliver the held live entries (those at or before the last
//     delivered id are skipped), repeating while more arrive; when none are
//     held, the client is live. If the hold overflowed, go back to 2 from
//     where the replay ended.
//
// Every entry added after the registration reaches the reader, and the
// replay reads everything added before it, so nothing falls in between;
// client.last drops what both saw.
func (s *Service) resume(ctx context.Context, c *client, since streams.ID) {
	err := s.replay(ctx, c, since)
	if err == nil || ctx.Err() != nil || errors.Is(err, errClosed) {
		return
	}
	s.logger.WarnContext(ctx, "realtime: resume", "channel", c.channel, "since", since, "err", err)
	_ = c.control(ctx, errorMessage("cannot read the history now; reconnect with since set to the last cursor received"), nil)
	c.requestClose(websocket.CloseInternalServerErr, "resume failed")
}

func (s *Service) replay(ctx context.Context, c *client, since streams.ID) error {
	name := c.channel.stream()
	// 0-0 asks for everything the stream holds: nothing was promised before
	// its oldest entry, so there is nothing to reset.
	if !since.IsZero() {
		oldest, ok, err := s.log.First(ctx, name)
		if err != nil {
			return err
		}
		if ok && since.Less(oldest) {
			c.m.resets.Inc()
			if err := c.control(ctx, resetMessage(oldest), nil); err != nil {
				return err
			}
		}
	}
	from := since
	for {
		var err error
		if from, err = s.replayRange(ctx, c, from); err != nil {
			return err
		}
		for {
			held, overflow, done := c.takeHeld()
			if done {
				return nil
			}
			if overflow {
				break
			}
			for _, e := range held {
				if err := c.deliverWait(ctx, e); err != nil {
					return err
				}
			}
		}
	}
}

// replayRange delivers the client's matching entries after from up to the
// stream's end, and returns the id of the last entry read.
func (s *Service) replayRange(ctx context.Context, c *client, from streams.ID) (streams.ID, error) {
	name := c.channel.stream()
	for {
		msgs, err := s.log.Range(ctx, name, from.Next(), s.replayChunk)
		if err != nil {
			return from, err
		}
		if s.afterReplayRead != nil {
			s.afterReplayRead()
		}
		for _, m := range msgs {
			from = m.ID
			e, err := decodeEntry(c.channel, m, c.tenant)
			if errors.Is(err, errOtherTenant) {
				continue
			}
			if err != nil {
				s.m.badEntries.Inc()
				s.logger.WarnContext(ctx, "realtime: skip stream entry", "stream", name, "err", err)
				continue
			}
			if err := c.deliverWait(ctx, e); err != nil {
				return from, err
			}
		}
		if int64(len(msgs)) < s.replayChunk {
			return from, nil
		}
	}
}
