package relations

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// MaxIncludeDepth is how deeply an Include's relations may nest: the
// filter package's default (filter.DefaultMaxIncludeDepth). A relation of a
// model to itself (a category's parent, its parent's parent) includes as
// deep as the spec nests, and never further: the walk follows the spec, not
// the data, so it cannot loop.
const MaxIncludeDepth = filter.DefaultMaxIncludeDepth

// With returns the include of relation with nested includes: the Go
// spelling of LoopBack's {"relation": "orders", "scope": {"include":
// [...]}}. Set its Scope's Where, Order, Limit or Skip for a per-row scope.
func With(relation string, nested ...filter.Include) filter.Include {
	return filter.Include{Relation: relation, Scope: filter.Filter{Include: nested}}
}

// Include reads, for many rows of one model, the rows of several of its
// relations, nested, each level with its own scope, from one snapshot and
// with no N+1: each level makes one index lookup per distinct key of the
// rows above it (see memstore's Tx.Related). It is bound once, by
// NewInclude (rows of type T) or NewIncludeOf (rows by model name, as any),
// which check every relation name and scope; it is immutable and safe for
// concurrent use.
type Include[T any] struct {
	store   *memstore.Store
	model   string
	steps   []*step
	types   map[reflect.Type]string // the models' names by Go type
	lookups atomic.Int64
}

// step is one bound include: the relation named name of the rows above.
type step struct {
	name string
	many bool // a hasMany or through kind: a list per row
	// queries is the scope (without its Include) bound to each related
	// model: none for the zero scope.
	queries []*memstore.ModelQuery
	// keep is the scope's fields: by related model, the JSON names its
	// nodes marshal; nil for every field.
	keep map[string]map[string]bool
	// nested are the includes of the related rows, by the related model:
	// one entry, or one per target of a polymorphic belongsTo.
	nested map[string][]*step
}

// NewInclude binds includes to the model whose Go type is T. A relation
// the model (or, nested, the related model) does not have, a relation
// named twice in one list, an include nested deeper than MaxIncludeDepth or
// a scope that cannot be applied is an error matching memstore.ErrInvalid.
func NewInclude[T any](s *memstore.Store, includes ...filter.Include) (*Include[T], error) {
	if s == nil {
		return nil, invalid("include: nil store")
	}
	t := reflect.TypeFor[T]()
	for _, m := range s.Models() {
		if m.Type == t {
			return newInclude[T](s, m.Name, includes)
		}
	}
	return nil, invalid(fmt.Sprintf("include: %v is not a registered model", t))
}

// NewIncludeOf binds includes, such as the Include of a filter parsed from
// LoopBack's JSON, to the named model; its rows are values of that model
// (or pointers to them) in an any. Errors are as NewInclude's.
func NewIncludeOf(s *memstore.Store, model string, includes []filter.Include) (*Include[any], error) {
	if s == nil {
		return nil, invalid("include: nil store")
	}
	return newInclude[any](s, model, includes)
}

func newInclude[T any](s *memstore.Store, model string, includes []filter.Include) (*Include[T], error) {
	if err := (filter.Parser{MaxIncludeDepth: MaxIncludeDepth}).Validate(filter.Filter{Include: includes}); err != nil {
		return nil, errors.Join(memstore.ErrInvalid, err)
	}
	steps, err := bindSteps(s, model, includes, "include")
	if err != nil {
		return nil, err
	}
	inc := &Include[T]{store: s, model: model, steps: steps, types: map[reflect.Type]string{}}
	var names []string
	for _, m := range s.Models() {
		inc.types[m.Type] = m.Name
		names = append(names, m.Name)
	}
	if !slices.Contains(names, model) {
		// bindSteps found no relation to bind: nothing asked for the model.
		return nil, invalid(fmt.Sprintf("include: no model %q (models: %s)", model, strings.Join(names, ", ")))
	}
	return inc, nil
}

// bindSteps binds includes to model; path names them in errors.
func bindSteps(s *memstore.Store, model string, includes []filter.Include, path string) ([]*step, error) {
	var steps []*step
	for i, inc := range includes {
		p := fmt.Sprintf("%s[%d]", path, i)
		ri, err := s.Relation(model, inc.Relation)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		scope := inc.Scope
		scope.Include = nil
		queries, keep, err := bindScope(s, ri, scope, p+".scope")
		if err != nil {
			return nil, err
		}
		st := &step{name: ri.Name, many: ri.Kind != memstore.BelongsTo && ri.Kind != memstore.HasOne,
			queries: queries, keep: keep, nested: map[string][]*step{}}
		targets := []string{ri.Target}
		if ri.Kind == memstore.BelongsTo && ri.Polymorphic {
			targets = ri.Targets
		}
		if n := inc.Scope.Include; len(n) > 0 {
			var errs []error
			for _, t := range targets {
				nested, err := bindSteps(s, t, n, p+".scope.include")
				if err != nil {
					errs = append(errs, err)
					continue
				}
				st.nested[t] = nested
			}
			if len(st.nested) == 0 { // a polymorphic target may lack a relation, not all of them
				return nil, errors.Join(errs...)
			}
		}
		steps = append(steps, st)
	}
	return steps, nil
}

// Lookups returns how many index lookups inc's loads have made in the
// store, over all levels: a test asserts "no N+1" with it.
func (inc *Include[T]) Lookups() int64 { return inc.lookups.Load() }

// Load reads the included relations of rows from one snapshot, the latest,
// and returns a Node per row, aligned with rows. It never reads the cache.
func (inc *Include[T]) Load(ctx context.Context, rows []T) (out []*Node, err error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	err = inc.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = inc.In(tx).Load(rows)
		return err
	})
	return out, err
}

