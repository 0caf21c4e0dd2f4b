// Package page is rmqsim's one report writer: a document of sections,
// paragraphs, lists, tables, figures and collapsible details, written as
// Markdown and as one self-contained HTML page (inline CSS and SVG, a
// table of contents, no script and no network), and the plots reports
// draw with gonum, as SVG and 256-colour PNG.
//
// It knows nothing of RocketMQ or of any scenario: commands (`simulate
// sweep`, `simulate compare`, ...) build a Doc from their data and call
// Markdown and HTML. Both writers are pure functions of the Doc, so a
// report is as deterministic as the data it is built from.
//
// Text in paragraphs, list items and cells is Markdown-lite: `code` and
// **bold** are the only markup, and HTML escapes everything else.
package page
