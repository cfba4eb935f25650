package alerting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/supervise"
)

// Sender makes one delivery attempt and says whether another may succeed
// (*webhook.Notifier).
type Sender interface {
	Notify(ctx context.Context, target, secret string, body []byte) (retry bool, err error)
}

// Payload is the JSON body of a webhook.
type Payload struct {
	Status string       `json:"status"` // firing or resolved
	Alert  AlertMessage `json:"alert"`  // as the query API shows it
	Rule   PayloadRule  `json:"rule"`
}

// PayloadRule names the rule of a notification.
type PayloadRule struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// delivery is one notification to one target.
type delivery struct {
	rule    RuleKey
	alertID string
	status  string
	target  int // index in the rule's notify list, which names it in NotifyError
	url     string
	secret  string
	body    []byte
	// deadline ends the retries; zero: Budget after the first attempt.
	deadline time.Time
}

// id is what a resolve supersedes: the firing delivery of the same alert and target.
func (d *delivery) id() string { return fmt.Sprintf("%s/%d", d.alertID, d.target) }

// errorPrefix starts the NotifyError this target writes, so that its later
// success clears its own failure and not another target's.
func (d *delivery) errorPrefix() string { return fmt.Sprintf("notify[%d]: ", d.target) }

// deliveryNote reports a delivery's outcome to the alert: text is the
// failure to record, or "" to clear a failure of the same target (prefix).
type deliveryNote func(ctx context.Context, rule RuleKey, alertID, prefix, text string)

// notifier delivers notifications off the evaluation path: bounded queues,
// a bounded number of deliveries in flight, each retried with exponential
// backoff and full jitter within a total budget.
//
// Webhook targets are chosen by tenants, and a target that never answers
// holds a delivery for its whole retry budget. So that one tenant's dead
// targets cannot drop or delay another's notifications, each tenant has a
// queue of its own (NotifyOptions.TenantQueue) and a share of the deliveries
// in flight (TenantInFlight); tenants with work are served in turn. A target
// that keeps failing is skipped for a while (breakers): its deliveries fail
// fast instead of each waiting for a timeout.
type notifier struct {
	sv      supervise.Supervisor // set by the engine
	sender  Sender
	slots   chan struct{} // attempts under way, all tenants
	opts    NotifyOptions
	note    deliveryNote
	metrics *metrics
	logger  *slog.Logger
	wake    chan struct{} // has a value when a lane may have become servable

	mu       sync.Mutex
	lanes    map[string]*lane // by tenant
	turn     []string         // tenants with queued deliveries, in serving order
	queued   int
	breakers breakers
	firing   map[string]func() // delivery id → ends the retries of its firing delivery
	left     []delivery        // not delivered when run stopped: to hand over
	wg       sync.WaitGroup
}

// lane is one tenant's queue and its deliveries in flight.
type lane struct {
	queue []delivery
	busy  int
}

func newNotifier(sender Sender, opts NotifyOptions, note deliveryNote, m *metrics, logger *slog.Logger) *notifier {
	return &notifier{
		sender: sender, slots: make(chan struct{}, opts.InFlight), wake: make(chan struct{}, 1),
		opts: opts, note: note, metrics: m, logger: logger, firing: map[string]func(){},
		lanes: map[string]*lane{}, breakers: breakers{threshold: opts.BreakerFailures, cooldown: opts.BreakerCooldown, open: map[string]*breaker{}},
	}
}

// notifications builds the deliveries of a transition to every target of r.
func notifications(r *Rule, a store.Alert, status string) ([]delivery, error) {
	if len(r.Notify) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(Payload{Status: status, Alert: NewAlertMessage(a), Rule: PayloadRule{ID: r.ID, Name: r.Name}})
	if err != nil {
		return nil, fmt.Errorf("encode notification: %w", err)
	}
	out := make([]delivery, 0, len(r.Notify))
	for i, t := range r.Notify {
		out = append(out, delivery{rule: r.Key(), alertID: a.ID, status: status, target: i, url: t.URL, secret: t.Secret, body: body})
	}
	return out, nil
}

// enqueue hands d over without waiting; false when its tenant's queue (or
// the queue of all) is full and d is dropped. A resolve ends the retries of
// its alert's firing delivery to the same target, which would only tell the
// receiver something outdated (an attempt under way still completes).
func (n *notifier) enqueue(d delivery) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if d.status == StateResolved {
		if supersede, ok := n.firing[d.id()]; ok {
			supersede()
		}
	}
	tenant := d.rule.Tenant
	l := n.lanes[tenant]
	if l == nil {
		l = &lane{}
		n.lanes[tenant] = l
	}
	if len(l.queue) >= n.opts.TenantQueue || n.queued >= n.opts.Queue {
		n.metrics.deliveries.WithLabelValues(outcomeDropped).Inc()
		return false
	}
	if len(l.queue) == 0 {
		n.turn = append(n.turn, tenant)
	}
	l.queue = append(l.queue, d)
	n.queued++
	n.signal()
	return true
}

func (n *notifier) signal() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// next takes the next delivery to start: from the first tenant in turn with
// deliveries queued and in flight below its share, which then goes to the
// back of the turn.
func (n *notifier) next() (delivery, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, tenant := range n.turn {
		l := n.lanes[tenant]
		if l.busy >= n.opts.TenantInFlight {
			continue
		}
		d := l.queue[0]
		l.queue[0] = delivery{}
		l.queue = l.queue[1:]
		l.busy++
		n.queued--
		n.turn = append(n.turn[:i], n.turn[i+1:]...)
		if len(l.queue) > 0 {
			n.turn = append(n.turn, tenant)
		}
		return d, true
	}
	return delivery{}, false
}

