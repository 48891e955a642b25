// Waiting for a condition instead of sleeping: tests poll what the system promises until it holds
// or a generous deadline passes.
#pragma once

#include <chrono>
#include <functional>

namespace csms::test {

// Polls `done` every few milliseconds until it holds (true) or `timeout` passes (false).
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace csms::test
