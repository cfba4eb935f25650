package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/alerting"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/secretbox"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// publicRule is what the API shows of a stored rule: its definition without
// webhook secrets, with id and times.
func publicRule(r store.Rule) (queryapi.AlertRule, error) {
	var def map[string]any
	if err := json.Unmarshal(r.Definition, &def); err != nil {
		return queryapi.AlertRule{}, fmt.Errorf("decode rule %s: %w", r.ID, err)
	}
	if targets, ok := def["notify"].([]any); ok {
		for _, t := range targets {
			if m, ok := t.(map[string]any); ok {
				delete(m, "secret")
			}
		}
	}
	for _, k := range []string{"id", "name", "kind", "created_at", "updated_at"} {
		delete(def, k)
	}
	return queryapi.AlertRule{
		Id: r.ID, Name: r.Name, Kind: queryapi.AlertRuleKind(r.Kind), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		AdditionalProperties: def,
	}, nil
}

// storedRule judges a rule a client wrote with alerting.Define, the judge
// the engine uses too, so that everything the engine would refuse is a 400
// naming the field.
func (s *Server) storedRule(ctx context.Context, id string, body *json.RawMessage) (store.Rule, error) {
	if body == nil {
		return store.Rule{}, fault.InvalidField("body", "want an alert rule object")
	}
	name, kind, def, err := alerting.Define(*body)
	var re *alerting.RuleError
	if errors.As(err, &re) {
		field := "body." + re.Field
		if re.Field == "body" {
			field = "body"
		}
		return store.Rule{}, fault.InvalidField(field, "%s", re.Message)
	}
	if err != nil {
		return store.Rule{}, err
	}
	if def, err = s.sealSecrets(def); err != nil {
		return store.Rule{}, err
	}
	now := s.now().UTC()
	return store.Rule{ID: id, Tenant: caller(ctx).Tenant, Name: name, Kind: string(kind), Definition: def, CreatedAt: now, UpdatedAt: now}, nil
}

// ListAlertRules implements GET /api/alert-rules.
func (s *Server) ListAlertRules(ctx context.Context, _ queryapi.ListAlertRulesRequestObject) (queryapi.ListAlertRulesResponseObject, error) {
	rules, err := s.store.ListRules(ctx, caller(ctx).Tenant)
	if err != nil {
		return nil, s.storeError(ctx, "list rules", err)
	}
	out := queryapi.ListAlertRules200JSONResponse{Items: make([]queryapi.AlertRule, 0, len(rules))}
	for _, r := range rules {
		pr, err := publicRule(r)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, pr)
	}
	return out, nil
}

// CreateAlertRule implements POST /api/alert-rules.
func (s *Server) CreateAlertRule(ctx context.Context, r queryapi.CreateAlertRuleRequestObject) (queryapi.CreateAlertRuleResponseObject, error) {
	rule, err := s.storedRule(ctx, event.NewID(s.now()), r.Body)
	if err != nil {
		return nil, err
	}
	if err := s.ruleQuota(ctx, rule.Tenant); err != nil {
		return nil, err
	}
	if err := s.store.CreateRule(ctx, rule); err != nil {
		return nil, s.storeError(ctx, "create rule", err)
	}
	pr, err := publicRule(rule)
	if err != nil {
		return nil, err
	}
	loc := "/api/alert-rules/" + rule.ID
	return queryapi.CreateAlertRule201JSONResponse{Body: pr, Headers: queryapi.CreateAlertRule201ResponseHeaders{Location: &loc}}, nil
}

// GetAlertRule implements GET /api/alert-rules/{ruleId}.
func (s *Server) GetAlertRule(ctx context.Context, r queryapi.GetAlertRuleRequestObject) (queryapi.GetAlertRuleResponseObject, error) {
	rule, err := s.store.GetRule(ctx, caller(ctx).Tenant, r.RuleId)
	if err != nil {
		return nil, s.storeError(ctx, "get rule", err)
	}
	pr, err := publicRule(rule)
	return ruleResponse{pr}, err
}

