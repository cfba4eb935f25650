package contract

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// A check is a schema compiled for one question: does kin-openapi accept this
// value? It answers yes only when kin-openapi (run as Valid runs it) would
// accept the value too; when it answers no, or cannot tell, the caller asks
// kin-openapi, so verdicts and error reports stay exactly kin-openapi's.
//
// It exists for speed: kin-openapi re-reads the schema on every value (it
// checks some forty fields of every subschema for emptiness, sorts property
// names, tries each oneOf alternative and formats an error for each miss), and
// at one event per call that was a tenth of the server's CPU. A check does the
// same tests from a compiled form.
//
// compileCheck implements the keywords the event schemas use, each as
// kin-openapi v0.153's 3.0 validator does, and refuses (errUnsupported) any
// schema that sets anything else: a keyword it ignored could make it accept
// what kin-openapi rejects. Keywords that only widen what is valid (nullable)
// are ignored, since a check may be stricter than kin-openapi, never looser.
// TestCheckNeverAcceptsWhatKinOpenAPIRejects holds it to that.
type check struct {
	acceptAll bool // kin-openapi's IsEmpty: any value but null

	kinds                      kindSet
	oneOf, anyOf, allOf        []*check
	enum                       map[string]bool // string enums only; nil: no enum
	minLength                  uint64
	maxLength                  *uint64
	pattern                    *regexp.Regexp
	format                     openapi3.StringFormatValidator
	min, max                   *float64
	exclusiveMin, exclusiveMax openapi3.ExclusiveBound
	properties                 map[string]*check
	required                   []string
	minProps                   uint64
	maxProps                   *uint64
	additionalAllowed          bool   // additionalProperties is not false
	additional                 *check // additionalProperties' schema; nil: any value
}

// kindSet is which JSON kinds a schema's type permits (openapi3.Types.Permits).
type kindSet struct{ object, str, number, integer, boolean bool }

var errUnsupported = errors.New("schema uses a keyword the fast check does not implement")

// checkedFields are the openapi3.Schema fields compileCheck implements or may
// ignore (documentation, and nullable, which only widens). Any other field set
// in a schema makes it unsupported, including fields of kin-openapi versions
// newer than this list.
var checkedFields = map[string]bool{
	"Extensions": true, "Origin": true, "Title": true, "Description": true, "Default": true,
	"Example": true, "Examples": true, "ExternalDocs": true, "Deprecated": true, "XML": true,
	"Nullable": true, "Comment": true,
	"OneOf": true, "AnyOf": true, "AllOf": true, "Type": true, "Format": true, "Enum": true,
	"ExclusiveMin": true, "ExclusiveMax": true, "Min": true, "Max": true,
	"MinLength": true, "MaxLength": true, "Pattern": true,
	"Required": true, "Properties": true, "MinProps": true, "MaxProps": true, "AdditionalProperties": true,
}

// maxCheckDepth bounds compilation: a recursive schema is left to kin-openapi.
const maxCheckDepth = 16

// compileCheck compiles s for values validated with the string formats
// formats (then kin-openapi's global ones, as kin-openapi looks them up).
func compileCheck(s *openapi3.Schema, formats map[string]openapi3.StringFormatValidator) (*check, error) {
	return compileCheckAt(s, formats, 0)
}

