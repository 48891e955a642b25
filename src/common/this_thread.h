// What a long-lived thread says about itself to the operating system (Linux: both are per thread).
#pragma once

namespace csms {

// Names the calling thread (at most 15 characters, shown by `top -H`, `ps -L` and
// /proc/PID/task/TID/comm).
void NameThisThread(const char* name);

// Sets the calling thread's nice value to the process's (its main thread's) plus `increment`
// (0-19); 0 does nothing. So a thread started by an already lowered one is not lowered twice.
// Lowering one's own priority needs no privilege. A failure is logged once and otherwise ignored:
// the thread runs on at its old priority. Threads it starts afterwards inherit the lower priority.
void LowerThisThreadsPriority(int increment);

}  // namespace csms
