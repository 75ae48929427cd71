#include "core/gilcontention.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace wsgi {

namespace {

struct Point
{
    double x;
    double y; // log(count)
    double w; // count: a band with more events pins the line harder
};

struct Fit
{
    std::optional<double> q;
    std::optional<double> r2;
    std::string why; // rejection reason
};

std::string formatR2(double r2)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", r2);
    return buf;
}

// Weighted least squares of log(c_k) against k, with contention.py's acceptance rules.
Fit fitGeometricDecay(const std::array<int64_t, 5>& bands, int firstBand)
{
    std::vector<Point> points;
    for (int k = firstBand; k < firstBand + 3; ++k)
        if (bands[k] > 0) // log(0) has no place on the line; the band simply drops out
            points.push_back({double(k - firstBand), std::log(double(bands[k])), double(bands[k])});
    Fit fit;
    if (points.size() < 2) {
        fit.why = "fewer than two non-empty bands";
        return fit;
    }
    double sumW = 0, meanX = 0, meanY = 0;
    for (const auto& p : points) {
        sumW += p.w;
        meanX += p.w * p.x;
        meanY += p.w * p.y;
    }
    meanX /= sumW;
    meanY /= sumW;
    double varX = 0, covXY = 0;
    for (const auto& p : points) {
        varX += p.w * (p.x - meanX) * (p.x - meanX);
        covXY += p.w * (p.x - meanX) * (p.y - meanY);
    }
    varX /= sumW;
    covXY /= sumW;
    if (varX <= 0.0) {
        fit.why = "no spread across bands";
        return fit;
    }
    const double slope = covXY / varX;
    if (slope >= 0.0) {
        fit.why = "counts do not fall from band to band";
        return fit;
    }
    const double q = 1.0 - std::exp(slope);
    if (!(q > 0.0 && q < 1.0)) {
        fit.why = "q outside (0, 1)";
        return fit;
    }
    const double intercept = meanY - slope * meanX;
    double ssRes = 0, varY = 0;
    for (const auto& p : points) {
        const double residual = p.y - (intercept + slope * p.x);
        ssRes += p.w * residual * residual;
        varY += p.w * (p.y - meanY) * (p.y - meanY);
    }
    if (varY <= 0.0) {
        fit.why = "counts are flat";
        return fit;
    }
    fit.r2 = 1.0 - ssRes / varY;
    if (*fit.r2 < kGilContentionMinR2) {
        fit.why = "R^2 " + formatR2(*fit.r2) + " below " + formatR2(kGilContentionMinR2);
        return fit;
    }
    fit.q = q;
    return fit;
}

void accept(GilContention& out, const Fit& fit, const char* kind, const std::string& how)
{
    out.q = fit.q;
    out.r2 = fit.r2;
    out.label = gilContentionLabel(*fit.q);
    out.fit = kind;
    out.reason = how + ", R^2 " + formatR2(*fit.r2);
}

} // namespace

const char* gilContentionLabel(double q)
{
    if (q >= 0.7)
        return "transient";
    if (q >= 0.4)
        return "compounding";
    return "convoy";
}

std::array<double, 5> gilContentionBandLowerUs(double switchIntervalS)
{
    const double s = switchIntervalS * 1e6;
    return {0.0, 0.8 * s, 1.8 * s, 2.8 * s, 3.8 * s};
}

std::array<int64_t, 5> gilContentionBands(const Histogram& gilWaitUs, double switchIntervalS)
{
    std::array<int64_t, 5> bands{};
    if (!(switchIntervalS > 0.0))
        return bands;
    const auto lower = gilContentionBandLowerUs(switchIntervalS);
    for (const auto& [index, n] : gilWaitUs.sparse()) {
        // Midpoint assignment, as contention.py does with mod_wsgi's buckets; ours are at most ~3%
        // wide, so only samples within a bucket's width of an edge can land one band off.
        const double mid = 0.5 * double(Histogram::bucketLower(index) + Histogram::bucketUpper(index));
        int k = 4;
        while (k > 0 && mid < lower[k])
            --k;
        bands[k] += n;
    }
    return bands;
}

GilContention gilContentionFromBands(const std::array<int64_t, 5>& bands)
{
    GilContention out;
    out.bands = bands;
    for (int64_t c : bands)
        out.events += c;
    if (out.events > 0)
        for (int k = 0; k < 5; ++k)
            out.fractions[k] = double(bands[k]) / double(out.events);

    // Primary: c1..c3, unless c1 < c2 marks the head as contaminated.
    std::string primaryWhy;
    const int64_t primaryEvents = bands[1] + bands[2] + bands[3];
    if (bands[1] < bands[2]) {
        primaryWhy = "c1 < c2 (head contaminated)";
    } else if (primaryEvents < kGilContentionMinEvents) {
        primaryWhy = std::to_string(primaryEvents) + " events in c1..c3";
    } else {
        const Fit fit = fitGeometricDecay(bands, 1);
        out.fitEvents = primaryEvents;
        out.r2 = fit.r2;
        if (fit.q) {
            accept(out, fit, "primary", "fitted over c1..c3");
            return out;
        }
        primaryWhy = "c1..c3: " + fit.why;
    }

    // Fallback: c2..c4+. c4+ also holds the OS-stall tail, so this q leans high.
    const int64_t fallbackEvents = bands[2] + bands[3] + bands[4];
    if (fallbackEvents < kGilContentionMinEvents) {
        out.reason = "not enough data: " + primaryWhy + ", " + std::to_string(fallbackEvents) +
                     (fallbackEvents == 1 ? " event" : " events") + " in c2..c4+; a fit needs " +
                     std::to_string(kGilContentionMinEvents);
        return out;
    }
    const Fit fit = fitGeometricDecay(bands, 2);
    out.fitEvents = fallbackEvents;
    if (fit.r2)
        out.r2 = fit.r2;
    if (fit.q) {
        accept(out, fit, "fallback_c2_c4plus", "fitted over c2..c4+ because " + primaryWhy);
        return out;
    }
    out.reason = "no fit: " + primaryWhy + "; c2..c4+: " + fit.why;
    return out;
}

GilContention analyzeGilContention(const Histogram& gilWaitUs, double switchIntervalS)
{
    GilContention out;
    if (switchIntervalS > 0.0 && std::isfinite(switchIntervalS)) {
        out = gilContentionFromBands(gilContentionBands(gilWaitUs, switchIntervalS));
    } else {
        out.reason = "no fit: the switch interval must be a positive number of seconds";
    }
    out.switchIntervalS = switchIntervalS;
    out.p50Us = gilWaitUs.percentile(50);
    out.p95Us = gilWaitUs.percentile(95);
    out.p99Us = gilWaitUs.percentile(99);
    return out;
}

} // namespace wsgi
