package realtime

import (
	"errors"
	"strconv"
	"strings"
)

// streamID is a Redis stream entry id, <ms>-<seq>. Ids are compared on every
// delivery (to drop what a resumed client already got), so they are parsed
// once into numbers instead of being compared as strings, which would order
// "10-0" before "9-0".
type streamID struct{ ms, seq uint64 }

var errBadID = errors.New("want a stream entry id <milliseconds>-<sequence>, as in a message's cursor")

// parseStreamID reads the full <ms>-<seq> form. A bare <ms>, which Redis also
// accepts in ranges, is refused: as an exclusive start it would be ambiguous.
func parseStreamID(s string) (streamID, error) {
	msPart, seqPart, ok := strings.Cut(s, "-")
	if !ok {
		return streamID{}, errBadID
	}
	ms, err1 := strconv.ParseUint(msPart, 10, 64)
	seq, err2 := strconv.ParseUint(seqPart, 10, 64)
	if err1 != nil || err2 != nil { // ParseUint refuses signs, spaces and empty parts
		return streamID{}, errBadID
	}
	return streamID{ms, seq}, nil
}

func (a streamID) less(b streamID) bool {
	return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq)
}

func (a streamID) isZero() bool { return a == streamID{} }

// next is the smallest id after a: the inclusive start of an XRANGE that must
// exclude a itself. (The "(" exclusive syntax needs Redis 6.2 and is not in
// every miniredis; this works everywhere.)
func (a streamID) next() streamID {
	if a.seq == ^uint64(0) {
		return streamID{a.ms + 1, 0}
	}
	return streamID{a.ms, a.seq + 1}
}

func (a streamID) String() string {
	return strconv.FormatUint(a.ms, 10) + "-" + strconv.FormatUint(a.seq, 10)
}
