package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeOf(t *testing.T) {
	nf := Errorf(NotFound, "no such rule")
	for _, c := range []struct {
		err  error
		want Code
	}{
		{nil, ""}, {errors.New("boom"), Internal}, {nf, NotFound},
		{fmt.Errorf("get rule r1: %w", nf), NotFound}, {InvalidField("query.q", "too long"), Invalid},
	} {
		if got := CodeOf(c.err); got != c.want {
			t.Errorf("CodeOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if got := InvalidField("body.window", "must be from %s", "10s").Error(); got != "body.window: must be from 10s" {
		t.Errorf("Error() = %q", got)
	}
	cause := errors.New("disk full")
	if e := (&Error{Code: Unavailable, Message: "retry", Err: cause}); !errors.Is(e, cause) {
		t.Error("the cause is not unwrapped")
	}
}
