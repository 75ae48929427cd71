#pragma once
// The supervisor's pool of request threads in proxy mode: which thread takes the next request
// (workerpool.cpp also holds the channel plumbing: dispatch, frames, failures). The choice is a pure
// function so that the balancing is unit-tested without processes.

#include <cstddef>
#include <vector>

namespace wsgi::hosting {

// The process of a group that takes the next request: the one with the most idle threads, so load
// spreads across processes the way requests spread over daemon processes in mod_wsgi; ties go to the
// first one from `start` on (round robin), so light load also reaches every process.
// `idle[k]` is the number of idle threads of the group's k-th process (0 when it has none or is not
// running). SIZE_MAX when no thread is idle.
size_t pickProcess(const std::vector<int>& idle, size_t start);

} // namespace wsgi::hosting
