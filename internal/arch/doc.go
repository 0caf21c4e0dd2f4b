// Package arch holds no code: its tests keep the project's architecture.
// Dependencies run one way (sim and history know nothing of the rest; the
// model knows only sim and history; the judges and explanations read
// histories; scenarios wire; report and the CLI sit on top), and the
// deterministic core (sim, model) uses no goroutine, wall clock, global
// random source or I/O.
package arch
