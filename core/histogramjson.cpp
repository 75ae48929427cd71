#include "core/histogramjson.h"

#include <algorithm>

namespace wsgi {

Json histogramToJson(const Histogram& histogram)
{
    Json buckets = Json::array();
    for (const auto& [index, n] : histogram.sparse())
        buckets.push(Json::array().push(index).push(n));
    Json out = Json::object();
    out.set("version", kHistogramJsonVersion)
        .set("count", histogram.count())
        .set("sum_us", histogram.sum())
        .set("min_us", histogram.min())
        .set("max_us", histogram.max())
        .set("buckets", std::move(buckets));
    return out;
}

namespace {

bool readInt(const Json& json, const char* key, int64_t& value, std::string& error)
{
    const Json* v = json.get(key);
    if (!v || !v->isInt()) {
        error = std::string("histogram: '") + key + (v ? "' is not an integer" : "' is missing");
        return false;
    }
    value = v->asInt();
    return true;
}

} // namespace

bool histogramFromJson(const Json& json, Histogram& out, std::string& error)
{
    if (!json.isObject()) {
        error = "histogram: not an object";
        return false;
    }
    int64_t version = 0;
    int64_t count = 0;
    int64_t sum = 0;
    int64_t min = 0;
    int64_t max = 0;
    if (!readInt(json, "version", version, error))
        return false;
    if (version != kHistogramJsonVersion) {
        error = "histogram: unsupported version " + std::to_string(version);
        return false;
    }
    if (!readInt(json, "count", count, error) || !readInt(json, "sum_us", sum, error) ||
        !readInt(json, "min_us", min, error) || !readInt(json, "max_us", max, error))
        return false;
    const Json* buckets = json.get("buckets");
    if (!buckets || !buckets->isArray()) {
        error = "histogram: 'buckets' is missing or not an array";
        return false;
    }

    std::vector<std::pair<int, int64_t>> sparse;
    sparse.reserve(buckets->size());
    int64_t total = 0;
    for (size_t i = 0; i < buckets->size(); ++i) {
        const Json& entry = buckets->at(i);
        const std::string where = "histogram: buckets[" + std::to_string(i) + "]";
        if (!entry.isArray() || entry.size() != 2 || !entry.at(0).isInt() || !entry.at(1).isInt()) {
            error = where + " is not an [index, count] pair of integers";
            return false;
        }
        const int64_t index = entry.at(0).asInt();
        const int64_t n = entry.at(1).asInt();
        if (index < 0 || index >= Histogram::bucketCount()) {
            error = where + ": index " + std::to_string(index) + " out of range";
            return false;
        }
        if (n < 0) {
            error = where + ": negative count";
            return false;
        }
        if (__builtin_add_overflow(total, n, &total)) {
            error = where + ": counts overflow";
            return false;
        }
        sparse.emplace_back(int(index), n);
    }
    if (total != count) {
        error = "histogram: bucket counts add up to " + std::to_string(total) + ", 'count' says " +
                std::to_string(count);
        return false;
    }
    if (count > 0) {
        // min and max must sit in the lowest and highest non-empty buckets: this catches a sender
        // with another bucket layout, or a corrupted message, before it skews every percentile.
        int lowest = Histogram::bucketCount();
        int highest = -1;
        for (const auto& [index, n] : sparse) {
            if (n == 0)
                continue;
            lowest = std::min(lowest, index);
            highest = std::max(highest, index);
        }
        if (min > max || Histogram::bucketIndex(min) != lowest || Histogram::bucketIndex(max) != highest ||
            min < 0) {
            error = "histogram: min_us/max_us do not match the buckets";
            return false;
        }
    }
    if (!out.assign(sparse, sum, min, max)) {
        error = "histogram: buckets rejected";
        return false;
    }
    return true;
}

} // namespace wsgi