func compileCheckAt(s *openapi3.Schema, formats map[string]openapi3.StringFormatValidator, depth int) (*check, error) {
	if s == nil || depth > maxCheckDepth {
		return nil, errUnsupported
	}
	sv := reflect.ValueOf(s).Elem()
	for i := range sv.NumField() {
		if name := sv.Type().Field(i).Name; !checkedFields[name] && !sv.Field(i).IsZero() {
			return nil, fmt.Errorf("%w: %s", errUnsupported, name)
		}
	}
	if s.IsEmpty() {
		return &check{acceptAll: true}, nil
	}
	c := &check{kinds: kindSet{object: true, str: true, number: true, integer: true, boolean: true}}
	if s.Type != nil {
		c.kinds = kindSet{}
		for _, t := range *s.Type {
			switch t {
			case openapi3.TypeObject:
				c.kinds.object = true
			case openapi3.TypeString:
				c.kinds.str = true
			case openapi3.TypeNumber:
				c.kinds.number = true
			case openapi3.TypeInteger:
				c.kinds.integer = true
			case openapi3.TypeBoolean:
				c.kinds.boolean = true
			default:
				return nil, fmt.Errorf("%w: type %s", errUnsupported, t)
			}
		}
	}
	var err error
	compileAll := func(refs openapi3.SchemaRefs) ([]*check, error) {
		out := make([]*check, len(refs))
		for i, ref := range refs {
			if ref == nil {
				return nil, errUnsupported
			}
			if out[i], err = compileCheckAt(ref.Value, formats, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if c.oneOf, err = compileAll(s.OneOf); err != nil {
		return nil, err
	}
	if !disjoint(c.oneOf) {
		return nil, fmt.Errorf("%w: oneOf alternatives that a value could match together", errUnsupported)
	}
	if c.anyOf, err = compileAll(s.AnyOf); err != nil {
		return nil, err
	}
	if c.allOf, err = compileAll(s.AllOf); err != nil {
		return nil, err
	}
	if len(s.Enum) > 0 {
		c.enum = map[string]bool{}
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%w: enum of %T", errUnsupported, v)
			}
			c.enum[str] = true
		}
	}
	c.minLength, c.maxLength = s.MinLength, s.MaxLength
	if s.Pattern != "" {
		if c.pattern, err = regexp.Compile(intoGoRegexp(s.Pattern)); err != nil {
			return nil, fmt.Errorf("%w: pattern %q: %w", errUnsupported, s.Pattern, err)
		}
	}
	if f := s.Format; f != "" {
		if c.format = formats[f]; c.format == nil {
			c.format = openapi3.SchemaStringFormats[f]
		}
		// Numbers are checked against a format only where one is defined.
		if openapi3.SchemaNumberFormats[f] != nil || openapi3.SchemaIntegerFormats[f] != nil {
			return nil, fmt.Errorf("%w: number format %s", errUnsupported, f)
		}
	}
	c.min, c.max, c.exclusiveMin, c.exclusiveMax = s.Min, s.Max, s.ExclusiveMin, s.ExclusiveMax
	if len(s.Properties) > 0 {
		c.properties = make(map[string]*check, len(s.Properties))
		for name, ref := range s.Properties {
			if ref == nil {
				continue // kin-openapi treats it as absent too
			}
			if ref.Value != nil && (ref.Value.ReadOnly || ref.Value.WriteOnly) {
				return nil, fmt.Errorf("%w: readOnly or writeOnly property %s", errUnsupported, name)
			}
			if c.properties[name], err = compileCheckAt(ref.Value, formats, depth+1); err != nil {
				return nil, err
			}
		}
	}
	c.required = s.Required
	c.minProps, c.maxProps = s.MinProps, s.MaxProps
	c.additionalAllowed = s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has
	if ref := s.AdditionalProperties.Schema; ref != nil {
		if c.additional, err = compileCheckAt(ref.Value, formats, depth+1); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// disjoint reports whether no JSON value can be of a kind that two of the
// alternatives permit, so that a value matches at most one of them, and
// whether each alternative rejects every value of a kind it does not permit.
func disjoint(alts []*check) bool {
	var seen kindSet
	for _, a := range alts {
		if a.acceptAll || len(a.oneOf)+len(a.anyOf)+len(a.allOf) > 0 {
			return false // its kinds do not tell what it rejects
		}
		k := a.kinds
		numeric := k.number || k.integer
		if (k.object && seen.object) || (k.str && seen.str) || (k.boolean && seen.boolean) ||
			(numeric && (seen.number || seen.integer)) {
			return false
		}
		seen.object, seen.str, seen.boolean = seen.object || k.object, seen.str || k.str, seen.boolean || k.boolean
		seen.number, seen.integer = seen.number || k.number, seen.integer || k.integer
	}
	return true
}

// permits reports whether the schema's type lets through a value of v's
// kind, and whether kin-openapi would reject it for its type (for a number,
// requiring an integer when only integer is permitted).
func (c *check) permits(v any) bool {
	switch x := v.(type) {
	case string:
		return c.kinds.str
	case bool:
		return c.kinds.boolean
	case map[string]any:
		return c.kinds.object
	case float64:
		if c.kinds.integer && !c.kinds.number {
			return x == math.Trunc(x)
		}
		return c.kinds.integer || c.kinds.number
	}
	return false
}

// accept reports whether kin-openapi surely accepts v; false means perhaps not.
func (c *check) accept(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	if c.acceptAll {
		return true
	}
	if len(c.oneOf) > 0 {
		// The alternatives are disjoint, so the one that permits v's kind is
		// the only one that can match it.
		matched := false
		for _, alt := range c.oneOf {
			if alt.permits(v) {
				if !alt.accept(v) {
					return false
				}
				matched = true
			}
		}
		if !matched {
			return false
		}
	}
	if len(c.anyOf) > 0 {
		matched := false
		for _, alt := range c.anyOf {
			if alt.accept(v) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	for _, sub := range c.allOf {
		if !sub.accept(v) {
			return false
		}
	}
	if c.enum != nil {
		if s, ok := v.(string); !ok || !c.enum[s] {
			return false
		}
	}
	if !c.permits(v) {
		return false
	}
	switch x := v.(type) {
	case string:
		return c.acceptString(x)
	case float64:
		return c.acceptNumber(x)
	case bool:
		return true
	case map[string]any:
		return c.acceptObject(x)
	}
	return false
}

func (c *check) acceptString(s string) bool {
	if c.minLength != 0 || c.maxLength != nil {
		// Counted as kin-openapi counts "UTF-16 length".
		length := uint64(0)
		for _, r := range s {
			if utf16.IsSurrogate(r) {
				length += 2
			} else {
				length++
			}
		}
		if length < c.minLength || (c.maxLength != nil && length > *c.maxLength) {
			return false
		}
	}
	if c.pattern != nil && !c.pattern.MatchString(s) {
		return false
	}
	return c.format == nil || c.format.Validate(s) == nil
}

func (c *check) acceptNumber(x float64) bool {
	if eb := c.exclusiveMin; eb.IsSet() {
		switch {
		case eb.Value != nil:
			if !(x > *eb.Value) {
				return false
			}
		case eb.Bool != nil && *eb.Bool && c.min != nil:
			if !(x > *c.min) {
				return false
			}
		}
	}
	if eb := c.exclusiveMax; eb.IsSet() {
		switch {
		case eb.Value != nil:
			if !(x < *eb.Value) {
				return false
			}
		case eb.Bool != nil && *eb.Bool && c.max != nil:
			if !(x < *c.max) {
				return false
			}
		}
	}
	return (c.min == nil || *c.min <= x) && (c.max == nil || *c.max >= x)
}

func (c *check) acceptObject(m map[string]any) bool {
	n := uint64(len(m))
	if n < c.minProps || (c.maxProps != nil && n > *c.maxProps) {
		return false
	}
	for k, v := range m {
		if p, ok := c.properties[k]; ok {
			if !p.accept(v) {
				return false
			}
			continue
		}
		if !c.additionalAllowed || (c.additional != nil && !c.additional.accept(v)) {
			return false
		}
	}
	for _, k := range c.required {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// patRewriteCodepoints and intoGoRegexp are kin-openapi's (schema_pattern.go):
// a pattern must compile to the regexp kin-openapi matches with.
var patRewriteCodepoints = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

func intoGoRegexp(re string) string {
	return patRewriteCodepoints.ReplaceAllString(re, `\x{${code}}`)
}
