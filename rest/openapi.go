package rest

import "net/http"

func (h *Handler) serveOpenAPI(w http.ResponseWriter, r *http.Request) {}
