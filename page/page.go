package page

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
)

// Doc is one report.
type Doc struct {
	Title string
	// Intro comes before the table of contents.
	Intro    []Block
	Sections []*Section
}

// Section is a titled part; its ID is the HTML anchor (made from the
// title when empty).
type Section struct {
	ID     string
	Title  string
	Blocks []Block
	Sub    []*Section
}

// Add appends blocks to the section and returns it.
func (s *Section) Add(b ...Block) *Section { s.Blocks = append(s.Blocks, b...); return s }

// Block is one piece of a section.
type Block interface {
	markdown(b *bytes.Buffer)
	html(b *bytes.Buffer)
}

// Para is a paragraph.
type Para string

// List is a bulleted list.
type List []string

// Code is preformatted text (a command to rerun, a causal chain).
type Code string

// Table is a table with a header row; Right marks right-aligned columns.
type Table struct {
	Head  []string
	Rows  [][]string
	Right []bool
}

// Figure is a plot: its SVG inlined in the HTML, and in the Markdown an
// image link to File (a path relative to the report).
type Figure struct {
	Caption string
	File    string
	SVG     []byte
}

// Details is a collapsible block (<details> in both writers).
type Details struct {
	Summary string
	Blocks  []Block
}

// Paras makes one Para per argument.
func Paras(ps ...string) []Block {
	out := make([]Block, len(ps))
	for i, p := range ps {
		out[i] = Para(p)
	}
	return out
}

var (
	codeSpan = regexp.MustCompile("`([^`]+)`")
	boldSpan = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	nonID    = regexp.MustCompile(`[^a-z0-9]+`)
)

// inline escapes text for HTML and turns `code` and **bold** into tags.
func inline(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range codeSpan.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(bold(html.EscapeString(s[last:m[0]])))
		b.WriteString("<code>" + html.EscapeString(s[m[2]:m[3]]) + "</code>")
		last = m[1]
	}
	b.WriteString(bold(html.EscapeString(s[last:])))
	return b.String()
}

func bold(escaped string) string { return boldSpan.ReplaceAllString(escaped, "<strong>$1</strong>") }

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func (p Para) markdown(b *bytes.Buffer) { fmt.Fprintf(b, "%s\n\n", string(p)) }
func (p Para) html(b *bytes.Buffer)     { fmt.Fprintf(b, "<p>%s</p>\n", inline(string(p))) }

func (l List) markdown(b *bytes.Buffer) {
	for _, it := range l {
		fmt.Fprintf(b, "- %s\n", strings.ReplaceAll(it, "\n", "\n  "))
	}
	b.WriteString("\n")
}

func (l List) html(b *bytes.Buffer) {
	b.WriteString("<ul>\n")
	for _, it := range l {
		fmt.Fprintf(b, "<li>%s</li>\n", inline(it))
	}
	b.WriteString("</ul>\n")
}

func (c Code) markdown(b *bytes.Buffer) {
	fmt.Fprintf(b, "```\n%s\n```\n\n", strings.TrimRight(string(c), "\n"))
}

func (c Code) html(b *bytes.Buffer) {
	fmt.Fprintf(b, "<pre>%s</pre>\n", html.EscapeString(strings.TrimRight(string(c), "\n")))
}

