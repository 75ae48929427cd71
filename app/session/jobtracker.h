#pragma once
// Long work off the GUI thread whose result reaches only a live context, and only if it is still the
// newest: a page that starts a validation for revision 7 and then one for revision 8 never sees 7's
// findings, and a page closed meanwhile sees nothing at all (as hotspot's JobTracker does).
//
//   JobTracker m_validation;                                // a member of the page
//   m_validation.startJob(this,
//       [text](const JobCancel& cancel) { return validate(text, cancel); },  // on a pool thread
//       [this](Findings findings) { showFindings(findings); });          // on this page's thread
//
// The work may take no argument or a `const JobCancel&` it polls to stop early; cancel() sets that
// flag and drops the job's result. Destroying the tracker does the same for every job still running
// (their threads finish on their own; nothing waits for them). startJob must be called on the thread
// the context lives on: that is where onResult runs.

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QRunnable>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace wsgi::studio {

// The cancel flag a job's work may poll; cheap to copy, safe to read from any thread.
class JobCancel
{
public:
    JobCancel() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

namespace detail {

// What the tracker and its jobs in flight share. The receiver is the object results are queued to:
// it lives on the context's thread and is deleted (later, on that thread) only once the tracker and
// every job holding it are gone, so a job never posts to a dead object, however late it finishes.
struct JobTrackerState
{
    uint64_t current = 0; // the newest job's id; read and written on the context's thread only
    bool running = false;
    JobCancel cancel;
    std::shared_ptr<QObject> receiver;
};

// QThreadPool::start(std::function) would need a copyable job; results may be move-only.
template <typename F> class FunctionRunnable : public QRunnable
{
public:
    explicit FunctionRunnable(F f) : m_f(std::move(f)) {}
    void run() override { m_f(); }

private:
    F m_f;
};

} // namespace detail

class JobTracker
{
public:
    explicit JobTracker(QThreadPool* pool = nullptr)
        : m_pool(pool ? pool : QThreadPool::globalInstance()),
          m_state(std::make_shared<detail::JobTrackerState>())
    {
    }
    ~JobTracker() { cancel(); }
    JobTracker(const JobTracker&) = delete;
    JobTracker& operator=(const JobTracker&) = delete;

    // Starts `work` on the pool; `onResult(T)` runs later on the context's thread, unless the context
    // was destroyed, a newer job was started, or cancel() was called. Returns the job's id (> 0).
    template <typename Work, typename OnResult>
    uint64_t startJob(QObject* context, Work&& work, OnResult&& onResult)
    {
        Q_ASSERT(context && context->thread() == QThread::currentThread());
        auto& state = *m_state;
        state.cancel.cancel(); // the previous job may stop early: its result would be dropped anyway
        state.cancel = JobCancel();
        const uint64_t id = ++state.current;
        state.running = true;
        if (!state.receiver) {
            // deleteLater, not delete: the last reference may be dropped on a pool thread.
            state.receiver = std::shared_ptr<QObject>(new QObject, [](QObject* o) { o->deleteLater(); });
        }
        std::weak_ptr<detail::JobTrackerState> weakState = m_state;
        auto job = [work = std::forward<Work>(work), onResult = std::forward<OnResult>(onResult),
                    cancel = state.cancel, receiver = state.receiver, guard = QPointer<QObject>(context),
                    weakState, id]() mutable {
            auto result = invokeWork(work, cancel);
            if (cancel.isCancelled())
                return;
            QMetaObject::invokeMethod(
                receiver.get(),
                [result = std::move(result), onResult = std::move(onResult), guard, weakState, id]() mutable {
                    const auto live = weakState.lock();
                    if (!live || live->current != id)
                        return; // the tracker is gone, or a newer job replaced this one
                    live->running = false;
                    if (guard)
                        onResult(std::move(result));
                },
                Qt::QueuedConnection);
        };
        m_pool->start(new detail::FunctionRunnable<decltype(job)>(std::move(job)));
        return id;
    }

    // The newest job's result will not be delivered; its work sees isCancelled().
    void cancel()
    {
        m_state->cancel.cancel();
        ++m_state->current;
        m_state->running = false;
    }

    // True from startJob until the newest job's result was delivered (or dropped by cancel()).
    bool isJobRunning() const { return m_state->running; }
    uint64_t currentJob() const { return m_state->current; }

private:
    template <typename Work> static auto invokeWork(Work& work, const JobCancel& cancel)
    {
        if constexpr (std::is_invocable_v<Work&, const JobCancel&>)
            return work(cancel);
        else
            return work();
    }

    QThreadPool* m_pool;
    std::shared_ptr<detail::JobTrackerState> m_state;
};

} // namespace wsgi::studio
