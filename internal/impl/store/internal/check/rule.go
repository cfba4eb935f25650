package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Rule reports why r cannot be stored, or nil. The definition is kept as
// opaque text, byte for byte; it must be valid JSON in valid UTF-8, since
// MongoDB strings must be UTF-8 and SQLite would keep anything.
func Rule(r *store.Rule) error {
	if r.Tenant == "" {
		return errors.New("rule has no tenant")
	}
	if r.ID == "" {
		return errors.New("rule has no id")
	}
	if !utf8.Valid(r.Definition) || !json.Valid(r.Definition) {
		return fmt.Errorf("rule %s definition is not valid JSON", r.ID)
	}
	if _, _, err := OptionalNanos(r.CreatedAt); err != nil {
		return fmt.Errorf("rule %s created_at: %w", r.ID, err)
	}
	if _, _, err := OptionalNanos(r.UpdatedAt); err != nil {
		return fmt.Errorf("rule %s updated_at: %w", r.ID, err)
	}
	return nil
}
