package relcore

import "github.com/relstore/relstore/memstore"

// AppendLinked appends to arena the encoded foreign key of toFar of each
// row of the link model L whose foreign key of toOwner is the encoded key k
// (the far keys of one owner's links, in the links' primary key order; a
// null far key is skipped), and to ends each key's end in arena. It reads
// the keys the links' records hold, through toOwner's foreign key index,
// copying no row: the first hop of a hasManyThrough. toOwner and toFar must
// be relations of the same model and store (else memstore.ErrInvalid); on
// an error arena and ends are returned as given.
func AppendLinked[L, T, F any](tx *memstore.Tx, toOwner *Rel[L, T], toFar *Rel[L, F], k []byte, arena []byte, ends []int32) ([]byte, []int32, error) {
	return toOwner.c.AppendLinked(tx, toFar.c, noescapeSlice(k), arena, ends)
}

// AppendLinkedMany is AppendLinked for many owners at once: keys are the
// owners' encoded keys, ascending and distinct (else memstore.ErrInvalid),
// and spans[i] is set to the range of ends that holds keys[i]'s far keys.
// It walks toOwner's foreign key index in order from keys[0], seeking again
// only past a run of entries of other owners, so that the links of many
// owners cost one pass over their part of the index rather than one seek
// each.
func AppendLinkedMany[L, T, F any](tx *memstore.Tx, toOwner *Rel[L, T], toFar *Rel[L, F], keys [][]byte, arena []byte, ends []int32, spans [][2]int32) ([]byte, []int32, error) {
	return toOwner.c.AppendLinkedMany(tx, toFar.c, keys, arena, ends, spans)
}