func (t Table) markdown(b *bytes.Buffer) {
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			fmt.Fprintf(b, " %s |", mdCell(c))
		}
		b.WriteString("\n")
	}
	row(t.Head)
	b.WriteString("|")
	for i := range t.Head {
		if i < len(t.Right) && t.Right[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	b.WriteString("\n")
}

func (t Table) html(b *bytes.Buffer) {
	b.WriteString("<table>\n<thead><tr>")
	for _, h := range t.Head {
		fmt.Fprintf(b, "<th>%s</th>", inline(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for i, c := range r {
			if i < len(t.Right) && t.Right[i] {
				fmt.Fprintf(b, `<td class="num">%s</td>`, inline(c))
			} else {
				fmt.Fprintf(b, "<td>%s</td>", inline(c))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

func (f Figure) markdown(b *bytes.Buffer) {
	fmt.Fprintf(b, "![%s](%s)\n\n", f.Caption, f.File)
}

func (f Figure) html(b *bytes.Buffer) {
	b.WriteString("<figure>\n")
	svg := f.SVG
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:] // drop the XML prolog: it is not allowed inside HTML
	}
	b.Write(svg)
	fmt.Fprintf(b, "\n<figcaption>%s</figcaption>\n</figure>\n", inline(f.Caption))
}

func (d Details) markdown(b *bytes.Buffer) {
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", html.EscapeString(d.Summary))
	for _, x := range d.Blocks {
		x.markdown(b)
	}
	b.WriteString("</details>\n\n")
}

func (d Details) html(b *bytes.Buffer) {
	fmt.Fprintf(b, "<details><summary>%s</summary>\n", inline(d.Summary))
	for _, x := range d.Blocks {
		x.html(b)
	}
	b.WriteString("</details>\n")
}

// ids gives every section an anchor, unique in the document.
func (d *Doc) ids() {
	seen := map[string]int{}
	var walk func([]*Section)
	walk = func(ss []*Section) {
		for _, s := range ss {
			id := s.ID
			if id == "" {
				id = strings.Trim(nonID.ReplaceAllString(strings.ToLower(s.Title), "-"), "-")
			}
			if id == "" {
				id = "section"
			}
			if n := seen[id]; n > 0 {
				seen[id] = n + 1
				id = fmt.Sprintf("%s-%d", id, n+1)
			} else {
				seen[id] = 1
			}
			s.ID = id
			walk(s.Sub)
		}
	}
	walk(d.Sections)
}

// Markdown writes the document as GitHub-flavoured Markdown.
func Markdown(d Doc) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	for _, x := range d.Intro {
		x.markdown(&b)
	}
	var walk func([]*Section, int)
	walk = func(ss []*Section, level int) {
		for _, s := range ss {
			fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", level), s.Title)
			for _, x := range s.Blocks {
				x.markdown(&b)
			}
			walk(s.Sub, min(level+1, 6))
		}
	}
	walk(d.Sections, 2)
	return bytes.TrimRight(b.Bytes(), "\n")
}

const css = `body{font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1,h2,h3,h4{line-height:1.2}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:'Liberation Mono',Cousine,Menlo,Consolas,monospace;font-size:.88rem}code{background:#f5f5f5;padding:0 .2rem}
pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:.6rem;overflow-x:auto}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#555}
details{margin:.6rem 0;border-left:3px solid #ddd;padding-left:.6rem}summary{cursor:pointer}
nav.toc{background:#fafafa;border:1px solid #e5e5e5;padding:.4rem 1rem;margin:1rem 0}nav.toc ul{margin:.2rem 0}`

// HTML writes the document as one self-contained page: inline style and
// SVG, a table of contents, no script, nothing fetched.
func HTML(d Doc) []byte {
	d.ids()
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>\n%s\n</style>\n</head>\n<body>\n<h1>%s</h1>\n",
		html.EscapeString(d.Title), css, inline(d.Title))
	for _, x := range d.Intro {
		x.html(&b)
	}
	b.WriteString("<nav class=\"toc\"><strong>Contents</strong>\n")
	var toc func([]*Section)
	toc = func(ss []*Section) {
		if len(ss) == 0 {
			return
		}
		b.WriteString("<ul>\n")
		for _, s := range ss {
			fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a>", s.ID, inline(s.Title))
			toc(s.Sub)
			b.WriteString("</li>\n")
		}
		b.WriteString("</ul>\n")
	}
	toc(d.Sections)
	b.WriteString("</nav>\n")
	var walk func([]*Section, int)
	walk = func(ss []*Section, level int) {
		for _, s := range ss {
			fmt.Fprintf(&b, "<section id=\"%s\">\n<h%d>%s</h%d>\n", s.ID, level, inline(s.Title), level)
			for _, x := range s.Blocks {
				x.html(&b)
			}
			walk(s.Sub, min(level+1, 6))
			b.WriteString("</section>\n")
		}
	}
	walk(d.Sections, 2)
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}
