package rest

import (
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

//go:embed explorer.html
var explorerHTML string

// explorerPage is parsed once; it is immutable.
var explorerPage = template.Must(template.New("explorer").Parse(explorerHTML))

type explorerModel struct {
	Name, Path string
	Count      int
}

// serveExplorer serves GET /: the models and their relations as an SVG
// diagram made from the schema, their row counts, and a browser of each
// collection with a filter box. The page is self-contained: no external
// script, style or font.
func (h *Handler) serveExplorer(w http.ResponseWriter, r *http.Request) {
	var list []explorerModel
	total := 0
	err := h.store.View(r.Context(), func(tx *memstore.Tx) error {
		for _, m := range h.order {
			n, err := h.q.Count(tx, m.Name, filter.Cond{})
			if err != nil {
				return err
			}
			list = append(list, explorerModel{Name: m.Name, Path: m.Path, Count: n})
			total += n
		}
		return nil
	})
	if err != nil {
		writeError(w, h.storeError(nil, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
	err = explorerPage.Execute(w, map[string]any{
		"Models": len(h.order), "Rows": total, "Prefix": h.cfg.Prefix, "List": list,
		"Diagram": template.HTML(h.diagram()),
	})
	if err != nil {
		h.logf("rest: explorer: %v", err)
	}
}

// The diagram's layout: boxes on a grid, one per model, listing the first
// properties; an arrow per foreign key, from its model to the referenced one.
const (
	boxW, lineH, boxPad = 190, 15, 8
	maxLines            = 8
	gapX, gapY          = 90, 60
)

type box struct {
	m          *model
	x, y, w, h float64
}

// diagram draws the schema as SVG.
func (h *Handler) diagram() string {
	n := len(h.order)
	if n == 0 {
		return ""
	}
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	boxes := map[string]*box{}
	rowH := make([]float64, (n+cols-1)/cols)
	for i, m := range h.order {
		lines := min(len(m.Properties), maxLines)
		if len(m.Properties) > maxLines {
			lines++
		}
		bh := float64(boxPad*2 + lineH*(lines+1))
		rowH[i/cols] = max(rowH[i/cols], bh)
	}
	y := 20.0
	ys := make([]float64, len(rowH))
	for i, rh := range rowH {
		ys[i] = y
		y += rh + gapY
	}
	width := float64(cols*(boxW+gapX)) + 40
	height := y
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="schema" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" aria-label="models and relations">`, width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a94a6"/></marker></defs>`)
	for i, m := range h.order {
		lines := min(len(m.Properties), maxLines)
		if len(m.Properties) > maxLines {
			lines++
		}
		boxes[m.Name] = &box{m: m, x: 20 + float64((i%cols)*(boxW+gapX)), y: ys[i/cols], w: boxW, h: float64(boxPad*2 + lineH*(lines+1))}
	}
	// Edges first, under the boxes: one per foreign key a belongsTo (or a
	// relation on the other side) declares, drawn once.
	drawn := map[string]bool{}
	for _, m := range h.order {
		for _, r := range m.relList {
			if r.target == nil || r.holder == nil {
				continue
			}
			from, to, label := r.holder, r.target, r.Name
			switch {
			case r.Kind != lbmodel.BelongsTo && r.through != nil:
				from, to = r.through, r.owner
				label = r.fk.Name
			case r.Kind != lbmodel.BelongsTo:
				to = r.owner
				label = r.fk.Name
			default:
				label = r.Name
			}
			key := from.Name + "." + r.fk.Name
			if drawn[key] {
				continue
			}
			drawn[key] = true
			edge(&b, boxes[from.Name], boxes[to.Name], label)
		}
	}
	for _, m := range h.order {
		bx := boxes[m.Name]
		fmt.Fprintf(&b, `<g class="model" data-model="%s" data-path="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="5"/>`,
			esc(m.Name), esc(m.Path), bx.x, bx.y, bx.w, bx.h)
		fmt.Fprintf(&b, `<text class="title" x="%.0f" y="%.0f">%s</text>`, bx.x+boxPad, bx.y+boxPad+lineH-3, esc(m.Name))
		for i, p := range m.Properties {
			if i == maxLines {
				fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">… %d more</text>`, bx.x+boxPad, bx.y+boxPad+float64(lineH*(i+2))-3, len(m.Properties)-maxLines)
				break
			}
			mark := ""
			if p.ID {
				mark = " (key)"
			}
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">%s: %s%s</text>`, bx.x+boxPad, bx.y+boxPad+float64(lineH*(i+2))-3, esc(p.Name), esc(string(p.Type)), mark)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// edge draws an arrow from box a to box b (a loop for a self-reference).
func edge(w *strings.Builder, a, b *box, label string) {
	if a == nil || b == nil {
		return
	}
	if a == b {
		x, y := a.x+a.w, a.y+a.h/2
		fmt.Fprintf(w, `<path class="edge" d="M%.0f,%.0f C%.0f,%.0f %.0f,%.0f %.0f,%.0f" marker-end="url(#arrow)"/>`, x, y-10, x+50, y-40, x+50, y+40, x, y+10)
		fmt.Fprintf(w, `<text class="edge-label" x="%.0f" y="%.0f">%s</text>`, x+30, y-30, esc(label))
		return
	}
	ax, ay := a.x+a.w/2, a.y+a.h/2
	bx, by := b.x+b.w/2, b.y+b.h/2
	sx, sy := clip(a, bx, by)
	ex, ey := clip(b, ax, ay)
	fmt.Fprintf(w, `<line class="edge" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" marker-end="url(#arrow)"/>`, sx, sy, ex, ey)
	fmt.Fprintf(w, `<text class="edge-label" x="%.0f" y="%.0f">%s</text>`, (sx+ex)/2+4, (sy+ey)/2-4, esc(label))
}

// clip returns where the segment from the box's centre towards (x, y)
// leaves the box.
func clip(b *box, x, y float64) (float64, float64) {
	cx, cy := b.x+b.w/2, b.y+b.h/2
	dx, dy := x-cx, y-cy
	if dx == 0 && dy == 0 {
		return cx, cy
	}
	t := math.Inf(1)
	if dx != 0 {
		t = math.Min(t, (b.w/2)/math.Abs(dx))
	}
	if dy != 0 {
		t = math.Min(t, (b.h/2)/math.Abs(dy))
	}
	return cx + dx*t, cy + dy*t
}

func esc(s string) string { return template.HTMLEscapeString(s) }
