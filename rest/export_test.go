package rest

// Reads returns how many store reads h's requests have made: queries, gets
// and the index lookups of includes.
func Reads(h *Handler) int64 { return h.reads.Load() }