// ReplaceAlertRule implements PUT /api/alert-rules/{ruleId}.
func (s *Server) ReplaceAlertRule(ctx context.Context, r queryapi.ReplaceAlertRuleRequestObject) (queryapi.ReplaceAlertRuleResponseObject, error) {
	rule, err := s.storedRule(ctx, r.RuleId, r.Body)
	if err != nil {
		return nil, err
	}
	if err := s.store.ReplaceRule(ctx, rule); err != nil {
		return nil, s.storeError(ctx, "replace rule", err)
	}
	stored, err := s.store.GetRule(ctx, rule.Tenant, rule.ID) // for the CreatedAt it kept
	if err != nil {
		return nil, s.storeError(ctx, "get rule", err)
	}
	pr, err := publicRule(stored)
	return ruleResponse{pr}, err
}

// ruleResponse answers 200 with a rule. The generated 200 types are defined
// from AlertRule and so lose its MarshalJSON, which writes the rule's
// additional properties (its whole definition); this keeps it.
type ruleResponse struct{ rule queryapi.AlertRule }

func (r ruleResponse) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(r.rule)
}

func (r ruleResponse) VisitGetAlertRuleResponse(w http.ResponseWriter) error     { return r.write(w) }
func (r ruleResponse) VisitReplaceAlertRuleResponse(w http.ResponseWriter) error { return r.write(w) }

// DeleteAlertRule implements DELETE /api/alert-rules/{ruleId}.
func (s *Server) DeleteAlertRule(ctx context.Context, r queryapi.DeleteAlertRuleRequestObject) (queryapi.DeleteAlertRuleResponseObject, error) {
	if err := s.store.DeleteRule(ctx, caller(ctx).Tenant, r.RuleId); err != nil {
		return nil, s.storeError(ctx, "delete rule", err)
	}
	return queryapi.DeleteAlertRule204Response{}, nil
}

// LimitRules sets the most alert rules one tenant may have
// (LIGHTWATCH_ALERT_RULES_MAX); 0, the default, is no limit. Every rule is
// evaluated twice a second or so, so the count bounds what one tenant costs
// the alerting engine. Two creations at once may both pass the last slot.
func (s *Server) LimitRules(most int) { s.maxRules = most }

// ruleQuota refuses a new rule past the tenant's quota with 429.
func (s *Server) ruleQuota(ctx context.Context, tenant string) error {
	if s.maxRules <= 0 {
		return nil
	}
	rules, err := s.store.ListRules(ctx, tenant)
	if err != nil {
		return s.storeError(ctx, "count rules", err)
	}
	if len(rules) >= s.maxRules {
		return fault.Errorf(fault.RateLimited,
			"the tenant has %d alert rules, its quota (LIGHTWATCH_ALERT_RULES_MAX is %d): delete one first", len(rules), s.maxRules)
	}
	return nil
}

// SealSecrets makes the server encrypt webhook secrets before they are
// stored (see package secretbox); nil leaves them as sent.
func (s *Server) SealSecrets(b *secretbox.Box) { s.secrets = b }

// sealSecrets encrypts the secret of every notify target of the rule
// definition def.
func (s *Server) sealSecrets(def []byte) ([]byte, error) {
	if s.secrets == nil || !bytes.Contains(def, []byte(`"secret"`)) {
		return def, nil
	}
	var m map[string]any
	if err := json.Unmarshal(def, &m); err != nil {
		return nil, fmt.Errorf("decode rule: %w", err)
	}
	targets, _ := m["notify"].([]any)
	for _, t := range targets {
		tm, ok := t.(map[string]any)
		if !ok {
			continue
		}
		if secret, ok := tm["secret"].(string); ok {
			sealed, err := s.secrets.Seal(secret)
			if err != nil {
				return nil, fmt.Errorf("seal webhook secret: %w", err)
			}
			tm["secret"] = sealed
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode rule: %w", err)
	}
	return out, nil
}
