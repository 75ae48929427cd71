#pragma once
// Axis bounds on round numbers (1, 2, 2.5, 5 x 10^n), so tick labels read 0, 50, 100 rather than
// 0, 43.7, 87.4, and the number of decimals the labels need.

#include <algorithm>
#include <cmath>

namespace wsgi::studio::charts {

struct NiceAxis
{
    double min = 0;
    double max = 1;
    int tickCount = 5;
    int decimals = 0;
};

inline NiceAxis niceAxis(double min, double max, int targetTicks = 5)
{
    if (!std::isfinite(min) || !std::isfinite(max)) {
        return {};
    }
    if (max <= min) {
        max = min + (min == 0 ? 1 : std::abs(min) * 0.1);
    }
    const double rough = (max - min) / std::max(1, targetTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = magnitude * 10;
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (factor * magnitude >= rough) {
            step = factor * magnitude;
            break;
        }
    }
    NiceAxis axis;
    axis.min = std::floor(min / step) * step;
    axis.max = std::ceil(max / step) * step;
    axis.tickCount = int(std::lround((axis.max - axis.min) / step)) + 1;
    // step = f x 10^n needs -n decimals, one more when f is 2.5 (2.5, 7.5).
    const int exponent = int(std::floor(std::log10(step) + 1e-9));
    const bool halfStep = std::abs(step / std::pow(10.0, exponent) - 2.5) < 1e-6;
    axis.decimals = std::max(0, -exponent + (halfStep ? 1 : 0));
    axis.decimals = std::min(axis.decimals, 6);
    return axis;
}

} // namespace wsgi::studio::charts
