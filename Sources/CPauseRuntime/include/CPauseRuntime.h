// pod-pause's own C runtime (docs/pause-and-init.md, "Memory"): the program start and the
// few system calls pause and init make, instead of static glibc. Nothing is exported to
// Swift through this header: pod-pause declares each function with @_extern(c) in
// LibC.swift, and this target only has to be linked in.
#ifndef CPAUSERUNTIME_H
#define CPAUSERUNTIME_H
#endif
