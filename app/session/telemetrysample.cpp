#include "session/telemetrysample.h"

namespace wsgi::studio {

const char* timingPhaseWireName(TimingPhase phase)
{
    switch (phase) {
    case TimingPhase::Queue:
        return "queue_time";
    case TimingPhase::Application:
        return "application_time";
    case TimingPhase::Request:
        return "request_time";
    case TimingPhase::InputRead:
        return "input_read_time";
    case TimingPhase::OutputWrite:
        return "output_write_time";
    case TimingPhase::GilWait:
        return "gil_wait_time";
    case TimingPhase::GilWaitFull:
        return "gil_wait_time_full";
    case TimingPhase::RequestCpu:
        return "request_cpu_time";
    case TimingPhase::RequestOffCpu:
        return "request_off_cpu_time";
    case TimingPhase::Count:
        break;
    }
    return "?";
}

bool isGilPhase(TimingPhase phase)
{
    return phase == TimingPhase::GilWait || phase == TimingPhase::GilWaitFull;
}

} // namespace wsgi::studio