// In returns inc's Load inside the transaction tx: it reads tx, its own
// writes included.
func (inc *Include[T]) In(tx *memstore.Tx) IncludeTx[T] { return IncludeTx[T]{inc: inc, tx: tx} }

// IncludeTx is an Include's Load inside one transaction, made by
// Include.In.
type IncludeTx[T any] struct {
	inc *Include[T]
	tx  *memstore.Tx
}

// Load reads the included relations of rows, as the transaction sees them.
func (t IncludeTx[T]) Load(rows []T) ([]*Node, error) {
	nodes := make([]*Node, len(rows))
	for i := range rows {
		nodes[i] = &Node{Row: rows[i]}
	}
	if len(rows) == 0 {
		return nodes, nil
	}
	if err := t.expand(t.inc.model, rows, nodes, t.inc.steps); err != nil {
		return nil, err
	}
	return nodes, nil
}

// expand reads the steps' relations of rows (a []T or []any of model) into
// nodes, aligned with rows, then the nested steps of the related rows.
func (t IncludeTx[T]) expand(model string, rows any, nodes []*Node, steps []*step) error {
	for _, st := range steps {
		rel, err := t.tx.RelatedScoped(model, st.name, rows, st.queries...)
		if err != nil {
			return err
		}
		t.inc.lookups.Add(int64(rel.Lookups))
		// The related rows of every node, grouped by model for the nested
		// steps (one model, except below a polymorphic belongsTo).
		var groups map[string]*group
		for i, list := range rel.Rows {
			kids := make([]*Node, len(list))
			for j, r := range list {
				kids[j] = &Node{Row: r}
				if st.keep != nil {
					kids[j].keep = st.keep[t.modelName(r)]
				}
				if len(st.nested) > 0 {
					m := t.modelName(r)
					if groups == nil {
						groups = map[string]*group{}
					}
					g := groups[m]
					if g == nil {
						g = &group{}
						groups[m] = g
					}
					g.rows = append(g.rows, r)
					g.nodes = append(g.nodes, kids[j])
				}
			}
			nodes[i].add(st.name, st.many, kids)
		}
		for m, g := range groups {
			if nested := st.nested[m]; len(nested) > 0 {
				if err := t.expand(m, g.rows, g.nodes, nested); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// group is the related rows of one model at one level, and their nodes.
type group struct {
	rows  []any
	nodes []*Node
}

// modelName returns the model name of a related row.
func (t IncludeTx[T]) modelName(row any) string { return t.inc.types[reflect.TypeOf(row)] }

// Node is a row of an Include's result and the rows of its included
// relations. It marshals to JSON as LoopBack shows an include: the row's
// fields, then each included relation under its name (an object or null
// for a belongsTo, hasOne and polymorphic belongsTo; an array, [] when
// empty, for the others).
type Node struct {
	// Row is the row, a value of its model's Go type, whole even when the
	// include's scope has fields (those apply to the JSON). Rows that
	// several nodes share (an owner of many rows) are one value: treat
	// them as read-only.
	Row     any
	related []relatedNodes
	keep    map[string]bool // the scope's fields, by JSON name; nil: all
}

// relatedNodes are the nodes of one included relation of a Node.
type relatedNodes struct {
	name  string
	many  bool
	nodes []*Node
}

func (n *Node) add(name string, many bool, nodes []*Node) {
	n.related = append(n.related, relatedNodes{name: name, many: many, nodes: nodes})
}

// Relations returns the names of the relations included for n, in the
// include's order.
func (n *Node) Relations() []string {
	out := make([]string, len(n.related))
	for i, r := range n.related {
		out[i] = r.name
	}
	return out
}

// One returns the node of the included belongsTo, hasOne or polymorphic
// relation named relation: nil when the row has none, or when the
// relation was not included.
func (n *Node) One(relation string) *Node {
	for _, r := range n.related {
		if r.name == relation && len(r.nodes) > 0 {
			return r.nodes[0]
		}
	}
	return nil
}

// Many returns the nodes of the included relation named relation, in the
// relation's order, after its scope; an empty slice, never nil, when there
// are none or the relation was not included.
func (n *Node) Many(relation string) []*Node {
	for _, r := range n.related {
		if r.name == relation {
			return r.nodes
		}
	}
	return []*Node{}
}

// MarshalJSON returns the row's JSON object, only the members its
// include's scope has in fields when it has fields, with each included
// relation added under its name. The row must marshal to a JSON object.
func (n *Node) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(n.Row)
	if err == nil && n.keep != nil {
		b, err = project(b, n.keep)
	}
	if err != nil || len(n.related) == 0 {
		return b, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("relations: include: a %T does not marshal to a JSON object", n.Row)
	}
	out := append([]byte(nil), b[:len(b)-1]...)
	first := len(bytes.TrimSpace(b[1:len(b)-1])) == 0
	for _, r := range n.related {
		if !first {
			out = append(out, ',')
		}
		first = false
		name, _ := json.Marshal(r.name)
		out = append(out, name...)
		out = append(out, ':')
		var v []byte
		switch {
		case r.many:
			v, err = json.Marshal(r.nodes)
		case len(r.nodes) == 0:
			v = []byte("null")
		default:
			v, err = json.Marshal(r.nodes[0])
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v...)
	}
	return append(out, '}'), nil
}

// Rows returns the rows of nodes as values of T (the zero T for a row of
// another type).
func Rows[T any](nodes []*Node) []T {
	out := make([]T, len(nodes))
	for i, n := range nodes {
		out[i], _ = n.Row.(T)
	}
	return out
}
