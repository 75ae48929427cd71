// The control endpoint's message parser (core JSON) on arbitrary bytes: parse, dump, parse again.
#include "core/json.h"

#include <cstdint>
#include <string>

extern "C" const char* const* wsgiFuzzSeeds()
{
    static const char* const seeds[] = {
        R"({"id":1,"token":"abc","op":"subscribe","interval_ms":250})",
        R"({"id":2,"op":"reload","config":"WSGIDaemonProcess g\nWSGIScriptAlias / /a.py process-group=g\n"})",
        R"([1,-0,1e308,"\ud83d\ude00",{"a":[true,false,null]}])",
        nullptr,
    };
    return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string error;
    const auto j = wsgi::Json::parse(std::string_view(reinterpret_cast<const char*>(data), size), error);
    if (j) {
        const auto again = wsgi::Json::parse(j->dump(), error);
        if (!again || again->dump() != j->dump())
            __builtin_trap();
    }
    return 0;
}
