package rest

import "net/http"

func (h *Handler) serveExplorer(w http.ResponseWriter, r *http.Request) {}
