package contract

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// EventSchema validates single events against one schema of the document.
type EventSchema struct {
	name   string
	schema *openapi3.Schema
	opts   []openapi3.SchemaValidationOption // Validate's: every problem, spelled out
	quick  []openapi3.SchemaValidationOption // Valid's: the verdict alone
	fast   *check                            // nil when the schema is beyond it; see eventcheck.go
}

// EventSchema returns the validator of components/schemas/<name>.
func (s *Spec) EventSchema(name string) (*EventSchema, error) {
	ref, ok := s.doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		return nil, fmt.Errorf("spec %q has no schema %q", s.doc.Info.Title, name)
	}
	// One map for every call: WithStringFormatValidator would build a new one
	// per validated event. kin-openapi only reads it.
	formatMap := map[string]openapi3.StringFormatValidator{
		"ipv4": openapi3.NewIPValidator(true),
		"ipv6": openapi3.NewIPValidator(false),
	}
	formats := openapi3.WithStringFormatValidators(formatMap)
	fast, err := compileCheck(ref.Value, formatMap)
	if err != nil {
		fast = nil // kin-openapi alone, as before; TestEventSchemasHaveFastChecks notices
	}
	return &EventSchema{name: name, schema: ref.Value, fast: fast,
		opts: []openapi3.SchemaValidationOption{
			openapi3.MultiErrors(),
			openapi3.VisitAsRequest(),
			openapi3.DisableSchemaErrorDetails(), // never echo values back
			formats,
		},
		quick: []openapi3.SchemaValidationOption{
			openapi3.FailFast(),
			openapi3.VisitAsRequest(),
			formats,
		},
	}, nil
}

// Valid reports whether v (as decoded by encoding/json into any) is valid: it
// says yes exactly when Validate reports nothing, at a fraction of the cost.
// Callers that need the report call Validate for the values Valid rejects.
//
// Almost every event is valid, so Valid first asks the schema's compiled
// check (eventcheck.go), which accepts only what kin-openapi accepts. What it
// does not accept goes to kin-openapi run fail-fast: most of its time on a
// valid value went into building errors it then threw away (each attribute
// value is tried against every oneOf alternative, and each miss costs a
// formatted message), and FailFast stops at the first problem with a bare
// sentinel instead. The verdict is the same, since FailFast only changes what
// kin-openapi reports, never whether it accepts: each of its fail-fast
// branches returns an error where the full pass records one.
func (e *EventSchema) Valid(v any) bool {
	if e.fast != nil && e.fast.accept(v) {
		return true
	}
	return e.schema.VisitJSON(v, e.quick...) == nil
}

// Validate checks one decoded JSON value (as from encoding/json into any) and
// returns every problem with it, each field prefixed with prefix (events[3]).
func (e *EventSchema) Validate(prefix string, v any) []problem.FieldError {
	err := e.schema.VisitJSON(v, e.opts...)
	if err == nil {
		return nil
	}
	var out []problem.FieldError
	for _, se := range flatten(err) {
		pointer, msg := se.JSONPointer(), se.Reason
		if m := unsupported.FindStringSubmatch(se.Reason); m != nil {
			pointer, msg = append(pointer, m[1]), "unknown field"
		} else if msg == "" {
			msg = "does not match the schema's " + se.SchemaField
		}
		out = append(out, problem.FieldError{Field: fieldPath(prefix, pointer), Message: msg})
	}
	if len(out) == 0 {
		out = append(out, problem.FieldError{Field: prefix, Message: err.Error()})
	}
	return out
}

func flatten(err error) []*openapi3.SchemaError {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []*openapi3.SchemaError
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []*openapi3.SchemaError{se}
	}
	return nil
}

// unsupported matches kin-openapi's reason for a property the schema does not allow.
var unsupported = regexp.MustCompile(`^property "(.*)" is unsupported$`)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// fieldPath renders a JSON pointer as events[3].attrs["http.status"].
func fieldPath(prefix string, pointer []string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range pointer {
		switch {
		case isIndex(p):
			b.WriteString("[" + p + "]")
		case identifier.MatchString(p):
			b.WriteString("." + p)
		default:
			fmt.Fprintf(&b, "[%q]", p)
		}
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// InvalidEvents is the 400 problem listing every invalid field of a batch.
func InvalidEvents(errs []problem.FieldError, invalidEvents int) *problem.Problem {
	p := problem.New(http.StatusBadRequest, "")
	p.Title = "Invalid events"
	var b strings.Builder
	fmt.Fprintf(&b, "%d invalid event(s); nothing was stored: ", invalidEvents)
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 10 {
			fmt.Fprintf(&b, "and %d more (see errors)", len(errs)-10)
			break
		}
		b.WriteString(e.Field + ": " + e.Message)
	}
	p.Detail = b.String()
	p.Errors = errs
	return p
}
