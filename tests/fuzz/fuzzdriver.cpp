// A libFuzzer stand-in for compilers without -fsanitize=fuzzer: feeds the target a deterministic
// stream of inputs (random bytes, and mutations of inputs that look like the target's language), so
// every build checks that no input crashes or hangs it. Real coverage-guided fuzzing is
// tests/fuzz/run-libfuzzer.sh.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Seeds each target may define; weak so targets without any still link.
extern "C" __attribute__((weak)) const char* const* wsgiFuzzSeeds()
{
    return nullptr;
}

int main(int argc, char** argv)
{
    long iterations = 10000;
    size_t maxLen = 4096;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--iterations") == 0)
            iterations = std::atol(argv[i + 1]);
        else if (std::strcmp(argv[i], "--max-len") == 0)
            maxLen = size_t(std::atol(argv[i + 1]));
    }
    std::vector<std::string> pool;
    if (const char* const* seeds = wsgiFuzzSeeds())
        for (; *seeds; ++seeds)
            pool.emplace_back(*seeds);
    pool.emplace_back("");
    std::mt19937_64 rng(20261123);
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) {
        std::string input = pool[rng() % pool.size()];
        const int edits = 1 + int(rng() % 8);
        for (int e = 0; e < edits; ++e) {
            const size_t at = input.empty() ? 0 : rng() % (input.size() + 1);
            switch (rng() % 5) {
            case 0: // flip a byte
                if (!input.empty())
                    input[at % input.size()] = char(rng());
                break;
            case 1: // insert random bytes
                input.insert(at, std::string(1 + rng() % 8, char(rng())));
                break;
            case 2: // delete a span
                if (!input.empty())
                    input.erase(at % input.size(), 1 + rng() % 16);
                break;
            case 3: // splice another pool entry
                input.insert(at, pool[rng() % pool.size()].substr(0, 64));
                break;
            case 4: // duplicate a span (repetition finds limit bugs)
                if (!input.empty())
                    input.insert(at, input.substr(at % input.size(), 1 + rng() % 32));
                break;
            }
        }
        if (input.size() > maxLen)
            input.resize(maxLen);
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
        if (pool.size() < 256 && rng() % 64 == 0)
            pool.push_back(input);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%ld inputs in %.1f s, no crash\n", iterations, seconds);
    return 0;
}
