// Package arch holds no code: its tests keep the project's architecture.
// Dependencies run one way (sim and history know nothing of the rest but
// par; the model knows only sim, history and par; the judges and
// explanations read histories; scenarios wire; report and the CLI sit on
// top), and the deterministic core (sim, model) uses no goroutine, wall
// clock, global random source or I/O. Its one door to another core is
// par.Start, in two named files, for bookkeeping whose result the world
// waits for (the trace hash, packing records): see TestCoreIsDeterministic.
package arch
