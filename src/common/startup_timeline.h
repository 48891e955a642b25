// The start-up timeline of csmsd: how long after exec each phase of start-up ended, for the
// `--log-level debug` lines ("start-up phase") and the "after N ms" of the listening line
// (docs/architecture.md, start-up; bench/startup.sh prints the phases).
//
// The origin is exec, estimated without a clock the kernel does not give: at the first static
// initialiser of the executable, the main thread has never slept (the dynamic loader and the
// libraries' own initialisers only compute and fault pages in), so its on-CPU plus runnable time
// (/proc/self/schedstat, nanoseconds) is the wall time since the process began. That includes the
// parent's few hundred microseconds between fork and exec, and undercounts a loader that waited
// for the disk (a cold page cache). Recording a phase costs two clock reads.
#pragma once

#include <cstdint>
#include <string_view>

namespace csms::startup {

// Microseconds from exec (as above) to now.
int64_t MicrosSinceExec();

// CPU time of the whole process so far, every thread's including those that have ended (a
// first start's key derivation, the crypto warm-up), in microseconds.
int64_t ProcessCpuMicros();

// Microseconds from exec to the first static initialiser of the executable: the dynamic loader,
// relocations and the shared libraries' initialisers.
int64_t LoaderMicros();

// Marks the end of a start-up phase named by a string literal (kept, not copied): how long it took
// since the previous mark and when it ended. Main thread only, during start-up.
void Phase(std::string_view name);

// Logs the marks so far at debug level, one `start-up phase phase=NAME us=… at_us=… cpu_us=…` line
// each (us: wall time in the phase; at_us: since exec; cpu_us: the main thread's CPU time in the
// phase, which unlike the wall time does not grow with the machine's load), the first being
// phase=loader (exec → first static initialiser).
void LogPhases();

}  // namespace csms::startup
