// The exec path's launcher, spawn and terminal code moved to PodExec so the lean podctl
// can link it without Foundation; PodRuntime's users keep seeing it.
@_exported import PodExec
