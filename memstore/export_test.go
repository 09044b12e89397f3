package memstore

// SetFault installs the fault hook of s (see Tx.step): fn is called with the
// name of each step of a write that can fail, and a non-nil result fails it.
// Install it only while no transaction runs.
func SetFault(s *Store, fn func(step string) error) { s.fault = fn }
