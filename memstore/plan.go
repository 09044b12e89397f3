package memstore

// Plan is how a query reads its rows, as Explain reports it: which index,
// within which bounds, in which direction, and whether the rows are sorted
// after reading. Tests compare it; String describes it for people.
type Plan struct {
	Model string // the model queried
	// Index is the index read: the primary key's, a unique field's or a
	// foreign key's (named after the field, e.g. "ID", "Email",
	// "CustomerID"), or a secondary index (by its name).
	Index string
	// Eq lists the leading fields of the index fixed by eq, inq or an
	// IS NULL test, in index order.
	Eq []string
	// Range is the index field after Eq bounded by gt, gte, lt, lte,
	// between or like 'prefix%'; empty when none.
	Range string
	// Ranges is the number of key ranges read: 0 for the whole index, 1
	// for one range, more for an inq (one range per combination of
	// values).
	Ranges int
	// Reverse is set when the index is read backward (a descending order).
	Reverse bool
	// Seek is set when a keyset After starts the read at its position
	// instead of passing over the rows before it.
	Seek bool
	// Residual is set when conditions the index does not answer are
	// evaluated on each row read (on its stored values, without copying).
	Residual bool
	// Sort is set when the index does not give the order: the matching
	// rows are sorted after reading.
	Sort bool
	// TopK, with Sort and a Limit, is the size of the bounded heap that
	// keeps the first Skip+Limit rows in order (the rest are never
	// sorted); 0 when every match is sorted.
	TopK int
	// Stop, without Sort, is the number of matching rows after which the
	// read stops (Skip+Limit); 0 when it reads to the end of its ranges.
	Stop int
}

// String describes the plan in one line, e.g. `Post: index status_created
// (Status =) backward, stop after 20` or `Post: scan ID, filter, top 20 of
// the sorted matches`.
func (p Plan) String() string { return p.describe() }
