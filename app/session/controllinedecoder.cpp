#include "session/controllinedecoder.h"

using namespace Qt::StringLiterals;

namespace wsgi::studio {

DecodedControlLine decodeControlLine(quint64 epoch, QByteArrayView line)
{
    DecodedControlLine out;
    out.epoch = epoch;
    out.message = decodeMessage(line);
    if (out.message && out.message.value->kind == ControlMessage::Kind::Event &&
        out.message.value->event == u"telemetry"_s)
        out.telemetry = decodeTelemetry(out.message.value->object);
    return out;
}

} // namespace wsgi::studio