// finished ends one of tenant's deliveries in flight.
func (n *notifier) finished(tenant string) {
	n.mu.Lock()
	l := n.lanes[tenant]
	l.busy--
	if l.busy == 0 && len(l.queue) == 0 {
		delete(n.lanes, tenant)
	}
	n.mu.Unlock()
	n.signal()
}

// run delivers until ctx is cancelled, then stops what is queued and in
// flight, keeping it for leftovers, and returns once every delivery
// goroutine has.
func (n *notifier) run(ctx context.Context) {
	defer n.wg.Wait()
	for {
		d, ok := n.next()
		if !ok {
			select {
			case <-ctx.Done():
				n.keepQueued()
				return
			case <-n.wake:
				continue
			}
		}
		if ctx.Err() != nil {
			n.keep(d)
			n.finished(d.rule.Tenant)
			n.keepQueued()
			return
		}
		n.wg.Go(func() {
			defer n.finished(d.rule.Tenant)
			n.sv.Recover("webhook sender", func() { n.deliver(ctx, d) })
		})
	}
}

// keepQueued sets aside every queued delivery as run stops.
func (n *notifier) keepQueued() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, tenant := range n.turn {
		n.left = append(n.left, n.lanes[tenant].queue...)
		n.lanes[tenant].queue = nil
	}
	n.turn, n.queued = nil, 0
}

// attempt makes one attempt within one of the slots shared by all tenants,
// unless the target's breaker is open.
func (n *notifier) attempt(ctx context.Context, d delivery, deadline time.Time) (retry bool, err error) {
	key := d.rule.Tenant + " " + d.url
	if !n.breakers.allow(key, time.Now()) {
		return true, errCircuitOpen
	}
	select {
	case n.slots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-n.slots }()
	actx, acancel := context.WithDeadline(ctx, deadline)
	defer acancel()
	retry, err = n.sender.Notify(actx, d.url, d.secret, d.body)
	// Only failures that say the target is unwell count against it: a 4xx
	// is an answer, and a cancelled attempt says nothing.
	if ctx.Err() == nil && (err == nil || retry) {
		n.breakers.record(key, err == nil, time.Now())
	}
	return retry, err
}

func (n *notifier) deliver(ctx context.Context, d delivery) {
	superseded := make(chan struct{})
	if d.status == StateFiring {
		var once sync.Once
		n.mu.Lock()
		n.firing[d.id()] = func() { once.Do(func() { close(superseded) }) }
		n.mu.Unlock()
		defer func() {
			n.mu.Lock()
			delete(n.firing, d.id())
			n.mu.Unlock()
		}()
	}
	if d.deadline.IsZero() {
		d.deadline = time.Now().Add(n.opts.Budget)
	}
	deadline := d.deadline
	recorded, last := "", ""
	for attempt := 1; ; attempt++ {
		retry, err := n.attempt(ctx, d, deadline)
		if err == nil {
			n.metrics.deliveries.WithLabelValues(outcomeDelivered).Inc()
			n.note(context.WithoutCancel(ctx), d.rule, d.alertID, d.errorPrefix(), "")
			return
		}
		if ctx.Err() != nil {
			n.keep(d)
			return
		}
		text := d.errorPrefix() + err.Error()
		outOfBudget := !time.Now().Before(deadline)
		if (outOfBudget || errors.Is(err, errCircuitOpen)) && last != "" {
			// The budget cut this attempt short, or the breaker skipped it:
			// tell why the earlier ones failed.
			text = last
		}
		last = text
		wait := n.backoff(attempt)
		if !retry || outOfBudget || time.Now().Add(wait).After(deadline) {
			n.metrics.deliveries.WithLabelValues(outcomeFailed).Inc()
			n.logger.WarnContext(ctx, "webhook notification failed", "rule", d.rule.String(), "alert", d.alertID,
				"status", d.status, "target", webhook.Redact(d.url), "attempts", attempt, "err", err, "cause", errors.Unwrap(err))
			n.note(ctx, d.rule, d.alertID, d.errorPrefix(), fmt.Sprintf("%s (%s notification given up after %d attempts)", text, d.status, attempt))
			return
		}
		n.metrics.deliveries.WithLabelValues(outcomeRetried).Inc()
		if text != recorded {
			n.note(ctx, d.rule, d.alertID, d.errorPrefix(), text+" (retrying)")
			recorded = text
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			n.keep(d)
			return
		case <-superseded:
			t.Stop()
			n.metrics.deliveries.WithLabelValues(outcomeCancelled).Inc()
			return
		}
	}
}

// keep sets d aside, undelivered, as run stops.
func (n *notifier) keep(d delivery) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.left = append(n.left, d)
}

// leftovers returns what run left undelivered; call it once run has returned.
func (n *notifier) leftovers() []delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.left
}

// backoff is the wait after the attempt-th failure: exponential from
// RetryBase, capped at RetryMax, with full jitter.
func (n *notifier) backoff(attempt int) time.Duration {
	ceiling := n.opts.RetryBase
	for i := 1; i < attempt && ceiling < n.opts.RetryMax; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, n.opts.RetryMax)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}
