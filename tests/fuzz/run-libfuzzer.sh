#!/usr/bin/env bash
# Coverage-guided fuzzing of every tests/fuzz/*_fuzz.cpp target with clang's libFuzzer (ASan+UBSan),
# each for SECONDS (default 60), bounded in memory. Usage: tests/fuzz/run-libfuzzer.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWSGI_STUDIO_LIBFUZZER=ON -DWSGI_STUDIO_BUILD_GUI=OFF >/dev/null
for source in tests/fuzz/*_fuzz.cpp; do
    name=$(basename "$source" .cpp)
    echo "==> $name: building"
    cmake --build build-fuzz --target "$name" >/dev/null
    corpus=build-fuzz/corpus/$name
    mkdir -p "$corpus"
    echo "==> $name: fuzzing for ${seconds}s"
    build-fuzz/bin/"$name" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
        | grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY' || true
done
